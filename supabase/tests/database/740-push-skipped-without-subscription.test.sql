-- 740-push-skipped-without-subscription: a push for a person with no push subscription is
-- recorded as skipped (no_subscription) when it is queued, the state the worker used to leave it
-- in after claiming it; a person with a subscription is queued as before (pending, collapsing per
-- conversation, claimed by the worker with their devices); quiet hours still hold a push even
-- without a subscription, so a device subscribed before they end gets it. Both directions of a
-- DM (coach -> member, member -> coach), the batch form gives the same rows, every other skip
-- reason keeps its priority, and the outbox stays readable by its recipient only.
begin;
select plan(27);

select tests.create_standard_actors();

-- member has a device, coach has none
select tests.authenticate_as('member');
select lives_ok($$ select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/740-member', 'p256', 'auth') $$,
                'the member subscribes a device');

-- a DM to someone with a device: pending, as before
select tests.authenticate_as('coach');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'),
                       tests.get_user_id('member'), 'To the member, who has a phone'),
                'the coach writes to the member');
select tests.clear_authentication();
select is((select status::text from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'),
          'pending', 'a recipient with a subscription gets a pending push, as before');
select is((select skip_reason from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'),
          null, 'with no skip reason');

-- a second DM collapses into the waiting one, as before
select tests.authenticate_as('coach');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'),
                       tests.get_user_id('member'), 'And a second one'),
                'the coach writes again');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'),
          1, 'the newer message replaces the waiting push (one row per conversation while pending)');
select is((select payload ->> 'preview' from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'),
          'And a second one', 'carrying the newest message');

-- the worker still claims it with the member's device
select is((select jsonb_array_length(c.subscriptions) from private.service_role_claim_notifications(1000) c
            where c.user_id = tests.get_user_id('member')),
          1, 'the worker claims the member''s push with their one device');

-- a DM to someone without any device: skipped at once
select tests.authenticate_as('member');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'),
                       tests.get_user_id('coach'), 'To the coach, who has no device'),
                'the member writes to the coach');
select tests.clear_authentication();
select is((select status::text || '/' || skip_reason from public.notification_outbox
            where user_id = tests.get_user_id('coach') and category = 'newMessage'),
          'skipped/no_subscription', 'a recipient without a subscription: the push is recorded as skipped, no_subscription');
select is((select payload ->> 'preview' from public.notification_outbox
            where user_id = tests.get_user_id('coach') and category = 'newMessage'),
          'To the coach, who has no device', 'the record still carries what the push would have said');
select is((select count(*)::int from private.service_role_claim_notifications(1000) c
            where c.user_id = tests.get_user_id('coach')),
          0, 'and the worker has nothing to claim for them');

-- the message itself, the unread count and the live event are untouched
select tests.authenticate_as('coach');
select is((select unread_count from public.list_conversations(tests.get_organization_id('test-gym'))
            where other_user_id = tests.get_user_id('member')),
          1, 'the coach still has the message unread in the inbox');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages
            where topic = 'user:' || tests.get_user_id('coach') and event = 'message_created'
              and payload ->> 'content' = 'To the coach, who has no device'),
          1, 'and still gets it live');

-- subscribing later: the next push is queued again
select tests.authenticate_as('coach');
select lives_ok($$ select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/740-coach', 'p256', 'auth') $$,
                'the coach subscribes a device');
select tests.authenticate_as('member');
select lives_ok(format('select public.send_message(%L, %L, %L)', tests.get_organization_id('test-gym'),
                       tests.get_user_id('coach'), 'Now with a device'),
                'the member writes again');
select tests.clear_authentication();
select is((select status::text from public.notification_outbox
            where user_id = tests.get_user_id('coach') and category = 'newMessage' and payload ->> 'preview' = 'Now with a device'),
          'pending', 'once subscribed, the push is pending for the worker');

-- quiet hours hold a push even without a device (member2 has none)
insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end, time_zone)
values (tests.get_user_id('member2'), '22:00', '07:00', 'Europe/London');
create temp table queued (name text primary key, id uuid);
insert into queued select 'night', private.enqueue_notification(tests.get_user_id('member2'), 'newMessage', '{}', 'dm:740',
                                                                '2026-06-01 23:30+01');
insert into queued select 'noon', private.enqueue_notification(tests.get_user_id('member2'), 'newMessage', '{}', 'dm:740b',
                                                               '2026-06-01 12:00+01');
select is((select status::text || ' until ' || to_char(not_before at time zone 'Europe/London', 'HH24:MI')
             from public.notification_outbox where id = (select id from queued where name = 'night')),
          'pending until 07:00', 'during quiet hours the push waits even without a device, so one subscribed by 07:00 gets it');
select is((select status::text || '/' || skip_reason
             from public.notification_outbox where id = (select id from queued where name = 'noon')),
          'skipped/no_subscription', 'outside quiet hours, without a device: skipped at once');

-- earlier skip reasons keep their priority over no_subscription
update public.notification_preferences set messages_enabled = false where user_id = tests.get_user_id('member2');
insert into queued select 'off', private.enqueue_notification(tests.get_user_id('member2'), 'newMessage', '{}', null,
                                                              '2026-06-01 12:00+01');
select is((select skip_reason from public.notification_outbox where id = (select id from queued where name = 'off')),
          'category_disabled', 'a category turned off is still named as the reason');

-- the batch form (bulk publish, announcements) applies the same rule
select is(private.enqueue_notifications('workoutAssigned',
            array[tests.get_user_id('member'), tests.get_user_id('member2')],
            array['{"n": 1}'::jsonb, '{"n": 2}'::jsonb], array['batch:740', 'batch:740'], '2026-06-01 12:00+01'),
          1, 'a batch to someone with a device and someone without: one push waits to be sent');
select results_eq(
  $$ select u.name, o.status::text, o.skip_reason from public.notification_outbox o
       join (values ('member'), ('member2')) u (name) on o.user_id = tests.get_user_id(u.name)
      where o.collapse_key = 'batch:740' order by 1 $$,
  $$ values ('member', 'pending', null::text), ('member2', 'skipped', 'no_subscription') $$,
  'the batch queues it for the one with a device and records it skipped (no_subscription) for the other');

-- who reads the records: the recipient only
select tests.authenticate_as('coach');
select is((select count(*)::int from public.notification_outbox where skip_reason = 'no_subscription'),
          1, 'the coach reads their own skipped record');
select tests.authenticate_as('member');
select is((select count(*)::int from public.notification_outbox where user_id <> tests.get_user_id('member')),
          0, 'the member reads nobody else''s records');
select tests.authenticate_as('other_coach');
select is((select count(*)::int from public.notification_outbox), 0, 'another organization''s coach reads none');
select tests.authenticate_as('outsider');
select is((select count(*)::int from public.notification_outbox), 0, 'an outsider reads none');
select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from public.notification_outbox $$, '42501', null, 'anon may not read the outbox at all');

select * from finish();
rollback;
