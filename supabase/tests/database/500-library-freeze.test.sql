-- 500-library-freeze: changing a library workout (save_workout or a direct edit of its rows)
-- first freezes what athletes were given: the live published, completed and skipped cells still
-- following it move to ONE shared frozen copy of the old version; drafts keep following the
-- library; "edit this athlete's copy" from one cell forks that cell alone; a result on a frozen
-- cell does not copy again; nobody outside the organization's staff can trigger or reach it.
begin;
select plan(27);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.reps(p_assignment text) returns int language sql as $f$
  select (g.movements[1]).reps from public.get_assignment(tests.id(p_assignment)) g $f$;
create function pg_temp.snap(p_assignment text) returns uuid language sql security definer as $f$
  select snapshot_workout_id from public.workout_assignments where id = tests.id(p_assignment) $f$;
create function pg_temp.copies() returns int language sql security definer as $f$
  select count(*)::int from public.workouts where source_workout_id = tests.id('w') and is_snapshot $f$;
grant execute on all functions in schema pg_temp to public;

-- a coach writes a workout: one section, one movement at 21 reps
select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Squats', null,
  '[{"title": "Strength", "movements": [{"name": "Back squat", "sets": 3, "reps": 21}]}]'::jsonb);
insert into ids select 's', id from public.workout_sections where workout_id = tests.id('w');
insert into ids select 'm', id from public.workout_movements where workout_id = tests.id('w');
-- member: published; member2: published then "Mark complete" (no result); member: a draft;
-- member2: published then skipped
insert into ids select 'pub', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date, 'workout', tests.id('w'));
insert into ids select 'done', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member2')], current_date, 'workout', tests.id('w'));
insert into ids select 'draft', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('w'), null, 0, null, 'draft');
insert into ids select 'skip', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member2')], current_date + 2, 'workout', tests.id('w'));
select tests.authenticate_as('member2');
select public.complete_assignment(tests.id('done'));
select public.skip_assignment(tests.id('skip'), 'Travelling');

-- ============================ save_workout freezes, once, shared ============================
select tests.authenticate_as('coach');
select public.save_workout(tests.id('w'), 'Squats', null, jsonb_build_array(jsonb_build_object(
  'id', tests.id('s'), 'title', 'Strength', 'movements', jsonb_build_array(
    jsonb_build_object('id', tests.id('m'), 'name', 'Back squat', 'sets', 3, 'reps', 15)))));
select is(pg_temp.copies(), 1, 'a save with three given cells makes exactly one frozen copy');
select ok(pg_temp.snap('pub') <> tests.id('w') and pg_temp.snap('pub') = pg_temp.snap('done')
          and pg_temp.snap('pub') = pg_temp.snap('skip'),
          'the published, the completed-without-result and the skipped cells share that copy');
select is(pg_temp.snap('draft'), tests.id('w'), 'the draft keeps following the library');
select is((select reps from public.workout_movements where id = tests.id('m')), 15, 'the library has the new 15 reps');
select is(pg_temp.reps('draft'), 15, 'the draft shows the library''s new version');

select tests.authenticate_as('member');
select is(pg_temp.reps('pub'), 21, 'the athlete still sees the 21 reps they were given');
select tests.authenticate_as('member2');
select is(pg_temp.reps('done'), 21, 'the cell completed with Mark complete still shows 21 reps');
select is((select (g.workout).title from public.get_assignment(tests.id('done')) g), 'Squats', 'the frozen copy carries the title');

-- a second save has nothing left to freeze
select tests.authenticate_as('coach');
select public.save_workout(tests.id('w'), 'Squats', null, jsonb_build_array(jsonb_build_object(
  'id', tests.id('s'), 'title', 'Strength', 'movements', jsonb_build_array(
    jsonb_build_object('id', tests.id('m'), 'name', 'Back squat', 'sets', 3, 'reps', 9)))));
select is(pg_temp.copies(), 1, 'a second save makes no second copy');
select tests.authenticate_as('member');
select is(pg_temp.reps('pub'), 21, 'the athlete''s cell is unchanged by the second save');

-- ============================ direct edits over REST freeze too =============================
-- the draft is published at 9 reps, then the coach edits the movement row directly
select tests.authenticate_as('coach');
select public.set_assignments_published(array[tests.id('draft')], true);
update public.workout_movements set reps = 5 where id = tests.id('m');
select is(pg_temp.copies(), 2, 'a direct movement update freezes the newly published cell in a new copy');
select tests.authenticate_as('member');
select is(pg_temp.reps('draft'), 9, 'that cell keeps the 9 reps it was published with');
select is(pg_temp.reps('pub'), 21, 'the earlier cells keep their own frozen version');

select tests.authenticate_as('coach');
insert into ids select 'late', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 3, 'workout', tests.id('w'));
update public.workouts set title = 'Squats v2' where id = tests.id('w');
select is((select title from public.workouts where id = pg_temp.snap('late')), 'Squats',
          'a direct title change freezes the old title for a published cell');
insert into ids select 'late2', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 4, 'workout', tests.id('w'));
insert into public.workout_movements (section_id, position, name, reps)
values (tests.id('s'), 1, 'Lunge', 10);
select is((select count(*)::int from public.workout_movements where workout_id = pg_temp.snap('late2')), 1,
          'a direct insert of a movement freezes the version without it');
insert into ids select 'late3', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 5, 'workout', tests.id('w'));
delete from public.workout_sections where id = tests.id('s');
select is((select count(*)::int from public.workout_movements where workout_id = pg_temp.snap('late3')), 2,
          'a direct delete of a section freezes the version with its two movements');
select is((select count(*)::int from public.workout_movements where workout_id = tests.id('w')), 0,
          'and the library lost the section as asked');

-- ============================ one cell forks alone =========================================
insert into ids select 'own', public.fork_snapshot_if_needed(tests.id('pub'));
select ok(tests.id('own') <> pg_temp.snap('done'), 'editing one cell of a shared copy gives it its own copy');
select is(pg_temp.snap('pub'), tests.id('own'), 'that cell now points at its own copy');
select is(public.fork_snapshot_if_needed(tests.id('pub')), tests.id('own'), 'asking again returns the same own copy');
select public.save_workout(tests.id('own'), 'Squats (Ann)', null, jsonb_build_array(jsonb_build_object(
  'title', 'Strength', 'movements', jsonb_build_array(jsonb_build_object('name', 'Back squat', 'reps', 12)))));
select tests.authenticate_as('member2');
select is(pg_temp.reps('done'), 21, 'the cells still sharing the copy are untouched by that cell''s edit');
select tests.authenticate_as('member');
select is(pg_temp.reps('pub'), 12, 'the edited cell shows its own prescription');

-- a result on an already frozen cell keeps it (no second copy for it)
select tests.authenticate_as('member2');
select public.reopen_assignment(tests.id('skip'));
insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score)
values (tests.get_organization_id('test-gym'), tests.get_user_id('member2'), pg_temp.snap('skip'), tests.id('skip'), '3x21');
select is(pg_temp.snap('skip'), pg_temp.snap('done'), 'a result on a frozen cell keeps the shared frozen copy');

-- ============================ denied ========================================================
select tests.authenticate_as('member');
select throws_ok($$ select private.freeze_library_workout(tests.id('w')) $$, '42501', null,
                 'a member cannot call the freeze directly');
update public.workout_movements set reps = 1 where workout_id = tests.id('late');
select is((select reps from public.workout_movements m where m.workout_id = pg_temp.snap('late') limit 1), 5,
          'a member cannot edit a frozen copy (RLS: nothing changes)');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.save_workout(tests.id('w'), 'Hacked', null, '[]'::jsonb) $$, 'PT404',
                 'This workout does not exist or was deleted.', 'another organization''s coach cannot save it');
select tests.authenticate_as_anon();
select throws_ok($$ select private.freeze_library_workout(tests.id('w')) $$, '42501', null,
                 'anon cannot call the freeze');

select * from finish();
rollback;
