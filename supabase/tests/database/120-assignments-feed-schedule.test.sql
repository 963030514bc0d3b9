-- 120-assignments-feed-schedule: assign_feed (one workout_feed_posts row per post, feed-mode
-- programs only, enrolled members see it once publish_at has passed, no per-member rows) and
-- assign_schedule (class_sessions + class_session_workouts written all or nothing), each from
-- both sides for every actor: owner, coach, member, member2, outsider, other_coach, anon and
-- the service role.
begin;
select plan(51);

select tests.create_standard_actors();
select tests.use_ids();

-- fixtures (as postgres): two library workouts, a feed, a coaching and a schedule program in
-- test-gym, a feed program in other-gym; member follows the feed, member2 the coaching program.
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Cindy', tests.get_user_id('coach')) returning id)
insert into ids select 'cindy', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('other-gym'), 'Other', tests.get_user_id('other_coach')) returning id)
insert into ids select 'other_w', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Daily Feed', 'feed') returning id)
insert into ids select 'feed', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'coaching', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Classes', 'schedule') returning id)
insert into ids select 'schedule', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('other-gym'), 'Other Feed', 'feed') returning id)
insert into ids select 'other_feed', id from x;
insert into public.program_enrollments (program_id, user_id) values (tests.id('feed'), tests.get_user_id('member'));
insert into public.program_enrollments (program_id, user_id) values (tests.id('coaching'), tests.get_user_id('member2'));

-- ============================ assign_feed: allowed ========================================
select tests.authenticate_as('coach');
with x as (select * from public.assign_feed(tests.id('feed'), tests.id('fran'), now() + interval '1 hour', '  Partner up  '))
insert into ids select 'future_post', id from x;
select is((select organization_id = tests.get_organization_id('test-gym') and snapshot_workout_id = workout_id
                  and created_by = tests.get_user_id('coach') and note = 'Partner up'
             from public.workout_feed_posts where id = tests.id('future_post')),
          true, 'a coach posts to a feed: the row carries the organization, the pointer snapshot, the author and the trimmed note');
select tests.authenticate_as('owner');
with x as (select * from public.assign_feed(tests.id('feed'), tests.id('cindy'), now() - interval '1 minute'))
insert into ids select 'live_post', id from x;
select is((select count(*)::int from public.workout_feed_posts where program_id = tests.id('feed')), 2,
          'the owner posts too, and staff see both posts, live and scheduled');
select is((select count(*)::int from public.workout_assignments where organization_id = tests.get_organization_id('test-gym')), 0,
          'a feed post writes no per-member assignment rows');

-- ============================ assign_feed: who sees the posts =============================
select tests.authenticate_as('member');
select results_eq($$ select id from public.workout_feed_posts $$, $$ select tests.id('live_post') $$,
                  'the enrolled member sees the live post and not the one whose publish_at is still ahead');
select is((select count(*)::int from public.workouts where id = tests.id('cindy')), 1,
          'the enrolled member can read the live post''s workout');
select is_empty($$ select id from public.workouts where id = tests.id('fran') $$,
                'the scheduled post''s workout stays hidden from the member');
select tests.authenticate_as('member2');
select is_empty($$ select id from public.workout_feed_posts $$, 'a member not enrolled in the feed sees no post');
select tests.authenticate_as('outsider');
select is_empty($$ select id from public.workout_feed_posts $$, 'an outsider sees no post');
select tests.authenticate_as('other_coach');
select is_empty($$ select id from public.workout_feed_posts $$, 'another organization''s coach sees no post');
select tests.authenticate_as_anon();
select throws_ok($$ select id from public.workout_feed_posts $$, '42501', 'permission denied for table workout_feed_posts',
                 'anon cannot read feed posts at all');

-- time passes: the scheduled post's publish_at is reached (moved back, as now() is fixed in a transaction)
select tests.clear_authentication();
update public.workout_feed_posts set publish_at = now() - interval '1 second' where id = tests.id('future_post');
select tests.authenticate_as('member');
select is((select count(*)::int from public.workout_feed_posts), 2, 'once publish_at has passed the enrolled member sees the post');
select tests.clear_authentication();
update public.program_enrollments set ended_at = now() where user_id = tests.get_user_id('member') and program_id = tests.id('feed');
select tests.authenticate_as('member');
select is_empty($$ select id from public.workout_feed_posts $$, 'a member whose enrollment ended no longer sees the feed');

-- ============================ assign_feed: denied =========================================
select tests.authenticate_as('coach');
select throws_ok($$ select public.assign_feed(tests.id('coaching'), tests.id('fran')) $$, 'PT422',
                 'Feed posts go to feed-mode programs only.', 'a coaching-mode program takes no feed post');
select throws_ok($$ select public.assign_feed(tests.id('schedule'), tests.id('fran')) $$, 'PT422',
                 'Feed posts go to feed-mode programs only.', 'a schedule-mode program takes no feed post');
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('other_w')) $$, 'PT422',
                 'The workout is not in this organization''s library.', 'a workout of another organization is refused');
select throws_ok($$ select public.assign_feed(tests.id('feed'), null) $$, 'PT422',
                 'A feed post needs a workout.', 'a post without a workout is refused');
select throws_ok($$ select public.assign_feed(gen_random_uuid(), tests.id('fran')) $$, 'PT404',
                 'Program not found.', 'an unknown program reads as not found');
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran'), now() + interval '3 years') $$, 'PT422',
                 format('The date %s is out of range: assign within two years of today.', ((now() + interval '3 years') at time zone 'UTC')::date),
                 'a publish_at more than two years ahead is refused');
select throws_ok($$ select public.assign_feed(tests.id('other_feed'), tests.id('fran')) $$, 'PT404',
                 'Program not found.', 'a coach cannot post to another organization''s feed (it is invisible to them)');
select tests.authenticate_as('member');
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran')) $$, 'PT404',
                 'Program not found.', 'a member whose enrollment ended cannot post (the feed is invisible to them)');
select tests.authenticate_as('member2');
select throws_ok($$ select public.assign_feed(tests.id('coaching'), tests.id('fran')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'a member cannot post even to a program they follow');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran')) $$, 'PT404',
                 'Program not found.', 'an outsider cannot post (the program is invisible to them)');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran')) $$, 'PT404',
                 'Program not found.', 'another organization''s coach cannot post to this feed');
select tests.authenticate_as_anon();
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran')) $$, '42501',
                 'permission denied for function assign_feed', 'anon cannot call assign_feed');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.assign_feed(tests.id('feed'), tests.id('fran')) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: assign_feed asks to sign in');
select tests.clear_authentication();
select is((select count(*)::int from public.workout_feed_posts where organization_id = tests.get_organization_id('test-gym')), 2, 'none of the refused posts left a row');

-- ============================ assign_schedule: allowed ====================================
select tests.authenticate_as('coach');
create temp table sessions_made as
select * from public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran'), tests.id('cindy')],
  jsonb_build_array(
    jsonb_build_object('starts_at', date_trunc('day', now()) + interval '1 day 7 hours', 'ends_at', date_trunc('day', now()) + interval '1 day 8 hours',
                       'program_id', tests.id('schedule'), 'coach_id', tests.get_user_id('coach'), 'capacity', 12, 'location', 'Main floor'),
    jsonb_build_object('starts_at', date_trunc('day', now()) + interval '1 day 18 hours', 'ends_at', date_trunc('day', now()) + interval '1 day 19 hours')));
grant select on sessions_made to public;
select is((select count(*)::int from sessions_made), 2, 'a coach schedules a workout pair into two class slots');
select is((select array_agg(w.position order by s.starts_at, w.position)
             from public.class_session_workouts w join sessions_made s on s.id = w.class_session_id),
          array[0, 1, 0, 1], 'each class session got both workouts, in the given order');
select is((select count(*)::int from sessions_made
            where organization_id = tests.get_organization_id('test-gym') and created_by = tests.get_user_id('coach')),
          2, 'the sessions belong to the organization and name the coach who made them');
select is((select capacity || ' ' || location from sessions_made where program_id = tests.id('schedule')), '12 Main floor',
          'optional class fields (program, capacity, location) are stored');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
             jsonb_build_array(jsonb_build_object('starts_at', now() + interval '2 days', 'ends_at', now() + interval '2 days 1 hour'))
          )), 1, 'the owner schedules too');
select tests.authenticate_as('member');
select is((select count(*)::int from public.class_sessions where program_id is null), 2,
          'a member of the organization sees the open classes (no program)');
select is_empty($$ select id from public.class_sessions where program_id = tests.id('schedule') $$,
                'a member not enrolled in the schedule program does not see its classes');
select tests.authenticate_as('other_coach');
select is_empty($$ select id from public.class_sessions $$, 'another organization''s coach sees none of the classes');

-- ============================ assign_schedule: atomic ======================================
select tests.authenticate_as('coach');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(
                       jsonb_build_object('starts_at', now() + interval '3 days', 'ends_at', now() + interval '3 days 1 hour'),
                       jsonb_build_object('starts_at', now() + interval '4 days', 'ends_at', now() + interval '3 days'))) $$,
                 'PT422', 'A class slot must end after it starts, within 24 hours, with a capacity of 1 to 1000.',
                 'a slot ending before it starts is refused');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(
                       jsonb_build_object('starts_at', now() + interval '3 days', 'ends_at', now() + interval '3 days 1 hour'),
                       jsonb_build_object('starts_at', 'tomorrow-ish', 'ends_at', now() + interval '3 days'))) $$,
                 'PT422', 'A class slot has a malformed id, time or capacity.', 'a malformed time is refused');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(
                       jsonb_build_object('starts_at', now() + interval '3 days', 'ends_at', now() + interval '3 days 1 hour'),
                       jsonb_build_object('starts_at', now() + interval '3 days', 'ends_at', now() + interval '3 days 1 hour', 'capacity', 0))) $$,
                 'PT422', 'A class slot must end after it starts, within 24 hours, with a capacity of 1 to 1000.',
                 'a capacity of zero is refused');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now() + interval '3 days'))) $$,
                 'PT422', 'Each class slot needs starts_at and ends_at.', 'a slot without an end is refused');
select tests.clear_authentication();
select is((select count(*)::int from public.class_sessions where organization_id = tests.get_organization_id('test-gym')), 3,
          'a bad slot rolls back the good slots before it: no class session was added by the refused calls');
select is((select count(*)::int from public.class_session_workouts where organization_id = tests.get_organization_id('test-gym')), 5,
          'and no class_session_workouts row was left behind either');

-- ============================ assign_schedule: denied =====================================
select tests.authenticate_as('coach');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[]::uuid[],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT422', 'Choose at least one workout.', 'scheduling needs a workout');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')], '[]') $$,
                 'PT422', 'Choose at least one class slot.', 'scheduling needs a class slot');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('other_w')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT422', 'The workout is not in this organization''s library.', 'another organization''s workout cannot be scheduled');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('other-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Only staff of the organization can do this.', 'a coach cannot schedule in another organization');
select tests.authenticate_as('member');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Only staff of the organization can do this.', 'a member cannot schedule classes');
select tests.authenticate_as('member2');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Only staff of the organization can do this.', 'another member cannot schedule classes');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Only staff of the organization can do this.', 'an outsider cannot schedule classes');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot schedule here');
select tests.authenticate_as_anon();
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 '42501', 'permission denied for function assign_schedule', 'anon cannot call assign_schedule');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.assign_schedule(tests.get_organization_id('test-gym'), array[tests.id('fran')],
                     jsonb_build_array(jsonb_build_object('starts_at', now(), 'ends_at', now() + interval '1 hour'))) $$,
                 'PT403', 'Sign in first.', 'the service role is no person: assign_schedule asks to sign in');
select tests.clear_authentication();
select is((select count(*)::int from public.class_sessions where organization_id = tests.get_organization_id('test-gym')), 3, 'no refused call left a class session behind');

select * from finish();
rollback;
