-- 780-results-previous-one-pass: last time's numbers come from the athlete's newest entry for the
-- same movement under any spelling (case, spaces), never from the day's own result, and the
-- one-pass helper behind them is not callable by anon; who may read them is unchanged.
begin;
select plan(11);

select tests.create_standard_actors();
select tests.use_ids();

-- Two workouts name the same movement differently; the member does them on three days.
select tests.authenticate_as('coach');
create temp table made (name text, id uuid);
grant select, insert on made to public;
with w as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Heavy Day', tests.get_user_id('coach')) returning id),
     s as (insert into public.workout_sections (workout_id, title) select id, 'Main' from w returning id)
insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit)
select s.id, 0, 'Back Squat', 5, 5, 100, 'kg'::public.load_unit from s;
with w as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Light Day', tests.get_user_id('coach')) returning id),
     s as (insert into public.workout_sections (workout_id, title) select id, 'Main' from w returning id)
insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit)
select s.id, 0, '  back   SQUAT ', 3, 8, 60, 'kg'::public.load_unit from s
union all select s.id, 1, 'Plank', null, null, null, null from s;
insert into made
select d.name, a.id from (values ('early', '2026-12-01'::date, 'Light Day'), ('late', '2026-12-03', 'Light Day'),
                                 ('today', '2026-12-05', 'Heavy Day')) d(name, day, title)
 cross join lateral public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
   d.day, 'workout', (select id from public.workouts where title = d.title), null, 0, null, 'publish') a;

create temp view snap as
  select made.name as day, a.snapshot_workout_id, m.id as movement_id, m.name
    from made join public.workout_assignments a on a.id = made.id
    join public.workout_movements m on m.workout_id = a.snapshot_workout_id;
grant select on snap to public;

-- The member logs the two light days (60 then 65 kg) and the heavy day itself (100 kg).
select tests.authenticate_as('member');
insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, performed_at, movement_results)
select tests.get_organization_id('test-gym'), tests.get_user_id('member'), made.id, s.snapshot_workout_id, v.at,
       jsonb_build_array(jsonb_build_object('movement_id', s.movement_id, 'load_unit', 'kg', 'load', v.load, 'reps', 8))
  from (values ('early', 60, '2026-12-01 18:00+00'::timestamptz), ('late', 65, '2026-12-03 18:00+00'),
               ('today', 100, '2026-12-05 18:00+00')) v(day, load, at)
  join made on made.name = v.day
  join snap s on s.day = v.day and s.name <> 'Plank';

create temp view previous as
  select p.* from public.assignment_previous_results((select id from made where name = 'today')) p;
grant select on previous to public;

select is((select count(*)::int from previous), 1, 'the heavy day''s squat finds last time under another spelling');
select is((select load from previous), 65::numeric, 'the newest light day wins over the older one');
select is((select performed_at from previous), '2026-12-03 18:00+00'::timestamptz, 'with the day it was logged');
select is((select movement_id from previous), (select movement_id from snap where day = 'today'),
          'keyed by the movement of the day being opened');
select is((select count(*)::int from public.assignment_previous_results((select id from made where name = 'early'))
            p where p.load = 100), 1, 'an older day sees numbers logged after it, as before (last time = newest other entry)');
select is((select count(*)::int from public.assignment_previous_results((select id from made where name = 'late')) p
            join snap s on s.movement_id = p.movement_id and s.name = 'Plank'), 0,
          'a movement never logged before has no row');

-- Who may read them is unchanged.
select tests.authenticate_as('coach');
select is((select load from previous), 65::numeric, 'the coach reads the same numbers');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select * from previous $$), 'assignment_not_found', 'another member cannot');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select * from previous $$), 'assignment_not_found', 'nor another organization''s coach');

-- The helper runs as its owner: only the public function may reach it.
select tests.clear_authentication();
set local role anon;
select throws_ok($$ select * from private.previous_movement_results(gen_random_uuid(), gen_random_uuid(), null, gen_random_uuid()) $$,
                 '42501', null, 'anon cannot call the one-pass helper');
reset role;
select ok(not has_function_privilege('anon', 'private.previous_movement_results(uuid, uuid, uuid, uuid)', 'execute'),
          'and holds no execute right on it');

select * from finish();
rollback;
