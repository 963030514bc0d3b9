-- 009-notifications: push subscriptions, preferences and mutes are each person's own; the
-- outbox is readable by its recipient only and written by private.enqueue_notification, which
-- honours category toggles, snooze, mutes and quiet hours in the person's time zone.
begin;
select plan(31);

select tests.create_standard_actors();
create temp table queued (name text primary key, id uuid);
grant all on queued to public;

-- push subscriptions
select tests.authenticate_as('member');
select lives_ok($$ insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values (tests.get_user_id('member'), 'https://fcm.googleapis.com/fcm/send/abc', 'p256', 'authkey') $$,
                'a person saves their own push subscription');
select throws_ok($$ insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values (tests.get_user_id('member2'), 'https://fcm.googleapis.com/fcm/send/def', 'p256', 'authkey') $$,
                 '42501', 'new row violates row-level security policy for table "push_subscriptions"', 'nobody saves a subscription for someone else');
select throws_ok($$ insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values (tests.get_user_id('member'), 'http://insecure', 'p256', 'authkey') $$,
                 '23514', null, 'push endpoints must be https');
select tests.authenticate_as('member2');
select is_empty($$ select * from public.push_subscriptions $$, 'another member does not see the subscription');
delete from public.push_subscriptions;
select is((select endpoint from public.register_push_subscription('https://fcm.googleapis.com/fcm/send/abc', 'p2', 'a2', 'Firefox')), 'https://fcm.googleapis.com/fcm/send/abc',
          'signing in on the same browser takes the endpoint over');
select is((select count(*)::int from public.push_subscriptions), 1, 'member2 now owns that endpoint');
select tests.authenticate_as('coach');
select is_empty($$ select * from public.push_subscriptions $$, 'staff do not see their members'' subscriptions');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.push_subscriptions $$, 'anon sees no subscriptions');

-- preferences and mutes
select tests.authenticate_as('member');
select lives_ok($$ insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end, time_zone)
                   values (tests.get_user_id('member'), '22:00', '07:00', 'Pacific/Auckland') $$,
                'a person sets quiet hours in their own time zone');
select throws_ok($$ update public.notification_preferences set quiet_hours_end = null $$, '23514', null,
                 'quiet hours need both a start and an end');
select throws_ok($$ update public.notification_preferences set time_zone = 'Pacific/Atlantis' $$, '23514', null,
                 'the time zone must be a real one');
select lives_ok($$ insert into public.notification_mutes (user_id, muted_user_id) values (tests.get_user_id('member'), tests.get_user_id('member2')) $$,
                'a person mutes someone');
select throws_ok($$ insert into public.notification_mutes (user_id, muted_user_id, conversation_key) values (tests.get_user_id('member'), tests.get_user_id('coach'), 'dm:x') $$,
                 '23514', null, 'a mute targets a person or a conversation, not both');
select tests.authenticate_as('member2');
select is_empty($$ select * from public.notification_preferences $$, 'nobody reads another person''s preferences');
select is_empty($$ select * from public.notification_mutes $$, 'nobody reads another person''s mutes');
select throws_ok($$ insert into public.notification_preferences (user_id) values (tests.get_user_id('member')) $$,
                 '42501', 'new row violates row-level security policy for table "notification_preferences"', 'nobody sets another person''s preferences');

-- enqueueing: called by postgres-owned functions, so as postgres here
select tests.clear_authentication();
-- A push is queued only for someone with a device (without one it is skipped at once, pgTAP 740);
-- member2 took member's endpoint over above, so member subscribes another; so does the coach.
insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
values (tests.get_user_id('member'), 'https://fcm.googleapis.com/fcm/send/009-member', 'p256', 'authkey'),
       (tests.get_user_id('coach'), 'https://fcm.googleapis.com/fcm/send/009-coach', 'p256', 'authkey');
insert into queued select 'noon', private.enqueue_notification(tests.get_user_id('member'), 'newMessage',
  '{"sender_id":"00000000-0000-0000-0000-000000000001"}', null, '2026-06-01 12:00+12');
select is((select status::text from public.notification_outbox where id = (select id from queued where name = 'noon')), 'pending',
          'outside quiet hours a push is queued');
select is((select not_before from public.notification_outbox where id = (select id from queued where name = 'noon')),
          '2026-06-01 12:00+12'::timestamptz, 'outside quiet hours it is due at once');
insert into queued select 'late', private.enqueue_notification(tests.get_user_id('member'), 'newMessage', '{}', null, '2026-06-01 23:30+12');
select is((select not_before from public.notification_outbox where id = (select id from queued where name = 'late')),
          '2026-06-02 07:00+12'::timestamptz, 'during quiet hours (23:30 in Auckland) it waits for 07:00 the next morning');
insert into queued select 'early', private.enqueue_notification(tests.get_user_id('member'), 'newComment', '{}', null, '2026-06-02 05:00+12');
select is((select not_before from public.notification_outbox where id = (select id from queued where name = 'early')),
          '2026-06-02 07:00+12'::timestamptz, 'after midnight it waits for 07:00 the same morning');
insert into queued select 'muted', private.enqueue_notification(tests.get_user_id('member'), 'newMessage',
  jsonb_build_object('sender_id', tests.get_user_id('member2')), null, '2026-06-01 12:00+12');
select is((select skip_reason from public.notification_outbox where id = (select id from queued where name = 'muted')), 'muted',
          'a message from a muted person is skipped');
update public.notification_preferences set workouts_enabled = false where user_id = tests.get_user_id('member');
insert into queued select 'off', private.enqueue_notification(tests.get_user_id('member'), 'workoutAssigned', '{}', null, '2026-06-01 12:00+12');
select is((select skip_reason from public.notification_outbox where id = (select id from queued where name = 'off')), 'category_disabled',
          'a disabled category is skipped');
update public.notification_preferences set muted_until = '2026-07-01' where user_id = tests.get_user_id('member');
insert into queued select 'snooze', private.enqueue_notification(tests.get_user_id('member'), 'newMessage', '{}', null, '2026-06-01 12:00+12');
select is((select skip_reason from public.notification_outbox where id = (select id from queued where name = 'snooze')), 'snoozed',
          'while snoozed everything is skipped');
insert into queued select 'c1', private.enqueue_notification(tests.get_user_id('coach'), 'newMessage', '{"n":1}', 'dm:a:b', '2026-06-01 12:00+00');
insert into queued select 'c2', private.enqueue_notification(tests.get_user_id('coach'), 'newMessage', '{"n":2}', 'dm:a:b', '2026-06-01 12:01+00');
select is((select id from queued where name = 'c2'), (select id from queued where name = 'c1'),
          'a second push with the same collapse key replaces the waiting one');
select is((select payload ->> 'n' from public.notification_outbox where user_id = tests.get_user_id('coach')), '2',
          'the waiting push carries the newest payload');
select throws_ok($$ select private.enqueue_notification(tests.get_user_id('coach'), 'spam', '{}') $$,
                 'PT422', 'Unknown notification category "spam".', 'unknown categories are refused');

-- the outbox from the outside
select tests.authenticate_as('member');
select is((select count(*)::int from public.notification_outbox), 6, 'a person reads their own queued notifications');
select throws_ok($$ update public.notification_outbox set status = 'sent' $$, '42501', 'permission denied for table notification_outbox',
                 'a person cannot mark their notifications sent');
select throws_ok($$ select private.enqueue_notification(tests.get_user_id('coach'), 'newMessage', '{}') $$, '42501',
                 'permission denied for function enqueue_notification', 'clients cannot enqueue notifications');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.notification_outbox), 1, 'staff see only their own notifications, not their members''');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.notification_outbox $$, '42501', 'permission denied for table notification_outbox',
                 'anon cannot read the outbox at all');

select * from finish();
rollback;
