-- 630-overview-overdue-in-athlete-day: coach_overview has one meaning of "overdue" (a published
-- workout still assigned after the athlete's own day is over), shared by the KPI and the filter
-- chip, and a workout dated today is never late nor "at risk" before the athlete's day ends.
-- Frozen p_as_of: 02:00 London time on d0 = current_date - 10 (18:00 on d0 - 1 in Los Angeles).
begin;
select plan(16);

select tests.create_standard_actors();
select tests.create_user('west');
select tests.add_member(tests.get_organization_id('test-gym'), 'west');
update public.profiles set time_zone = 'America/Los_Angeles' where id = tests.get_user_id('west');
update public.profiles set display_name = i from unnest(array['member', 'member2', 'west']) i where id = tests.get_user_id(i);
select tests.use_ids();
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
create function pg_temp.cell(p_who text, p_day int, p_status public.assignment_status)
returns void language sql as $f$
  insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, status, assigned_by)
  values (tests.get_organization_id('test-gym'), tests.get_user_id(p_who), 'workout', (select id from ids where name = 'fran'),
          current_date - 10 + p_day, true, p_status, tests.get_user_id('coach'))
$f$;
-- the overview's rows (one per athlete, each with the page-level figures) as 02:00 London on d0
create function pg_temp.overview(p_at time default '02:00') returns setof jsonb language sql as $f$
  select to_jsonb(o) from public.coach_overview(tests.get_organization_id('test-gym'),
    ((current_date - 10) + p_at) at time zone 'Europe/London') o
$f$;
create function pg_temp.light(p_name text) returns text language sql as $f$
  select r ->> 'status' from pg_temp.overview() r where r ->> 'display_name' = p_name
$f$;
--   member   one open workout today (London)                  -> on_track: not due yet
--   member2  one open workout yesterday (London)              -> overdue
--   west     one open workout on d0 - 1, still her day in LA  -> on_track: not due yet
select pg_temp.cell('member', 0, 'assigned');
select pg_temp.cell('member2', -1, 'assigned');
select pg_temp.cell('west', -1, 'assigned');

select tests.authenticate_as('coach');
select is(pg_temp.light('member'), 'on_track', 'a workout dated today, still open, does not make the athlete at risk');
select is((select (r ->> 'overdue')::int from pg_temp.overview() r where r ->> 'display_name' = 'member'),
          0, 'nor is it counted overdue');
select is(pg_temp.light('member2'), 'overdue', 'one workout left open after its day makes the athlete overdue');
select is(pg_temp.light('west'), 'on_track', 'a workout whose day is over in London but not in Los Angeles is not late for an athlete there');
select is((select distinct (r ->> 'kpi_overdue')::int from pg_temp.overview() r), 1, 'the KPI counts the one overdue workout');
select is((select distinct (r ->> 'kpi_overdue_athletes')::int from pg_temp.overview() r), (select distinct (r ->> 'count_overdue')::int from pg_temp.overview() r),
          'the overdue-athletes KPI and the overdue chip give the same number');
select results_eq($$ select display_name, total from public.coach_overview(tests.get_organization_id('test-gym'),
                      ((current_date - 10) + time '02:00') at time zone 'Europe/London', p_status => 'overdue') $$,
                  $$ values ('member2', 1) $$, 'filtering on overdue lists exactly those athletes');

-- Later the same London day it is also the next morning in LA (10:00 London = 02:00 LA on d0).
select is((select r ->> 'status' from pg_temp.overview('10:00') r where r ->> 'display_name' = 'west'),
          'overdue', 'once her own day is over the same workout is overdue');

-- Compliance is judged over what is due: a skip makes 0 of 1 due, at risk.
select tests.clear_authentication();
update public.workout_assignments set status = 'skipped', skip_reason = 'Sick' where user_id = tests.get_user_id('member2');
select tests.authenticate_as('coach');
select is(pg_temp.light('member2'), 'at_risk', 'nothing overdue but under 70% of the due workouts completed is at risk');

select tests.authenticate_as('owner');
select is(pg_temp.light('member'), 'on_track', 'the owner reads the same light');

select tests.authenticate_as('member');
select throws_ok($$ select pg_temp.overview() $$, 'PT403', 'Only staff of the organization can do this.', 'a member cannot read the overview');
select tests.authenticate_as('member2');
select throws_ok($$ select pg_temp.overview() $$, 'PT403', 'Only staff of the organization can do this.', 'another member cannot either');
select tests.authenticate_as('outsider');
select throws_ok($$ select pg_temp.overview() $$, 'PT403', 'Only staff of the organization can do this.', 'an outsider cannot');
select tests.authenticate_as('other_coach');
select throws_ok($$ select pg_temp.overview() $$, 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot');
select tests.authenticate_as_anon();
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, '42501',
                 'permission denied for function coach_overview', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: it is asked to sign in');

select * from finish();
rollback;
