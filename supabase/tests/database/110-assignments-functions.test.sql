-- 110-assignments-functions: assign (personal, feed, schedule, template), reads, athlete and
-- staff mutations, bulk operations with their audit rows, the lazy fork with auto-completion and
-- the drip publisher with athletes in Pacific/Auckland and America/Los_Angeles; every error by
-- its HINT code, for every actor.
begin;
select plan(63);

select tests.create_standard_actors();
select tests.create_user('nz');
select tests.create_user('la');
select tests.add_member(tests.get_organization_id('test-gym'), 'nz');
select tests.add_member(tests.get_organization_id('test-gym'), 'la');
update public.profiles set time_zone = 'Pacific/Auckland' where id = tests.get_user_id('nz');
update public.profiles set time_zone = 'America/Los_Angeles' where id = tests.get_user_id('la');
select tests.use_ids();
create temp table got (name text primary key, val jsonb);
grant all on got to public;



with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_sections (workout_id, position, title) values (tests.id('fran'), 0, 'Metcon') returning id)
insert into ids select 'fran_section', id from x;
insert into public.workout_movements (section_id, position, name, reps, load, load_unit) values (tests.id('fran_section'), 0, 'Thruster', 21, 43, 'kg'), (tests.id('fran_section'), 1, 'Pull-up', 21, null, null);
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('other-gym'), 'Other', tests.get_user_id('other_coach')) returning id)
insert into ids select 'other_w', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'coaching', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Feed', 'feed') returning id)
insert into ids select 'feed', id from x;
insert into public.program_enrollments (program_id, user_id) values (tests.id('coaching'), tests.get_user_id('member'));

-- ============================ assign_personal =============================================
select tests.authenticate_as('coach');
select is((select count(*)::int from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member'), tests.get_user_id('member2')], current_date, 'workout', tests.id('fran'))),
          2, 'a coach assigns a published workout to two athletes');
insert into ids select 'm1_today', id from public.workout_assignments where user_id = tests.get_user_id('member') and date = current_date;
select is((select count(*)::int from public.notification_outbox), 0, 'the coach cannot read the athletes'' outbox');
select is((select count(*)::int from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date + 1, 'rest', null, null, 0, null, 'draft')),
          1, 'a coach keeps a rest day as a draft');
insert into ids select 'm1_draft', id from public.workout_assignments where user_id = tests.get_user_id('member') and date = current_date + 1;
select is((select count(*)::int from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date - 3, 'workout', tests.id('fran'), null, 0, null, 'publish')),
          1, 'a coach assigns a past-dated workout (overdue later)');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'workout', tests.id('other_w')) $$),
          'workout_other_organization', 'a workout from another organization is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('outsider')], current_date, 'workout', tests.id('fran')) $$),
          'athlete_not_member', 'an athlete not in the organization is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'note') $$),
          'note_required', 'a note cell without a note is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'rest', tests.id('fran')) $$),
          'workout_not_allowed', 'a rest cell with a workout is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date + 1000, 'rest') $$),
          'date_out_of_range', 'a date more than two years away is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[]::uuid[], current_date, 'rest') $$),
          'athletes_required', 'an empty athlete list is refused');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'rest', null, null, 0, null, 'sometime') $$),
          'invalid_mode', 'an unknown mode is refused');
select throws_ok($$ select public.assign_personal(tests.get_organization_id('other-gym'), array[tests.get_user_id('member')], current_date, 'rest') $$,
                 'PT403', 'Only staff of the organization can do this.', 'a coach cannot assign in another organization');

select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'rest') $$),
          'not_staff', 'an athlete cannot assign');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'rest') $$),
          'not_staff', 'another organization''s coach cannot assign here');
select tests.authenticate_as_anon();
select throws_ok($$ select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'rest') $$,
                 '42501', null, 'anon cannot call assign_personal');

select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox where category = 'workoutAssigned' and user_id = tests.get_user_id('member')),
          2, 'each published row queued a push for the athlete; the draft none');

-- ============================ morning_of drip and time zones ==============================
select tests.authenticate_as('coach');
select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('nz'), tests.get_user_id('la'), tests.get_user_id('member2')], current_date + 10, 'workout', tests.id('fran'), null, 1, null, 'morning_of');
select tests.clear_authentication();
select is((select publish_at from public.workout_assignments where user_id = tests.get_user_id('nz') and date = current_date + 10),
          ((current_date + 10) + time '05:00') at time zone 'Pacific/Auckland', 'Auckland athlete: 05:00 Auckland time');
select is((select publish_at from public.workout_assignments where user_id = tests.get_user_id('la') and date = current_date + 10),
          ((current_date + 10) + time '05:00') at time zone 'America/Los_Angeles', 'Los Angeles athlete: 05:00 Los Angeles time');
select is((select publish_at from public.workout_assignments where user_id = tests.get_user_id('member2') and date = current_date + 10),
          ((current_date + 10) + time '05:00') at time zone 'Europe/London', 'an athlete without a zone: the organization''s 05:00');
select tests.freeze_time(((current_date + 10) + time '05:00') at time zone 'Pacific/Auckland');
select is(private.publish_due_assignments(now() - interval '1 minute'), 0, 'a minute before Auckland''s 05:00 nothing is due');
select is(private.publish_due_assignments(now()), 1, 'at Auckland''s 05:00 exactly one draft is published');
select is((select published from public.workout_assignments where user_id = tests.get_user_id('nz') and date = current_date + 10), true, 'it is the Auckland athlete''s');
select is(private.publish_due_assignments(now()), 0, 'a second run publishes nothing (idempotent)');
select is((select count(*)::int from public.notification_outbox where user_id = tests.get_user_id('nz')), 1, 'the drip queued exactly one push');
select tests.freeze_time(((current_date + 10) + time '05:00') at time zone 'America/Los_Angeles');
select is(private.publish_due_assignments(now()), 2, 'by Los Angeles'' 05:00 the London and LA drafts are published');
select tests.unfreeze_time();
select is((select count(*)::int from cron.job where jobname = 'publish-due-assignments' and schedule = '* * * * *'), 1, 'the cron job runs every minute');
select tests.authenticate_as('coach');
select throws_ok($$ select private.publish_due_assignments(now()) $$, '42501', null, 'clients cannot run the publisher');

-- ============================ reads ========================================================
select is((select count(*)::int from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3)), 4, 'coach week: every live cell of the organization, drafts included');
select is((select count(*)::int from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, tests.id('coaching'))), 3, 'coach week by program: ad-hoc rows of enrolled members');
select is((select count(*)::int from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, tests.get_user_id('member2'))), 1, 'coach week by athlete');
select is((select count(distinct user_id)::int from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null, null, 1)), 1,
          'coach week pages by athlete: a page of one athlete holds one athlete''s cells');
select is((select array_agg(distinct a.user_id) from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3) a),
          (select array_agg(distinct x.user_id) from (
             select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null, null, 1)
             union all
             select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null,
               (select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null, null, 1) limit 1), 200)) x),
          'the next page starts after the last row''s athlete: two pages hold every athlete of the week');
select is((select count(*)::int from (
             select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null, null, 1)
             intersect
             select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null,
               (select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3, null, null, null, 1) limit 1), 200)) x),
          0, 'pages do not overlap');
select is((select array_agg(p.display_name order by o) from (
             select distinct on (a.user_id) a.user_id, row_number() over () as o
               from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3) a) w
             join public.profiles p on p.id = w.user_id),
          (select array_agg(p.display_name order by p.display_name) from public.profiles p
            where p.id in (select user_id from public.coach_week(tests.get_organization_id('test-gym'), current_date - 3))),
          'rows come athlete by athlete in display-name order');
select tests.authenticate_as('member');
select is((select count(*)::int from public.my_week(current_date - 3)), 2, 'my week: own published rows only, no draft');
select is((select count(*)::int from public.my_today()), 1, 'my today: today''s published row');
select is((select count(*)::int from public.get_assignment(tests.id('m1_today')) g, unnest(g.movements) m where m.section_id = (g.sections[1]).id), 2, 'get_assignment returns the workout with sections and movements');
select is(tests.hint_of($$ select public.get_assignment(tests.id('m1_draft')) $$), 'assignment_not_found', 'a draft is invisible to its athlete');
select is(tests.hint_of($$ select public.coach_week(tests.get_organization_id('test-gym'), current_date) $$), 'not_staff', 'athletes cannot read the coach grid');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.get_assignment(tests.id('m1_today')) $$), 'assignment_not_found', 'another member cannot read the assignment');

-- ============================ complete / skip / reopen ====================================
select is(tests.hint_of($$ select public.complete_assignment(tests.id('m1_today')) $$), 'assignment_not_found', 'a member cannot complete someone else''s assignment');
select tests.authenticate_as('member');
select is((select status::text from public.skip_assignment(tests.id('m1_today'), 'Travelling')), 'skipped', 'the athlete skips with a reason');
select is((select skip_reason from public.skip_assignment(tests.id('m1_today'), '  ')), null, 'a blank reason is allowed: the skip keeps no reason');
select is((select status::text from public.reopen_assignment(tests.id('m1_today'))), 'assigned', 'reopen undoes a skip');
select is(tests.hint_of($$ select public.reopen_assignment(tests.id('m1_today')) $$), 'already_open', 'reopening an open assignment says so');
select is((select completed_at is not null from public.complete_assignment(tests.id('m1_today'))), true, 'the athlete completes; completed_at is set');
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select public.complete_assignment(tests.id('m1_today')) $$), 'not_your_assignment', 'staff cannot complete for the athlete');
select is((select status::text from public.reopen_assignment(tests.id('m1_today'))), 'assigned', 'staff can reopen');

-- ============================ lazy fork and auto-completion ===============================
select isnt((select public.fork_snapshot_if_needed(tests.id('m1_today'))), tests.id('fran'), 'the first fork makes a snapshot');
select is(public.fork_snapshot_if_needed(tests.id('m1_today')), (select snapshot_workout_id from public.workout_assignments where id = tests.id('m1_today')), 'forking again returns the same snapshot');
select is((select count(*)::int from public.workout_movements m join public.workout_assignments a on a.snapshot_workout_id = m.workout_id where a.id = tests.id('m1_today')), 2, 'the snapshot has its own copied movements');
update public.workout_movements set reps = 15 where workout_id = tests.id('fran');
select tests.authenticate_as('member');
select is((select (g.movements[1]).reps from public.get_assignment(tests.id('m1_today')) g), 21, 'a library edit does not change the frozen prescription');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.fork_snapshot_if_needed(tests.id('m1_today')) $$), 'assignment_not_found', 'another organization''s coach cannot fork');
select tests.authenticate_as('member');
insert into ids select 'm1_past', id from public.workout_assignments where date = current_date - 3;
select lives_ok($$ insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('fran'), tests.id('m1_past'), '4:20') $$,
                'the athlete logs a result against their assignment');
select is((select status::text || ':' || (snapshot_workout_id <> workout_id)::text from public.workout_assignments where id = tests.id('m1_past')), 'completed:true', 'the result completed the assignment and forked its snapshot');

-- ============================ bulk ========================================================
select tests.authenticate_as('coach');
select is((select count from public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'athlete_ids', jsonb_build_array(tests.get_user_id('member'))))), 3, 'bulk preview counts the matches');
select is((select count from public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'date_from', current_date + 500))), 0, 'a filter that matches nothing is a clean no-op');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'program_id', tests.id('coaching')))), 1, 'bulk publish by program publishes the enrolled member''s ad-hoc draft (FIT-201)');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'program_id', tests.id('coaching')))), 0, 're-publishing published rows is a no-op');
insert into got select 'del', to_jsonb(b) from public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'athlete_ids', jsonb_build_array(tests.get_user_id('member2')))) b;
select is((select count(*)::int from public.audit_logs where batch_id = (select (val->>'batch_id')::uuid from got where name = 'del') and action = 'assignment.bulk_deleted' and actor_id = tests.get_user_id('coach')),
          1, 'bulk delete writes one audit row with the batch id and the actor');
select is(tests.hint_of($$ select public.bulk_preview_assignments('{"date_from":"2026-01-01"}') $$), 'invalid_filter', 'a filter without an organization is refused');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'))) $$), 'not_staff', 'another organization''s coach cannot bulk delete here');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'))) $$), 'not_staff', 'athletes cannot bulk publish');

select * from finish();
rollback;
