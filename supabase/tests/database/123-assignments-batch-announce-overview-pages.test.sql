-- 123-assignments-batch-announce-overview-pages: migration 20261201000800_assignments.
-- private.enqueue_notifications applies exactly the rules of private.enqueue_notification to a
-- batch (the same cases through both give the same outbox rows); bulk publish sends each athlete
-- one push for everything they got; coach_overview pages, sorts, filters and searches its roster
-- and refuses bad paging input with readable errors.
begin;
select plan(33);

select tests.create_standard_actors();
select tests.use_ids();

-- ============================ enqueue_notifications = enqueue_notification =================
-- member: quiet hours 22:00-07:00 in Auckland and a mute on member2; member2: workout pushes
-- off; coach: snoozed; admin: a muted conversation; owner: no preferences.
insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end, time_zone)
values (tests.get_user_id('member'), '22:00', '07:00', 'Pacific/Auckland');
insert into public.notification_preferences (user_id, workouts_enabled) values (tests.get_user_id('member2'), false);
insert into public.notification_preferences (user_id, muted_until) values (tests.get_user_id('coach'), '2026-07-01');
insert into public.notification_mutes (user_id, muted_user_id) values (tests.get_user_id('member'), tests.get_user_id('member2'));
insert into public.notification_mutes (user_id, conversation_key) values (tests.get_user_id('admin'), 'dm:muted');

-- Everyone has a device, so pushes are queued rather than skipped for want of one (pgTAP 740 has
-- that case through both functions).
insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
select tests.get_user_id(w), 'https://fcm.googleapis.com/fcm/send/123-' || w, 'p256', 'authkey'
  from unnest(array['member', 'member2', 'coach', 'admin', 'owner', 'outsider']) w;
create temp table cases (ord int primary key, who text, category text, payload jsonb, collapse_key text);
insert into cases values
  (1, 'member', 'newMessage', jsonb_build_object('sender_id', tests.get_user_id('coach')), null),
  (2, 'member', 'newMessage', jsonb_build_object('sender_id', tests.get_user_id('member2')), null),
  (3, 'member2', 'workoutAssigned', '{"n": 3}', 'assignment:x'),
  (4, 'member2', 'newMessage', '{"n": 4}', 'dm:a'),
  (5, 'coach', 'newComment', '{"n": 5}', null),
  (6, 'admin', 'newMessage', '{"conversation_key": "dm:muted"}', 'dm:muted'),
  (7, 'owner', 'newMessage', '{"n": 7}', 'dm:k1'),
  (8, 'owner', 'newMessage', '{"n": 8}', 'dm:k1'),
  (9, 'admin', 'newMessage', '{"n": 9}', 'dm:k2'),
  (10, 'outsider', 'newMessage', '{"n": 10}', null);
create temp table outcome (run text, who text, status text, skip_reason text, not_before timestamptz, payload jsonb, collapse_key text);

-- a push already waiting for admin under dm:k2 (it collapses), then the cases one by one
insert into public.notification_outbox (user_id, category, payload, collapse_key, created_at)
values (tests.get_user_id('admin'), 'newMessage', '{"n": 0}', 'dm:k2', '2026-06-01 11:00+12');
select private.enqueue_notification(tests.get_user_id(c.who), c.category, c.payload, c.collapse_key, '2026-06-01 23:30+12')
  from cases c order by c.ord;
insert into outcome select 'one by one', u.name, o.status::text, o.skip_reason, o.not_before, o.payload, o.collapse_key
  from public.notification_outbox o join (select unnest(array['member','member2','coach','admin','owner','outsider']) name) u
    on o.user_id = tests.get_user_id(u.name);
delete from public.notification_outbox;

insert into public.notification_outbox (user_id, category, payload, collapse_key, created_at)
values (tests.get_user_id('admin'), 'newMessage', '{"n": 0}', 'dm:k2', '2026-06-01 11:00+12');
-- the batch API takes one category: run it per category, in the cases' order
select is((select sum(private.enqueue_notifications(k.category,
              array(select tests.get_user_id(c.who) from cases c where c.category = k.category order by c.ord),
              array(select c.payload from cases c where c.category = k.category order by c.ord),
              array(select c.collapse_key from cases c where c.category = k.category order by c.ord),
              '2026-06-01 23:30+12'))::int
             from (select distinct category from cases) k),
          5, 'the batch says how many pushes wait to be sent (member, member2''s message, admin''s collapsed one, owner''s, outsider''s)');
insert into outcome select 'batch', u.name, o.status::text, o.skip_reason, o.not_before, o.payload, o.collapse_key
  from public.notification_outbox o join (select unnest(array['member','member2','coach','admin','owner','outsider']) name) u
    on o.user_id = tests.get_user_id(u.name);

select results_eq(
  $$ select who, status, skip_reason, case when status = 'pending' then not_before end, payload, collapse_key
       from outcome where run = 'batch' order by 1, 2, 3, 4, 5::text $$,
  $$ select who, status, skip_reason, case when status = 'pending' then not_before end, payload, collapse_key
       from outcome where run = 'one by one' order by 1, 2, 3, 4, 5::text $$,
  'every case ends the same through the batch as one by one: status, skip reason, due time, payload, collapse key');
select is((select count(*)::int from outcome where run = 'batch'), 9, 'nine outbox rows: eleven events, two pairs collapsed into one each');
select is((select not_before from outcome where run = 'batch' and who = 'member' and status = 'pending'),
          '2026-06-02 07:00+12'::timestamptz, 'quiet hours in the person''s zone defer the push to 07:00');
select is((select skip_reason from outcome where run = 'batch' and who = 'member' and status = 'skipped'), 'muted',
          'a muted sender is skipped');
select is((select array_agg(skip_reason order by skip_reason) from outcome where run = 'batch' and status = 'skipped'),
          array['category_disabled', 'muted', 'muted', 'snoozed'], 'switched-off category, both kinds of mute and snooze are skipped');
select is((select payload from outcome where run = 'batch' and who = 'owner'), '{"n": 8}'::jsonb,
          'two events with one key in a batch leave one push with the newest payload');
select is((select payload from outcome where run = 'batch' and who = 'admin' and collapse_key = 'dm:k2'), '{"n": 9}'::jsonb,
          'a push already waiting under the same key is replaced, not doubled');
select throws_ok($$ select private.enqueue_notifications('newMessage', array[tests.get_user_id('owner')], array['{}'::jsonb, '{}'::jsonb], array[null, null]::text[]) $$,
                 'PT422', 'Recipients, payloads and collapse keys must be lists of the same length.', 'lists of different lengths are refused');
select throws_ok($$ select private.enqueue_notifications('gossip', array[tests.get_user_id('owner')], array['{}'::jsonb], array[null]::text[]) $$,
                 'PT422', 'Unknown notification category "gossip".', 'an unknown category is refused');
select is(private.enqueue_notifications('newMessage', '{}', '{}', '{}'), 0, 'an empty batch is a no-op');
select tests.authenticate_as('coach');
select throws_ok($$ select private.enqueue_notifications('newMessage', array[tests.get_user_id('owner')], array['{}'::jsonb], array[null]::text[]) $$,
                 '42501', 'permission denied for function enqueue_notifications', 'staff cannot call it');
select tests.authenticate_as('member');
select throws_ok($$ select private.enqueue_notifications('newMessage', array[tests.get_user_id('owner')], array['{}'::jsonb], array[null]::text[]) $$,
                 '42501', 'permission denied for function enqueue_notifications', 'members cannot call it');
select tests.authenticate_as_anon();
select throws_ok($$ select private.enqueue_notifications('newMessage', array[tests.get_user_id('owner')], array['{}'::jsonb], array[null]::text[]) $$,
                 '42501', 'permission denied for schema private', 'anon cannot reach it');
select tests.clear_authentication();
delete from public.notification_outbox;
delete from public.notification_preferences;
delete from public.notification_mutes;

-- ============================ bulk publish: one push per athlete ===========================
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
select tests.authenticate_as('coach');
select ok((select count(*) from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], d::date, 'workout', tests.id('fran'), null, 0, null, 'draft')) = 1,
          'a draft for ' || d::date) from generate_series(date '2027-03-01', date '2027-03-03', interval '1 day') g (d);
select is((select count(*)::int from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')], date '2027-03-02', 'rest', null, null, 0, null, 'draft')),
          1, 'and a rest day for member2');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
             'date_from', '2027-03-01', 'date_to', '2027-03-07'))), 4, 'the coach publishes the four drafts at once');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox where category = 'workoutAssigned' and user_id = tests.get_user_id('member')),
          1, 'the athlete with three new workouts gets one push, not three');
select is((select payload - 'assignment_ids' - 'sender_id' - 'organization_id' from public.notification_outbox
            where category = 'workoutAssigned' and user_id = tests.get_user_id('member')),
          jsonb_build_object('title', '3 new workouts', 'count', 3, 'date', '2027-03-01', 'date_to', '2027-03-03',
                             'body', 'Mon 1 Mar: Fran · Tue 2 Mar: Fran · Wed 3 Mar: Fran',
                             'url', '/org/' || tests.get_organization_id('test-gym') || '/week?week=2027-03-01'),
          'it says how many, lists the days with their titles and links to the week');
select is((select jsonb_array_length(payload -> 'assignment_ids') from public.notification_outbox
            where category = 'workoutAssigned' and user_id = tests.get_user_id('member')),
          3, 'and names the three cells');
select is((select payload ->> 'title' from public.notification_outbox where category = 'workoutAssigned' and user_id = tests.get_user_id('member2')),
          'Rest day', 'an athlete with one new cell gets that cell''s own push');
select is((select count(*)::int from realtime.messages where event = 'assignment_published'
            and topic in ('user:' || tests.get_user_id('member'), 'user:' || tests.get_user_id('member2'))),
          4, 'each cell is still broadcast, so open screens update cell by cell');

-- ============================ coach_overview pages =========================================
select tests.authenticate_as('coach');
select is((select display_name from public.coach_overview(tests.get_organization_id('test-gym'), p_limit => 1)),
          (select min(coalesce(p.display_name, '')) from public.memberships m join public.profiles p on p.id = m.user_id
            where m.organization_id = tests.get_organization_id('test-gym') and m.role = 'member' and m.status = 'active'),
          'a page of one holds the first athlete by name');
select results_eq($$ select display_name from public.coach_overview(tests.get_organization_id('test-gym'), p_limit => 1, p_offset => 1) $$,
                  $$ select coalesce(p.display_name, '') from public.memberships m join public.profiles p on p.id = m.user_id
                      where m.organization_id = tests.get_organization_id('test-gym') and m.role = 'member' and m.status = 'active'
                      order by 1, m.user_id offset 1 limit 1 $$,
                  'the next page holds the next one, alone');
select is((select total from public.coach_overview(tests.get_organization_id('test-gym'), p_limit => 1)),
          (select count(*)::int from public.memberships m where m.organization_id = tests.get_organization_id('test-gym') and m.role = 'member' and m.status = 'active'),
          'total counts every athlete, not the page');
select is((select display_name from public.coach_overview(tests.get_organization_id('test-gym'), p_search => 'MEMBER2') limit 1),
          'member2', 'search matches part of a name, whatever the case');
select is((select total from public.coach_overview(tests.get_organization_id('test-gym'), p_search => '%')), 0,
          'a % in the search is a character, not a wildcard');
select is((select total from public.coach_overview(tests.get_organization_id('test-gym'), p_status => 'on_track') limit 1),
          (select count_on_track from public.coach_overview(tests.get_organization_id('test-gym')) limit 1),
          'the filter keeps one traffic light, and the counts tell each light''s size beforehand');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym'), p_sort => 'age') $$,
                 'PT422', 'Sort by name, status or compliance.', 'an unknown sort is refused');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym'), p_status => 'sleepy') $$,
                 'PT422', 'Filter by on_track, at_risk, overdue or quiet.', 'an unknown traffic light is refused');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym'), p_limit => 500) $$,
                 'PT422', 'A page holds 1 to 200 athletes.', 'a page of 500 is refused');

select * from finish();
rollback;
