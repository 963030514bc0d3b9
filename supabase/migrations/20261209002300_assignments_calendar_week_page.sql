-- The coach's week grid in one call: a page of athletes and their cells together.
--
-- Why: the calendar asked for its page of athletes (memberships embedding profiles, sorted by
-- name through the embed), and only then, with their ids, for their cells (workout_assignments
-- embedding the snapshot's title): two round trips one after the other, each through the RLS of
-- memberships, profiles, workout_assignments and workouts, and the heaviest PostgreSQL time of
-- any page. coach_calendar_week returns both at once, after one staff check.
--
-- Rows: one per cell of the page's athletes that week, or one with a null cell for an athlete
-- without any, ordered by athlete (display name, then id) then cell (date, slot, creation). The
-- page is p_limit athletes from p_offset; ask for one more than shown to learn whether a next
-- page exists. p_search keeps athletes whose name holds it (literally: % _ and \ match
-- themselves).
-- Who is a row (as the page showed before): without a program, every active athlete (role
-- member) of the organization; with p_program_id, those of them enrolled in the program now or
-- holding a live cell of it that week. Cells: the live ones (drafts included) of the week; with a
-- program, its cells plus the cells without a program of its enrolled athletes.
-- Errors: not_authenticated / not_staff (PT403), invalid_week, invalid_limit, invalid_offset,
-- invalid_search (PT422).
-- Touches: public.coach_calendar_week, private.coach_calendar_week_for_staff (new).

-- =============================================================================================
-- helpers
-- =============================================================================================

create function private.coach_calendar_week_for_staff(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid,
  p_search text,
  p_offset integer,
  p_limit integer
)
returns table (
  user_id uuid,
  display_name text,
  time_zone text,
  cell public.workout_assignments,
  title text
)
language plpgsql
stable
-- Definer: one staff check (first) instead of RLS on four tables for every row.
security definer
set search_path = ''
as $$
declare
  v_search text := nullif(btrim(coalesce(coach_calendar_week_for_staff.p_search, '')), '');
  v_pattern text;
  v_week_end date := coach_calendar_week_for_staff.p_week_start + 6;
begin
  perform private.require_staff(coach_calendar_week_for_staff.p_organization_id);
  if coach_calendar_week_for_staff.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;
  if coach_calendar_week_for_staff.p_limit is null or coach_calendar_week_for_staff.p_limit not between 1 and 201 then
    raise exception 'A page holds 1 to 201 athletes.' using errcode = 'PT422', hint = 'invalid_limit';
  end if;
  if coalesce(coach_calendar_week_for_staff.p_offset, 0) < 0 then
    raise exception 'The offset cannot be negative.' using errcode = 'PT422', hint = 'invalid_offset';
  end if;
  if v_search is not null then
    if char_length(v_search) > 100 then
      raise exception 'Search with at most 100 characters.' using errcode = 'PT422', hint = 'invalid_search';
    end if;
    v_pattern := '%' || replace(replace(replace(v_search, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  end if;

  return query
  with enrolled as materialized (
    select e.user_id from public.program_enrollments e
     where e.program_id = coach_calendar_week_for_staff.p_program_id and e.ended_at is null
  ),
  athletes as materialized (
    select m.user_id, p.display_name, p.time_zone
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_calendar_week_for_staff.p_organization_id
       and m.status = 'active' and m.role = 'member'
       and (v_pattern is null or p.display_name ilike v_pattern)
       and (coach_calendar_week_for_staff.p_program_id is null
            or m.user_id in (select en.user_id from enrolled en)
            or m.user_id in (
                 select a.user_id from public.workout_assignments a
                  where a.program_id = coach_calendar_week_for_staff.p_program_id
                    and a.organization_id = coach_calendar_week_for_staff.p_organization_id
                    and a.date between coach_calendar_week_for_staff.p_week_start and v_week_end
                    and a.deleted_at is null))
     order by p.display_name, m.user_id
     offset coalesce(coach_calendar_week_for_staff.p_offset, 0)
     limit coach_calendar_week_for_staff.p_limit
  )
  select ath.user_id, ath.display_name, ath.time_zone, c.cell, c.title
    from athletes ath
    left join lateral (
      -- one probe of workout_assignments_user_date_idx per athlete of the page
      select a as cell, case when a.snapshot_workout_id is not null then w.title end as title,
             a.date, a.sort_order, a.created_at
        from public.workout_assignments a
        left join public.workouts w on w.id = a.snapshot_workout_id
       where a.user_id = ath.user_id
         and a.organization_id = coach_calendar_week_for_staff.p_organization_id
         and a.date between coach_calendar_week_for_staff.p_week_start and v_week_end
         and a.deleted_at is null
         and (coach_calendar_week_for_staff.p_program_id is null
              or a.program_id = coach_calendar_week_for_staff.p_program_id
              or (a.program_id is null and a.user_id in (select en.user_id from enrolled en)))) c on true
   order by ath.display_name, ath.user_id, c.date, c.sort_order, c.created_at;
end;
$$;

comment on function private.coach_calendar_week_for_staff(uuid, date, uuid, text, integer, integer) is
  'Body of public.coach_calendar_week: staff only (checked first); see that function.';

revoke all on function private.coach_calendar_week_for_staff(uuid, date, uuid, text, integer, integer) from public, anon;
grant execute on function private.coach_calendar_week_for_staff(uuid, date, uuid, text, integer, integer)
  to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.coach_calendar_week(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid default null,
  p_search text default null,
  p_offset integer default 0,
  p_limit integer default 51
)
returns table (
  user_id uuid,
  display_name text,
  time_zone text,
  cell public.workout_assignments,
  title text
)
language sql
stable
set search_path = ''
as $$
  select * from private.coach_calendar_week_for_staff(coach_calendar_week.p_organization_id,
    coach_calendar_week.p_week_start, coach_calendar_week.p_program_id, coach_calendar_week.p_search,
    coach_calendar_week.p_offset, coach_calendar_week.p_limit);
$$;

comment on function public.coach_calendar_week(uuid, date, uuid, text, integer, integer) is
  'The coach''s week grid, one page: p_limit athletes (1-201, from p_offset, by display name then id) whose name holds p_search, each with their live cells (drafts included) of the 7 days from p_week_start and the title of the workout each shows; one row per cell, or one with a null cell for an athlete without any. Without p_program_id every active athlete; with it, its enrolled athletes and whoever holds its cells that week, showing its cells and the ad-hoc cells of its enrolled athletes. Errors: not_authenticated / not_staff (PT403), invalid_week / invalid_limit / invalid_offset / invalid_search (PT422).';

revoke all on function public.coach_calendar_week(uuid, date, uuid, text, integer, integer) from public, anon;
grant execute on function public.coach_calendar_week(uuid, date, uuid, text, integer, integer)
  to authenticated, service_role;
