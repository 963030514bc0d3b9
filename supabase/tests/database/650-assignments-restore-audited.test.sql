-- 650-assignments-restore-audited: undoing a delete (restore_assignment) leaves an audit row
-- as the delete does, with the actor, the athlete and the date; a refused or no-op restore
-- leaves none, and batch deletes keep their single row.
begin;
select plan(12);

select tests.create_standard_actors();
select tests.use_ids();
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'),
                   current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'cell', id from x;
create function pg_temp.audits(p_action text) returns integer language sql security definer as $f$
  select count(*)::int from public.audit_logs where action = p_action and entity_id = tests.id('cell')
$f$;

select tests.authenticate_as('coach');
select public.delete_assignment(tests.id('cell'));
select tests.clear_authentication();
select is(pg_temp.audits('assignment.deleted'), 1, 'the delete is audited once');
select is(pg_temp.audits('assignment.restored'), 0, 'nothing is restored yet');

-- Refused restores write nothing.
select tests.authenticate_as('member');
select throws_ok($$ select public.restore_assignment(tests.id('cell')) $$, 'PT404', 'Assignment not found.', 'the athlete cannot restore it');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.restore_assignment(tests.id('cell')) $$, 'PT404', 'Assignment not found.', 'another organization''s coach cannot');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.restore_assignment(tests.id('cell')) $$, 'PT403', 'Sign in first.', 'the service role is no person');
select tests.clear_authentication();
select is(pg_temp.audits('assignment.restored'), 0, 'no refused restore is audited');

-- The coach's undo is audited like the delete: who, which athlete, which day.
select tests.authenticate_as('coach');
select public.restore_assignment(tests.id('cell'));
select tests.clear_authentication();
select is(pg_temp.audits('assignment.restored'), 1, 'the restore is audited once');
select is((select actor_id from public.audit_logs where action = 'assignment.restored' and entity_id = tests.id('cell')),
          tests.get_user_id('coach'), 'the audit row names the coach who restored it');
select is((select details from public.audit_logs where action = 'assignment.restored' and entity_id = tests.id('cell')),
          jsonb_build_object('user_id', tests.get_user_id('member'), 'date', current_date),
          'the audit row names the athlete and the date, as the delete''s row does');

-- Staff see the row through the audit log's own policy; the athlete does not.
select tests.authenticate_as('owner');
select is((select count(*)::int from public.audit_logs where action = 'assignment.restored' and entity_id = tests.id('cell')), 1,
          'the owner sees the restore in the audit log');
select tests.authenticate_as('member');
select is((select count(*)::int from public.audit_logs where action = 'assignment.restored'), 0,
          'the athlete does not see audit rows');

-- Restoring a live cell is a no-op and writes no second row.
select tests.authenticate_as('owner');
select public.restore_assignment(tests.id('cell'));
select tests.clear_authentication();
select is(pg_temp.audits('assignment.restored'), 1, 'a no-op restore writes no second audit row');

select * from finish();
rollback;
