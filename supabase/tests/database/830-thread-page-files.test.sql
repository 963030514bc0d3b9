-- 830-thread-page-files: a conversation's page answers each message's files with it, so opening
-- a thread with pictures (and reading older pages) is one round trip. The files are read as the
-- caller, under message_attachments' policy, in the shape and order of attachment_added events
-- (private.attachments_json); a message without files, or deleted, answers null.
begin;
select plan(13);

select tests.create_standard_actors();
select tests.use_ids();

create function pg_temp.path(p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id('member')::text || '/' || p_file $f$;
create function pg_temp.upload(p_file text, p_w int, p_h int) returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, metadata, user_metadata)
  values ('attachments', pg_temp.path(p_file), tests.get_user_id('member')::text,
          jsonb_build_object('mimetype', 'image/jpeg', 'size', 150000), jsonb_build_object('width', p_w, 'height', p_h))
  returning name $f$;
-- the page as someone reads it: content -> attachments
create function pg_temp.page(p_other text, p_before timestamptz default null)
returns table (id uuid, content text, attachments jsonb) language sql as $f$
  select m.id, m.content, m.attachments
    from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id(p_other), p_before) m $f$;
grant execute on all functions in schema pg_temp to public;

select pg_temp.upload('20000000-0000-4000-8000-000000000001.jpg', 1200, 800);
select pg_temp.upload('20000000-0000-4000-8000-000000000002.jpg', 600, 900);
select pg_temp.upload('20000000-0000-4000-8000-000000000003.jpg', 640, 480);

select tests.authenticate_as('member');
with m as (select * from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
             'two pictures', null, array[pg_temp.path('20000000-0000-4000-8000-000000000001.jpg'),
                                         pg_temp.path('20000000-0000-4000-8000-000000000002.jpg')]))
insert into ids select 'pictures', id from m;
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'just words');
with m as (select * from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
             'regretted', null, array[pg_temp.path('20000000-0000-4000-8000-000000000003.jpg')]))
insert into ids select 'regretted', id from m;
select public.delete_message(tests.id('regretted'));

-- the sender's page
select is((select jsonb_array_length(attachments) from pg_temp.page('coach') where content = 'two pictures'), 2,
          'a message with two files answers both with it');
select is((select array(select a ->> 'r2_key' from jsonb_array_elements(p.attachments) a) from pg_temp.page('coach') p where content = 'two pictures'),
          array[pg_temp.path('20000000-0000-4000-8000-000000000001.jpg'), pg_temp.path('20000000-0000-4000-8000-000000000002.jpg')],
          'in the order they were attached');
select is((select (attachments -> 0 ->> 'width') || 'x' || (attachments -> 0 ->> 'height') from pg_temp.page('coach') where content = 'two pictures'),
          '1200x800', 'with their size, so the picture''s box is reserved');
select is((select attachments from pg_temp.page('coach') where content = 'just words'), null, 'a message without files answers null');
select is((select attachments from pg_temp.page('coach') where id = tests.id('regretted')), null,
          'a deleted message answers null, not its files');
select is((select count(*)::int from pg_temp.page('coach')), 3, 'every message is on the page once, files or not');

-- the recipient, the same files as the live event carries
select tests.clear_authentication();
select private.attachments_json(tests.id('pictures')) as expected \gset
select tests.authenticate_as('coach');
select is((select attachments from pg_temp.page('member') where content = 'two pictures'), :'expected'::jsonb,
          'the recipient reads the same files, shaped as the attachment_added event');
select is((select attachments from pg_temp.page('member', (select created_at from public.messages where content = 'just words'))
            where content = 'two pictures'), :'expected'::jsonb, 'an older page carries its files too');

-- nobody else reads them through the page
select tests.authenticate_as('member2');
select is_empty($$select 1 from pg_temp.page('member') where attachments is not null$$, 'another member reads no files of the thread');
select tests.authenticate_as('other_coach');
select is_empty($$select 1 from pg_temp.page('member') where attachments is not null$$, 'another organization''s coach reads none');
select tests.authenticate_as('outsider');
select is_empty($$select 1 from pg_temp.page('member')$$, 'an outsider reads nothing');
select tests.authenticate_as('member');
select public.block_user(tests.get_organization_id('test-gym'), tests.get_user_id('coach'));
select is_empty($$select 1 from pg_temp.page('coach')$$, 'a blocked person''s thread is not read at all');
select tests.clear_authentication();
set local role anon;
select throws_ok($$select * from public.conversation_messages(gen_random_uuid(), gen_random_uuid())$$, '42501', null,
                 'anon may not call it');
reset role;

select * from finish();
rollback;
