-- 700-typed-rpc-results: the readers and bulk writers that used to answer with one jsonb document
-- now return typed rows (their generated types describe them). Each is checked for its shape and
-- figures, and for every actor both ways: the same people are allowed and refused, with the same
-- HINT codes, as before.
begin;
select plan(57);

select tests.create_standard_actors();
select tests.use_ids();

-- The coach plans a squat day for the member on two days, and a draft for later.
select tests.authenticate_as('coach');
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Squat Day', tests.get_user_id('coach')) returning id)
insert into ids select 'squat_day', id from x;
with x as (insert into public.workout_sections (workout_id, title) values (tests.id('squat_day'), 'Strength') returning id)
insert into ids select 'section', id from x;
insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit)
values (tests.id('section'), 0, 'Back Squat', 3, 5, 100, 'kg');
insert into ids
select 'a1', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  '2026-12-07', 'workout', tests.id('squat_day'), null, 0, null, 'publish') a;
insert into ids
select 'a2', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  '2026-12-09', 'workout', tests.id('squat_day'), null, 0, null, 'publish') a;
insert into ids
select 'draft', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')],
  '2027-02-01', 'workout', tests.id('squat_day'), null, 0, null, 'draft') a;
insert into ids select 'news', (public.post_announcement(tests.get_organization_id('test-gym'), 'Gym closed Friday')).id;

create function pg_temp.movement_of(p_assignment text) returns uuid language sql as $f$
  select m.id from public.workout_assignments a join public.workout_movements m on m.workout_id = a.snapshot_workout_id
   where a.id = tests.id(p_assignment) $f$;
create function pg_temp.bulk_filter() returns jsonb language sql as $f$
  select jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'date_from', '2027-02-01', 'date_to', '2027-02-07') $f$;
grant execute on all functions in schema pg_temp to public;

-- The member logs both days (the second heavier) and reads the announcement.
select tests.authenticate_as('member');
with x as (insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, performed_at, movement_results)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('a1'),
                   (select snapshot_workout_id from public.workout_assignments where id = tests.id('a1')), '2026-12-07 18:00+00',
                   jsonb_build_array(jsonb_build_object('movement_id', pg_temp.movement_of('a1'), 'load_unit', 'kg',
                     'set_results', '[{"load":100,"reps":5},{"load":105,"reps":5},{"load":110,"reps":3}]'::jsonb))) returning id)
insert into ids select 'r1', id from x;
with x as (insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, performed_at, score, movement_results)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('a2'),
                   (select snapshot_workout_id from public.workout_assignments where id = tests.id('a2')), '2026-12-09 18:00+00', 'strong',
                   jsonb_build_array(jsonb_build_object('movement_id', pg_temp.movement_of('a2'), 'load', 120, 'reps', 2))) returning id)
insert into ids select 'r2', id from x;
select is(public.mark_announcement_read(tests.id('news')), true, 'the member reads the announcement');

-- ============================ results_feed: one card per row, has_more =====================
select tests.authenticate_as('coach');
select results_eq($$ select id, score, has_more from public.results_feed(tests.get_organization_id('test-gym')) $$,
                  $$ values (tests.id('r2'), 'strong'::text, false), (tests.id('r1'), null::text, false) $$,
                  'the coach''s feed: a row per result, newest first, and no next page');
select is((select (display_name, workout_title, assignment_id, assignment_date)::text
             from public.results_feed(tests.get_organization_id('test-gym')) where id = tests.id('r1')),
          (select (p.display_name, 'Squat Day', tests.id('a1'), date '2026-12-07')::text from public.profiles p where p.id = tests.get_user_id('member')),
          'each card names the athlete, the workout and the day');
select is((select movements #>> '{0,set_results,2,load}' from public.results_feed(tests.get_organization_id('test-gym')) where id = tests.id('r1')),
          '110', 'the per-set numbers are in the card''s movements');
select is((select (records[1].movement_name, records[1].best_load, records[1].user_id = tests.get_user_id('member'))::text
             from public.results_feed(tests.get_organization_id('test-gym')) where id = tests.id('r2')),
          '("back squat",120.00,t)', 'the record the newer result holds is a personal_records row');
select is((select cardinality(records) from public.results_feed(tests.get_organization_id('test-gym')) where id = tests.id('r1')),
          0, 'the older result holds no record any more');
select results_eq($$ select id, has_more from public.results_feed(tests.get_organization_id('test-gym'), p_limit => 1) $$,
                  $$ values (tests.id('r2'), true) $$, 'a page of one says there is more');
select results_eq($$ select n.id, n.has_more from public.results_feed(tests.get_organization_id('test-gym'), p_limit => 1) f
                       cross join lateral public.results_feed(tests.get_organization_id('test-gym'), null, null, f.performed_at, f.id, 1) n $$,
                  $$ values (tests.id('r1'), false) $$, 'the next page, from the last row''s performed_at and id, is the last');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.results_feed(tests.get_organization_id('test-gym'))), 2, 'the owner reads the feed');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.results_feed(tests.get_organization_id('test-gym'))), 2, 'an admin reads the feed');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.results_feed(tests.get_organization_id('test-gym')) $$), 'not_staff', 'the athlete cannot read the feed');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.results_feed(tests.get_organization_id('test-gym')) $$), 'not_staff', 'another member cannot');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.results_feed(tests.get_organization_id('test-gym')) $$), 'not_staff', 'another organization''s coach cannot');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.results_feed(tests.get_organization_id('test-gym')) $$), 'not_staff', 'an outsider cannot');
select tests.authenticate_as_anon();
select throws_ok($$ select public.results_feed(tests.get_organization_id('test-gym')) $$, '42501', null, 'anon cannot call it');

-- ============================ assignment_results and assignment_previous_results ==============
select tests.authenticate_as('member');
select results_eq($$ select id, assignment_id from public.assignment_results(tests.id('a1')) $$,
                  $$ values (tests.id('r1'), tests.id('a1')) $$, 'the athlete reads their card on the day');
select results_eq($$ select movement_id, load_unit, load, reps, set_results from public.assignment_previous_results(tests.id('a2')) $$,
                  $$ values (pg_temp.movement_of('a2'), 'kg'::text, null::numeric, null::numeric,
                             '[{"load":100,"reps":5},{"load":105,"reps":5},{"load":110,"reps":3}]'::jsonb) $$,
                  'the second day offers the first day''s squat sets, one row per movement');
select results_eq($$ select movement_id, load_unit, load, reps, set_results from public.assignment_previous_results(tests.id('a1')) $$,
                  $$ values (pg_temp.movement_of('a1'), 'kg'::text, 120::numeric, 2::numeric, '[]'::jsonb) $$,
                  'and the first day the other day''s (a result logged the older way: one load and reps)');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.assignment_results(tests.id('a1'))), 1, 'the coach reads the card on the day');
select is((select count(*)::int from public.assignment_previous_results(tests.id('a2'))), 1, 'and last time''s numbers');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.assignment_results(tests.id('a1')) $$), 'assignment_not_found', 'another member cannot read the card');
select is(tests.hint_of($$ select public.assignment_previous_results(tests.id('a1')) $$), 'assignment_not_found', 'nor last time''s numbers');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.assignment_results(tests.id('a1')) $$), 'assignment_not_found', 'another organization''s coach cannot read the card');
select is(tests.hint_of($$ select public.assignment_previous_results(tests.id('a1')) $$), 'assignment_not_found', 'nor last time''s numbers');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.assignment_previous_results(tests.id('a1')) $$), 'assignment_not_found', 'an outsider cannot read them');
select tests.authenticate_as_anon();
select throws_ok($$ select public.assignment_results(tests.id('a1')) $$, '42501', null, 'anon cannot call assignment_results');
select throws_ok($$ select public.assignment_previous_results(tests.id('a1')) $$, '42501', null, 'nor assignment_previous_results');

-- ============================ athlete_profile: one row =====================================
select tests.authenticate_as('coach');
select is((select count(*)::int from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))), 1,
          'the athlete page is one row');
select is((select (user_id, role, today, time_zone)::text
             from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 4, '2026-12-09 12:00+00')),
          (tests.get_user_id('member'), 'member'::public.membership_role, date '2026-12-09', 'Europe/London')::text,
          'the athlete, their role, their today and zone are typed columns');
select is((select (records[1].movement_name, records[1].best_load)::text
             from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          '("back squat",120.00)', 'the records are personal_records rows');
select is((select array[jsonb_typeof(compliance), jsonb_typeof(recent_results), jsonb_typeof(comments), jsonb_typeof(notes),
                        jsonb_typeof(upcoming), jsonb_typeof(programs)]
             from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          array['array', 'array', 'array', 'array', 'array', 'array'], 'the other lists are jsonb arrays');
select is((select (recent_results #>> '{0,id}', recent_results #>> '{0,records,0,movement_name}', recent_results #>> '{1,movements,0,set_results,2,load}')::text
             from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          (tests.id('r2')::text, 'back squat', '110')::text, 'the recent results are the same cards as the feed''s');
select is((select compliance -> 1
             from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 2, '2026-12-09 12:00+00')),
          jsonb_build_object('week_start', '2026-12-07', 'due', 2, 'completed', 2, 'skipped', 0, 'pct', 100),
          'this week''s compliance: two due, two done');
select is(tests.hint_of($$ select public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('outsider')) $$),
          'athlete_not_found', 'an outsider has no athlete page here');
select tests.authenticate_as('owner');
select is((select user_id from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          tests.get_user_id('member'), 'the owner opens it');
select tests.authenticate_as('admin');
select is((select user_id from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          tests.get_user_id('member'), 'an admin opens it');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$),
          'not_staff', 'the athlete cannot open the staff page, even their own');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$),
          'not_staff', 'another member cannot');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$),
          'not_staff', 'another organization''s coach cannot');
select tests.authenticate_as_anon();
select throws_ok($$ select public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$,
                 '42501', null, 'anon cannot call it');

-- ============================ announcement_seen_by: one row ================================
select tests.authenticate_as('coach');
select is((select (seen, audience)::text from public.announcement_seen_by(tests.id('news'))), '(1,4)',
          'the author sees "seen by 1 of 4" (everyone active but the author)');
select is((select (jsonb_array_length(readers), readers #>> '{0,user_id}',
                   (select string_agg(k, ',' order by k) from jsonb_object_keys(readers -> 0) k))::text
             from public.announcement_seen_by(tests.id('news'))),
          (1, tests.get_user_id('member')::text, 'display_name,read_at,user_id')::text,
          'the readers: who read it and when, as {user_id, display_name, read_at}');
select tests.authenticate_as('owner');
select is((select seen from public.announcement_seen_by(tests.id('news'))), 1, 'the owner sees it');
select tests.authenticate_as('admin');
select is((select audience from public.announcement_seen_by(tests.id('news'))), 4, 'an admin sees it');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.announcement_seen_by(tests.id('news')) $$), 'announcement_not_found', 'a reader does not see who read it');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.announcement_seen_by(tests.id('news')) $$), 'announcement_not_found', 'nor does another member');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.announcement_seen_by(tests.id('news')) $$), 'announcement_not_found', 'nor another organization''s coach');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.announcement_seen_by(tests.id('news')) $$), 'announcement_not_found', 'nor an outsider');
select tests.authenticate_as_anon();
select throws_ok($$ select public.announcement_seen_by(tests.id('news')) $$, '42501', null, 'anon cannot call it');

-- ============================ bulk publish and delete: one row =============================
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.bulk_publish_assignments(pg_temp.bulk_filter()) $$), 'not_staff', 'an athlete cannot bulk publish');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.bulk_delete_assignments(pg_temp.bulk_filter()) $$), 'not_staff', 'another organization''s coach cannot bulk delete');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.bulk_publish_assignments(pg_temp.bulk_filter()) $$), 'not_staff', 'an outsider cannot bulk publish');
select tests.authenticate_as_anon();
select throws_ok($$ select public.bulk_delete_assignments(pg_temp.bulk_filter()) $$, '42501', null, 'anon cannot call bulk delete');
select tests.authenticate_as('coach');
create temp table got as select * from public.bulk_publish_assignments(pg_temp.bulk_filter());
grant select on got to public;
select is((select (count, ids)::text from got), (1, array[tests.id('draft')])::text, 'the coach publishes the draft: one row, count and ids');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.audit_logs where batch_id = (select batch_id from got) and action = 'assignment.bulk_published'),
          1, 'the batch_id is the audit row''s');
select tests.authenticate_as('owner');
select is((select (count, ids)::text from public.bulk_delete_assignments(pg_temp.bulk_filter())), (1, array[tests.id('draft')])::text,
          'the owner bulk deletes it: one row, count and ids');
select tests.authenticate_as('admin');
select is((select (count, cardinality(ids), batch_id is not null)::text from public.bulk_publish_assignments(pg_temp.bulk_filter())), '(0,0,t)',
          'a filter that matches nothing is still one row: count 0, no ids, its audit batch');

select * from finish();
rollback;
