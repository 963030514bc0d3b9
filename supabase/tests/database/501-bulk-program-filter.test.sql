-- 501-bulk-program-filter: a bulk filter by program selects the cells of the athletes enrolled
-- in it (a program's athletes are its enrolled people, not its tags), whatever program tag a cell carries: a row tagged X of an athlete NOT
-- enrolled in X is left out; an enrolled athlete's row tagged with another program (or none) is
-- included. Preview, publish and delete agree; only the organization's staff may run them.
begin;
select plan(14);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.filter() returns jsonb language sql as $f$
  select jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'program_id', tests.id('x')) $f$;
create function pg_temp.preview_ids() returns uuid[] language sql as $f$
  select array(select s.id from unnest((select samples from public.bulk_preview_assignments(pg_temp.filter()))) s
               order by 1) $f$;
grant execute on all functions in schema pg_temp to public;

select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Row', null,
  '[{"title": "Main", "movements": [{"name": "Row", "time_seconds": 600}]}]'::jsonb);
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'X', 'coaching') returning id)
insert into ids select 'x', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Y', 'coaching') returning id)
insert into ids select 'y', id from x;
-- member is enrolled in X; member2 is not
insert into public.program_enrollments (program_id, user_id) values (tests.id('x'), tests.get_user_id('member'));
-- drafts: member2's row tagged X (not enrolled), member's row tagged Y, member's untagged row
insert into ids select 'm2_tagged_x', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member2')], current_date + 1, 'workout', tests.id('w'), null, 0, tests.id('x'), 'draft');
insert into ids select 'm_tagged_y', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('w'), null, 0, tests.id('y'), 'draft');
insert into ids select 'm_untagged', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 2, 'workout', tests.id('w'), null, 0, null, 'draft');

-- ============================ preview ======================================================
select is((select count from public.bulk_preview_assignments(pg_temp.filter())), 2,
          'the program filter matches the enrolled athlete''s two cells');
select ok(tests.id('m_tagged_y') = any (pg_temp.preview_ids()),
          'an enrolled athlete''s row tagged with another program is included');
select ok(tests.id('m_untagged') = any (pg_temp.preview_ids()), 'an enrolled athlete''s untagged row is included');
select ok(not tests.id('m2_tagged_x') = any (pg_temp.preview_ids()),
          'a row tagged with the program, of an athlete not enrolled in it, is left out');

-- ============================ publish ======================================================
select is((select count from public.bulk_publish_assignments(pg_temp.filter())), 2, 'bulk publish by program publishes the two');
select is((select published from public.workout_assignments where id = tests.id('m_tagged_y')), true,
          'the enrolled athlete''s row tagged Y is published');
select is((select published from public.workout_assignments where id = tests.id('m2_tagged_x')), false,
          'the not-enrolled athlete''s row tagged X stays a draft');

-- ============================ delete =======================================================
select is((select count from public.bulk_delete_assignments(pg_temp.filter())), 2, 'bulk delete by program deletes the two');
select is((select deleted_at is null from public.workout_assignments where id = tests.id('m2_tagged_x')), true,
          'the not-enrolled athlete''s row tagged X is not deleted');
select is((select deleted_at is not null from public.workout_assignments where id = tests.id('m_untagged')), true,
          'the enrolled athlete''s untagged row is deleted');

-- an ended enrollment no longer counts
update public.program_enrollments set ended_at = now() where program_id = tests.id('x');
select is((select count from public.bulk_preview_assignments(pg_temp.filter())), 0,
          'once the enrollment ended, the program filter matches nothing');

-- ============================ denied =======================================================
select tests.authenticate_as('member');
select throws_ok($$ select public.bulk_preview_assignments(pg_temp.filter()) $$, 'PT403',
                 'Only staff of the organization can do this.', 'a member cannot run a program filter');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.bulk_delete_assignments(pg_temp.filter()) $$, 'PT403',
                 'Only staff of the organization can do this.', 'another organization''s coach cannot either');
select tests.authenticate_as_anon();
select throws_ok($$ select public.bulk_publish_assignments(pg_temp.filter()) $$, '42501', null,
                 'anon cannot call bulk publish');

select * from finish();
rollback;
