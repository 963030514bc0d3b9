-- Coach overview by pages of athletes (issue 6 benchmark: p95 <= 100 ms for 2,000 athletes; it
-- was 161 ms in SQL and 175 ms through REST, most of it spent building and shipping a ~1.5 MB
-- document with a roster row and a 7-day sparkline for every athlete, which no screen shows at
-- once and which a phone should not download). The aggregation stays a single pass over the
-- window's published workout cells (workout_assignments_org_date_idx); what changes is what is
-- built from it:
--   - KPIs over the whole roster, as before;
--   - counts per traffic light over the roster that matches the search (for the filter chips);
--   - one page of roster rows (default 50, at most 200) after sorting and filtering in SQL, each
--     with its sparkline and last completion (one index-only probe of
--     workout_assignments_last_completed_idx per row of the page, not per athlete).
-- Sorts: 'status' (overdue, at_risk, on_track, quiet, then name), 'compliance' (lowest first,
-- nothing planned last, then name) and 'name'; always ending in the athlete id so pages never
-- overlap. Filter: one traffic light. Search: a case-insensitive part of the display name.
-- Result keys: as_of, window, kpis (unchanged), counts {all, overdue, at_risk, on_track, quiet},
-- total (rows matching search and filter), limit, offset, roster (the page; rows as before).
-- Thresholds: unchanged, see the comment on public.coach_overview.
-- Touches: private.coach_overview_for_staff, public.coach_overview (new trailing parameters with
-- defaults; the two-argument call still works and returns the first 50 by name).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

drop function public.coach_overview(uuid, timestamptz);
drop function private.coach_overview_for_staff(uuid, timestamptz);

create function private.coach_overview_for_staff(
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
  if v_status is not null and v_status not in ('on_track', 'at_risk', 'overdue', 'quiet') then
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
    select m.user_id, coalesce(p.display_name, '') as display_name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  per_day as (
    select a.user_id, a.date - v_from as day,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped,
           (count(*) filter (where a.status = 'assigned' and a.date < v_today))::integer as overdue
      from public.workout_assignments a
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by a.user_id, a.date
  ),
  per_athlete as (
    -- day i (0 = v_from) of the sparkline is at position array_position(days, i) of p/c/s.
    select d.user_id, sum(d.planned)::integer as planned, sum(d.completed)::integer as completed,
           sum(d.skipped)::integer as skipped, sum(d.overdue)::integer as overdue,
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
             when pa.overdue >= 2 then 'overdue'
             when pa.overdue = 1 or 100.0 * pa.completed / pa.planned < 70 then 'at_risk'
             else 'on_track'
           end as light,
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
                             case s.light when 'overdue' then 0 when 'at_risk' then 1 when 'on_track' then 2 else 3 end
                           end,
                      case when v_sort = 'compliance' then coalesce(s.compliance, 101) end,
                      s.display_name, s.user_id) as ord
      from searched s
     where v_status is null or s.light = v_status
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
           'total', (select count(*) from searched x where v_status is null or x.light = v_status),
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

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.coach_overview(
  p_organization_id uuid,
  p_as_of timestamptz default now(),
  p_sort text default 'name',
  p_status text default null,
  p_search text default null,
  p_limit integer default 50,
  p_offset integer default 0
)
returns json
language sql
stable
security invoker
set search_path = ''
as $$
  select private.coach_overview_for_staff(coach_overview.p_organization_id, coach_overview.p_as_of,
    coach_overview.p_sort, coach_overview.p_status, coach_overview.p_search, coach_overview.p_limit,
    coach_overview.p_offset);
$$;

comment on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) is
  'Coach overview as of p_as_of over the 7 days ending today in the organization''s zone (published workout cells only): KPIs over every active athlete (active athletes, planned, completed, skipped, overdue, compliance % = completed / planned), counts per traffic light among athletes matching p_search, and one page (p_limit 1-200, default 50, from p_offset) of roster rows with a 7-day sparkline (planned/completed/skipped per day), sorted by p_sort (name | status: overdue first | compliance: lowest first) and filtered to one traffic light (p_status) and a part of the name (p_search); total = rows matching. Traffic light: quiet = nothing planned in the window; overdue = 2 or more cells dated before today still assigned; at_risk = exactly 1 such cell, or compliance below 70%; on_track = otherwise. Errors: not_staff (PT403), invalid_sort / invalid_status / invalid_limit / invalid_offset / invalid_search (PT422).';

revoke all on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) to authenticated;
