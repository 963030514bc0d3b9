-- 200-messaging-send: the messages table, who may message whom, bad input, idempotent sends,
-- forged senders, the newMessage push and the live message_created events.
begin;
select plan(64);

select tests.create_standard_actors();
-- An organization where members may message each other: member and member2 belong to both.
select tests.create_user('social_owner');
insert into public.organizations (name, slug, time_zone, member_dm_enabled, created_by)
values ('Social Gym', 'social-gym', 'UTC', true, tests.get_user_id('social_owner'));
select tests.add_member(tests.get_organization_id('social-gym'), 'social_owner', 'owner');
select tests.add_member(tests.get_organization_id('social-gym'), 'member', 'member');
select tests.add_member(tests.get_organization_id('social-gym'), 'member2', 'member');

-- the schema
select has_table('public', 'messages', 'messages exists');
select col_type_is('public', 'messages', 'sender_role', 'sender_role', 'sender_role is the coach|member|admin enum');
select enum_has_labels('public', 'sender_role', array['coach', 'member', 'admin'], 'sender_role has the seed''s three labels');
select has_index('public', 'messages', 'messages_org_created_idx', 'seed index messages_org_created_idx');
select has_index('public', 'messages', 'messages_recipient_created_idx', 'seed index messages_recipient_created_idx');
select has_index('public', 'messages', 'messages_sender_created_idx', 'seed index messages_sender_created_idx');
select has_index('public', 'messages', 'messages_recipient_read_at_idx', 'seed index messages_recipient_read_at_idx');
select has_index('public', 'messages', 'messages_workout_assignment_idx', 'seed index messages_workout_assignment_idx');
select fk_ok('public', 'messages', 'workout_assignment_id', 'public', 'workout_assignments', 'id',
             'workout-anchored messages point at workout_assignments');
select tests.rls_enabled('public');

-- allowed pairs (test-gym: member messaging off)
select tests.authenticate_as('coach');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'Hi from your coach')),
          'coach', 'a coach messages a member; sender_role is coach');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('admin'), 'Staff chat')),
          'coach', 'staff message staff');
select tests.authenticate_as('member');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'Hi coach')),
          'member', 'a member messages a coach; sender_role is member');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('owner'), 'Hi owner')),
          'member', 'a member messages the owner');
select tests.authenticate_as('owner');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'Welcome')),
          'admin', 'an owner''s sender_role snapshot is admin');
select tests.authenticate_as('admin');
select is((select sender_role::text from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'Roster')),
          'admin', 'an admin''s sender_role snapshot is admin');

-- member to member depends on the organization
select tests.authenticate_as('member');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'psst'),
                 'PT403', 'Members of this organization cannot message each other.',
                 'member to member is refused where member messaging is off');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member2'), 'hello neighbour'),
                'member to member works where member messaging is on');
select tests.authenticate_as('member2');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member'), 'hello back'),
                'and back the other way');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'psst'),
                 'PT403', 'Members of this organization cannot message each other.',
                 'the other member is refused too in the organization where it is off');

-- people outside the organization
select tests.authenticate_as('outsider');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'let me in'),
                 'PT403', 'You are not a member of this organization.', 'an outsider cannot message into an organization');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'poach'),
                 'PT403', 'You are not a member of this organization.', 'another organization''s coach cannot message test-gym''s members');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('other-gym'), tests.get_user_id('member'), 'poach'),
                 'PT403', 'You cannot message this person.', 'nor address them through their own organization');
select tests.authenticate_as('coach');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('other_coach'), 'hi'),
                 'PT403', 'You cannot message this person.', 'a recipient in another organization is refused');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), gen_random_uuid(), 'hi'),
                 'PT403', 'You cannot message this person.', 'an unknown recipient is refused the same way');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'me'),
                 'PT422', 'You cannot message yourself.', 'nobody messages themselves');
select tests.authenticate_as_anon();
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'hi'),
                 '42501', 'permission denied for function send_message', 'anon cannot call send_message');
select throws_ok($$ select * from public.messages $$, '42501', 'permission denied for table messages', 'anon cannot read messages');
select tests.authenticate_as_service_role();
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'hi'),
                 'PT403', 'Sign in first.', 'the service role is nobody: it cannot send as someone');
select ok((select count(*) from public.messages) = 8, 'the service role reads every message (backend tasks)');

-- bad input
select tests.authenticate_as('coach');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), ''),
                 'PT422', 'Write a message first.', 'an empty message is refused');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), E' \n\t '),
                 'PT422', 'Write a message first.', 'a whitespace-only message is refused');
select throws_ok(format('select public.send_message(%L, %L, null)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT422', 'Write a message first.', 'a null message is refused');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), repeat('x', 5001)),
                 'PT422', 'A message can be at most 5,000 characters.', 'a 5,001-character message is refused');
select is((select char_length(content) from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), repeat('é', 5000))),
          5000, 'a 5,000-character message is accepted');
select is((select content from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), '<script>alert(1)</script>')),
          '<script>alert(1)</script>', 'script is stored as-is (the app renders it as text)');
select is((select content from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), E'\u202Egnp.exe')),
          E'\u202Egnp.exe', 'a right-to-left override is stored as-is');
select tests.clear_authentication();
select throws_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
                          values (%L, %L, 'coach', %L, '  ') $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('coach'), tests.get_user_id('member')),
                 '23514', null, 'the table itself refuses blank content (check constraint)');
select throws_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
                          values (%L, %L, 'coach', %L, repeat('y', 5001)) $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('coach'), tests.get_user_id('member')),
                 '23514', null, 'the table itself refuses 5,001 characters (check constraint)');
select lives_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content, attachment_count)
                          values (%L, %L, 'coach', %L, null, 1) $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('coach'), tests.get_user_id('member')),
                'an attachment-only message may have no text');

-- forged senders: no direct writes at all
select tests.authenticate_as('member');
select throws_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
                          values (%L, %L, 'coach', %L, 'You are dropped') $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('coach'), tests.get_user_id('member2')),
                 '42501', 'permission denied for table messages', 'a member cannot insert a message as the coach');
select throws_ok(format($$ insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
                          values (%L, %L, 'member', %L, 'direct') $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.get_user_id('coach')),
                 '42501', 'permission denied for table messages', 'nor even as themselves: writes go through send_message');
select throws_ok($$ update public.messages set content = 'rewritten' $$,
                 '42501', 'permission denied for table messages', 'messages cannot be updated directly');
select throws_ok($$ delete from public.messages $$,
                 '42501', 'permission denied for table messages', 'messages cannot be deleted directly');
select throws_ok($$ insert into public.conversation_summaries (owner_id, organization_id, other_user_id) values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid()) $$,
                 '42501', 'permission denied for table conversation_summaries', 'summaries cannot be inserted directly');

-- who reads what
select tests.authenticate_as('member2');
select is_empty(format($$ select 1 from public.messages where recipient_id = %L and sender_id = %L $$,
                       tests.get_user_id('member'), tests.get_user_id('coach')),
                'member2 does not see the coach''s messages to member');
select tests.authenticate_as('member');
select is((select count(*)::int from public.messages where sender_id = tests.get_user_id('coach') and recipient_id = tests.get_user_id('member')),
          5, 'member sees the messages the coach sent them');
select tests.authenticate_as('other_coach');
select is_empty($$ select 1 from public.messages $$, 'another organization''s coach sees no messages');
select tests.authenticate_as('outsider');
select is_empty($$ select 1 from public.messages $$, 'an outsider sees no messages');
select tests.authenticate_as('owner');
select is_empty(format($$ select 1 from public.messages where sender_id = %L and recipient_id = %L $$,
                       tests.get_user_id('coach'), tests.get_user_id('member')),
                'even the owner does not read other people''s direct messages');

-- idempotent sends
select tests.authenticate_as('coach');
select is((select id from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'Same one', '11111111-1111-4111-8111-111111111111')),
          (select id from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'Same one', '11111111-1111-4111-8111-111111111111')),
          'a retry with the same client id returns the same message');
select is((select count(*)::int from public.messages where client_id = '11111111-1111-4111-8111-111111111111'), 1,
          'the retry made one row');
select throws_ok(format('select public.send_message(%L, %L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2'),
                        'Something else', '11111111-1111-4111-8111-111111111111'),
                 'PT409', 'That client id was already used for a different message.', 'a client id reused for another message is refused');
select tests.authenticate_as('member2');
select is((select unread_count from public.list_conversations(tests.get_organization_id('test-gym')) where other_user_id = tests.get_user_id('coach')),
          1, 'the retry made one unread');
select is((select count(*)::int from public.notification_outbox where category = 'newMessage'
            and payload ->> 'sender_id' = tests.get_user_id('coach')::text),
          1, 'and one newMessage notification');
select is((select collapse_key from public.notification_outbox where category = 'newMessage'
            and payload ->> 'sender_id' = tests.get_user_id('coach')::text),
          'dm:' || tests.get_organization_id('test-gym') || ':' || tests.get_user_id('coach'),
          'the notification collapses per conversation: dm:<org>:<sender>');

-- a muted conversation sends no push
update public.conversation_summaries set muted = true where other_user_id = tests.get_user_id('coach');
select tests.authenticate_as('coach');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'muted?'),
                'sending into a muted conversation works');
select tests.authenticate_as('member2');
select is((select count(*)::int from public.notification_outbox where category = 'newMessage'
            and payload ->> 'sender_id' = tests.get_user_id('coach')::text),
          1, 'but queues no new notification for the person who muted it');
select is((select unread_count from public.list_conversations(tests.get_organization_id('test-gym')) where other_user_id = tests.get_user_id('coach')),
          2, 'the unread count still counts it');
select throws_ok(format($$ update public.conversation_summaries set unread_count = 0 where owner_id = %L $$, tests.get_user_id('member2')),
                 '42501', 'permission denied for table conversation_summaries', 'unread counts cannot be edited directly');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.conversation_summaries where muted), 0,
          'another person''s mute is not visible or changeable: the coach''s own summary is unmuted');

-- live events
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages
            where topic = 'user:' || tests.get_user_id('member2') and event = 'message_created'
              and payload ->> 'sender_id' = tests.get_user_id('coach')::text),
          2, 'message_created reaches user:<recipient> once per message (not for the retry)');
select is((select count(*)::int from realtime.messages
            where topic = 'user:' || tests.get_user_id('coach') and event = 'message_created'
              and payload ->> 'client_id' = '11111111-1111-4111-8111-111111111111'),
          1, 'the sender''s other devices get it with the client id');
select ok((select bool_and(private) from realtime.messages where event = 'message_created'), 'message events are private broadcasts');

select * from finish();
rollback;
