-- The traffic lights of the coach overview (overdue, at risk, on track, quiet) were a list
-- written three times: in this function's checks and sort, and by hand in the app. They are now
-- one enum, so the generated types' Constants carry the list to the app and the function can
-- only ever produce one of them. The enum's order is the "status" sort order (overdue first),
-- so the sort is the enum's own order instead of a hand-numbered case.
-- p_status stays text (same signature, same JSON: each roster row's status is the enum's label);
-- it is checked against the enum's labels with the same error as before.
-- Touches: public.traffic_light (new), private.coach_overview_for_staff (same signature).

-- =============================================================================================
-- types
-- =============================================================================================

create type public.traffic_light as enum ('overdue', 'at_risk', 'on_track', 'quiet');

comment on type public.traffic_light is
  'Coach overview light per athlete over the 7-day window, in sort order: overdue (a workout still open after its day), at_risk (under 70% of due workouts done), on_track, quiet (nothing planned).';

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.coach_overview_for_staff(
  p_organization_id uuid,
  p_as_of timestamptz,
  p_sort text,
  p_status text,
  p_search text,
  p_limit integer,
  p_offset integer
)
returns json
language plpgsql
stable
-- definer: checks the caller is staff of the organization first, then reads its roster and
-- cells without evaluating the profile, membership and assignment policies row by row (staff may
-- read all of them anyway).
security definer
set search_path = ''
as $$
declare
  v_as_of timestamptz := coalesce(coach_overview_for_staff.p_as_of, pg_catalog.now());
  v_sort text := coalesce(coach_overview_for_staff.p_sort, 'name');
  v_status text := nullif(coach_overview_for_staff.p_status, '');
  v_search text := nullif(btrim(coalesce(coach_overview_for_staff.p_search, '')), '');
  v_pattern text;
  v_limit integer := coalesce(coach_overview_for_staff.p_limit, 50);
  v_offset integer := coalesce(coach_overview_for_staff.p_offset, 0);
  v_today date;
  v_from date;
  v_result json;
begin
  perform private.require_staff(coach_overview_for_staff.p_organization_id);
  if v_sort not in ('name', 'status', 'compliance') then
    raise exception 'Sort by name, status or compliance.' using errcode = 'PT422', hint = 'invalid_sort';
  end if;
  if v_status is not null
     and v_status <> all (pg_catalog.enum_range(null::public.traffic_light)::text[]) then
    raise exception 'Filter by on_track, at_risk, overdue or quiet.' using errcode = 'PT422', hint = 'invalid_status';
  end if;
  if v_limit < 1 or v_limit > 200 then
    raise exception 'A page holds 1 to 200 athletes.' using errcode = 'PT422', hint = 'invalid_limit';
  end if;
  if v_offset < 0 then
    raise exception 'The offset cannot be negative.' using errcode = 'PT422', hint = 'invalid_offset';
  end if;
  if v_search is not null then
    if char_length(v_search) > 100 then
      raise exception 'Search with at most 100 characters.' using errcode = 'PT422', hint = 'invalid_search';
    end if;
    -- the person's text matches literally: % _ and \ are not wildcards
    v_pattern := '%' || replace(replace(replace(v_search, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  end if;
  select (v_as_of at time zone o.time_zone)::date into v_today
    from public.organizations o where o.id = coach_overview_for_staff.p_organization_id;
  v_from := v_today - 6;

  with athletes as materialized (
    -- each athlete's today in their own zone (else the organization's): a workout dated today is
    -- not late until that day is over where the athlete lives.
    select m.user_id, coalesce(p.display_name, '') as display_name,
           (v_as_of at time zone coalesce(p.time_zone, o.time_zone))::date as today
      from public.memberships m
      join public.profiles p on p.id = m.user_id
      join public.organizations o on o.id = m.organization_id
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  per_day as (
    select a.user_id, a.date - v_from as day,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped,
           (count(*) filter (where a.status = 'assigned' and a.date < ath.today))::integer as overdue,
           -- due: the day is over for the athlete, or the athlete already answered it
           (count(*) filter (where a.date < ath.today or a.status <> 'assigned'))::integer as due
      from public.workout_assignments a
      join athletes ath on ath.user_id = a.user_id
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by a.user_id, a.date
  ),
  per_athlete as (
    -- day i (0 = v_from) of the sparkline is at position array_position(days, i) of p/c/s.
    select d.user_id, sum(d.planned)::integer as planned, sum(d.completed)::integer as completed,
           sum(d.skipped)::integer as skipped, sum(d.overdue)::integer as overdue,
           sum(d.due)::integer as due,
           array_agg(d.day) as days, array_agg(d.planned) as p, array_agg(d.completed) as c,
           array_agg(d.skipped) as s
      from per_day d group by d.user_id
  ),
  rated as materialized (
    select ath.user_id, ath.display_name,
           coalesce(pa.planned, 0) as planned, coalesce(pa.completed, 0) as completed,
           coalesce(pa.skipped, 0) as skipped, coalesce(pa.overdue, 0) as overdue,
           case when coalesce(pa.planned, 0) = 0 then null
                else round(100.0 * pa.completed / pa.planned)::integer end as compliance,
           case
             when coalesce(pa.planned, 0) = 0 then 'quiet'
             when pa.overdue >= 1 then 'overdue'
             when pa.due > 0 and 100.0 * pa.completed / pa.due < 70 then 'at_risk'
             else 'on_track'
           end::public.traffic_light as light,
           pa.days, pa.p, pa.c, pa.s
      from athletes ath left join per_athlete pa on pa.user_id = ath.user_id
  ),
  searched as (
    select r.* from rated r where v_pattern is null or r.display_name ilike v_pattern
  ),
  page as (
    select s.*,
           pg_catalog.row_number() over (
             order by case when v_sort = 'status' then
                             s.light
                           end,
                      case when v_sort = 'compliance' then coalesce(s.compliance, 101) end,
                      s.display_name, s.user_id) as ord
      from searched s
     where v_status is null or s.light::text = v_status
     order by ord
     limit v_limit offset v_offset
  ),
  page_rows as (
    select pg.*,
           (select a.completed_at from public.workout_assignments a
             where a.organization_id = coach_overview_for_staff.p_organization_id and a.user_id = pg.user_id
               and a.status = 'completed' and a.deleted_at is null
             order by a.completed_at desc limit 1) as last_completed_at,
           (select json_agg(json_build_object(
                     'date', v_from + g.i,
                     'planned', coalesce(pg.p[pg_catalog.array_position(pg.days, g.i)], 0),
                     'completed', coalesce(pg.c[pg_catalog.array_position(pg.days, g.i)], 0),
                     'skipped', coalesce(pg.s[pg_catalog.array_position(pg.days, g.i)], 0)) order by g.i)
              from generate_series(0, 6) g (i)) as sparkline
      from page pg
  )
  select json_build_object(
           'as_of', v_as_of,
           'window', json_build_object('from', v_from, 'to', v_today),
           'kpis', (select json_build_object(
                      'active_athletes', count(*),
                      'planned', coalesce(sum(x.planned), 0),
                      'completed', coalesce(sum(x.completed), 0),
                      'skipped', coalesce(sum(x.skipped), 0),
                      'overdue', coalesce(sum(x.overdue), 0),
                      'overdue_athletes', count(*) filter (where x.light = 'overdue'),
                      'compliance_pct', case when coalesce(sum(x.planned), 0) = 0 then null
                                             else round(100.0 * sum(x.completed) / sum(x.planned))::integer end)
                      from rated x),
           'counts', (select json_build_object(
                        'all', count(*),
                        'overdue', count(*) filter (where x.light = 'overdue'),
                        'at_risk', count(*) filter (where x.light = 'at_risk'),
                        'on_track', count(*) filter (where x.light = 'on_track'),
                        'quiet', count(*) filter (where x.light = 'quiet'))
                        from searched x),
           'total', (select count(*) from searched x where v_status is null or x.light::text = v_status),
           'limit', v_limit,
           'offset', v_offset,
           'roster', coalesce((select json_agg(json_build_object(
                        'user_id', r.user_id, 'display_name', r.display_name, 'planned', r.planned,
                        'completed', r.completed, 'skipped', r.skipped, 'overdue', r.overdue,
                        'compliance_pct', r.compliance, 'status', r.light, 'last_completed_at', r.last_completed_at,
                        'sparkline', r.sparkline) order by r.ord)
                        from page_rows r), '[]'::json))
    into v_result;
  return v_result;
end;
$$;

comment on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) is
  'Body of public.coach_overview: staff only (checked first); see that function for the KPIs, paging and traffic-light thresholds.';

revoke all on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) to authenticated, service_role;
