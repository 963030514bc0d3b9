-- The coach's overview, planned for the organization it is called for, and its page rows read
-- one athlete at a time.
--   - plan_cache_mode = force_custom_plan. After five calls on a connection PostgreSQL may keep a
--     generic plan, made without the organization's id: it sizes every organization as the
--     average one. With 200 organizations of 8 athletes beside one of 2,000 it did so, and read
--     the big organization's week once per page row: 33-65 ms a call instead of 15 (measured
--     with the bench's generator; pgTAP 860 pins the setting). The price: where one organization
--     is all there is, the generic plan was right, and planning every call makes the body ~1.4x
--     what it cost on it from a connection's sixth call (a few ms on a page opened now and then).
--   - Each page row's sparkline is a subquery of that athlete's cells (an index probe on
--     workout_assignments_user_date_idx), as its last completion already was, instead of a
--     second pass over every published cell of the organization's week joined to the page.
--   - Each athlete is rated in integer arithmetic instead of numeric division.
-- Same answer, row for row, for every sort, filter, search and page (pgTAP 810 compares it with
-- the earlier body on the same data; 860 pins the rounding of halves and the 70 % boundary);
-- same authorization (staff only, checked first), errors (not_staff PT403, invalid_* PT422),
-- columns, comment and grants.
-- Touches: private.coach_overview_for_staff (body, settings).

create or replace function private.coach_overview_for_staff(
  p_organization_id uuid,
  p_as_of timestamptz,
  p_sort text,
  p_status text,
  p_search text,
  p_limit integer,
  p_offset integer
)
returns table (
  as_of timestamptz, window_from date, window_to date,
  kpi_active_athletes integer, kpi_planned integer, kpi_completed integer, kpi_skipped integer,
  kpi_overdue integer, kpi_overdue_athletes integer, kpi_compliance_pct integer,
  count_all integer, count_overdue integer, count_at_risk integer, count_on_track integer,
  count_quiet integer, total integer, page_limit integer, page_offset integer,
  user_id uuid, display_name text, planned integer, completed integer, skipped integer,
  overdue integer, compliance_pct integer, status public.traffic_light,
  last_completed_at timestamptz, sparkline jsonb)
language plpgsql
stable
security definer
set search_path = ''
set jit = off
set plan_cache_mode = force_custom_plan
as $$
declare
  v_as_of timestamptz := coalesce(coach_overview_for_staff.p_as_of, pg_catalog.now());
  v_sort text := coalesce(coach_overview_for_staff.p_sort, 'name');
  v_status text := nullif(coach_overview_for_staff.p_status, '');
  v_search text := nullif(btrim(coalesce(coach_overview_for_staff.p_search, '')), '');
  v_pattern text;
  v_limit integer := coalesce(coach_overview_for_staff.p_limit, 50);
  v_offset integer := coalesce(coach_overview_for_staff.p_offset, 0);
  v_user_id uuid := private.require_user();
  v_org_zone text;
  v_today date;
  v_from date;
begin
  -- private.require_staff's rule (active owner, admin or coach) in one index probe
  if coach_overview_for_staff.p_organization_id is null or not exists (
    select 1 from public.memberships m
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.user_id = v_user_id
       and m.status = 'active' and m.role in ('owner', 'admin', 'coach')) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
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
  select o.time_zone, (v_as_of at time zone o.time_zone)::date into v_org_zone, v_today
    from public.organizations o where o.id = coach_overview_for_staff.p_organization_id;
  v_from := v_today - 6;

  return query
  with people as materialized (
    select m.user_id, coalesce(p.display_name, '') as display_name,
           coalesce(p.time_zone, v_org_zone) as zone
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  zones as (
    -- each athlete's today in their own zone (else the organization's): a workout dated today is
    -- not late until that day is over where the athlete lives. Computed once per zone.
    select z.zone, (v_as_of at time zone z.zone)::date as today
      from (select distinct pe.zone from people pe) z
  ),
  per_athlete as (
    -- one pass over the window's published workout cells, read from the covering index alone
    -- (no heap visit), grouped by athlete before meeting the athletes: the cells still open are
    -- also counted for each of the window's last three days, so "open from the athlete's today
    -- on" is known without joining each cell to its athlete (an athlete's today is within two
    -- days of the organization's: zones are at most 26 h apart).
    select a.user_id,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped,
           (count(*) filter (where a.status = 'assigned'))::integer as open,
           (count(*) filter (where a.status = 'assigned' and a.date = v_today - 2))::integer as open_2,
           (count(*) filter (where a.status = 'assigned' and a.date = v_today - 1))::integer as open_1,
           (count(*) filter (where a.status = 'assigned' and a.date = v_today))::integer as open_0
      from public.workout_assignments a
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by a.user_id
  ),
  counted as (
    -- overdue: still open and dated before the athlete's today; due: the day is over for the
    -- athlete, or the athlete already answered it. Hash joins, no sort of the 2,000 athletes.
    select pe.user_id, pe.display_name,
           coalesce(pa.planned, 0) as planned, coalesce(pa.completed, 0) as completed,
           coalesce(pa.skipped, 0) as skipped,
           coalesce(pa.open, 0) - case when zo.today > v_today then 0
                when zo.today = v_today then coalesce(pa.open_0, 0)
                when zo.today = v_today - 1 then coalesce(pa.open_1 + pa.open_0, 0)
                else coalesce(pa.open_2 + pa.open_1 + pa.open_0, 0) end as overdue,
           coalesce(pa.planned, 0) - case when zo.today > v_today then 0
                when zo.today = v_today then coalesce(pa.open_0, 0)
                when zo.today = v_today - 1 then coalesce(pa.open_1 + pa.open_0, 0)
                else coalesce(pa.open_2 + pa.open_1 + pa.open_0, 0) end as due
      from people pe
      join zones zo on zo.zone = pe.zone
      left join per_athlete pa on pa.user_id = pe.user_id
  ),
  rated as materialized (
    -- every athlete rated once; `found` (matches the search) is a column, so the KPIs (everyone)
    -- and the chip counts (those found) come from one pass over these rows below. In integers,
    -- no numeric division per athlete: (200c + p) / 2p is round(100c / p) for counts (round()
    -- takes halves up), and 100c < 70d is 100c / d < 70.
    select c.user_id, c.display_name, c.planned, c.completed, c.skipped, c.overdue,
           case when c.planned = 0 then null
                else (200 * c.completed + c.planned) / (2 * c.planned) end as compliance,
           case
             when c.planned = 0 then 'quiet'
             when c.overdue >= 1 then 'overdue'
             when c.due > 0 and 100 * c.completed < 70 * c.due then 'at_risk'
             else 'on_track'
           end::public.traffic_light as light,
           (v_pattern is null or c.display_name ilike v_pattern) as found
      from counted c
  ),
  page as materialized (
    -- the page as a top-N sort of the rows that qualify (no window over every athlete); `ord`
    -- numbers the page's own rows in that order
    select r.*, pg_catalog.row_number() over () as ord
      from (select r.* from rated r
             where r.found and (v_status is null or r.light::text = v_status)
             order by case when v_sort = 'status' then r.light end,
                      case when v_sort = 'compliance' then coalesce(r.compliance, 101) end,
                      r.display_name, r.user_id
             limit v_limit offset v_offset) r
  ),
  page_rows as (
    -- each page row's last completion and sparkline as subqueries of that row alone, each an
    -- index probe of that athlete's cells (workout_assignments_last_completed_idx and
    -- workout_assignments_user_date_idx): no join between the page and the organization's cells
    -- is left for the planner to choose, so one plan suits an organization of 8 athletes and
    -- one of 2,000 alike
    select pg.*,
           (select a.completed_at from public.workout_assignments a
             where a.organization_id = coach_overview_for_staff.p_organization_id and a.user_id = pg.user_id
               and a.status = 'completed' and a.deleted_at is null
             order by a.completed_at desc limit 1) as last_completed_at,
           (select jsonb_agg(jsonb_build_object(
                     'date', d.day, 'planned', d.planned, 'completed', d.completed, 'skipped', d.skipped)
                     order by d.day)
              from (select v_from + g.i as day,
                           count(c.status)::integer as planned,
                           (count(c.status) filter (where c.status = 'completed'))::integer as completed,
                           (count(c.status) filter (where c.status = 'skipped'))::integer as skipped
                      from generate_series(0, 6) g (i)
                      left join (select w.date, w.status from public.workout_assignments w
                                  where w.user_id = pg.user_id and w.date between v_from and v_today
                                    and w.organization_id = coach_overview_for_staff.p_organization_id
                                    and w.deleted_at is null and w.published and w.kind = 'workout') c
                        on c.date = v_from + g.i
                     group by g.i) d) as sparkline
      from page pg
  ),
  summary as (
    -- the page-level figures in one row and one pass: KPIs over every athlete, chip counts and
    -- the total over those matching the search
    select count(*)::integer as active_athletes,
           coalesce(sum(x.planned), 0)::integer as planned,
           coalesce(sum(x.completed), 0)::integer as completed,
           coalesce(sum(x.skipped), 0)::integer as skipped,
           coalesce(sum(x.overdue), 0)::integer as overdue,
           (count(*) filter (where x.light = 'overdue'))::integer as overdue_athletes,
           case when coalesce(sum(x.planned), 0) = 0 then null
                else round(100.0 * sum(x.completed) / sum(x.planned))::integer end as compliance,
           (count(*) filter (where x.found))::integer as c_all,
           (count(*) filter (where x.found and x.light = 'overdue'))::integer as c_overdue,
           (count(*) filter (where x.found and x.light = 'at_risk'))::integer as c_at_risk,
           (count(*) filter (where x.found and x.light = 'on_track'))::integer as c_on_track,
           (count(*) filter (where x.found and x.light = 'quiet'))::integer as c_quiet,
           (count(*) filter (where x.found and (v_status is null or x.light::text = v_status)))::integer as c_total
      from rated x
  )
  -- One row per athlete of the page, in page order, each carrying the page-level figures; an
  -- empty page is one row of those figures with null athlete columns (the left join), so the
  -- KPIs and chips still show when no athlete matches.
  select v_as_of, v_from, v_today,
         s.active_athletes, s.planned, s.completed, s.skipped, s.overdue, s.overdue_athletes,
         s.compliance, s.c_all, s.c_overdue, s.c_at_risk, s.c_on_track, s.c_quiet, s.c_total,
         v_limit, v_offset,
         r.user_id, r.display_name, r.planned, r.completed, r.skipped, r.overdue, r.compliance,
         r.light, r.last_completed_at, r.sparkline
    from summary s
    left join page_rows r on true
   order by r.ord;
end;
$$;

comment on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) is
  'Body of public.coach_overview: staff only (checked first); see that function for the KPIs, paging and traffic-light thresholds.';

revoke all on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) to authenticated, service_role;
