-- 201-messaging-conversations: the inbox (summaries kept by triggers), get-or-create, unread
-- counts, history pages both ways, catch-up, read receipts (shared or not), edits with history,
-- deletes that erase the text, and full-text search.
begin;
select plan(68);

select tests.create_standard_actors();

select tests.authenticate_as('coach');
select id as m1 from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'first') \gset
select id as m2 from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'second') \gset
select id as m3 from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'third: squats today') \gset
select tests.authenticate_as('member');
select id as r1 from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'reply') \gset

-- the inbox
select is((select count(*)::int from public.list_conversations(tests.get_organization_id('test-gym'))), 1,
          'the member has one conversation');
select is((select row(other_display_name, last_message_preview, unread_count, last_message_sender_id = tests.get_user_id('member'))::text
             from public.list_conversations(tests.get_organization_id('test-gym'))),
          row('coach', 'reply', 3, true)::text,
          'it names the coach, previews the last message and counts three unread');
select is(public.total_unread(tests.get_organization_id('test-gym')), 3, 'total unread in the organization');
select is(public.total_unread(), 3, 'total unread everywhere');
select is(public.total_unread(tests.get_organization_id('other-gym')), 0, 'nothing unread in an organization I am not in');
select tests.authenticate_as('coach');
select is((select unread_count from public.list_conversations(tests.get_organization_id('test-gym'))), 1,
          'the coach has one unread (the reply), own messages never count');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'hello m2'),
                'coach writes to member2');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('admin'), 'hello admin'),
                'coach writes to admin');
select is(array(select other_display_name from public.list_conversations(tests.get_organization_id('test-gym'))),
          array['admin', 'member2', 'member'], 'conversations come newest first');
select is(array(select c.other_display_name
                  from public.list_conversations(tests.get_organization_id('test-gym'), null, null, 2) first_page,
                       lateral public.list_conversations(tests.get_organization_id('test-gym'),
                                                         first_page.last_activity_at, first_page.conversation_id, 2) c
                 where first_page.other_display_name = 'member2'),
          array['member'], 'the next page starts after the cursor (keyset)');
select tests.authenticate_as('member2');
select is_empty(format($$ select 1 from public.conversation_summaries where owner_id <> %L $$, tests.get_user_id('member2')),
                'nobody reads another person''s summaries');
select tests.authenticate_as('other_coach');
select is_empty(format('select * from public.list_conversations(%L)', tests.get_organization_id('test-gym')),
                'another organization''s coach sees no conversations there');
select tests.authenticate_as_anon();
select throws_ok(format('select * from public.list_conversations(%L)', tests.get_organization_id('test-gym')),
                 '42501', 'permission denied for function list_conversations', 'anon cannot list conversations');

-- get or create (story 6.5's thread)
select tests.authenticate_as('member');
select is((select other_display_name from public.get_or_create_conversation(tests.get_organization_id('test-gym'), tests.get_user_id('owner'))),
          'owner', 'a member opens a conversation with the owner');
select is((select conversation_id from public.get_or_create_conversation(tests.get_organization_id('test-gym'), tests.get_user_id('owner'))),
          (select conversation_id from public.list_conversations(tests.get_organization_id('test-gym')) where other_user_id = tests.get_user_id('owner')),
          'opening it again returns the same conversation, now in the inbox');
select throws_ok(format('select public.get_or_create_conversation(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member2')),
                 'PT403', 'Members of this organization cannot message each other.', 'the same rules as sending apply');
select tests.authenticate_as('owner');
select is_empty(format('select 1 from public.list_conversations(%L) where other_user_id = %L', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                'the other side sees nothing until the first message');

-- history
select tests.authenticate_as('member');
select is(array(select content from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id('coach'))),
          array['first', 'second', 'third: squats today', 'reply'], 'history is chronological');
select is(array(select content from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), p_limit => 2)),
          array['third: squats today', 'reply'], 'the default page is the newest, still in order');
select is(array(select content from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
                  p_before => (select created_at from public.messages where id = :'m3'), p_limit => 10)),
          array['first', 'second'], 'older pages with p_before');
select is(array(select content from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
                  p_after => (select created_at from public.messages where id = :'m1'), p_limit => 2)),
          array['second', 'third: squats today'], 'newer pages with p_after');
select throws_ok(format('select * from public.conversation_messages(%L, %L, now(), now())', tests.get_organization_id('test-gym'), tests.get_user_id('coach')),
                 'PT422', 'Page either before or after a point, not both.', 'both cursors at once is refused');
select tests.authenticate_as('member2');
select is_empty(format('select 1 from public.conversation_messages(%L, %L) where recipient_id = %L', tests.get_organization_id('test-gym'),
                       tests.get_user_id('coach'), tests.get_user_id('member')),
                'member2 reading the coach''s thread sees only their own messages');

-- read receipts, shared
select tests.authenticate_as('coach');
select throws_ok(format('select public.mark_message_read(%L)', :'m1'), 'PT403', 'Only the recipient can mark a message read.',
                 'the sender cannot mark their own message read');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.mark_message_read(%L)', :'m1'), 'PT404', 'That message does not exist or is not yours to see.',
                 'a stranger gets not-found');
select tests.authenticate_as('member');
select isnt((select read_at from public.mark_message_read(:'m2')), null, 'the recipient reads the second message');
select is((select unread_count from public.list_conversations(tests.get_organization_id('test-gym')) where other_user_id = tests.get_user_id('coach')),
          1, 'reading the second marks the first too: one unread left');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.messages where id in (:'m1', :'m2') and read_at is not null), 2,
          'the coach sees both receipts');
select is((select count(*)::int from public.messages where id = :'m3' and read_at is null), 1, 'but not one for the third');
select tests.authenticate_as('member');
select is(public.mark_conversation_read(tests.get_organization_id('test-gym'), tests.get_user_id('coach')), 1,
          'reading the whole conversation reads the one left');
select is(public.total_unread(), 0, 'nothing unread');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('coach') and event = 'message_read'), 2,
          'the coach was told live, once per read');

-- read receipts, not shared
select tests.authenticate_as('member2');
update public.profiles set read_receipts_enabled = false where id = tests.get_user_id('member2');
select is(public.mark_conversation_read(tests.get_organization_id('test-gym'), tests.get_user_id('coach')), 1,
          'member2 (no receipts) reads their conversation');
select is(public.total_unread(), 0, 'their own unread count is right');
select is((select bool_and(is_read) from public.conversation_messages(tests.get_organization_id('test-gym'), tests.get_user_id('coach'))), true,
          'and they see the message as read');
select tests.authenticate_as('coach');
select is((select read_at from public.messages where recipient_id = tests.get_user_id('member2')), null,
          'but the coach gets no read_at');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('coach') and event = 'message_read'
             and payload ->> 'reader_id' = tests.get_user_id('member2')::text), 0, 'and no live receipt');
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('member2') and event = 'conversation_read'), 1,
          'member2''s own devices still hear about the read');

-- edits
select tests.authenticate_as('member');
select throws_ok(format('select public.edit_message(%L, %L)', :'m1', 'hacked'), 'PT403', 'Only the sender can edit this message.',
                 'the recipient cannot edit the sender''s message');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.edit_message(%L, %L)', :'m1', 'hacked'), 'PT404', 'That message does not exist or is not yours to see.',
                 'a stranger gets not-found');
select tests.authenticate_as('coach');
select throws_ok(format('select public.edit_message(%L, %L)', :'m1', ' '), 'PT422', 'Write a message first.', 'an edit cannot empty the message');
select throws_ok(format('select public.edit_message(%L, %L)', :'m1', repeat('z', 5001)), 'PT422', 'A message can be at most 5,000 characters.',
                 'an edit cannot exceed 5,000 characters');
select isnt((select edited_at from public.edit_message(:'m1', 'first (edited)')), null, 'the sender edits; edited_at is set');
select lives_ok(format('select public.edit_message(%L, %L)', :'m1', 'first (edited twice)'), 'and edits again');
select tests.authenticate_as('member');
select is(array(select previous_content from public.message_edits where message_id = :'m1' order by edited_at),
          array['first', 'first (edited)'], 'the recipient sees every earlier version');
select is((select content from public.messages where id = :'m1'), 'first (edited twice)', 'and the current text');
select tests.authenticate_as('member2');
select is_empty(format('select 1 from public.message_edits where message_id = %L', :'m1'), 'nobody else sees the history');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('member') and event = 'message_updated'), 2,
          'message_updated reached the recipient live');

-- deletes
select tests.authenticate_as('member');
select throws_ok(format('select public.delete_message(%L)', :'m1'), 'PT403', 'Only the sender can delete this message.',
                 'the recipient cannot delete the sender''s message');
select tests.authenticate_as('coach');
select is((select row(content, deleted_at is not null)::text from public.delete_message(:'m1')), row(null::text, true)::text,
          'the sender deletes: no text, deleted_at set');
select throws_ok(format('select public.edit_message(%L, %L)', :'m1', 'back'), 'PT409', 'A deleted message cannot be edited.',
                 'a deleted message cannot be edited');
select tests.authenticate_as('member');
select is((select row(content, deleted_at is not null)::text from public.messages where id = :'m1'), row(null::text, true)::text,
          'a direct select shows the placeholder without the text');
select is_empty(format('select 1 from public.message_edits where message_id = %L', :'m1'), 'its history is gone too');
select tests.clear_authentication();
select is((select count(*)::int from public.message_edits where message_id = :'m1'), 0, 'not just hidden: erased');
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('member') and event = 'message_deleted'), 1,
          'message_deleted reached the recipient live');
select tests.authenticate_as('member');
select lives_ok(format('select public.delete_message(%L)', :'r1'), 'the member deletes their reply (the last message)');
select tests.authenticate_as('coach');
select is((select row(last_message_preview, last_message_deleted)::text from public.list_conversations(tests.get_organization_id('test-gym'))
            where other_user_id = tests.get_user_id('member')), row(null::text, true)::text,
          'the coach''s inbox shows the last message as deleted');
select id as oops from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'oops') \gset
select tests.authenticate_as('member');
select is(public.total_unread(), 1, 'an unread message counts');
select tests.authenticate_as('coach');
select lives_ok(format('select public.delete_message(%L)', :'oops'), 'the coach deletes it before it is read');
select tests.authenticate_as('member');
select is(public.total_unread(), 0, 'and it no longer counts as unread');

-- catch-up
select is((select count(*)::int from public.messages_since('-infinity')), 5, 'everything since forever: every message of mine');
select ok((select bool_and(content is null) from public.messages_since('-infinity') where deleted_at is not null),
          'deleted ones come back as placeholders');
select is_empty($$ select * from public.messages_since(now() + interval '1 second') $$, 'nothing changed after now');
select throws_ok($$ select * from public.messages_since(null) $$, 'PT422', 'Say since when.', 'since is required');

-- search
select is(array(select content from public.search_messages(tests.get_organization_id('test-gym'), 'squats')),
          array['third: squats today'], 'full-text search finds my message');
select is_empty(format('select 1 from public.search_messages(%L, %L)', tests.get_organization_id('test-gym'), 'first'),
                'deleted messages are not found');
select throws_ok(format('select * from public.search_messages(%L, %L)', tests.get_organization_id('test-gym'), '  '),
                 'PT422', 'Search for 1 to 200 characters.', 'an empty search is refused');
select tests.authenticate_as('member2');
select is_empty(format('select 1 from public.search_messages(%L, %L)', tests.get_organization_id('test-gym'), 'squats'),
                'other people''s conversations are not searched');

select * from finish();
rollback;
