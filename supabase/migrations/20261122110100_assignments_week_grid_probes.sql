-- The coach's week grid within 30 ms through REST (issue 6 benchmark: one page of 50 athletes
-- was 18.9 ms p95 in SQL but 49.6 ms through REST, and a program's page 25 / 38 ms). Two plans
-- were wasteful:
--   - the page's cells were read by a bitmap scan of the whole organization's week
--     (workout_assignments_org_date_idx, ~14,000 cells for 2,000 athletes) hashed against the 50
--     athletes of the page, because the planner took the page function for 1,000 rows. The page
--     function now says it returns at most 200 rows (ROWS 50) and the cells are read per athlete
--     through workout_assignments_user_date_idx (50 probes of ~7 cells);
--   - a program's page sorted the whole organization's roster by name and probed athletes until 50
--     had a cell of the program, ~200 probes for a program with a quarter of the roster. The
--     candidates are now the program's enrolled members plus whoever has a cell of the program that
--     week (workout_assignments_program_date_idx), so only they are sorted and probed.
-- Behaviour is unchanged: the same rows in the same order, the same errors.
-- Touches: private.coach_week_athletes, public.coach_week (bodies only).

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

create or replace function private.coach_week_athletes(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid,
  p_athlete_id uuid,
  p_after_athlete_id uuid,
  p_limit integer
)
returns table (user_id uuid, name text)
language plpgsql
stable
rows 50
-- definer: checks the caller is staff of the organization first, then orders its whole roster by
-- name without evaluating the membership and profile policies for each of its people (staff may
-- read every cell of the organization; the names come out only as the page's sort key).
security definer
set search_path = ''
as $$
declare
  v_after_name text;
begin
  perform private.require_staff(coach_week_athletes.p_organization_id);
  if coach_week_athletes.p_after_athlete_id is not null then
    select coalesce(p.display_name, '') into v_after_name
      from public.profiles p where p.id = coach_week_athletes.p_after_athlete_id;
    v_after_name := coalesce(v_after_name, '');
  end if;
  return query
  with athletes as materialized (
    -- the organization's people in page order, after the cursor
    select m.user_id, coalesce(p.display_name, '') as name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_week_athletes.p_organization_id
       and (coach_week_athletes.p_athlete_id is null or m.user_id = coach_week_athletes.p_athlete_id)
       -- a program's candidates: its enrolled members and whoever has a cell of it that week
       and (coach_week_athletes.p_program_id is null
            or m.user_id in (
                 select e.user_id from public.program_enrollments e
                  where e.program_id = coach_week_athletes.p_program_id and e.ended_at is null
                 union
                 select a.user_id from public.workout_assignments a
                  where a.program_id = coach_week_athletes.p_program_id
                    and a.date between coach_week_athletes.p_week_start and coach_week_athletes.p_week_start + 6
                    and a.deleted_at is null))
       and (coach_week_athletes.p_after_athlete_id is null
            or (coalesce(p.display_name, ''), m.user_id) > (v_after_name, coach_week_athletes.p_after_athlete_id))
     order by 2, 1
  )
  -- the first p_limit of them with a live cell that week in the filter (the CTE is read in its
  -- order; lateral + limit 1 makes that one index probe per athlete, stopping at a full page)
  select ath.user_id, ath.name
    from athletes ath
    cross join lateral (
      select 1 from public.workout_assignments a
       where a.user_id = ath.user_id
         and a.organization_id = coach_week_athletes.p_organization_id
         and a.date between coach_week_athletes.p_week_start and coach_week_athletes.p_week_start + 6
         and a.deleted_at is null
         and (coach_week_athletes.p_program_id is null
              or a.program_id = coach_week_athletes.p_program_id
              or (a.program_id is null
                  and a.user_id in (select private.program_member_ids(coach_week_athletes.p_program_id))))
       limit 1) hit
   limit coach_week_athletes.p_limit;
end;
$$;

comment on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) is
  'One page of the coach week grid''s athletes (staff only, checked first): the next p_limit people of the organization by display name then id after p_after_athlete_id with a live cell that week in the filter (name is the sort key, not for display).';

revoke all on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) from public, anon;
grant execute on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) to authenticated, service_role;

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
  p_athlete_id uuid default null,
  p_after_athlete_id uuid default null,
  p_athletes integer default 50
)
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(coach_week.p_athletes, 50), 1), 200);
begin
  perform private.require_staff(coach_week.p_organization_id);
  if coach_week.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;

  return query
  -- one probe of workout_assignments_user_date_idx per athlete of the page
  select a.*
    from private.coach_week_athletes(coach_week.p_organization_id, coach_week.p_week_start, coach_week.p_program_id,
                                     coach_week.p_athlete_id, coach_week.p_after_athlete_id, v_limit) page
    cross join lateral (
      select c.* from public.workout_assignments c
       where c.user_id = page.user_id
         and c.organization_id = coach_week.p_organization_id
         and c.date between coach_week.p_week_start and coach_week.p_week_start + 6
         and c.deleted_at is null
         and (coach_week.p_program_id is null
              or c.program_id = coach_week.p_program_id
              or (c.program_id is null and c.user_id in (select private.program_member_ids(coach_week.p_program_id))))
      offset 0) a
   order by page.name, page.user_id, a.date, a.sort_order, a.created_at;
end;
$$;

comment on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) is
  'The coach''s week grid, one page of athletes: the live cells (drafts included) for 7 days from p_week_start of the next p_athletes athletes (default 50, max 200) by display name after p_after_athlete_id who have a cell that week, by program (its rows plus ad-hoc rows of its enrolled members) or by athlete. Next page: p_after_athlete_id = the last row''s user_id. Errors: not_staff (PT403), invalid_week (PT422).';

revoke all on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) from public, anon;
grant execute on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) to authenticated;
