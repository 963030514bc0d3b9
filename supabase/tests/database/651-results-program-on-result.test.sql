-- 651-results-program-on-result: a result files under its assignment's program (set by the
-- database, never by a client), follows the assignment when it moves program or the program is
-- deleted, and that sync is no edit of the result; the feed's program filter reads it.
begin;
select plan(17);

select tests.create_standard_actors();
select tests.use_ids();

with x as (insert into public.programs (organization_id, name, created_by)
           values (tests.get_organization_id('other-gym'), 'Elsewhere', tests.get_user_id('other_coach')) returning id)
insert into ids select 'elsewhere', id from x;
select tests.authenticate_as('coach');
with x as (insert into public.programs (organization_id, name, created_by)
           values (tests.get_organization_id('test-gym'), 'Strength Block', tests.get_user_id('coach')) returning id)
insert into ids select 'strength', id from x;
with x as (insert into public.programs (organization_id, name, created_by)
           values (tests.get_organization_id('test-gym'), 'Engine', tests.get_user_id('coach')) returning id)
insert into ids select 'engine', id from x;
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
insert into ids
select 'cell', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  current_date, 'workout', tests.id('fran'), null, 0, tests.id('strength'), 'publish') a;
insert into ids
select 'loose_cell', a.id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  current_date + 1, 'workout', tests.id('fran'), null, 0, null, 'publish') a;

create function pg_temp.program_of(p_name text) returns uuid language sql as $f$
  select program_id from public.workout_results where id = tests.id(p_name)
$f$;
create function pg_temp.feed_ids(p_program text) returns uuid[] language sql as $f$
  select coalesce(array_agg(c.id), '{}')
    from public.results_feed(tests.get_organization_id('test-gym'), tests.id(p_program)) c
$f$;

-- The athlete logs; whatever program they send, the assignment's is kept.
select tests.authenticate_as('member');
with x as (insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, program_id, score)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('cell'),
                   (select snapshot_workout_id from public.workout_assignments where id = tests.id('cell')),
                   tests.id('engine'), '3:10') returning id)
insert into ids select 'result', id from x;
select is(pg_temp.program_of('result'), tests.id('strength'), 'a result files under its assignment''s program, not the one the client sent');
with x as (insert into public.workout_results (organization_id, user_id, workout_id, program_id, score)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('fran'), tests.id('strength'), '3:30') returning id)
insert into ids select 'adhoc', id from x;
select is(pg_temp.program_of('adhoc'), null, 'a result without an assignment has no program');
with x as (insert into public.workout_results (organization_id, user_id, workout_assignment_id, workout_id, score)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('loose_cell'),
                   (select snapshot_workout_id from public.workout_assignments where id = tests.id('loose_cell')), '3:20') returning id)
insert into ids select 'loose', id from x;
select is(pg_temp.program_of('loose'), null, 'a result of a cell outside any program has none');

-- Nobody writes it directly: the athlete's edit and staff's edit both leave the derived value.
update public.workout_results set program_id = tests.id('engine') where id = tests.id('result');
select is(pg_temp.program_of('result'), tests.id('strength'), 'the athlete cannot refile their result');
select tests.authenticate_as('coach');
update public.workout_results set program_id = tests.id('elsewhere') where id = tests.id('result');
select is(pg_temp.program_of('result'), tests.id('strength'), 'staff cannot refile it either (nor into another organization''s program)');
select tests.authenticate_as_service_role();
update public.workout_results set program_id = tests.id('engine') where id = tests.id('result');
select tests.clear_authentication();
select is(pg_temp.program_of('result'), tests.id('strength'), 'nor the service role');

-- The feed's program filter.
select tests.authenticate_as('coach');
select is(pg_temp.feed_ids('strength'), array[tests.id('result')], 'the Strength feed shows the result');
select is(pg_temp.feed_ids('engine'), '{}'::uuid[], 'the Engine feed does not');

-- The coach moves the cell to Engine: the result follows, and nothing else about it changes.
select tests.clear_authentication();
create temp table before_move as
  select r.updated_at, (select count(*) from public.personal_records) as records,
         (select count(*) from realtime.messages where topic = 'results:' || tests.get_organization_id('test-gym')) as broadcasts
    from public.workout_results r where r.id = tests.id('result');
grant select on before_move to public;
select tests.authenticate_as('coach');
update public.workout_assignments set program_id = tests.id('engine') where id = tests.id('cell');
select is(pg_temp.program_of('result'), tests.id('engine'), 'moving the cell to another program moves its result');
select is(pg_temp.feed_ids('engine'), array[tests.id('result')], 'the Engine feed now shows it');
select is(pg_temp.feed_ids('strength'), '{}'::uuid[], 'the Strength feed no longer does');
select tests.clear_authentication();
select is((select updated_at from public.workout_results where id = tests.id('result')), (select updated_at from before_move),
          'the move is no edit of the result: updated_at stays');
select is((select count(*) from realtime.messages where topic = 'results:' || tests.get_organization_id('test-gym')),
          (select broadcasts from before_move), 'and the result is not announced again');

-- Taking the cell out of any program, or deleting the program, clears it.
select tests.authenticate_as('coach');
update public.workout_assignments set program_id = null where id = tests.id('cell');
select is(pg_temp.program_of('result'), null, 'a cell taken out of its program takes its result out too');
update public.workout_assignments set program_id = tests.id('strength') where id = tests.id('cell');
select is(pg_temp.program_of('result'), tests.id('strength'), 'and back in');
delete from public.programs where id = tests.id('strength');
select is(pg_temp.program_of('result'), null, 'deleting the program clears the result''s program');

-- Another organization's coach cannot read the filtered feed.
select tests.authenticate_as('other_coach');
select throws_ok($$ select pg_temp.feed_ids('engine') $$, 'PT403', null, 'another organization''s coach cannot read the feed');

select * from finish();
rollback;
