-- coach_overview answered with one hand-shaped json document, so the app declared its shape by
-- hand and cast it. It now returns typed rows, so the generated types describe them:
--   one row per athlete of the page (sorted, filtered, searched and paged as before), each row
--   carrying the page-level figures as plain columns: as_of, the window (window_from ..
--   window_to), the KPIs (kpi_*), the chip counts per traffic light among those matching the
--   search (count_*), total (rows matching search and filter), page_limit and page_offset. A page
--   without athletes is one row of those figures whose athlete columns are null, so the KPIs and
--   chips still show. The 7-day sparkline is made up in the query (one object per day, zeros
--   included), so it stays a jsonb array, which the app validates.
-- Same plan as 20261209002200 (each athlete grouped once, today once per zone, sparklines only for
-- the page's rows, jit off); same authorization, errors (not_staff PT403, invalid_* PT422), sort,
-- paging, search, status filter, as-of handling and figures. The return type changes, so both
-- functions are dropped and created again with their grants and comments.
-- Touches: public.coach_overview, private.coach_overview_for_staff (returns table).

-- =============================================================================================
-- helpers
-- =============================================================================================

drop function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer);
drop function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer);

create function private.coach_overview_for_staff(
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
  zones as materialized (
    -- each athlete's today in their own zone (else the organization's): a workout dated today is
    -- not late until that day is over where the athlete lives. Computed once per zone.
    select z.zone, (v_as_of at time zone z.zone)::date as today
      from (select distinct pe.zone from people pe) z
  ),
  athletes as materialized (
    select pe.user_id, pe.display_name, zo.today
      from people pe join zones zo on zo.zone = pe.zone
  ),
  per_athlete as (
    -- one pass over the window's cells, grouped by athlete before meeting the athletes: the
    -- cells still open are also counted for each of the window's last three days, so "open
    -- from the athlete's today on" is known without joining each cell to its athlete (an
    -- athlete's today is within two days of the organization's: zones are at most 26 h apart).
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
  per_athlete_today as (
    select y.user_id, y.planned, y.completed, y.skipped,
           -- overdue: still open and dated before the athlete's today
           y.open - y.open_from_today as overdue,
           -- due: the day is over for the athlete, or the athlete already answered it
           y.planned - y.open_from_today as due
      from (select pa.*,
                   case when ath.today > v_today then 0
                        when ath.today = v_today then pa.open_0
                        when ath.today = v_today - 1 then pa.open_1 + pa.open_0
                        else pa.open_2 + pa.open_1 + pa.open_0
                   end as open_from_today
              from per_athlete pa join athletes ath on ath.user_id = pa.user_id) y
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
           end::public.traffic_light as light
      from athletes ath left join per_athlete_today pa on pa.user_id = ath.user_id
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
  page_days as materialized (
    -- the page's rows only: their cells of the window, one index probe per athlete
    select pg.user_id, a.date,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped
      from page pg
      join public.workout_assignments a on a.user_id = pg.user_id
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by pg.user_id, a.date
  ),
  sparklines as materialized (
    select pg.user_id,
           jsonb_agg(jsonb_build_object(
             'date', v_from + g.i,
             'planned', coalesce(d.planned, 0),
             'completed', coalesce(d.completed, 0),
             'skipped', coalesce(d.skipped, 0)) order by g.i) as sparkline
      from page pg
     cross join generate_series(0, 6) g (i)
      left join page_days d on d.user_id = pg.user_id and d.date = v_from + g.i
     group by pg.user_id
  ),
  page_rows as (
    select pg.*,
           (select a.completed_at from public.workout_assignments a
             where a.organization_id = coach_overview_for_staff.p_organization_id and a.user_id = pg.user_id
               and a.status = 'completed' and a.deleted_at is null
             order by a.completed_at desc limit 1) as last_completed_at,
           sl.sparkline
      from page pg
      join sparklines sl on sl.user_id = pg.user_id
  ),
  summary as (
    -- the page-level figures, one row: KPIs over every athlete, chip counts and the total over
    -- those matching the search
    select k.*, c.*
      from (select count(*)::integer as active_athletes,
                   coalesce(sum(x.planned), 0)::integer as planned,
                   coalesce(sum(x.completed), 0)::integer as completed,
                   coalesce(sum(x.skipped), 0)::integer as skipped,
                   coalesce(sum(x.overdue), 0)::integer as overdue,
                   (count(*) filter (where x.light = 'overdue'))::integer as overdue_athletes,
                   case when coalesce(sum(x.planned), 0) = 0 then null
                        else round(100.0 * sum(x.completed) / sum(x.planned))::integer end as compliance
              from rated x) k
     cross join (
            select count(*)::integer as c_all,
                   (count(*) filter (where x.light = 'overdue'))::integer as c_overdue,
                   (count(*) filter (where x.light = 'at_risk'))::integer as c_at_risk,
                   (count(*) filter (where x.light = 'on_track'))::integer as c_on_track,
                   (count(*) filter (where x.light = 'quiet'))::integer as c_quiet,
                   (count(*) filter (where v_status is null or x.light::text = v_status))::integer as c_total
              from searched x) c
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

-- The plan is small and indexed: JIT compiling it would cost more than running it.
alter function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) set jit = off;

comment on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) is
  'Body of public.coach_overview: staff only (checked first); see that function for the KPIs, paging and traffic-light thresholds.';

revoke all on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.coach_overview(
  p_organization_id uuid,
  p_as_of timestamptz default pg_catalog.now(),
  p_sort text default 'name',
  p_status text default null,
  p_search text default null,
  p_limit integer default 50,
  p_offset integer default 0
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
language sql
stable
set search_path = ''
as $$
  select * from private.coach_overview_for_staff(coach_overview.p_organization_id, coach_overview.p_as_of,
    coach_overview.p_sort, coach_overview.p_status, coach_overview.p_search, coach_overview.p_limit,
    coach_overview.p_offset);
$$;

comment on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) is
  'Coach overview as of p_as_of over the 7 days ending today in the organization''s zone (published workout cells only), one row per roster row of the page (p_limit 1-200, default 50, from p_offset), sorted by p_sort (name | status: overdue first | compliance: lowest first) and filtered to one traffic light (p_status) and a part of the name (p_search). Every row repeats the page-level figures: as_of, window_from/window_to, KPIs over every active athlete (kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped, kpi_overdue workouts, kpi_overdue_athletes, kpi_compliance_pct = completed / planned), athletes per traffic light among those matching p_search (count_all, count_overdue, count_at_risk, count_on_track, count_quiet), total = rows matching search and filter, page_limit, page_offset. Roster columns: user_id, display_name, planned, completed, skipped, overdue, compliance_pct, status (traffic light), last_completed_at, sparkline (jsonb array of 7 {date, planned, completed, skipped}). A page without athletes is one row of the page-level figures with null roster columns. A workout is overdue when still assigned and dated before the athlete''s today (their zone, else the organization''s). Traffic light: quiet = nothing planned in the window; overdue = at least one overdue workout; at_risk = none overdue but under 70% of the due workouts (day over, or answered) completed; on_track = otherwise. Errors: not_staff (PT403), invalid_sort / invalid_status / invalid_limit / invalid_offset / invalid_search (PT422).';

revoke all on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) to authenticated, service_role;
