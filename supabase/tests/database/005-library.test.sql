-- 005-library: workouts, sections and movements: staff build the library; members and other
-- organizations see nothing of it until a workout reaches them; prescriptions are validated.
begin;
select plan(30);

select tests.create_standard_actors();
select tests.use_ids();

-- staff build a workout
select tests.authenticate_as('coach');
with x as (
  insert into public.workouts (organization_id, title, description, created_by)
  values (tests.get_organization_id('test-gym'), 'Fran', '21-15-9 for time', tests.get_user_id('coach'))
  returning id)
insert into ids select 'fran', id from x;
select is((select title from public.workouts where id = (select id from ids where name = 'fran')), 'Fran',
          'a coach creates a library workout and reads it back');
with x as (
  insert into public.workout_sections (workout_id, title, position)
  values ((select id from ids where name = 'fran'), 'Metcon', 0) returning id)
insert into ids select 'metcon', id from x;
select is((select organization_id from public.workout_sections where id = (select id from ids where name = 'metcon')),
          tests.get_organization_id('test-gym'), 'a section inherits its workout''s organization');
with x as (
  insert into public.workout_movements (section_id, position, name, rep_scheme, load, load_unit)
  values ((select id from ids where name = 'metcon'), 0, 'Thruster', '21-15-9', 43, 'kg') returning id)
insert into ids select 'thrusters', id from x;
select is((select workout_id from public.workout_movements where id = (select id from ids where name = 'thrusters')),
          (select id from ids where name = 'fran'), 'a movement inherits its workout');
select lives_ok($$ insert into public.workout_movements (section_id, position, name, rep_scheme)
                   values ((select id from ids where name = 'metcon'), 1, 'Pull-up', '21-15-9') $$,
                'a coach adds a second movement');
select lives_ok($$ update public.workout_movements set position = case position when 0 then 1 else 0 end
                    where section_id = (select id from ids where name = 'metcon') $$,
                'movements can be reordered in one statement (deferred unique positions)');

-- prescriptions are validated
select throws_ok($$ insert into public.workout_movements (section_id, position, name, sets) values ((select id from ids where name = 'metcon'), 5, 'Squat', 0) $$,
                 '23514', null, 'zero sets are refused');
select throws_ok($$ insert into public.workout_movements (section_id, position, name, reps) values ((select id from ids where name = 'metcon'), 5, 'Squat', 1001) $$,
                 '23514', null, 'more than 1000 reps are refused');
select throws_ok($$ insert into public.workout_movements (section_id, position, name, load) values ((select id from ids where name = 'metcon'), 5, 'Squat', 100) $$,
                 '23514', null, 'a load without a unit is refused');
select throws_ok($$ insert into public.workout_movements (section_id, position, name, load, load_unit) values ((select id from ids where name = 'metcon'), 5, 'Squat', 250, 'percent_1rm') $$,
                 '23514', null, 'more than 200% of a 1RM is refused');
select throws_ok($$ insert into public.workout_movements (section_id, position, name, notes) values ((select id from ids where name = 'metcon'), 5, 'Squat', repeat('n', 2001)) $$,
                 '23514', null, 'notes over 2000 characters are refused');
select throws_ok($$ insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), repeat('t', 121), tests.get_user_id('coach')) $$,
                 '23514', null, 'an overlong workout title is refused');
insert into public.workouts (organization_id, title, created_by)
values (tests.get_organization_id('test-gym'), '<img src=x onerror=alert(1)>', tests.get_user_id('coach'));
select is((select count(*)::int from public.workouts where title = '<img src=x onerror=alert(1)>'), 1,
          'script in a title is stored as-is');

-- members: nothing reaches them yet
select tests.authenticate_as('member');
select is_empty($$ select * from public.workouts $$, 'a member does not see the library');
select is_empty($$ select * from public.workout_sections $$, 'a member does not see library sections');
select is_empty($$ select * from public.workout_movements $$, 'a member does not see library movements');
select throws_ok($$ insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Member WOD', tests.get_user_id('member')) $$,
                 '42501', 'new row violates row-level security policy for table "workouts"', 'a member cannot add to the library');
select throws_ok($$ insert into public.workout_sections (workout_id, title) values ((select id from ids where name = 'fran'), 'Sneaky') $$,
                 '42501', 'new row violates row-level security policy for table "workout_sections"', 'a member cannot add sections');
update public.workouts set title = 'Member edit' where id = (select id from ids where name = 'fran');
delete from public.workout_movements where workout_id = (select id from ids where name = 'fran');

-- another organization
select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.workouts $$, 'another organization''s coach does not see test-gym''s library');
select throws_ok($$ insert into public.workout_movements (section_id, name) values ((select id from ids where name = 'metcon'), 'Burpee') $$,
                 '42501', 'new row violates row-level security policy for table "workout_movements"',
                 'another organization''s coach cannot add movements to test-gym''s workouts');
select throws_ok($$ insert into public.workouts (organization_id, title, created_by, is_snapshot, source_workout_id)
                    values (tests.get_organization_id('other-gym'), 'Stolen Fran', tests.get_user_id('other_coach'), true, (select id from ids where name = 'fran')) $$,
                 'PT422', 'A workout can only be copied within its organization.', 'workouts cannot be copied across organizations');
update public.workouts set title = 'Other edit' where id = (select id from ids where name = 'fran');
delete from public.workouts where id = (select id from ids where name = 'fran');

select tests.authenticate_as_anon();
select is_empty($$ select * from public.workouts $$, 'anon sees no workouts');

select tests.clear_authentication();
select is((select title from public.workouts where id = (select id from ids where name = 'fran')), 'Fran',
          'refused edits by a member and another organization changed nothing');
select is((select count(*)::int from public.workout_movements where workout_id = (select id from ids where name = 'fran')), 2,
          'refused deletes by a member changed nothing');

-- staff maintain the library
select tests.authenticate_as('admin');
update public.workouts set archived_at = now() where id = (select id from ids where name = 'fran');
select ok((select archived_at is not null from public.workouts where id = (select id from ids where name = 'fran')),
          'an admin archives a workout');
select tests.authenticate_as('owner');
with x as (
  insert into public.workouts (organization_id, title, created_by, is_snapshot, source_workout_id)
  values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('owner'), true, (select id from ids where name = 'fran'))
  returning id)
insert into ids select 'snap', id from x;
select is((select source_workout_id from public.workouts where id = (select id from ids where name = 'snap')),
          (select id from ids where name = 'fran'), 'a snapshot records the workout it copies');
select tests.authenticate_as('coach');
delete from public.workout_movements where name = 'Pull-up';
select is((select count(*)::int from public.workout_movements where workout_id = (select id from ids where name = 'fran')), 1,
          'a coach deletes a movement');
delete from public.workouts where id = (select id from ids where name = 'snap');
select is_empty($$ select * from public.workouts where id = (select id from ids where name = 'snap') $$, 'a coach deletes a workout');
select tests.authenticate_as_service_role();
select ok((select count(*) from public.workouts) >= 2, 'service_role reads every workout');
select tests.clear_authentication();
select tests.authenticate_as('member');
select is(private.can_read_workout((select id from ids where name = 'fran')), false, 'can_read_workout says no for a member');
select tests.authenticate_as('coach');
select is(private.can_read_workout((select id from ids where name = 'fran')), true, 'can_read_workout says yes for staff');

select * from finish();
rollback;
