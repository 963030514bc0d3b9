-- 202-messaging-blocks: blocking in both directions, the refusal that does not reveal a block,
-- what the blocker stops seeing, the private block list and the safety audit entry.
begin;
select plan(45);

select tests.create_standard_actors();
select tests.create_user('social_owner');
insert into public.organizations (name, slug, time_zone, member_dm_enabled, created_by)
values ('Social Gym', 'social-gym', 'UTC', true, tests.get_user_id('social_owner'));
select tests.add_member(tests.get_organization_id('social-gym'), 'social_owner', 'owner');
select tests.add_member(tests.get_organization_id('social-gym'), 'member', 'member');
select tests.add_member(tests.get_organization_id('social-gym'), 'member2', 'member');

-- the HINT of the error a statement raises (pgTAP checks only the code and message)
create function pg_temp.error_hint(p_sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end;
$$;

select tests.authenticate_as('coach');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'before the block'),
                'the coach writes to the member');

-- a member blocks a staff member
select tests.authenticate_as('member');
select is((select blocked_id from public.block_user(tests.get_organization_id('test-gym'), tests.get_user_id('coach'))),
          tests.get_user_id('coach'), 'a member blocks their coach');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach')),
                'blocking twice is harmless');
select is(array(select display_name from public.list_my_blocks()), array['coach'], 'the block is on the member''s list');
select is_empty(format('select 1 from public.messages where sender_id = %L', tests.get_user_id('coach')),
                'the blocker no longer sees the blocked person''s messages');
select is_empty(format('select 1 from public.list_conversations(%L)', tests.get_organization_id('test-gym')),
                'nor the conversation');
select is(public.total_unread(), 0, 'nor its unread count');
select is_empty(format('select 1 from public.conversation_messages(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach')),
                'nor its history');
select is_empty(format('select 1 from public.search_messages(%L, %L)', tests.get_organization_id('test-gym'), 'block'),
                'nor its search results');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'hi'),
                 'PT409', 'You blocked this person: unblock them to message them.', 'the blocker is told to unblock first');

-- the blocked side
select tests.authenticate_as('coach');
select is_empty($$ select 1 from public.user_blocks $$, 'the blocked coach cannot read the block');
select is_empty($$ select 1 from public.list_my_blocks() $$, 'and has no blocks of their own');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'hello?'),
                 'PT403', 'You cannot message this person.', 'the blocked coach cannot message the member');
select is(pg_temp.error_hint(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'hello?')),
          pg_temp.error_hint(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('other_coach'), 'hello?')),
          'the refusal has the same HINT as for someone outside the organization');
select is(pg_temp.error_hint(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'hello?')),
          'cannot_message', 'namely cannot_message');
select throws_ok(format('select public.get_or_create_conversation(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'You cannot message this person.', 'nor open a conversation');
select is((select count(*)::int from public.messages where recipient_id = tests.get_user_id('member')), 1,
          'the coach still sees what they sent before the block');

-- nothing from a blocked sender reaches the blocker, even by a backend insert
select tests.clear_authentication();
insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content)
values (tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'coach', tests.get_user_id('member'), 'sneaky');
select is((select count(*)::int from public.notification_outbox where user_id = tests.get_user_id('member') and payload ->> 'preview' = 'sneaky'), 0,
          'no notification for a message from someone the recipient blocked');
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('member') and payload ->> 'content' = 'sneaky'), 0,
          'and no live event to the blocker');

-- the safety audit
select tests.authenticate_as('owner');
select is((select count(*)::int from public.audit_logs where action = 'messaging.staff_blocked'), 1, 'the owner sees that a member blocked staff');
select tests.authenticate_as('admin');
select is((select details ->> 'blocked_id' from public.audit_logs where action = 'messaging.staff_blocked'), tests.get_user_id('coach')::text,
          'the admin sees who was blocked');
select tests.authenticate_as('coach');
select is_empty($$ select 1 from public.audit_logs where entity_type = 'user_block' $$, 'the blocked coach does not see the entry');
select tests.authenticate_as('member2');
select is_empty($$ select 1 from public.audit_logs $$, 'other members do not see it');
select tests.authenticate_as('other_owner');
select is_empty($$ select 1 from public.audit_logs where entity_type = 'user_block' $$, 'another organization''s owner does not see it');

-- a member blocks the owner: the owner is admin, but still not told
select tests.authenticate_as('member2');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('owner')), 'member2 blocks the owner');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.audit_logs where action = 'messaging.staff_blocked'), 1,
          'the blocked owner does not see the entry about themselves');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.audit_logs where action = 'messaging.staff_blocked'), 2, 'the admin sees both');

-- member to member, both directions, where member messaging is on
select tests.authenticate_as('member2');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member'), 'hey'),
                'member2 writes to member');
select tests.authenticate_as('member');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member2')), 'member blocks member2');
select is(public.total_unread(tests.get_organization_id('social-gym')), 0, 'member2''s unread message no longer counts');
select tests.authenticate_as('member2');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member'), 'hey?'),
                 'PT403', 'You cannot message this person.', 'member2 can no longer message member');
select tests.authenticate_as('social_owner');
select is_empty($$ select 1 from public.audit_logs where entity_type = 'user_block' $$, 'a block between members is not audited');

-- staff block a member
select tests.authenticate_as('admin');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2')), 'an admin blocks a member');
select tests.authenticate_as('member2');
select throws_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('admin'), 'hi'),
                 'PT403', 'You cannot message this person.', 'the member can no longer message that admin');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'hi'),
                'but still the other staff');

-- bad input
select tests.authenticate_as('member');
select throws_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT422', 'You cannot block yourself.', 'nobody blocks themselves');
select throws_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('other_coach')),
                 'PT404', 'That person is not in this organization.', 'only people of the organization can be blocked');
select throws_ok(format($$ insert into public.user_blocks (blocker_id, blocked_id, organization_id) values (%L, %L, %L) $$,
                        tests.get_user_id('member'), tests.get_user_id('admin'), tests.get_organization_id('test-gym')),
                 '42501', 'permission denied for table user_blocks', 'blocks are not inserted directly');
select tests.authenticate_as('outsider');
select throws_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach')),
                 'PT403', 'You are not a member of this organization.', 'an outsider cannot block into an organization');
select tests.authenticate_as_anon();
select throws_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('coach')),
                 '42501', 'permission denied for function block_user', 'anon cannot block');

-- unblocking
select tests.authenticate_as('member');
select is(public.unblock_user(tests.get_user_id('coach')), true, 'the member unblocks the coach');
select is(public.unblock_user(tests.get_user_id('coach')), false, 'unblocking again changes nothing');
select is((select count(*)::int from public.messages where sender_id = tests.get_user_id('coach')), 2,
          'the coach''s messages are visible again');
select tests.authenticate_as('coach');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'welcome back'),
                'and the coach can write again');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.audit_logs where action = 'messaging.staff_unblocked'), 1, 'the unblock is audited too');

select * from finish();
rollback;
