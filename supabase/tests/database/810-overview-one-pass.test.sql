-- 810-overview-one-pass: coach_overview's body in fewer passes (20261210002000) answers exactly
-- what the previous body answered, row for row and in order, for every sort, traffic-light filter,
-- search (wildcard characters taken literally) and page, at two times of day (athletes in other
-- zones on another day than the organization's), with drafts, rest days, notes and deleted cells
-- left out; the covering index it reads is there with its predicate; and every actor both ways:
-- staff read it, members, outsiders, another organization's coach, anon and the service role
-- do not. The oracle is the previous body itself, kept here as pg_temp.previous_overview.
begin;
select plan(23);

select tests.create_standard_actors();
select tests.use_ids();
select tests.create_user(i) from unnest(array['kiwi', 'angeleno', 'percent', 'under', 'zed']) i;
select tests.add_member(tests.get_organization_id('test-gym'), i) from unnest(array['kiwi', 'angeleno', 'percent', 'under', 'zed']) i;
update public.profiles p set display_name = v.name, time_zone = v.zone
  from (values ('member', 'Member One', null), ('member2', 'Member Two', null),
               ('kiwi', 'Kiri Kiwi', 'Pacific/Auckland'), ('angeleno', 'Ann Angeleno', 'America/Los_Angeles'),
               ('percent', 'Pat 100% Done', null), ('under', 'Una_Der', 'Pacific/Auckland'),
               ('zed', 'Zed Quiet', null)) v(who, name, zone)
 where p.id = tests.get_user_id(v.who);
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;

-- d0 = current_date - 5; a cell on d0 + p_day
create function pg_temp.cell(p_who text, p_day int, p_status public.assignment_status,
                             p_published boolean default true, p_kind public.assignment_kind default 'workout',
                             p_deleted boolean default false)
returns void language sql as $f$
  insert into public.workout_assignments (organization_id, user_id, kind, workout_id, note, date, published, status,
                                          skip_reason, assigned_by, deleted_at)
  values (tests.get_organization_id('test-gym'), tests.get_user_id(p_who), p_kind,
          case when p_kind = 'workout' then tests.id('fran') end, case when p_kind = 'note' then 'Stretch' end,
          current_date - 5 + p_day, p_published, p_status, case when p_status = 'skipped' then 'Sick' end,
          tests.get_user_id('coach'), case when p_deleted then now() end)
$f$;
select pg_temp.cell('member', -6, 'completed'), pg_temp.cell('member', -3, 'completed'), pg_temp.cell('member', 0, 'assigned');
select pg_temp.cell('member2', -4, 'assigned'), pg_temp.cell('member2', -2, 'completed'), pg_temp.cell('member2', -1, 'skipped');
select pg_temp.cell('kiwi', -1, 'assigned'), pg_temp.cell('kiwi', 0, 'assigned'), pg_temp.cell('kiwi', -5, 'completed');
select pg_temp.cell('angeleno', -1, 'assigned'), pg_temp.cell('angeleno', 0, 'assigned'), pg_temp.cell('angeleno', -2, 'skipped');
select pg_temp.cell('percent', -5, 'completed'), pg_temp.cell('percent', -4, 'skipped'), pg_temp.cell('percent', -3, 'skipped'),
       pg_temp.cell('percent', -2, 'skipped'), pg_temp.cell('percent', -1, 'completed');
select pg_temp.cell('under', -2, 'assigned'), pg_temp.cell('under', 0, 'completed');
-- none of these count: a draft, a rest day, a note, a deleted cell, a cell outside the window
select pg_temp.cell('zed', -1, 'assigned', p_published => false), pg_temp.cell('zed', -1, 'assigned', p_kind => 'rest'),
       pg_temp.cell('zed', -2, 'assigned', p_kind => 'note'), pg_temp.cell('zed', -3, 'assigned', p_deleted => true),
       pg_temp.cell('zed', -7, 'assigned'), pg_temp.cell('zed', 1, 'assigned');

create function pg_temp.previous_overview(
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
as $prev$
declare
  v_as_of timestamptz := coalesce(previous_overview.p_as_of, pg_catalog.now());
  v_sort text := coalesce(previous_overview.p_sort, 'name');
  v_status text := nullif(previous_overview.p_status, '');
  v_search text := nullif(btrim(coalesce(previous_overview.p_search, '')), '');
  v_pattern text;
  v_limit integer := coalesce(previous_overview.p_limit, 50);
  v_offset integer := coalesce(previous_overview.p_offset, 0);
  v_user_id uuid := private.require_user();
  v_org_zone text;
  v_today date;
  v_from date;
begin
  -- private.require_staff's rule (active owner, admin or coach) in one index probe
  if previous_overview.p_organization_id is null or not exists (
    select 1 from public.memberships m
     where m.organization_id = previous_overview.p_organization_id and m.user_id = v_user_id
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
    from public.organizations o where o.id = previous_overview.p_organization_id;
  v_from := v_today - 6;

  return query
  with people as materialized (
    select m.user_id, coalesce(p.display_name, '') as display_name,
           coalesce(p.time_zone, v_org_zone) as zone
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = previous_overview.p_organization_id and m.status = 'active' and m.role = 'member'
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
     where a.organization_id = previous_overview.p_organization_id
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
     where a.organization_id = previous_overview.p_organization_id
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
             where a.organization_id = previous_overview.p_organization_id and a.user_id = pg.user_id
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
$prev$;

-- Every combination's rows from both bodies, in their order, as the coach.
create function pg_temp.compare(p_as_of timestamptz)
returns table (label text, same boolean, n int) language sql as $f$
  select format('%s/%s/%s/%s+%s', s.sort, coalesce(f.status, 'all'), coalesce(q.search, '-'), p.lim, p.off),
         (select array_agg(to_jsonb(o) order by ord) from private.coach_overview_for_staff(
                 tests.get_organization_id('test-gym'), p_as_of, s.sort, f.status, q.search, p.lim, p.off)
                 with ordinality o(as_of, window_from, window_to, kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped,
                   kpi_overdue, kpi_overdue_athletes, kpi_compliance_pct, count_all, count_overdue, count_at_risk,
                   count_on_track, count_quiet, total, page_limit, page_offset, user_id, display_name, planned,
                   completed, skipped, overdue, compliance_pct, status, last_completed_at, sparkline, ord))
         is not distinct from
         (select array_agg(to_jsonb(o) order by ord) from pg_temp.previous_overview(
                 tests.get_organization_id('test-gym'), p_as_of, s.sort, f.status, q.search, p.lim, p.off)
                 with ordinality o(as_of, window_from, window_to, kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped,
                   kpi_overdue, kpi_overdue_athletes, kpi_compliance_pct, count_all, count_overdue, count_at_risk,
                   count_on_track, count_quiet, total, page_limit, page_offset, user_id, display_name, planned,
                   completed, skipped, overdue, compliance_pct, status, last_completed_at, sparkline, ord)),
         (select count(*)::int from private.coach_overview_for_staff(
                 tests.get_organization_id('test-gym'), p_as_of, s.sort, f.status, q.search, p.lim, p.off))
    from (values ('name'), ('status'), ('compliance')) s(sort)
   cross join (values (null), ('overdue'), ('at_risk'), ('on_track'), ('quiet')) f(status)
   cross join (values (null), ('e'), ('100%'), ('_'), ('KIWI'), ('nobody')) q(search)
   cross join (values (50, 0), (2, 0), (2, 2), (2, 6)) p(lim, off)
$f$;

-- ============================ the index ==================================================
select is((select indexdef from pg_indexes where schemaname = 'public' and indexname = 'workout_assignments_org_published_workouts_idx'),
          'CREATE INDEX workout_assignments_org_published_workouts_idx ON public.workout_assignments USING btree (organization_id, date) INCLUDE (user_id, status) WHERE ((deleted_at IS NULL) AND published AND (kind = ''workout''::assignment_kind))',
          'the per-athlete pass has its covering index: published live workout cells by organization and day, with athlete and status');
select is((select array_to_string(proconfig, ',') from pg_proc where oid = 'private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer)'::regprocedure),
          'search_path="",jit=off,plan_cache_mode=force_custom_plan',
          'the body keeps its pinned search_path and runs without JIT (and, since 20261213000000, planned for each organization: 860)');
select ok((select prosecdef from pg_proc where oid = 'private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer)'::regprocedure),
          'the body stays security definer (it reads the roster after checking the caller is staff)');

-- ============================ the same answers ===========================================
select tests.authenticate_as('coach');
create temp table noon as select * from pg_temp.compare(((current_date - 5) + time '12:00') at time zone 'Europe/London');
create temp table night as select * from pg_temp.compare(((current_date - 5) + time '02:00') at time zone 'Europe/London');
select is((select count(*)::int from noon), 360, 'noon in London: 3 sorts x 5 filters x 6 searches x 4 pages compared');
select is((select string_agg(label, ', ') from noon where not same), null,
          'at noon every combination answers the same rows in the same order as the previous body');
select is((select string_agg(label, ', ') from night where not same), null,
          'at 02:00 (Los Angeles still on the day before, Auckland on the day after) every combination answers the same');
select ok((select bool_and(n >= 1) from noon), 'every combination answers at least its row of page-level figures');
select ok((select count(*) from noon where n > 1 and label like '%/-/2+2') > 0, 'and the second pages compared hold athletes');

-- what the figures are, so "the same" is not two empty answers: 7 athletes, percent (Pat 100%
-- Done) is at risk, the status sort puts overdue first, the search takes % literally
create temp table got as
  select * from public.coach_overview(tests.get_organization_id('test-gym'),
    ((current_date - 5) + time '12:00') at time zone 'Europe/London', p_sort => 'status') with ordinality;
select results_eq($$ select distinct kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped, count_all, count_quiet from got $$,
                  $$ values (7, 19, 7, 5, 7, 1) $$, 'KPIs count the 19 published live workout cells of the window, nothing else');
select is((select status::text from got where display_name = 'Pat 100% Done'), 'at_risk', 'two done of five answered: at risk');
select is((select status::text from got where ordinality = 1), 'overdue', 'the status sort puts the overdue first');
select is((select status::text from got where display_name = 'Zed Quiet'), 'quiet', 'drafts, rest days, notes, deleted and out-of-window cells are not planned work');
select results_eq($$ select display_name, count_all, kpi_active_athletes from public.coach_overview(tests.get_organization_id('test-gym'),
                       ((current_date - 5) + time '12:00') at time zone 'Europe/London', p_search => '100%') $$,
                  $$ values ('Pat 100% Done', 1, 7) $$, 'a search for "100%" finds that name only (% is a character), chips over the search, KPIs over all');

-- ============================ every actor ================================================
select tests.authenticate_as('owner');
select is((select count(*)::int from pg_temp.compare(now()) where same), 360, 'the owner reads the same answers from both bodies');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.coach_overview(tests.get_organization_id('test-gym'))), 7, 'an admin reads the roster');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$), 'not_staff', 'a member cannot read it: not_staff');
select tests.authenticate_as('kiwi');
select throws_ok($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'another member cannot either (PT403)');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$), 'not_staff', 'an outsider: not_staff');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$), 'not_staff',
          'another organization''s coach: not_staff');
select results_eq($$ select user_id, kpi_active_athletes, total from public.coach_overview(tests.get_organization_id('other-gym')) $$,
                  $$ values (null::uuid, 0, 0) $$, 'and reads their own (empty) organization as one row of zeros');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$, '42501',
                 'permission denied for function coach_overview', 'anon cannot call coach_overview');
select throws_ok($$ select * from private.coach_overview_for_staff(tests.get_organization_id('test-gym'), now(), 'name', null, null, 50, 0) $$,
                 '42501', null, 'nor its body');
select tests.authenticate_as_service_role();
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$), 'not_authenticated',
          'the service role is no person: not_authenticated');

select * from finish();
rollback;
