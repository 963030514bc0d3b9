-- Reading assignments: the coach's week grid (by program or athlete), the athlete's week and
-- today, one assignment with its full frozen workout in a single call, and the coach overview
-- (KPIs, a roster with 7-day sparklines and traffic lights). All security invoker: RLS already
-- shows staff their organization's rows and athletes only their own published, non-deleted ones.
-- Errors (HINT): not_authenticated, not_staff, invalid_week, assignment_not_found.
-- Touches: reads public.workout_assignments, workouts, workout_sections, workout_movements,
-- memberships, profiles, program_enrollments.

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

create or replace function private.program_member_ids(p_program_id uuid)
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select e.user_id from public.program_enrollments e
   where e.program_id = program_member_ids.p_program_id and e.ended_at is null;
$$;

comment on function private.program_member_ids(uuid) is
  'Athletes actively enrolled in a program (FIT-201: program filters go through enrollments).';

grant execute on function private.program_member_ids(uuid) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.coach_week(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid default null,
  p_athlete_id uuid default null
)
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.require_staff(coach_week.p_organization_id);
  if coach_week.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;
  return query
  select a.* from public.workout_assignments a
   where a.organization_id = coach_week.p_organization_id
     and a.date between coach_week.p_week_start and coach_week.p_week_start + 6
     and a.deleted_at is null
     and (coach_week.p_athlete_id is null or a.user_id = coach_week.p_athlete_id)
     and (coach_week.p_program_id is null
          or a.program_id = coach_week.p_program_id
          or (a.program_id is null and a.user_id in (select private.program_member_ids(coach_week.p_program_id))))
   order by a.user_id, a.date, a.sort_order, a.created_at;
end;
$$;

comment on function public.coach_week(uuid, date, uuid, uuid) is
  'The coach''s week grid: an organization''s live cells for 7 days from p_week_start, drafts included, by program (its rows plus ad-hoc rows of its enrolled members) or by athlete.';

revoke all on function public.coach_week(uuid, date, uuid, uuid) from public, anon;
grant execute on function public.coach_week(uuid, date, uuid, uuid) to authenticated;

create or replace function public.my_week(p_week_start date)
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
begin
  if my_week.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;
  return query
  select a.* from public.workout_assignments a
   where a.user_id = v_user_id
     and a.date between my_week.p_week_start and my_week.p_week_start + 6
     and a.published and a.deleted_at is null
   order by a.date, a.sort_order, a.created_at;
end;
$$;

comment on function public.my_week(date) is 'The athlete''s own published cells for 7 days from p_week_start.';

revoke all on function public.my_week(date) from public, anon;
grant execute on function public.my_week(date) to authenticated;

create or replace function public.my_today(p_now timestamptz default now())
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
begin
  return query
  select a.* from public.workout_assignments a
   where a.user_id = v_user_id
     and a.published and a.deleted_at is null
     and a.date between (coalesce(my_today.p_now, pg_catalog.now()) at time zone 'UTC')::date - 1
                    and (coalesce(my_today.p_now, pg_catalog.now()) at time zone 'UTC')::date + 1
     and a.date = (coalesce(my_today.p_now, pg_catalog.now())
                   at time zone private.athlete_time_zone(a.user_id, a.organization_id))::date
   order by a.sort_order, a.created_at;
end;
$$;

comment on function public.my_today(timestamptz) is
  'The athlete''s own published cells for today in their time zone (profile, else organization, else UTC).';

revoke all on function public.my_today(timestamptz) from public, anon;
grant execute on function public.my_today(timestamptz) to authenticated;

create or replace function public.get_assignment(p_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_workout jsonb;
begin
  perform private.require_user();
  select * into v_assignment from public.workout_assignments a where a.id = get_assignment.p_id;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  select jsonb_build_object(
           'id', w.id, 'title', w.title, 'description', w.description, 'is_snapshot', w.is_snapshot,
           'source_workout_id', w.source_workout_id,
           'sections', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'id', s.id, 'position', s.position, 'title', s.title, 'notes', s.notes,
                      'movements', coalesce((
                        select jsonb_agg(to_jsonb(m) - 'organization_id' - 'workout_id' - 'section_id'
                                         order by m.position)
                          from public.workout_movements m where m.section_id = s.id), '[]'::jsonb))
                    order by s.position)
               from public.workout_sections s where s.workout_id = w.id), '[]'::jsonb))
    into v_workout
    from public.workouts w where w.id = v_assignment.snapshot_workout_id;
  return to_jsonb(v_assignment) || jsonb_build_object('workout', v_workout);
end;
$$;

comment on function public.get_assignment(uuid) is
  'One assignment with its frozen workout (the snapshot pointer: sections and movements, in order) as one json.';

revoke all on function public.get_assignment(uuid) from public, anon;
grant execute on function public.get_assignment(uuid) to authenticated;

create or replace function public.coach_overview(p_organization_id uuid, p_as_of timestamptz default now())
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_as_of timestamptz := coalesce(coach_overview.p_as_of, pg_catalog.now());
  v_today date;
  v_from date;
  v_result jsonb;
begin
  perform private.require_staff(coach_overview.p_organization_id);
  select (v_as_of at time zone o.time_zone)::date into v_today
    from public.organizations o where o.id = coach_overview.p_organization_id;
  v_from := v_today - 6;

  with athletes as (
    select m.user_id, p.display_name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_overview.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  cells as (
    select a.user_id, a.date, a.status
      from public.workout_assignments a
     where a.organization_id = coach_overview.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
  ),
  days as (
    select ath.user_id, d::date as date,
           count(c.*) as planned,
           count(c.*) filter (where c.status = 'completed') as completed,
           count(c.*) filter (where c.status = 'skipped') as skipped,
           count(c.*) filter (where c.status = 'assigned' and c.date < v_today) as overdue
      from athletes ath
      cross join generate_series(v_from, v_today, interval '1 day') d
      left join cells c on c.user_id = ath.user_id and c.date = d::date
     group by ath.user_id, d
  ),
  roster as (
    select ath.user_id, ath.display_name,
           sum(d.planned)::integer as planned, sum(d.completed)::integer as completed,
           sum(d.skipped)::integer as skipped, sum(d.overdue)::integer as overdue,
           jsonb_agg(jsonb_build_object('date', d.date, 'planned', d.planned, 'completed', d.completed,
                                        'skipped', d.skipped) order by d.date) as sparkline
      from athletes ath join days d on d.user_id = ath.user_id
     group by ath.user_id, ath.display_name
  ),
  rated as (
    select r.*,
           case when r.planned = 0 then null
                else round(100.0 * r.completed / r.planned)::integer end as compliance,
           case
             when r.planned = 0 then 'quiet'
             when r.overdue >= 2 then 'overdue'
             when r.overdue = 1 or 100.0 * r.completed / r.planned < 70 then 'at_risk'
             else 'on_track'
           end as light,
           (select max(a.completed_at) from public.workout_assignments a
             where a.organization_id = coach_overview.p_organization_id and a.user_id = r.user_id
               and a.status = 'completed' and a.deleted_at is null) as last_completed_at
      from roster r
  )
  select jsonb_build_object(
           'as_of', v_as_of,
           'window', jsonb_build_object('from', v_from, 'to', v_today),
           'kpis', jsonb_build_object(
             'active_athletes', (select count(*) from athletes),
             'planned', coalesce(sum(x.planned), 0),
             'completed', coalesce(sum(x.completed), 0),
             'skipped', coalesce(sum(x.skipped), 0),
             'overdue', coalesce(sum(x.overdue), 0),
             'compliance_pct', case when coalesce(sum(x.planned), 0) = 0 then null
                                    else round(100.0 * sum(x.completed) / sum(x.planned))::integer end),
           'roster', coalesce(jsonb_agg(jsonb_build_object(
             'user_id', x.user_id, 'display_name', x.display_name, 'planned', x.planned,
             'completed', x.completed, 'skipped', x.skipped, 'overdue', x.overdue,
             'compliance_pct', x.compliance, 'status', x.light, 'last_completed_at', x.last_completed_at,
             'sparkline', x.sparkline) order by x.display_name, x.user_id), '[]'::jsonb))
    into v_result
    from rated x;
  return v_result;
end;
$$;

comment on function public.coach_overview(uuid, timestamptz) is
  'Coach overview as of p_as_of over the 7 days ending today in the organization''s zone (published workout cells only): KPIs (active athletes, planned, completed, skipped, overdue, compliance % = completed / planned) and a roster row per member with a 7-day sparkline (planned/completed/skipped per day). Traffic light: quiet = nothing planned in the window; overdue = 2 or more cells dated before today still assigned; at_risk = exactly 1 such cell, or compliance below 70%; on_track = otherwise.';

revoke all on function public.coach_overview(uuid, timestamptz) from public, anon;
grant execute on function public.coach_overview(uuid, timestamptz) to authenticated;
