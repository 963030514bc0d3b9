-- 660-attachment-dimensions: an image's width and height. The uploader's browser sends them as
-- the object's user metadata and the database keeps them only when plausible (never refusing the
-- message for a bad hint); the media worker's measurement replaces them; both or neither, within
-- 1..20000 px (message_attachments_dimensions_chk). They reach every reader of the files: the
-- table (participants only), workout_comments and the realtime payload (attachments_json).
begin;
select plan(31);

select tests.create_standard_actors();
select tests.use_ids();

create function pg_temp.path(p_who text, p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
-- what the storage service writes after an upload with x-metadata (service side, bypassing RLS)
create function pg_temp.upload(p_who text, p_file text, p_user_metadata jsonb) returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, metadata, user_metadata)
  values ('attachments', pg_temp.path(p_who, p_file), tests.get_user_id(p_who)::text,
          jsonb_build_object('mimetype', 'image/jpeg', 'size', 200000), p_user_metadata)
  returning name $f$;
-- sends one picture from the member to the coach; returns the attachment's "width x height"
create function pg_temp.sent_size(p_file text) returns text language plpgsql as $f$
declare
  v_id uuid;
begin
  select m.id into v_id
    from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), null, null,
                                              array[pg_temp.path('member', p_file)]) m;
  return (select coalesce(a.width::text, 'null') || 'x' || coalesce(a.height::text, 'null')
            from public.message_attachments a where a.message_id = v_id);
end $f$;
grant execute on all functions in schema pg_temp to public;

select pg_temp.upload('member', '10000000-0000-4000-8000-000000000001.jpg', '{"width": 1200, "height": 800}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000002.jpg', null);
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000003.jpg', '{"width": 0, "height": 800}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000004.jpg', '{"width": "1200", "height": 800}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000005.jpg', '{"width": 1200.5, "height": 800}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000006.jpg', '{"width": 1200}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000007.jpg', '{"width": 20001, "height": 800}');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000008.jpg', '[1200, 800]');
select pg_temp.upload('member', '10000000-0000-4000-8000-000000000009.jpg', '{"width": 600, "height": 900}');
select pg_temp.upload('member', '10000000-0000-4000-8000-00000000000a.jpg', '{"width": 3000, "height": 4000}');

-- schema
select has_column('public', 'message_attachments', 'width', 'message_attachments has width');
select has_column('public', 'message_attachments', 'height', 'message_attachments has height');
select col_is_null('public', 'message_attachments', 'width', 'width is optional (unknown until measured)');
select has_function('private', 'service_role_set_thumbnail', array['uuid', 'text', 'integer', 'integer'],
                    'the worker records a thumbnail with the measured size');
select hasnt_function('private', 'service_role_set_thumbnail', array['uuid', 'text'], 'the size-less form is gone (one way to record)');

-- the sender's hint, kept when plausible
select tests.authenticate_as('member');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000001.jpg'), '1200x800', 'the size the browser measured is stored with the picture');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000002.jpg'), 'nullxnull', 'no size sent: unknown, and the picture is still sent');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000003.jpg'), 'nullxnull', 'a zero width is not kept (the picture is sent)');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000004.jpg'), 'nullxnull', 'a width written as text is not kept');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000005.jpg'), 'nullxnull', 'a fractional width is not kept');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000006.jpg'), 'nullxnull', 'a width without a height is not kept');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000007.jpg'), 'nullxnull', 'a width over 20000 px is not kept');
select is(pg_temp.sent_size('10000000-0000-4000-8000-000000000008.jpg'), 'nullxnull', 'metadata that is not an object is ignored');

-- register_attachment and workout comments carry the size too
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'one more');
select is((select width || 'x' || height from public.register_attachment((select id from public.messages where content = 'one more'),
            pg_temp.path('member', '10000000-0000-4000-8000-000000000009.jpg'))), '600x900', 'a file added to a sent message keeps its size');
select tests.clear_authentication();
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'a_member', id from x;
select tests.authenticate_as('member');
select public.post_workout_comment(tests.id('a_member'), 'form check', null, array[pg_temp.path('member', '10000000-0000-4000-8000-00000000000a.jpg')]);
select tests.authenticate_as('coach');
select is((select (c.attachments -> 0 ->> 'width') || 'x' || (c.attachments -> 0 ->> 'height') from public.workout_comments(tests.id('a_member')) c),
          '3000x4000', 'the coach reads a workout comment''s picture with its size');
select is((select count(*)::int from public.message_attachments where width is not null), 3, 'the recipient reads the sizes of the pictures sent to them');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.message_attachments where width is not null), 1,
          'an admin reads the size of the workout comment''s picture, not of others'' direct messages');
select tests.authenticate_as('member2');
select is_empty($$ select width from public.message_attachments $$, 'another member reads none');
select tests.authenticate_as('other_coach');
select is_empty($$ select width from public.message_attachments $$, 'another organization''s coach reads none');
select tests.authenticate_as_anon();
select throws_ok($$ select width from public.message_attachments $$, '42501', 'permission denied for table message_attachments', 'anon reads none');

-- nobody but the worker changes a size
select tests.authenticate_as('member');
select throws_ok($$ update public.message_attachments set width = 1, height = 1 $$, '42501', 'permission denied for table message_attachments',
                 'the sender cannot rewrite a size');
select throws_ok(format($$ select private.service_role_set_thumbnail(%L, 'x/y.webp', 10, 10) $$,
                        (select a.id from public.message_attachments a where a.r2_key = pg_temp.path('member', '10000000-0000-4000-8000-000000000001.jpg'))),
                 '42501', 'permission denied for function service_role_set_thumbnail', 'nor call the worker''s function');
select tests.authenticate_as('coach');
select throws_ok($$ select private.image_dimension('1'::jsonb) $$, '42501', 'permission denied for function image_dimension',
                 'the hint check is internal');

-- the worker's measurement replaces the hint
select tests.authenticate_as_service_role();
insert into ids select 'att1', a.id from public.message_attachments a where a.r2_key = pg_temp.path('member', '10000000-0000-4000-8000-000000000001.jpg');
insert into ids select 'att2', a.id from public.message_attachments a where a.r2_key = pg_temp.path('member', '10000000-0000-4000-8000-000000000002.jpg');
create function pg_temp.thumb(p_file text) returns text language sql as $f$
  select pg_temp.path('member', 'thumbnails/' || p_file || '.webp') $f$;
select is((select width || 'x' || height from private.service_role_set_thumbnail(tests.id('att1'), pg_temp.thumb('a1'), 800, 1200)),
          '800x1200', 'the measured size (an EXIF-rotated photo) replaces the browser''s hint');
select is((select width || 'x' || height from private.service_role_set_thumbnail(tests.id('att2'), pg_temp.thumb('a2'), 640, 480)),
          '640x480', 'an unknown size becomes known');
select is((select coalesce(width::text, 'null') from private.service_role_set_thumbnail(tests.id('att2'), pg_temp.thumb('a2b'))),
          '640', 'a thumbnail recorded without a measurement keeps the size known');
select is(tests.hint_of(format($$ select private.service_role_set_thumbnail(%L, %L, 640, null) $$, tests.id('att2'), pg_temp.thumb('a2c'))),
          'thumbnail_dimensions_invalid', 'a width without a height is refused');
select is(tests.hint_of(format($$ select private.service_role_set_thumbnail(%L, %L, 0, 480) $$, tests.id('att2'), pg_temp.thumb('a2d'))),
          'thumbnail_dimensions_invalid', 'a zero width is refused');
select throws_ok(format($$ update public.message_attachments set width = 20001, height = 10 where id = %L $$, tests.id('att2')),
                 '23514', null, 'the table itself refuses an implausible size (message_attachments_dimensions_chk)');
select throws_ok(format($$ update public.message_attachments set width = null where id = %L $$, tests.id('att2')),
                 '23514', null, 'and a width without a height');
select is(private.attachments_json((select id from public.messages where content = 'one more')) -> 0 ->> 'width', '600',
          'the live attachment_added payload carries the size');

select * from finish();
rollback;
