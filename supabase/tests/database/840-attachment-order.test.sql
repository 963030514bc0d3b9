-- 840-attachment-order: migration 20261212000000_attachments_keep_attach_order. The files sent
-- together with a message, a workout comment or an announcement share one created_at, and their
-- ids are random; every reader answers them in the order they were attached (the order of the
-- paths given), and a file attached later comes after them. Nine files per send (ten for the message, one attached later), named so that
-- neither their names nor their ids decide the order by chance (one chance in 9! of passing
-- by luck without the fix).
begin;
select plan(8);

select tests.create_standard_actors();
select tests.use_ids();

create function pg_temp.path(p_who text, p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
-- nine uploads of p_who, in an order that is not their names' order: 8, 2, 7, 0, 5, 1, 4, 3, 6
create function pg_temp.uploads(p_who text, p_prefix text) returns text[] language sql as $f$
  with f as (
    insert into storage.objects (bucket_id, name, owner_id, metadata)
    select 'attachments', pg_temp.path(p_who, p_prefix || '000000-0000-4000-8000-00000000000' || k || '.jpg'),
           tests.get_user_id(p_who)::text, jsonb_build_object('mimetype', 'image/jpeg', 'size', 1000)
      from unnest(array[8, 2, 7, 0, 5, 1, 4, 3, 6]) with ordinality as u (k, n)
    returning name)
  select array_agg(f.name order by u.n)
    from f join unnest(array[8, 2, 7, 0, 5, 1, 4, 3, 6]) with ordinality as u (k, n)
      on f.name = pg_temp.path(p_who, p_prefix || '000000-0000-4000-8000-00000000000' || u.k || '.jpg') $f$;
create function pg_temp.keys(p_files jsonb) returns text[] language sql as $f$
  select array(select a ->> 'r2_key' from jsonb_array_elements(p_files) with ordinality as x (a, n) order by x.n) $f$;
grant execute on all functions in schema pg_temp to public;

select pg_temp.uploads('member', 'a1') as dm_paths \gset
select pg_temp.uploads('member', 'b2') as comment_paths \gset
select pg_temp.uploads('coach', 'c3') as announcement_paths \gset
select pg_temp.path('member', 'd4000000-0000-4000-8000-000000000000.jpg') as later_path \gset
insert into storage.objects (bucket_id, name, owner_id, metadata)
values ('attachments', :'later_path', tests.get_user_id('member')::text, '{"mimetype": "image/jpeg", "size": 1000}');

with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'),
                   current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'assignment', id from x;

-- a direct message with nine pictures, then a tenth attached to it
select tests.authenticate_as('member');
insert into ids select 'dm', id
  from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
                                            'nine pictures', null, :'dm_paths'::text[]);
select public.register_attachment(tests.id('dm'), :'later_path');
select is(pg_temp.keys((select m.attachments from public.conversation_messages(tests.get_organization_id('test-gym'),
                                                                               tests.get_user_id('coach')) m
                         where m.id = tests.id('dm'))),
          :'dm_paths'::text[] || :'later_path'::text,
          'a conversation page answers a message''s files in the order they were attached, the later one last');

-- a workout comment with nine pictures
insert into ids select 'comment', id from public.post_workout_comment(tests.id('assignment'), 'form check', null, :'comment_paths'::text[]);
select is(pg_temp.keys((select c.attachments from public.workout_comments(tests.id('assignment')) c where c.id = tests.id('comment'))),
          :'comment_paths'::text[], 'a workout''s comment thread answers them in the order they were attached');

-- an announcement with nine pictures
select tests.authenticate_as('coach');
insert into ids select 'news', id from public.post_announcement(tests.get_organization_id('test-gym'), 'New rig photos',
                                                                 p_object_paths => :'announcement_paths'::text[]);
select is(pg_temp.keys((select f.attachments from public.announcement_feed(tests.get_organization_id('test-gym')) f
                         where f.id = tests.id('news'))),
          :'announcement_paths'::text[], 'the announcement feed answers its files in the order they were attached');

-- the recipient reads the same order
select is(pg_temp.keys((select m.attachments from public.conversation_messages(tests.get_organization_id('test-gym'),
                                                                               tests.get_user_id('member')) m
                         where m.id = tests.id('dm'))),
          :'dm_paths'::text[] || :'later_path'::text, 'the recipient reads them in the same order');
select tests.authenticate_as('member');
select is(pg_temp.keys((select l.attachments from public.latest_unread_announcement(tests.get_organization_id('test-gym')) l)),
          :'announcement_paths'::text[], 'Today''s newest announcement answers its files in the order they were attached');

-- the live events carry the same order as the pages
select tests.clear_authentication();
select is(pg_temp.keys(private.attachments_json(tests.id('dm'))), :'dm_paths'::text[] || :'later_path'::text,
          'the attachment_added payload lists them in the order they were attached');

-- nobody sets the order by hand
select throws_ok($$ insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size,
                                                             mime_type, attach_order)
                    values (tests.id('dm'), tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'image',
                            'x/y/z.jpg', 10, 'image/jpeg', 1) $$,
                 '428C9', null, 'attach_order is generated, never given (even by the service role)');
select col_not_null('public', 'message_attachments', 'attach_order', 'attach_order is never null');

select * from finish();
rollback;
