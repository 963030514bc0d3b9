-- 860-overview-page-probes: coach_overview's body with the page's sparklines read per athlete
-- and the ratings in integer arithmetic (20261213000000). 810 still compares the whole answer
-- with the earlier body for 360 combinations; this file pins what the integer forms must keep:
-- compliance rounds halves up exactly as round(100.0 * completed / planned) did, and "at risk" is
-- under 70 % done to the digit (69.9 % is at risk, 70 % is not), for every planned count of a week
-- up to 10 and every completed count. The sparkline of each page row is its own cells per day,
-- also when the athlete has cells in another organization on the same days. And the body is
-- planned for each call: a generic plan, which PostgreSQL picks after five calls on a connection,
-- sizes every organization as the average one, and with 200 small organizations beside one of
-- 2,000 athletes it read the big one's week once per page row (33-65 ms a call instead of 15).
begin;
select plan(8);

select tests.create_standard_actors();
select tests.use_ids();
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('other-gym'), 'Grace', tests.get_user_id('other_coach')) returning id)
insert into ids select 'grace', id from x;

-- One athlete per (planned p, completed c), 1 <= p <= 10, 0 <= c <= p: p cells in the window's
-- past days (several on a day), c completed and the rest skipped, so none is overdue and every
-- one is due: the light is on_track or at_risk by the percentage alone.
create temp table combos as
  select p, c, format('p%sc%s', p, c) as who from generate_series(1, 10) p, generate_series(0, 10) c where c <= p;
grant select on combos to public;
select tests.create_user(who) from combos;
select tests.add_member(tests.get_organization_id('test-gym'), who) from combos;
update public.profiles pr set display_name = co.who, time_zone = null
  from combos co where pr.id = tests.get_user_id(co.who);
insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, status,
                                        skip_reason, assigned_by)
select tests.get_organization_id('test-gym'), tests.get_user_id(co.who), 'workout', tests.id('fran'),
       current_date - 6 + (n % 5), true,
       case when n <= co.c then 'completed' else 'skipped' end::public.assignment_status,
       case when n > co.c then 'Sick' end, tests.get_user_id('coach')
  from combos co cross join lateral generate_series(1, co.p) n;

-- p10c7 also belongs to another organization, with cells there on the same days: they are not
-- this organization's and must stay out of its sparkline and counts.
select tests.add_member(tests.get_organization_id('other-gym'), 'p10c7');
insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, status, assigned_by)
select tests.get_organization_id('other-gym'), tests.get_user_id('p10c7'), 'workout', tests.id('grace'),
       current_date - 6 + d, true, 'assigned', tests.get_user_id('other_coach')
  from generate_series(0, 4) d;

select is((select array_to_string(proconfig, ',') from pg_proc
            where oid = 'private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer)'::regprocedure),
          'search_path="",jit=off,plan_cache_mode=force_custom_plan',
          'the body is planned for the organization it is called for, never with a generic plan');

select tests.authenticate_as('coach');
create temp table got as
  select o.*, co.p, co.c
    from public.coach_overview(tests.get_organization_id('test-gym'),
                              (current_date + time '12:00') at time zone 'Europe/London', 'name', null, 'p', 200, 0) o
    join combos co on co.who = o.display_name;

select is((select count(*)::int from got), 65, 'every combination of planned 1-10 and completed 0-p is on the page');
select is((select string_agg(display_name, ', ') from got where planned <> p or completed <> c or overdue <> 0), null,
          'each athlete counts their own cells: p planned, c completed, none overdue');
select is((select string_agg(format('%s=%s', display_name, compliance_pct), ', ')
             from got where compliance_pct <> round(100.0 * c / p)::integer), null,
          'compliance rounds as round(100.0 * completed / planned) did, halves up (1 of 8 is 13 %, 5 of 8 is 63 %)');
select results_eq($$ select compliance_pct from got where display_name in ('p8c1', 'p8c5', 'p8c3') order by display_name $$,
                  $$ values (13), (38), (63) $$, 'the halves themselves: 12.5 -> 13, 37.5 -> 38, 62.5 -> 63');
select is((select string_agg(format('%s=%s', display_name, status), ', ')
             from got where status::text <> case when 100.0 * c / p < 70 then 'at_risk' else 'on_track' end), null,
          'at risk is under 70 % done, to the digit: 7 of 10 is on track, 2 of 3 (66.7 %) and 6 of 9 are at risk');
select is((select string_agg(display_name, ', ') from got g
            where g.sparkline is distinct from (
                  select jsonb_agg(jsonb_build_object('date', day, 'planned', n, 'completed', k, 'skipped', n - k) order by day)
                    from (select (current_date - 6) + i as day,
                                 count(a.id)::int as n,
                                 (count(a.id) filter (where a.status = 'completed'))::int as k
                            from generate_series(0, 6) i
                            left join public.workout_assignments a
                              on a.user_id = g.user_id and a.date = (current_date - 6) + i
                             and a.organization_id = tests.get_organization_id('test-gym')
                           group by i) d)), null,
          'each page row''s sparkline is its own cells of this organization per day (p10c7''s other organization left out)');
select is((select sparkline -> 0 from got where display_name = 'p10c7'),
          jsonb_build_object('date', current_date - 6, 'planned', 2, 'completed', 1, 'skipped', 1),
          'p10c7 has two workouts here on the first day (one done, one skipped), none from the other organization');

select * from finish();
rollback;
