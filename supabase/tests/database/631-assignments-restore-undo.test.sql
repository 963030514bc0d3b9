-- 631-assignments-restore-undo: restore_assignment brings back a deleted calendar cell for staff
-- (the day dialog's Undo), without announcing it again, and for nobody else.
begin;
select plan(12);

select tests.create_standard_actors();
select tests.use_ids();
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', (select id from ids where name = 'fran'),
                   current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'cell', id from x;
create function pg_temp.cell() returns uuid language sql as $f$ select id from ids where name = 'cell' $f$;
create function pg_temp.deleted() returns boolean language sql security definer as $f$
  select deleted_at is not null from public.workout_assignments where id = (select id from ids where name = 'cell')
$f$;
create function pg_temp.announcements() returns integer language sql security definer as $f$
  select count(*)::int from public.notification_outbox where user_id = tests.get_user_id('member')
$f$;

select tests.authenticate_as('coach');
select public.delete_assignment(pg_temp.cell());
select is(pg_temp.deleted(), true, 'the coach deleted the cell');
create temp table before_restore as select pg_temp.announcements() as n;
grant all on before_restore to public;

-- Denied: every actor but staff of the organization.
select tests.authenticate_as('member');
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, 'PT404', 'Assignment not found.', 'the athlete cannot restore it');
select tests.authenticate_as('member2');
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, 'PT404', 'Assignment not found.', 'another member cannot');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, 'PT404', 'Assignment not found.', 'an outsider cannot');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, 'PT404', 'Assignment not found.', 'another organization''s coach cannot');
select tests.authenticate_as_anon();
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, '42501', 'permission denied for function restore_assignment', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.restore_assignment(pg_temp.cell()) $$, 'PT403', 'Sign in first.', 'the service role is no person');
select tests.clear_authentication();
select is(pg_temp.deleted(), true, 'no refused call restored it');

-- Allowed: the coach undoes; the owner may too (a no-op on a live cell).
select tests.authenticate_as('coach');
select is((public.restore_assignment(pg_temp.cell())).deleted_at, null, 'the coach restores the cell');
select tests.clear_authentication();
select is(pg_temp.deleted(), false, 'the cell is back on the calendar');
select is(pg_temp.announcements(), (select n from before_restore), 'the athlete is not told again: undo is not news');
select tests.authenticate_as('owner');
select is((public.restore_assignment(pg_temp.cell())).deleted_at, null, 'restoring a live cell changes nothing');

select * from finish();
rollback;
