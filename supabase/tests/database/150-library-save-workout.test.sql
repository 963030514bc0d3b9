-- 150-library-save-workout: public.save_workout and public.create_workout save the builder's
-- version atomically: kept sections and movements keep their ids (and their exercise comments),
-- removed ones go (their comments with them), positions follow the array order, a bad payload
-- leaves nothing half-saved, and only staff of the workout's organization may save.
begin;
select plan(25);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.state_of(p_sql text) returns text language plpgsql as $f$
declare v_state text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate;
  return v_state;
end $f$;

select has_function('public', 'save_workout', array['uuid', 'text', 'text', 'jsonb'], 'save_workout(uuid, text, text, jsonb) exists');
select has_function('public', 'create_workout', array['uuid', 'text', 'text', 'jsonb'], 'create_workout(uuid, text, text, jsonb) exists');

-- a coach creates Fran in one call
select tests.authenticate_as('coach');
insert into ids select 'fran', public.create_workout(tests.get_organization_id('test-gym'), 'Fran', '21-15-9',
  '[{"title": "Warm-up", "movements": [{"name": "Row", "time_seconds": 300}]},
    {"title": "Metcon", "notes": "For time", "movements": [
      {"name": "Thruster", "rep_scheme": "21-15-9", "load": 43, "load_unit": "kg"},
      {"name": "Pull-up", "rep_scheme": "21-15-9"}]}]'::jsonb);
select is((select created_by from public.workouts where id = tests.id('fran')), tests.get_user_id('coach'),
          'create_workout records the coach as its author');
select results_eq($$ select s.title, s.position from public.workout_sections s where s.workout_id = tests.id('fran') order by s.position $$,
                  $$ values ('Warm-up', 0), ('Metcon', 1) $$, 'create_workout writes the sections in order');
insert into ids select 'warmup', id from public.workout_sections where workout_id = tests.id('fran') and position = 0;
insert into ids select 'metcon', id from public.workout_sections where workout_id = tests.id('fran') and position = 1;
insert into ids select 'row', id from public.workout_movements where section_id = tests.id('warmup');
insert into ids select 'thruster', id from public.workout_movements where section_id = tests.id('metcon') and position = 0;
insert into ids select 'pullup', id from public.workout_movements where section_id = tests.id('metcon') and position = 1;
select is((select load from public.workout_movements where id = tests.id('thruster')), 43.00::numeric(7, 2),
          'the prescription is stored with its types');

-- comments on the movements
with x as (select * from public.add_exercise_comment(tests.id('thruster'), 'Elbows high')) insert into ids select 'c_thruster', id from x;
with x as (select * from public.add_exercise_comment(tests.id('row'), 'Easy pace')) insert into ids select 'c_row', id from x;

-- save: the title changes, the metcon's movements swap places, the warm-up row is removed and a
-- new movement is added
select is(public.save_workout(tests.id('fran'), 'Fran (heavy)', null, jsonb_build_array(
  jsonb_build_object('id', tests.id('warmup'), 'title', 'Warm-up', 'movements', jsonb_build_array(
    jsonb_build_object('name', 'Bike', 'time_seconds', 300))),
  jsonb_build_object('id', tests.id('metcon'), 'title', 'Metcon', 'notes', 'For time', 'movements', jsonb_build_array(
    jsonb_build_object('id', tests.id('pullup'), 'name', 'Pull-up', 'rep_scheme', '21-15-9'),
    jsonb_build_object('id', tests.id('thruster'), 'name', 'Thruster', 'rep_scheme', '21-15-9', 'load', 61, 'load_unit', 'kg'))))),
  tests.id('fran'), 'a coach saves the workout');
select is((select title from public.workouts where id = tests.id('fran')), 'Fran (heavy)', 'the title is updated');
select is((select description from public.workouts where id = tests.id('fran')), null, 'the description is cleared');
select results_eq($$ select m.id, m.position, m.load from public.workout_movements m where m.section_id = tests.id('metcon') order by m.position $$,
                  $$ values (tests.id('pullup'), 0, null::numeric(7, 2)), (tests.id('thruster'), 1, 61.00::numeric(7, 2)) $$,
                  'kept movements keep their ids, take their new positions and prescriptions');
select is((select body from public.exercise_comments where id = tests.id('c_thruster')), 'Elbows high',
          'a kept movement keeps its exercise comments');
select is_empty($$ select 1 from public.workout_movements where id = tests.id('row') $$, 'a removed movement is deleted');
select is((select count(*)::int from public.exercise_comments where id = tests.id('c_row')), 0,
          'the removed movement''s comments go with it');
select results_eq($$ select m.name from public.workout_movements m where m.section_id = tests.id('warmup') $$,
                  $$ values ('Bike') $$, 'a movement without an id is inserted');

-- reorder the sections and drop one; a movement moves to the other section
select lives_ok(format($$ select public.save_workout(%L, 'Fran (heavy)', null, %L) $$, tests.id('fran'), jsonb_build_array(
  jsonb_build_object('id', tests.id('metcon'), 'title', 'Metcon', 'movements', jsonb_build_array(
    jsonb_build_object('id', tests.id('thruster'), 'name', 'Thruster', 'load', 61, 'load_unit', 'kg'))),
  jsonb_build_object('id', tests.id('warmup'), 'title', 'Warm-up', 'movements', jsonb_build_array(
    jsonb_build_object('id', tests.id('pullup'), 'name', 'Pull-up'))))),
  'sections can be reordered and movements moved between them');
select results_eq($$ select s.id, s.position from public.workout_sections s where s.workout_id = tests.id('fran') order by s.position $$,
                  $$ values (tests.id('metcon'), 0), (tests.id('warmup'), 1) $$, 'the sections take their new positions, ids kept');
select is((select section_id from public.workout_movements where id = tests.id('pullup')), tests.id('warmup'),
          'a movement moved to another section keeps its id');

-- a bad payload rolls back everything
select is(tests.hint_of(format($$ select public.save_workout(%L, 'Half saved', null, %L) $$, tests.id('fran'), jsonb_build_array(
  jsonb_build_object('id', tests.id('metcon'), 'title', 'Renamed', 'movements', jsonb_build_array()),
  jsonb_build_object('id', tests.id('warmup'), 'title', 'Warm-up', 'movements', jsonb_build_array(
    jsonb_build_object('name', 'Squat', 'reps', 'many')))))),
  'movement_invalid', 'a movement with unreadable reps is refused');
select is(pg_temp.state_of(format($$ select public.save_workout(%L, 'Half saved', null, %L) $$, tests.id('fran'), jsonb_build_array(
  jsonb_build_object('id', tests.id('metcon'), 'title', 'Renamed', 'movements', jsonb_build_array()),
  jsonb_build_object('title', 'New', 'movements', jsonb_build_array(jsonb_build_object('name', 'Squat', 'sets', 0)))))),
  '23514', 'a movement breaking a check constraint is refused as it comes');
select results_eq($$ select (select title from public.workouts where id = tests.id('fran')),
                            (select title from public.workout_sections where id = tests.id('metcon')),
                            (select count(*)::int from public.workout_movements where workout_id = tests.id('fran')),
                            (select count(*)::int from public.workout_sections where workout_id = tests.id('fran')) $$,
                  $$ values ('Fran (heavy)', 'Metcon', 2, 2) $$, 'after a refused save nothing is half-saved');
select is(tests.hint_of(format($$ select public.save_workout(%L, 'Fran', null, %L) $$, tests.id('fran'), jsonb_build_array(
  jsonb_build_object('id', gen_random_uuid(), 'title', 'Ghost', 'movements', jsonb_build_array())))),
  'section_not_found', 'a section id from elsewhere is refused');

-- who may save
select tests.authenticate_as('member');
select is(tests.hint_of(format($$ select public.save_workout(%L, 'Mine now', null, '[]') $$, tests.id('fran'))),
          'workout_not_found', 'a member cannot save a library workout (it reads as missing)');
select tests.authenticate_as('other_coach');
select is(tests.hint_of(format($$ select public.save_workout(%L, 'Mine now', null, '[]') $$, tests.id('fran'))),
          'workout_not_found', 'another organization''s coach cannot save it');
select is(tests.hint_of(format($$ select public.create_workout(%L, 'Sneaky', null, '[]') $$, tests.get_organization_id('test-gym'))),
          'not_staff', 'another organization''s coach cannot create a workout in it');
select tests.authenticate_as_anon();
select throws_ok(format($$ select public.save_workout(%L, 'Anon', null, '[]') $$, tests.id('fran')),
                 '42501', null, 'anon cannot call save_workout');
select tests.authenticate_as('coach');
select results_eq($$ select title, (select count(*)::int from public.workout_movements where workout_id = tests.id('fran'))
                       from public.workouts where id = tests.id('fran') $$,
                  $$ values ('Fran (heavy)', 2) $$, 'refused callers changed nothing');

select * from finish();
rollback;
