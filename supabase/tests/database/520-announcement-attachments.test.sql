-- 520-announcement-attachments: staff attach uploads when posting and editing an announcement
-- (the upload checks of messages: own folder, present, not attached yet, at most 10; all or
-- nothing); the files' rows and bytes are readable by exactly who may read the announcement
-- (every actor, both ways: anon, outsider, member, member of another program, coach, owner,
-- another organization's coach, service role); removing a file or deleting the announcement
-- queues the objects for the storage worker; the feed returns attachments and, for staff only,
-- "seen by N of M"; Today's newest unread returns its attachments.
begin;
select plan(48);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.path(p_who text, p_file text, p_org text default 'test-gym') returns text language sql as $f$
  select tests.get_organization_id(p_org)::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
-- what the storage service writes after an upload (service side, bypassing RLS)
create function pg_temp.upload(p_who text, p_file text, p_mime text, p_size bigint, p_org text default 'test-gym') returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, metadata)
  values ('attachments', pg_temp.path(p_who, p_file, p_org), tests.get_user_id(p_who)::text,
          jsonb_build_object('mimetype', p_mime, 'size', p_size))
  returning name $f$;
-- how many of these objects the current role may read through the storage policy
create function pg_temp.readable(p_paths text[]) returns int language sql as $f$
  select count(*)::int from storage.objects o where o.bucket_id = 'attachments' and o.name = any (p_paths) $f$;
create function pg_temp.deletion_reason(p_path text) returns text language sql security definer as $f$
  select reason from public.storage_deletions where bucket_id = 'attachments' and object_name = p_path $f$;
grant execute on all functions in schema pg_temp to public;

with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Strength', 'coaching') returning id)
insert into ids select 'p', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Endurance', 'coaching') returning id)
insert into ids select 'q', id from x;
-- member follows Strength; member2 follows Endurance (a member of another program)
insert into public.program_enrollments (program_id, user_id) values (tests.id('p'), tests.get_user_id('member'));
insert into public.program_enrollments (program_id, user_id) values (tests.id('q'), tests.get_user_id('member2'));

select pg_temp.upload('coach', 'a1111111-1111-1111-1111-111111111111.jpg', 'image/jpeg', 200000);
select pg_temp.upload('coach', 'a2222222-2222-2222-2222-222222222222.png', 'image/png', 3000);
select pg_temp.upload('coach', 'a3333333-3333-3333-3333-333333333333.mp4', 'video/mp4', 5000000);
select pg_temp.upload('coach', 'a4444444-4444-4444-4444-444444444444.webp', 'image/webp', 4000);
select pg_temp.upload('coach', 'a5555555-5555-5555-5555-555555555555.png', 'image/svg+xml', 4000);
select pg_temp.upload('member', 'b1111111-1111-1111-1111-111111111111.jpg', 'image/jpeg', 4000);
insert into ids values ('org_img', null), ('prog_img', null);

-- ============================ posting with files ============================================
select tests.authenticate_as('coach');
insert into ids select 'org', id from public.post_announcement(tests.get_organization_id('test-gym'), 'New rig photos',
  p_object_paths => array[pg_temp.path('coach', 'a1111111-1111-1111-1111-111111111111.jpg'),
                          pg_temp.path('coach', 'a3333333-3333-3333-3333-333333333333.mp4')]);
insert into ids select 'prog', id from public.post_announcement(tests.get_organization_id('test-gym'), 'Strength test sheet', tests.id('p'),
  p_object_paths => array[pg_temp.path('coach', 'a2222222-2222-2222-2222-222222222222.png')]);
select is((select array_agg(type::text order by type) from public.message_attachments where announcement_id = tests.id('org')),
          array['image', 'video'], 'a coach posts to the organization with an image and a video');
select is((select count(*)::int from public.message_attachments where announcement_id = tests.id('prog') and message_id is null), 1,
          'and to a program with an image (an announcement''s file belongs to no message)');

select is(tests.hint_of(format($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Sneaky', p_object_paths => array[%L]) $$,
                               pg_temp.path('member', 'b1111111-1111-1111-1111-111111111111.jpg'))),
          'attachment_not_yours', 'someone else''s upload cannot be attached');
select is(tests.hint_of(format($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Again', p_object_paths => array[%L]) $$,
                               pg_temp.path('coach', 'a2222222-2222-2222-2222-222222222222.png'))),
          'attachment_already_registered', 'a file already attached cannot be attached again');
select is(tests.hint_of(format($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Spoof', p_object_paths => array[%L]) $$,
                               pg_temp.path('coach', 'a5555555-5555-5555-5555-555555555555.png'))),
          'attachment_type_not_allowed', 'a file of a type that is not allowed is refused');
select is(tests.hint_of(format($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Missing', p_object_paths => array[%L]) $$,
                               pg_temp.path('coach', 'a9999999-9999-9999-9999-999999999999.jpg'))),
          'attachment_not_found', 'a file never uploaded is refused');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Many',
                          p_object_paths => (select array_agg(pg_temp.path('coach', g::text || '.jpg')) from generate_series(1, 11) g)) $$),
          'too_many_attachments', 'more than 10 files are refused');
select is((select count(*)::int from public.announcements where body in ('Sneaky', 'Again', 'Spoof', 'Missing', 'Many')), 0,
          'a refused file leaves no announcement behind');
select throws_ok(format($$ insert into public.message_attachments (announcement_id, organization_id, uploader_id, type, r2_key, size, mime_type)
                           values (%L, tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'image', %L, 4000, 'image/webp') $$,
                        tests.id('org'), pg_temp.path('coach', 'a4444444-4444-4444-4444-444444444444.webp')),
                 '42501', null, 'files are attached through the functions only, not inserted directly');

select tests.authenticate_as('member');
select is(tests.hint_of(format($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Mine', p_object_paths => array[%L]) $$,
                               pg_temp.path('member', 'b1111111-1111-1111-1111-111111111111.jpg'))),
          'not_staff', 'a member cannot post an announcement with files');
select is(tests.hint_of(format($$ select public.edit_announcement(%L, 'Taken over', null, array[%L]) $$, tests.id('org'),
                               pg_temp.path('member', 'b1111111-1111-1111-1111-111111111111.jpg'))),
          'not_author', 'nor add files to one');
select is(tests.hint_of(format($$ select private.attach_announcement_files(%L, array[%L], '{}') $$, tests.id('org'),
                               pg_temp.path('member', 'b1111111-1111-1111-1111-111111111111.jpg'))),
          'announcement_not_found', 'nor through the private helper');

-- ============================ who reads the files ===========================================
update ids set id = (select id from public.message_attachments where announcement_id = tests.id('org') and type = 'image') where name = 'org_img';
update ids set id = (select id from public.message_attachments where announcement_id = tests.id('prog')) where name = 'prog_img';
create temp table paths as
  select pg_temp.path('coach', 'a1111111-1111-1111-1111-111111111111.jpg') as org_img,
         pg_temp.path('coach', 'a2222222-2222-2222-2222-222222222222.png') as prog_img;
grant select on paths to public;

select tests.authenticate_as('member');
select is(pg_temp.readable(array[(select org_img from paths)]), 1, 'a member reads an organization-wide announcement''s file');
select is(pg_temp.readable(array[(select prog_img from paths)]), 1, 'an athlete of the program reads its announcement''s file');
select is((select count(*)::int from public.message_attachments where announcement_id in (tests.id('org'), tests.id('prog'))), 3,
          'and sees the rows of both announcements'' files');
select is((select jsonb_array_length(attachments) from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('org')), 2,
          'the feed carries the announcement''s files');
select is((select attachments -> 0 ->> 'r2_key' from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('prog')),
          (select prog_img from paths), 'with their object names');
select is((select seen_count from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('org')), null,
          'a member is not told who has seen it');
select is((select jsonb_array_length(attachments) from public.latest_unread_announcement(tests.get_organization_id('test-gym'))), 1,
          'Today''s newest unread carries its files');

select tests.authenticate_as('member2');
select is(pg_temp.readable(array[(select org_img from paths)]), 1, 'a member of another program reads the organization-wide file');
select is(pg_temp.readable(array[(select prog_img from paths)]), 0, 'but not the file of a program they do not follow');
select is((select count(*)::int from public.message_attachments where id = tests.id('prog_img')), 0, 'nor its row');
select is((select count(*)::int from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('prog')), 0,
          'nor the announcement in their feed');

select tests.authenticate_as('coach');
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 2, 'the coach reads both files');
select is((select seen_count || ' of ' || audience_count from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('prog')),
          '0 of 1', 'staff see "seen by 0 of 1" for the program''s announcement');

select tests.authenticate_as('owner');
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 2, 'the owner reads both files');
select is((select count(*)::int from public.message_attachments where announcement_id in (tests.id('org'), tests.id('prog'))), 3, 'and their rows');

select tests.authenticate_as('other_coach');
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 0, 'another organization''s coach reads neither file');
select is((select count(*)::int from public.message_attachments where announcement_id in (tests.id('org'), tests.id('prog'))), 0, 'nor their rows');

select tests.authenticate_as('outsider');
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 0, 'an outsider reads neither file');
select is((select count(*)::int from public.message_attachments where announcement_id in (tests.id('org'), tests.id('prog'))), 0, 'nor their rows');
select is((select count(*)::int from public.announcement_feed(tests.get_organization_id('test-gym'))), 0, 'nor the feed');

select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from public.message_attachments $$, '42501', null, 'anon cannot read attachment rows');
select throws_ok($$ select count(*) from public.announcement_feed(tests.get_organization_id('test-gym')) $$, '42501', null, 'nor the feed');
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 0, 'nor the files');

select tests.authenticate_as_service_role();
select is(pg_temp.readable(array[(select org_img from paths), (select prog_img from paths)]), 2, 'the service role reads both files');
select is((select count(*)::int from public.message_attachments where announcement_id in (tests.id('org'), tests.id('prog'))), 3, 'and their rows');

-- ============================ editing the files ==============================================
select tests.authenticate_as('owner');
select is(tests.hint_of(format($$ select public.edit_announcement(%L, 'New rig photos', null, '{}', array[%L]::uuid[]) $$, tests.id('org'), tests.id('org_img'))),
          'not_author', 'an owner who did not write it cannot remove its files');

select tests.authenticate_as('coach');
select lives_ok(format($$ select public.edit_announcement(%L, 'New rig photos (updated)', null, array[%L], array[%L]::uuid[]) $$, tests.id('org'),
                       pg_temp.path('coach', 'a4444444-4444-4444-4444-444444444444.webp'), tests.id('org_img')),
                'the author swaps an image while editing');
select is((select array_agg(mime_type order by mime_type) from public.message_attachments where announcement_id = tests.id('org')),
          array['image/webp', 'video/mp4'], 'the announcement now carries the new image and the video');
select is(pg_temp.deletion_reason((select org_img from paths)), 'announcement_edited', 'the removed image is queued for the storage worker');
select is(tests.hint_of(format($$ select public.edit_announcement(%L, 'x', null, (select array_agg(pg_temp.path('coach', g::text || '.jpg')) from generate_series(1, 9) g)) $$,
                               tests.id('org'))),
          'too_many_attachments', 'an edit cannot go over 10 files');

-- ============================ deleting the announcement =====================================
select lives_ok(format($$ select public.delete_announcement(%L) $$, tests.id('prog')), 'the author deletes the program announcement');
select is((select count(*)::int from public.message_attachments where announcement_id = tests.id('prog')), 0, 'its file rows are gone');
select is(pg_temp.deletion_reason((select prog_img from paths)), 'announcement_deleted', 'and its image is queued for deletion');
select tests.authenticate_as('member');
select is(pg_temp.readable(array[(select prog_img from paths)]), 0, 'the athlete cannot read it any more');

select tests.authenticate_as('admin');
select lives_ok(format($$ select public.delete_announcement(%L, 'Wrong photos') $$, tests.id('org')), 'an admin moderates the other announcement');
select is(pg_temp.deletion_reason(pg_temp.path('coach', 'a4444444-4444-4444-4444-444444444444.webp')), 'announcement_deleted',
          'its files are queued for deletion too');

select * from finish();
rollback;
