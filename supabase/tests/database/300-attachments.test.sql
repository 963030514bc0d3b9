-- 300-attachments: the attachments bucket and its storage.objects policies (upload, read, no
-- update, delete before registration), attachment-only messages, register_attachment, and every
-- bad upload: someone else's object, a spoofed type, an oversized file, a missing object, a
-- double registration; the thumbnail and storage-deletion worker functions.
begin;
select plan(41);

select tests.create_standard_actors();
create function pg_temp.path(p_who text, p_file text, p_org text default 'test-gym') returns text language sql as $f$
  select tests.get_organization_id(p_org)::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
-- what the storage service writes after an upload (service side, bypassing RLS)
create function pg_temp.upload(p_who text, p_file text, p_mime text, p_size bigint, p_org text default 'test-gym') returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, metadata)
  values ('attachments', pg_temp.path(p_who, p_file, p_org), tests.get_user_id(p_who)::text,
          jsonb_build_object('mimetype', p_mime, 'size', p_size))
  returning name $f$;
grant execute on all functions in schema pg_temp to public;

select pg_temp.upload('member', '11111111-1111-1111-1111-111111111111.jpg', 'image/jpeg', 200000);
select pg_temp.upload('member', '22222222-2222-2222-2222-222222222222.mp4', 'video/mp4', 50000000);
select pg_temp.upload('member', '33333333-3333-3333-3333-333333333333.png', 'image/svg+xml', 1000);
select pg_temp.upload('member', '44444444-4444-4444-4444-444444444444.jpg', 'image/jpeg', 10485761);
select pg_temp.upload('member', '55555555-5555-5555-5555-555555555555.webm', 'video/webm', 104857601);
select pg_temp.upload('member', '66666666-6666-6666-6666-666666666666.png', 'image/jpeg', 1000);
select pg_temp.upload('coach', '77777777-7777-7777-7777-777777777777.png', 'image/png', 1000);

-- schema and bucket
select has_table('public', 'message_attachments', 'message_attachments exists');
select has_index('public', 'message_attachments', 'message_attachments_message_idx', 'seed index message_attachments_message_idx');
select enum_has_labels('public', 'attachment_type', array['image', 'video'], 'attachment_type is image | video');
select is((select public from storage.buckets where id = 'attachments'), false, 'the attachments bucket is private');
select is((select file_size_limit from storage.buckets where id = 'attachments'), 104857600::bigint, 'with a 100 MiB limit');

-- storage INSERT policy
select tests.authenticate_as('member');
select lives_ok(format($$ insert into storage.objects (bucket_id, name, owner_id) values ('attachments', %L, %L) $$,
                       pg_temp.path('member', 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.jpg'), tests.get_user_id('member')),
                'a member uploads into their own folder of their organization');
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('attachments', %L) $$, pg_temp.path('coach', 'x.jpg')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'nobody uploads into someone else''s folder');
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('attachments', %L) $$, pg_temp.path('member', 'x.jpg', 'other-gym')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'nor into an organization they do not belong to');
select tests.authenticate_as('outsider');
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('attachments', %L) $$, pg_temp.path('outsider', 'x.jpg')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'an outsider cannot upload');
select tests.authenticate_as_anon();
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('attachments', %L) $$, pg_temp.path('member', 'y.jpg')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'anon cannot upload');

-- attachment-only DM, and bad uploads
select tests.authenticate_as('member');
select is((select attachment_count from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), null, null,
            array[pg_temp.path('member', '11111111-1111-1111-1111-111111111111.jpg')])), 1, 'an attachment-only message is sent');
select is((select type::text || ' ' || mime_type || ' ' || size from public.message_attachments), 'image image/jpeg 200000', 'type, mime type and size come from storage');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'again', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', '11111111-1111-1111-1111-111111111111.jpg'))), 'attachment_already_registered', 'an object is attached once');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('coach', '77777777-7777-7777-7777-777777777777.png'))), 'attachment_not_yours', 'someone else''s object is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', '33333333-3333-3333-3333-333333333333.png'))), 'attachment_type_not_allowed', 'a spoofed type (svg) is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', '66666666-6666-6666-6666-666666666666.png'))), 'attachment_type_mismatch', 'an extension that does not match the type is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', '44444444-4444-4444-4444-444444444444.jpg'))), 'attachment_too_large', 'an image over 10 MB is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', '55555555-5555-5555-5555-555555555555.webm'))), 'attachment_too_large', 'a video over 100 MB is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
            pg_temp.path('member', 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb.jpg'))), 'attachment_not_found', 'a missing object is refused');
select is(tests.hint_of(format($$ select public.send_message_with_attachments(%L, %L, 'look', null, array[%L]) $$, tests.get_organization_id('test-gym'), tests.get_user_id('member2'),
            pg_temp.path('member', '22222222-2222-2222-2222-222222222222.mp4'))), 'member_messaging_disabled', 'the messaging rules still apply');
select is((select count(*)::int from public.messages where sender_id = tests.get_user_id('member')), 1, 'nothing was written by the refused sends');

-- register_attachment on an existing message
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'video of my set');
select is((select type::text from public.register_attachment((select id from public.messages where content = 'video of my set'),
            pg_temp.path('member', '22222222-2222-2222-2222-222222222222.mp4'))), 'video', 'the sender registers a video on their message');
select is((select attachment_count from public.messages where content = 'video of my set'), 1, 'attachment_count follows');
select tests.authenticate_as('coach');
select is(tests.hint_of(format($$ select public.register_attachment(%L, %L) $$, (select id from public.messages where content = 'video of my set'),
            pg_temp.path('coach', '77777777-7777-7777-7777-777777777777.png'))), 'not_sender', 'the recipient cannot attach to the sender''s message');

-- storage SELECT policy
select is((select count(*)::int from storage.objects where bucket_id = 'attachments' and name like '%/' || tests.get_user_id('member') || '/%'), 2,
          'the recipient reads exactly the two attached objects');
select tests.authenticate_as('member2');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 0, 'another member reads none');
select tests.authenticate_as('admin');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments' and name like '%/' || tests.get_user_id('member') || '/%'), 2,
          'an admin reads attached objects (moderation)');
select tests.authenticate_as('other_coach');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 0, 'another organization''s coach reads none');
select tests.authenticate_as('member');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 7, 'the uploader reads all their own uploads');

-- no UPDATE, DELETE only before registration
update storage.objects set metadata = '{"mimetype":"image/jpeg","size":1}' where name = pg_temp.path('member', '44444444-4444-4444-4444-444444444444.jpg');
select tests.clear_authentication();
select is((select (metadata ->> 'size')::bigint from storage.objects where name = pg_temp.path('member', '44444444-4444-4444-4444-444444444444.jpg')), 10485761::bigint,
          'nobody can update an object''s metadata (no UPDATE policy)');
select tests.authenticate_as('member');
select set_config('storage.allow_delete_query', 'true', true);
delete from storage.objects where name in (pg_temp.path('member', '44444444-4444-4444-4444-444444444444.jpg'), pg_temp.path('member', '11111111-1111-1111-1111-111111111111.jpg'));
select set_config('storage.allow_delete_query', 'false', true);
select tests.clear_authentication();
select is((select count(*)::int from storage.objects where name = pg_temp.path('member', '44444444-4444-4444-4444-444444444444.jpg')), 0, 'the uploader deletes an unattached upload');
select is((select count(*)::int from storage.objects where name = pg_temp.path('member', '11111111-1111-1111-1111-111111111111.jpg')), 1, 'but not an attached one');
select throws_ok($$ delete from storage.objects where bucket_id = 'attachments' $$, '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
                 'SQL cannot delete objects directly: deletions go through the queue');

-- clients cannot write attachments or the queue
select tests.authenticate_as('member');
select throws_ok($$ insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size, mime_type) select id, organization_id, sender_id, 'image', 'x', 1, 'image/png' from public.messages limit 1 $$,
                 '42501', 'permission denied for table message_attachments', 'clients cannot insert attachments directly');
select throws_ok($$ select private.service_role_pending_thumbnails(10) $$, '42501', 'permission denied for function service_role_pending_thumbnails', 'members cannot call the thumbnail worker functions');

-- workers
select tests.authenticate_as_service_role();
select is((select count(*)::int from private.service_role_pending_thumbnails(10)), 1, 'one image waits for a thumbnail');
select is(tests.hint_of(format($$ select private.service_role_set_thumbnail(%L, 'elsewhere/thumb.webp') $$, (select id from public.message_attachments where type = 'image'))),
          'thumbnail_key_invalid', 'a thumbnail outside the uploader''s folder is refused');
select is((select thumbnail_r2_key from private.service_role_set_thumbnail((select id from public.message_attachments where type = 'image'), pg_temp.path('member', 'thumbs/1.webp'))),
          pg_temp.path('member', 'thumbs/1.webp'), 'the worker records the thumbnail');
select is((select count(*)::int from private.service_role_pending_thumbnails(10)), 0, 'and nothing waits anymore');

-- a deleted message queues its objects
select tests.authenticate_as('member');
select public.delete_message((select id from public.messages where content = 'video of my set'));
select tests.authenticate_as_service_role();
select is((select array_agg(reason) from public.storage_deletions where object_name = pg_temp.path('member', '22222222-2222-2222-2222-222222222222.mp4')), array['message_deleted'],
          'deleting a message removes its attachment and queues the object');
select is((select count(*)::int from private.service_role_claim_storage_deletions(10)), 1, 'the storage worker claims it');

select * from finish();
rollback;
