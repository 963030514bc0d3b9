-- 600-results-per-set-feed-athlete: per-set results by movement type (shape checked by the
-- database), records from the heaviest set, the assignment's results with last time's numbers,
-- the staff results feed (filters, paging, PR flags), the results:<org> topic, the athlete page
-- in one call, and saving real weeks as a template — each allowed and denied for every actor.
begin;
select plan(54);

select tests.create_standard_actors();
select tests.use_ids();

-- The coach plans a program, a strength day and a row, for the member on two days.
select tests.authenticate_as('coach');
with x as (insert into public.programs (organization_id, name, created_by)
           values (tests.get_organization_id('test-gym'), 'Strength Block', tests.get_user_id('coach')) returning id)
insert into ids select 'program', id from x;
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Squat Day', tests.get_user_id('coach')) returning id)
insert into ids select 'squat_day', id from x;
with x as (insert into public.workout_sections (workout_id, title) values ((select id from ids where name = 'squat_day'), 'Strength') returning id)
insert into ids select 'section', id from x;
insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit)
values ((select id from ids where name = 'section'), 0, 'Back Squat', 5, 5, 100, 'kg');
insert into public.workout_movements (section_id, position, name, time_seconds)
values ((select id from ids where name = 'section'), 1, 'Row', 300);
insert into ids
select 'a1', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  '2026-12-07', 'workout', (select id from ids where name = 'squat_day'), null, 0, (select id from ids where name = 'program'), 'publish') a;
insert into ids
select 'a2', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  '2026-12-09', 'workout', (select id from ids where name = 'squat_day'), null, 0, null, 'publish') a;
insert into ids
select 'rest', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  '2026-12-10', 'rest', null, null, 0, null, 'publish') a;
insert into ids
select 'other_week', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')],
  '2026-12-08', 'workout', (select id from ids where name = 'squat_day'), null, 0, null, 'publish') a;

-- Helpers read the snapshot movements of an assignment (the athlete logs against those).
create temp view snap as
  select a.id as assignment_id, a.snapshot_workout_id, m.id as movement_id, m.name
    from public.workout_assignments a join public.workout_movements m on m.workout_id = a.snapshot_workout_id;
grant select on snap to public;

-- ---------------------------------------------------------------------------------------------
-- per-set results: shape
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('member');
select lives_ok(format($f$
  insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, performed_at, rpe, movement_results)
  values (%L, %L, %L, %L, '2026-12-07 18:00+00', 8, jsonb_build_array(
    jsonb_build_object('movement_id', %L, 'load_unit', 'kg', 'set_results', '[{"load":100,"reps":5},{"load":105,"reps":5},{"load":110,"reps":3,"rpe":9}]'::jsonb),
    jsonb_build_object('movement_id', %L, 'set_results', '[{"time_seconds":295,"distance_meters":1400,"calories":80}]'::jsonb))) $f$,
  tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'a1'),
  (select snapshot_workout_id from public.workout_assignments where id = (select id from ids where name = 'a1')),
  (select movement_id from snap where assignment_id = (select id from ids where name = 'a1') and name = 'Back Squat'),
  (select movement_id from snap where assignment_id = (select id from ids where name = 'a1') and name = 'Row')),
  'the athlete logs three squat sets (load x reps, RPE) and a row (time, distance, calories)');
select is((select best_load from public.personal_records where movement_name = 'back squat'), 110.00::numeric,
          'the heaviest set becomes the record');
select is((select reps from public.personal_records where movement_name = 'back squat'), 3,
          'the record keeps that set''s reps');
select is((select status::text from public.workout_assignments where id = (select id from ids where name = 'a1')), 'completed',
          'logging completes the assignment as before');

create temp table bad (label text, sets jsonb);
grant select on bad to public;
insert into bad values
  ('an empty set', '[{}]'), ('no sets at all', '[]'), ('an unknown measure', '[{"watts":300}]'),
  ('a text load', '[{"load":"heavy"}]'), ('fractional reps', '[{"reps":2.5}]'), ('an RPE of 11', '[{"rpe":11}]'),
  ('a negative time', '[{"time_seconds":-1}]'), ('a set that is not an object', '[5]'),
  ('101 sets', (select jsonb_agg('{"reps":1}'::jsonb) from generate_series(1, 101)));
select is((select count(*)::int from bad
            where private.is_valid_set_results(bad.sets)), 0, 'each malformed set list is refused by the shape rule');
select throws_ok(format($f$
  insert into public.workout_results (organization_id, user_id, workout_id, movement_results)
  values (%L, %L, %L, jsonb_build_array(jsonb_build_object('movement_id', %L, 'set_results', '[{"reps":2.5}]'::jsonb))) $f$,
  tests.get_organization_id('test-gym'), tests.get_user_id('member'),
  (select snapshot_workout_id from public.workout_assignments where id = (select id from ids where name = 'a1')),
  (select movement_id from snap where assignment_id = (select id from ids where name = 'a1') and name = 'Back Squat')),
  '23514', null, 'a result with fractional reps in a set is refused by the check constraint');
select ok(private.is_valid_movement_results('[{"movement_id":"00000000-0000-4000-8000-000000000001","load":50,"reps":5}]'),
          'results logged the old way (one load and reps per movement) stay valid');

-- ---------------------------------------------------------------------------------------------
-- assignment_results: results and last time's numbers
-- ---------------------------------------------------------------------------------------------
select is((select count(*)::int from public.assignment_results((select id from ids where name = 'a1'))), 1,
          'the athlete reads their result on the assignment');
select is((select (records[1]).movement_name from public.assignment_results((select id from ids where name = 'a1'))), 'back squat',
          'the card says the result holds the squat record');
select is((select p.set_results #>> '{2,load}' from public.assignment_previous_results((select id from ids where name = 'a2')) p
            where p.movement_id = (select movement_id from snap where assignment_id = (select id from ids where name = 'a2') and name = 'Back Squat')), '110',
          'the next squat day offers last time''s sets to prefill');
select is((select count(*)::int from public.assignment_previous_results((select id from ids where name = 'a1'))), 0,
          'a day compares with other days, not with itself');
select tests.authenticate_as('member2');
select throws_ok(format('select public.assignment_results(%L)', (select id from ids where name = 'a1')),
                 'PT404', 'Assignment not found.', 'another member cannot read someone else''s assignment results');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.assignment_results((select id from ids where name = 'a1'))), 1,
          'the coach reads the result on the assignment page');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.assignment_results(%L)', (select id from ids where name = 'a1')),
                 'PT404', 'Assignment not found.', 'another organization''s coach cannot read them');
select tests.authenticate_as_anon();
select throws_ok(format('select public.assignment_results(%L)', (select id from ids where name = 'a1')),
                 '42501', null, 'anon cannot call assignment_results');

-- ---------------------------------------------------------------------------------------------
-- results_feed
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('member2');
select lives_ok(format($f$
  insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, performed_at, score, movement_results)
  values (%L, %L, %L, %L, '2026-12-08 07:00+00', 'easy day', jsonb_build_array(
    jsonb_build_object('movement_id', %L, 'set_results', '[{"load":60,"reps":5}]'::jsonb))) $f$,
  tests.get_organization_id('test-gym'), tests.get_user_id('member2'), (select id from ids where name = 'other_week'),
  (select snapshot_workout_id from public.workout_assignments where id = (select id from ids where name = 'other_week')),
  (select movement_id from snap where assignment_id = (select id from ids where name = 'other_week') and name = 'Back Squat')),
  'another athlete logs too');
select throws_ok(format('select public.results_feed(%L)', tests.get_organization_id('test-gym')),
                 'PT403', 'Only staff of the organization can do this.', 'a member cannot read the organization''s feed');
select tests.authenticate_as('coach');
select results_eq(format($f$ select display_name from public.results_feed(%L) $f$,
                         tests.get_organization_id('test-gym')),
                  $$ select p.display_name from public.profiles p where p.id in (tests.get_user_id('member2'), tests.get_user_id('member'))
                      order by p.id = tests.get_user_id('member') $$,
                  'the coach''s feed lists both results, newest first');
select is((select count(*)::int from public.results_feed(tests.get_organization_id('test-gym'), (select id from ids where name = 'program'))), 1,
          'filtering by program keeps the results of that program''s days');
select is((select score from public.results_feed(tests.get_organization_id('test-gym'), null, tests.get_user_id('member2')) limit 1), 'easy day',
          'filtering by athlete keeps theirs');
select ok((select has_more from public.results_feed(tests.get_organization_id('test-gym'), null, null, null, null, 1)),
          'a page of one says there is more');
select is((select n.score from public.results_feed(tests.get_organization_id('test-gym'), null, null, null, null, 1) f
             cross join lateral public.results_feed(tests.get_organization_id('test-gym'), null, null, f.performed_at, f.id, 1) n), null,
          'the next page starts after the last one shown (the older, unscored result)');
select is((select cardinality(records) from public.results_feed(tests.get_organization_id('test-gym')) offset 1 limit 1), 1,
          'the card of the record-setting result carries its record');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.results_feed(tests.get_organization_id('test-gym'))), 2, 'the owner reads the feed');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.results_feed(%L)', tests.get_organization_id('test-gym')),
                 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot read the feed');
select tests.authenticate_as('outsider');
select throws_ok(format('select public.results_feed(%L)', tests.get_organization_id('test-gym')),
                 'PT403', 'Only staff of the organization can do this.', 'an outsider cannot read the feed');
select tests.authenticate_as_anon();
select throws_ok(format('select public.results_feed(%L)', tests.get_organization_id('test-gym')),
                 '42501', null, 'anon cannot call the feed');

-- ---------------------------------------------------------------------------------------------
-- results:<org> topic
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select ok((select count(*) from realtime.messages where topic = 'results:' || tests.get_organization_id('test-gym')) >= 2,
          'each logged result is announced on results:<org>');
select tests.authenticate_as('coach');
select ok(private.can_use_realtime_topic('results:' || tests.get_organization_id('test-gym'), 'broadcast', false),
          'staff may listen to the results topic');
select ok(not private.can_use_realtime_topic('results:' || tests.get_organization_id('test-gym'), 'broadcast', true),
          'nobody may send on it (only the database does)');
select tests.authenticate_as('member');
select ok(not private.can_use_realtime_topic('results:' || tests.get_organization_id('test-gym'), 'broadcast', false),
          'a member may not listen to everyone''s results');
select tests.authenticate_as('other_coach');
select ok(not private.can_use_realtime_topic('results:' || tests.get_organization_id('test-gym'), 'broadcast', false),
          'another organization''s coach may not listen');

-- ---------------------------------------------------------------------------------------------
-- athlete_profile
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('coach');
select is((select user_id from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          tests.get_user_id('member'), 'the coach opens the athlete''s page');
select is((select jsonb_array_length(compliance) from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 4, '2026-12-09 12:00+00')), 4,
          'compliance comes per week for the weeks asked');
select is((select compliance -> 3 from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 4, '2026-12-09 12:00+00')),
          jsonb_build_object('week_start', '2026-12-07', 'due', 1, 'completed', 1, 'skipped', 0, 'pct', 100),
          'this week: one due (Monday, done), Wednesday''s not due yet — 100 %');
select is((select (records[1]).best_load::text from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))), '110.00',
          'the page lists the squat record');
select is((select jsonb_array_length(recent_results) from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))), 1,
          'the page lists the recent result');
select results_eq(format($f$ select x ->> 'date' from public.athlete_profile(%L, %L, 12, '2026-12-09 12:00+00') p, jsonb_array_elements(p.upcoming) x $f$,
                         tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                  array['2026-12-09', '2026-12-10'], 'the coming days are today''s workout and tomorrow''s rest');
select is((select programs #>> '{0,name}' from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))), null,
          'the member is enrolled in no program, and the page says none');
select throws_ok(format('select public.athlete_profile(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('outsider')),
                 'PT404', 'This person is not an athlete of the organization.', 'an outsider has no athlete page here');
select tests.authenticate_as('admin');
select is((select user_id from public.athlete_profile(tests.get_organization_id('test-gym'), tests.get_user_id('member'))),
          tests.get_user_id('member'), 'an admin opens it too');
select tests.authenticate_as('member');
select throws_ok(format('select public.athlete_profile(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'Only staff of the organization can do this.', 'a member cannot open the staff page, even their own');
select tests.authenticate_as('member2');
select throws_ok(format('select public.athlete_profile(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'Only staff of the organization can do this.', 'another member cannot open it');
select tests.authenticate_as('other_coach');
select throws_ok(format('select public.athlete_profile(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot open it');
select tests.authenticate_as_anon();
select throws_ok(format('select public.athlete_profile(%L, %L)', tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 '42501', null, 'anon cannot call it');

-- ---------------------------------------------------------------------------------------------
-- save_weeks_as_template
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('coach');
insert into ids select 'template', public.save_weeks_as_template(tests.get_organization_id('test-gym'), tests.get_user_id('member'),
                                                            '2026-12-07', 1, '  Member week  ', (select id from ids where name = 'program'));
select is((select name || ' ' || length_days from public.program_templates where id = (select id from ids where name = 'template')),
          'Member week 7', 'the week becomes a seven-day template with a trimmed name');
select results_eq($$ select day_offset || ':' || kind || ':' || coalesce(w.title, '-') || ':' || coalesce(w.is_snapshot::text, '-')
                       from public.program_template_cells c left join public.workouts w on w.id = c.workout_id
                      where c.template_id = (select id from ids where name = 'template') order by day_offset $$,
                  array['0:workout:Squat Day:false', '2:workout:Squat Day:false', '3:rest:-:-'],
                  'its cells are the planned days, pointing at the library workout, not the athlete''s copy');
select lives_ok($$ update public.program_template_cells set day_offset = 5
                    where template_id = (select id from ids where name = 'template') and kind = 'rest' $$,
                'the coach edits a cell of the template');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2027-03-01', 1, 'Empty') $f$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT422', 'Nothing is planned in those weeks, so there is nothing to save.', 'an empty week is refused with a reason');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2026-12-07', 13, 'Too long') $f$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT422', 'A template holds from 1 to 12 weeks.', 'more than twelve weeks is refused');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2026-12-07', 1, '   ') $f$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 '23514', null, 'a blank name is refused by the table''s check');
select tests.authenticate_as('member');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2026-12-07', 1, 'Mine') $f$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'Only staff of the organization can do this.', 'a member cannot make templates');
select tests.authenticate_as('other_coach');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2026-12-07', 1, 'Stolen') $f$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot copy the week');
select throws_ok(format($f$ select public.save_weeks_as_template(%L, %L, '2026-12-07', 1, 'Stolen') $f$,
                        tests.get_organization_id('other-gym'), tests.get_user_id('member')),
                 'PT404', 'This person is not an athlete of the organization.', 'nor save it into their own organization');

select * from finish();
rollback;
