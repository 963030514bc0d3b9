-- 800-send-summary-writes: what a DM send leaves in both conversation summaries, pinned down
-- while the send's summary writes were reworked for issue 21 (a plain UPDATE per side instead of
-- the upsert, and a table with one index fewer, were measured and left out: see README). The
-- first message creates both sides, a later one moves both, the recipient gains an unread unless
-- it is behind their watermark, the sender's side never goes back to an older message, a hidden
-- side comes back, a muted recipient gets no push; and only the owner of a summary sees it.
begin;
select plan(21);

select tests.create_standard_actors();
create function pg_temp.uid(p text) returns uuid language sql as $f$ select tests.get_user_id(p) $f$;
create function pg_temp.gym() returns uuid language sql as $f$ select tests.get_organization_id('test-gym') $f$;
-- one summary as "owner -> other: preview / unread / hidden"
create function pg_temp.side(p_owner text, p_other text) returns text language sql security definer as $f$
  select coalesce(s.last_message_preview, '-') || ' / ' || s.unread_count || ' / ' || s.hidden
    from public.conversation_summaries s
   where s.owner_id = pg_temp.uid(p_owner) and s.other_user_id = pg_temp.uid(p_other)
     and s.organization_id = pg_temp.gym() $f$;
create function pg_temp.pushes(p_user text) returns int language sql security definer as $f$
  select count(*)::int from public.notification_outbox o
   where o.user_id = pg_temp.uid(p_user) and o.category = 'newMessage' $f$;
grant execute on all functions in schema pg_temp to public;

-- ============================ the first message, then more ============================
select tests.authenticate_as('coach');
select public.get_or_create_conversation(pg_temp.gym(), pg_temp.uid('member'));
select is(pg_temp.side('member', 'coach'), '- / 0 / true', 'opening it leaves the member''s side hidden');
select tests.authenticate_as('member');
select is((select count(*)::int from public.list_conversations(pg_temp.gym())), 0,
          'so the member''s inbox does not list it yet');
select tests.authenticate_as('coach');
select ok((public.send_message(pg_temp.gym(), pg_temp.uid('member'), 'Hello')).id is not null, 'the coach writes');
select is(pg_temp.side('coach', 'member'), 'Hello / 0 / false', 'the coach''s side takes it with no unread');
select is(pg_temp.side('member', 'coach'), 'Hello / 1 / false', 'the member''s side takes it, one unread, shown');
select tests.authenticate_as('member');
select is((select other_display_name || ' ' || unread_count from public.list_conversations(pg_temp.gym())), 'coach 1',
          'the member''s inbox lists the coach with one unread');
select public.mark_conversation_read(pg_temp.gym(), pg_temp.uid('coach'));
select ok((public.send_message(pg_temp.gym(), pg_temp.uid('coach'), 'Thanks')).id is not null, 'the member answers');
select is(pg_temp.side('coach', 'member'), 'Thanks / 1 / false', 'the coach gains one unread');
select is(pg_temp.side('member', 'coach'), 'Thanks / 0 / false', 'the member, who read everything, has none');

-- a side that already shows a newer message keeps it; a recipient's watermark ahead of the
-- message does not count it
select tests.clear_authentication();
update public.conversation_summaries set last_message_at = now() + interval '1 day',
       last_activity_at = now() + interval '1 day'
 where owner_id = pg_temp.uid('coach') and other_user_id = pg_temp.uid('member');
update public.conversation_summaries set last_read_at = now() + interval '1 day'
 where owner_id = pg_temp.uid('member') and other_user_id = pg_temp.uid('coach');
select tests.authenticate_as('coach');
select ok((public.send_message(pg_temp.gym(), pg_temp.uid('member'), 'Late')).id is not null, 'the coach writes again');
select is(pg_temp.side('coach', 'member'), 'Thanks / 1 / false',
          'the coach''s side, showing a newer message, keeps it and gains nothing');
select is(pg_temp.side('member', 'coach'), 'Late / 0 / false',
          'the member''s side takes it but does not count it (behind their watermark)');

-- ============================ no summary at all yet ============================
select tests.authenticate_as('owner');
select ok((public.send_message(pg_temp.gym(), pg_temp.uid('member2'), 'Welcome')).id is not null,
          'the owner writes to member2 without opening the conversation first');
select is(pg_temp.side('owner', 'member2') || ' | ' || pg_temp.side('member2', 'owner'),
          'Welcome / 0 / false | Welcome / 1 / false', 'both sides are created by the send');
select is(pg_temp.pushes('member2'), 1, 'member2''s push is recorded');
select tests.authenticate_as('member2');
update public.conversation_summaries set muted = true
 where owner_id = pg_temp.uid('member2') and other_user_id = pg_temp.uid('owner');
select tests.authenticate_as('owner');
select public.send_message(pg_temp.gym(), pg_temp.uid('member2'), 'Still there?');
select is(pg_temp.side('member2', 'owner') || ' | ' || pg_temp.pushes('member2'), 'Still there? / 2 / false | 1',
          'a muted conversation still counts the message, but queues no push');

-- ============================ who sees the summaries ============================
select tests.authenticate_as('admin');
select is((select count(*)::int from public.conversation_summaries), 0, 'another staff member sees none of them');
select tests.authenticate_as('other_coach');
select is((select count(*)::int from public.conversation_summaries), 0, 'another organization''s coach sees none');
select tests.authenticate_as('outsider');
select is((select count(*)::int from public.list_conversations(pg_temp.gym())), 0, 'an outsider''s inbox is empty');
select tests.authenticate_as_anon();
select throws_ok('select count(*) from public.conversation_summaries', '42501', null, 'anon may not read them');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.conversation_summaries where organization_id = pg_temp.gym()), 4,
          'the service role sees all four sides');

select * from finish();
rollback;
