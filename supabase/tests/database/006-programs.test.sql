-- 006-programs: programs, enrollments, templates with cells, class types, sessions and their
-- workouts: staff manage; members see what they are enrolled in; other organizations see nothing.
begin;
select plan(33);

select tests.create_standard_actors();
select tests.use_ids();

select tests.authenticate_as('coach');
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Strength Cycle', 'coaching') returning id)
insert into ids select 'coaching', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Daily WOD', 'schedule') returning id)
insert into ids select 'schedule', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Open Gym Feed', 'feed') returning id)
insert into ids select 'feed', id from x;
select is((select count(*)::int from public.programs), 3, 'a coach creates programs of all three modes');
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Back Squat 5x5', tests.get_user_id('coach')) returning id)
insert into ids select 'squat', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Cindy', tests.get_user_id('coach')) returning id)
insert into ids select 'cindy', id from x;

-- enrollments
select lives_ok($$ insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'coaching'), tests.get_user_id('member')) $$,
                'a coach enrolls a member');
select lives_ok($$ insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'schedule'), tests.get_user_id('member')) $$,
                'a coach enrolls the member in the schedule program');
select is((select organization_id from public.program_enrollments limit 1), tests.get_organization_id('test-gym'),
          'an enrollment carries its program''s organization');
select throws_ok($$ insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'coaching'), tests.get_user_id('member')) $$,
                 '23505', null, 'a person is enrolled at most once at a time');
select throws_ok($$ insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'coaching'), tests.get_user_id('outsider')) $$,
                 'PT422', 'Only active members of the organization can be enrolled.', 'outsiders cannot be enrolled');

-- templates and cells
with x as (insert into public.program_templates (organization_id, program_id, name, length_days) values (tests.get_organization_id('test-gym'), (select id from ids where name = 'coaching'), 'Week 1', 7) returning id)
insert into ids select 'template', id from x;
select lives_ok($$ insert into public.program_template_cells (template_id, day_offset, sort_order, kind, workout_id, note)
                   values ((select id from ids where name = 'template'), 0, 0, 'workout', (select id from ids where name = 'squat'), null),
                          ((select id from ids where name = 'template'), 1, 0, 'rest', null, null),
                          ((select id from ids where name = 'template'), 2, 0, 'note', null, 'Mobility: 20 minutes') $$,
                'a coach lays out a workout day, a rest day and a note day');
select throws_ok($$ insert into public.program_template_cells (template_id, day_offset, kind) values ((select id from ids where name = 'template'), 3, 'workout') $$,
                 '23514', null, 'a workout cell needs a workout');
select throws_ok($$ insert into public.program_template_cells (template_id, day_offset, kind, workout_id) values ((select id from ids where name = 'template'), 3, 'rest', (select id from ids where name = 'squat')) $$,
                 '23514', null, 'a rest cell cannot carry a workout');
select throws_ok($$ insert into public.program_template_cells (template_id, day_offset, kind, note) values ((select id from ids where name = 'template'), 9, 'note', 'too late') $$,
                 'PT422', 'Day 10 is beyond the template''s 7 days.', 'cells stay within the template''s length');
select throws_ok($$ update public.program_templates set length_days = 1 where id = (select id from ids where name = 'template') $$,
                 'PT422', 'Some cells lie beyond the new length: move or delete them first.', 'a template cannot shrink under its cells');

-- classes
with x as (insert into public.class_types (organization_id, name, color) values (tests.get_organization_id('test-gym'), 'CrossFit', '#ff6600') returning id)
insert into ids select 'crossfit', id from x;
with x as (insert into public.class_sessions (organization_id, class_type_id, program_id, coach_id, starts_at, ends_at, capacity)
           values (tests.get_organization_id('test-gym'), (select id from ids where name = 'crossfit'), (select id from ids where name = 'schedule'),
                   tests.get_user_id('coach'), '2026-12-01 06:00+00', '2026-12-01 07:00+00', 16) returning id)
insert into ids select 'session', id from x;
select lives_ok($$ insert into public.class_session_workouts (class_session_id, workout_id) values ((select id from ids where name = 'session'), (select id from ids where name = 'cindy')) $$,
                'a coach puts a workout on a class');
select throws_ok($$ insert into public.class_sessions (organization_id, starts_at, ends_at) values (tests.get_organization_id('test-gym'), '2026-12-01 07:00+00', '2026-12-01 06:00+00') $$,
                 '23514', null, 'a class cannot end before it starts');
select throws_ok($$ insert into public.class_sessions (organization_id, program_id, starts_at, ends_at) values (tests.get_organization_id('test-gym'), (select id from ids where name = 'coaching'), '2026-12-01 06:00+00', '2026-12-01 07:00+00') $$,
                 'PT422', 'Class sessions can only belong to a schedule program of the same organization.', 'classes belong to schedule programs only');
select throws_ok($$ insert into public.class_sessions (organization_id, coach_id, starts_at, ends_at) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), '2026-12-01 06:00+00', '2026-12-01 07:00+00') $$,
                 'PT422', 'The coach of a class must be staff of the organization.', 'only staff coach classes');

-- what the member sees
select tests.authenticate_as('member');
select results_eq($$ select name from public.programs order by name $$, array['Daily WOD', 'Strength Cycle'],
                  'a member sees the programs they are enrolled in, not the others');
select is((select count(*)::int from public.program_enrollments), 2, 'a member sees their own enrollments');
select is_empty($$ select * from public.program_templates $$, 'members do not see templates');
select is_empty($$ select * from public.program_template_cells $$, 'members do not see template cells');
select is((select count(*)::int from public.class_types), 1, 'members see their organization''s class types');
select is((select count(*)::int from public.class_sessions), 1, 'a member sees the classes of their schedule program');
select results_eq($$ select title from public.workouts $$, array['Cindy'], 'a member reads the workout their class runs, and only that one');
select throws_ok($$ insert into public.programs (organization_id, name) values (tests.get_organization_id('test-gym'), 'My program') $$,
                 '42501', 'new row violates row-level security policy for table "programs"', 'a member cannot create programs');
select throws_ok($$ insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'feed'), tests.get_user_id('member')) $$,
                 '42501', 'new row violates row-level security policy for table "program_enrollments"', 'a member cannot enroll themselves');
update public.program_enrollments set ended_at = now() where user_id = tests.get_user_id('member');
delete from public.class_sessions;

select tests.authenticate_as('member2');
select is_empty($$ select * from public.programs $$, 'a member enrolled nowhere sees no programs');
select is_empty($$ select * from public.class_sessions $$, 'nor the classes of a program they do not follow');
select is_empty($$ select * from public.program_enrollments $$, 'nor other people''s enrollments');

select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.programs $$, 'another organization''s coach sees no test-gym programs');
select is_empty($$ select * from public.class_types $$, 'nor its class types');
select is_empty($$ select * from public.class_session_workouts $$, 'nor its class workouts');
select throws_ok($$ insert into public.program_template_cells (template_id, day_offset, kind) values ((select id from ids where name = 'template'), 4, 'rest') $$,
                 '42501', 'new row violates row-level security policy for table "program_template_cells"', 'nor can it add cells to test-gym templates');

select tests.clear_authentication();
select is((select count(*)::int from public.program_enrollments where ended_at is null and organization_id = tests.get_organization_id('test-gym')), 2,
          'a member''s attempt to end their enrollments changed nothing');
select is((select count(*)::int from public.class_sessions where organization_id = tests.get_organization_id('test-gym')), 1, 'a member''s attempt to delete classes changed nothing');

select * from finish();
rollback;
