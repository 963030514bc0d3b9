-- 007-results-prs: logging results (athlete and staff), who sees them, validation of
-- per-movement loads, and personal records kept up to date by trigger.
begin;
select plan(27);

select tests.create_standard_actors();
select tests.use_ids();

-- a class workout the member can reach, and a library workout they cannot
select tests.authenticate_as('coach');
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Heavy Day', tests.get_user_id('coach')) returning id)
insert into ids select 'heavy', id from x;
with x as (insert into public.workout_sections (workout_id, title) values ((select id from ids where name = 'heavy'), 'Strength') returning id)
insert into ids select 'strength', id from x;
with x as (insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit) values ((select id from ids where name = 'strength'), 0, 'Back  Squat ', 5, 5, 100, 'kg') returning id)
insert into ids select 'squat', id from x;
with x as (insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit) values ((select id from ids where name = 'strength'), 1, 'Deadlift', 3, 3, 140, 'kg') returning id)
insert into ids select 'deadlift', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Secret', tests.get_user_id('coach')) returning id)
insert into ids select 'secret', id from x;
with x as (insert into public.class_sessions (organization_id, starts_at, ends_at) values (tests.get_organization_id('test-gym'), '2026-12-01 06:00+00', '2026-12-01 07:00+00') returning id)
insert into ids select 'session', id from x;
insert into public.class_session_workouts (class_session_id, workout_id) values ((select id from ids where name = 'session'), (select id from ids where name = 'heavy'));

-- the athlete logs
select tests.authenticate_as('member');
select lives_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, score, rpe, performed_at, movement_results)
                   values (%L, %L, %L, '5x5 @ 100', 8, '2026-12-01 07:00+00',
                           jsonb_build_array(jsonb_build_object('movement_id', %L, 'load', 100, 'reps', 5),
                                             jsonb_build_object('movement_id', %L, 'load', 150, 'reps', 3))) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy'),
                   (select id from ids where name = 'squat'), (select id from ids where name = 'deadlift')),
                'a member logs a result for a workout their class ran');
select results_eq($$ select movement_name || ' ' || best_load from public.personal_records order by 1 $$,
                  array['back squat 100.00', 'deadlift 150.00'], 'the result sets personal records under normalized names');
select lives_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, performed_at, movement_results)
                   values (%L, %L, %L, '2026-12-08 07:00+00', jsonb_build_array(jsonb_build_object('movement_id', %L, 'load', 110, 'reps', 5))) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy'),
                   (select id from ids where name = 'squat')),
                'a member logs a heavier squat a week later');
select is((select best_load from public.personal_records where movement_name = 'back squat'), 110.00::numeric,
          'a heavier load raises the record');
select lives_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, movement_results)
                   values (%L, %L, %L, jsonb_build_array(jsonb_build_object('movement_id', %L, 'load', 90))) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy'),
                   (select id from ids where name = 'squat')),
                'a lighter session is logged too');
select is((select best_load from public.personal_records where movement_name = 'back squat'), 110.00::numeric,
          'a lighter load leaves the record alone');
delete from public.workout_results where performed_at = '2026-12-08 07:00+00';
select is((select best_load from public.personal_records where movement_name = 'back squat'), 100.00::numeric,
          'deleting the record-setting result rebuilds the record from what is left');
update public.workout_results set notes = 'felt strong', rpe = 9 where score = '5x5 @ 100';
select is((select notes from public.workout_results where score = '5x5 @ 100'), 'felt strong', 'a member edits their own result');

-- bad input
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, rpe) values (%L, %L, %L, 11) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy')),
                 '23514', null, 'an RPE above 10 is refused');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, movement_results) values (%L, %L, %L, '[{"movement_id":"nope","load":"heavy"}]') $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy')),
                 '23514', null, 'malformed movement results are refused');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, movement_results) values (%L, %L, %L, '[{"movement_id":"00000000-0000-0000-0000-000000000000","load":1}]') $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'heavy')),
                 'PT422', 'Each movement result must name a movement of the workout.', 'movement results must name the workout''s movements');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id) values (%L, %L, %L) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'secret')),
                 '42501', 'new row violates row-level security policy for table "workout_results"', 'a member cannot log a workout that never reached them');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id) values (%L, %L, %L) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member2'), (select id from ids where name = 'heavy')),
                 '42501', 'new row violates row-level security policy for table "workout_results"', 'a member cannot log for someone else');
select throws_ok($$ insert into public.personal_records (organization_id, user_id, movement_name, load_unit, best_load, achieved_at)
                    values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'bench', 'kg', 500, now()) $$,
                 '42501', 'permission denied for table personal_records', 'nobody writes personal records by hand');

-- who sees results
select tests.authenticate_as('member2');
select is_empty($$ select * from public.workout_results $$, 'another member does not see the results');
select is_empty($$ select * from public.personal_records $$, 'another member does not see the records');
update public.workout_results set score = 'vandalized';
delete from public.workout_results;
select tests.authenticate_as('coach');
select is((select count(*)::int from public.workout_results), 2, 'a coach sees the organization''s results (and member2 changed nothing)');
select is((select count(*)::int from public.personal_records), 2, 'a coach sees the organization''s records');
select lives_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id, score) values (%L, %L, %L, 'logged by coach') $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('member2'), (select id from ids where name = 'secret')),
                'a coach logs a result on behalf of a member');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id) values (%L, %L, %L) $f$,
                   tests.get_organization_id('test-gym'), tests.get_user_id('outsider'), (select id from ids where name = 'heavy')),
                 'PT422', 'Results can only be logged for active members of the organization.', 'results are only for members');
select tests.authenticate_as('member2');
select results_eq($$ select title from public.workouts order by title $$, array['Heavy Day', 'Secret'],
                  'a member reads the open class''s workout and, once a result is logged for them, that workout too');
select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.workout_results $$, 'another organization''s coach sees no results');
select is_empty($$ select * from public.personal_records $$, 'another organization''s coach sees no records');
select throws_ok(format($f$ insert into public.workout_results (organization_id, user_id, workout_id) values (%L, %L, %L) $f$,
                   tests.get_organization_id('other-gym'), tests.get_user_id('other_coach'), (select id from ids where name = 'heavy')),
                 'PT422', 'The workout belongs to another organization.', 'results cannot point at another organization''s workout');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.workout_results $$, 'anon sees no results');
select tests.authenticate_as('outsider');
select is_empty($$ select * from public.personal_records $$, 'an outsider sees no records');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workout_results where organization_id = tests.get_organization_id('test-gym')), 3,
          'service_role sees every result (all three of test-gym''s)');

select * from finish();
rollback;
