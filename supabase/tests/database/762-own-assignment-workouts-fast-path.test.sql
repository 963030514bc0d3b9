-- 762-own-assignment-workouts-fast-path: the workouts select policy answers "the workout of my
-- own published, live assignment" by one probe before it builds the set of every workout the
-- caller may read (20261209004200). Every actor still reads exactly what the rule allows: the
-- athlete their published cells' workouts (and not a draft's, a deleted cell's, nor another
-- athlete's), staff their library, nobody outside the organization anything; and reading one's
-- own cell's workout never builds the set (the plan says its subplan was never executed).
begin;
select plan(13);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.gym() returns uuid language sql as $f$ select tests.get_organization_id('test-gym') $f$;
create function pg_temp.sees(p_workout text) returns int language sql as $f$
  select count(*)::int from public.workouts where id = tests.id(p_workout) $f$;
create function pg_temp.builds_set(p_workout text) returns boolean language plpgsql as $f$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute format(
    'explain (analyze, costs off, timing off, summary off) select id from public.workouts where id = %L',
    tests.id(p_workout))
  loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  -- readable_workout_ids is the hashed subplan scanning a set-returning function
  return v_plan !~ 'ProjectSet \(never executed\)';
end $f$;
grant execute on all functions in schema pg_temp to public;

select tests.authenticate_as('coach');
insert into ids select 'given', public.create_workout(pg_temp.gym(), 'Given', null,
  '[{"title": "A", "movements": [{"name": "Squat", "sets": 3, "reps": 5}]}]'::jsonb);
insert into ids select 'drafted', public.create_workout(pg_temp.gym(), 'Drafted', null,
  '[{"title": "A", "movements": [{"name": "Row", "sets": 3, "reps": 5}]}]'::jsonb);
insert into ids select 'removed', public.create_workout(pg_temp.gym(), 'Removed', null,
  '[{"title": "A", "movements": [{"name": "Press", "sets": 3, "reps": 5}]}]'::jsonb);
insert into ids select 'pub', id from public.assign_personal(pg_temp.gym(),
  array[tests.get_user_id('member')], current_date, 'workout', tests.id('given'));
insert into ids select 'draft', id from public.assign_personal(pg_temp.gym(),
  array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('drafted'), null, 0, null, 'draft');
insert into ids select 'gone', id from public.assign_personal(pg_temp.gym(),
  array[tests.get_user_id('member')], current_date + 2, 'workout', tests.id('removed'));
select public.delete_assignment(tests.id('gone'));

-- ============================ the athlete ===================================================
select tests.authenticate_as('member');
select is(pg_temp.sees('given'), 1, 'the athlete reads the workout of their published cell');
select is(pg_temp.builds_set('given'), false, 'without building the set of every workout they may read');
select is((select count(*)::int from public.my_today() t join public.workouts w on w.id = t.snapshot_workout_id), 1,
          'Today''s cell joins its workout');
select is(pg_temp.sees('drafted'), 0, 'not the workout of a draft');
select is(pg_temp.sees('removed'), 0, 'nor of a deleted cell');
select is(pg_temp.builds_set('drafted'), true, 'rows the probe does not cover still go to the whole rule');

-- ============================ everyone else =================================================
select tests.authenticate_as('member2');
select is(pg_temp.sees('given'), 0, 'another athlete does not read it');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.workouts where id in (tests.id('given'), tests.id('drafted'), tests.id('removed'))), 3,
          'the coach reads the whole library');
select tests.authenticate_as('other_coach');
select is(pg_temp.sees('given'), 0, 'another organization''s coach reads nothing');
select tests.authenticate_as('outsider');
select is(pg_temp.sees('given'), 0, 'an outsider reads nothing');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.workouts $$, 'anon reads no workout');
select tests.authenticate_as_service_role();
select is(pg_temp.sees('given'), 1, 'the service role reads everything');

-- ============================ leaving the organization ======================================
select tests.authenticate_as('owner');
select public.remove_member((select id from public.memberships where user_id = tests.get_user_id('member') and organization_id = pg_temp.gym()));
select tests.authenticate_as('member');
select is(pg_temp.sees('given'), 0, 'an athlete who left the organization no longer reads it');

select * from finish();
rollback;
