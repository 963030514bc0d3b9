-- 206-messaging-send-helpers: migration 20261201000900_messaging. The helpers every send calls are PL/pgSQL
-- (a `language sql` function with a SET clause is re-planned in every transaction), and they give
-- the same answers as before; the send trigger's merged block/name probe still tells a block apart.
begin;
select plan(13);

select tests.create_standard_actors();

-- No helper on the send path may go back to a re-planned SQL body.
select is((select count(*)::int from pg_proc p join pg_language l on l.oid = p.prolang
            where p.oid in ('private.message_event_payload(public.messages)'::regprocedure,
                            'private.conversation_key(uuid, uuid, uuid)'::regprocedure,
                            'private.sender_role_for(public.membership_role)'::regprocedure,
                            'private.uuid_v7()'::regprocedure,
                            'private.trigger_message_created()'::regprocedure,
                            'private.send_message(uuid, uuid, text, uuid)'::regprocedure,
                            'private.enqueue_notification(uuid, text, jsonb, text, timestamptz)'::regprocedure,
                            'private.broadcast(text, text[], jsonb[])'::regprocedure)
              and l.lanname = 'plpgsql'), 8,
          'every function a send runs is PL/pgSQL');
select is((select count(*)::int from pg_proc p
            where p.oid in ('private.message_event_payload(public.messages)'::regprocedure,
                            'private.conversation_key(uuid, uuid, uuid)'::regprocedure,
                            'private.sender_role_for(public.membership_role)'::regprocedure,
                            'private.uuid_v7()'::regprocedure)
              and p.proconfig = array['search_path=""']), 4,
          'the helpers keep an empty search_path');
select is((select array_agg(p.provolatile order by p.proname)::text from pg_proc p
            where p.oid in ('private.message_event_payload(public.messages)'::regprocedure,
                            'private.conversation_key(uuid, uuid, uuid)'::regprocedure,
                            'private.sender_role_for(public.membership_role)'::regprocedure,
                            'private.uuid_v7()'::regprocedure)),
          '{i,s,i,v}', 'and their volatility (conversation_key, message_event_payload, sender_role_for, uuid_v7)');

-- Same answers.
select is(private.conversation_key('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000b1'),
          'dm:00000000-0000-0000-0000-00000000000a:00000000-0000-0000-0000-0000000000b1:00000000-0000-0000-0000-0000000000c2',
          'conversation_key puts the lower id first');
select is(private.sender_role_for('member'), 'member'::public.sender_role, 'a member sends as member');
select is(private.sender_role_for('coach'), 'coach'::public.sender_role, 'a coach sends as coach');
select is(private.sender_role_for('owner'), 'admin'::public.sender_role, 'an owner sends as admin');

select tests.authenticate_as('coach');
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'helpers', '00000000-0000-4000-8000-000000000206');
select tests.clear_authentication();
select is((select private.message_event_payload(m) - 'created_at'
             from public.messages m where m.client_id = '00000000-0000-4000-8000-000000000206'),
          (select jsonb_build_object('message_id', m.id, 'organization_id', m.organization_id,
                                     'sender_id', m.sender_id, 'recipient_id', m.recipient_id,
                                     'sender_role', 'coach', 'workout_assignment_id', null,
                                     'content', 'helpers', 'attachment_count', 0,
                                     'edited_at', null, 'deleted_at', null, 'read_at', null)
             from public.messages m where m.client_id = '00000000-0000-4000-8000-000000000206'),
          'message_event_payload carries the same fields, never the client id');
select is((select (payload -> 'sender_name') is not null from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'
            order by created_at desc limit 1), true,
          'the push still names the sender (merged name probe)');
select is((select count(*)::int from realtime.messages
            where event = 'message_created' and payload ->> 'content' = 'helpers'), 2,
          'an unblocked send reaches both people''s topics');

-- A block still silences the recipient's side after the probes were merged. send_message refuses
-- a blocked sender up front; the trigger's probe is what guards a block made between that check
-- and the insert, so the row goes in directly here.
select tests.authenticate_as('member');
select public.block_user(tests.get_organization_id('test-gym'), tests.get_user_id('coach'));
select tests.clear_authentication();
select lives_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
                          values (%L, %L, 'coach', %L, 'after the block') $$,
                       tests.get_organization_id('test-gym'), tests.get_user_id('coach'), tests.get_user_id('member')),
                'a message lands after the block');
select is((select array_agg(topic)::text from realtime.messages
            where event = 'message_created' and payload ->> 'content' = 'after the block'),
          (select array['user:' || tests.get_user_id('coach')::text]::text),
          'only the sender''s own topic hears it');
select is((select count(*)::int from public.notification_outbox
            where user_id = tests.get_user_id('member') and payload ->> 'preview' = 'after the block'), 0,
          'and the blocker gets no push');

select * from finish();
rollback;
