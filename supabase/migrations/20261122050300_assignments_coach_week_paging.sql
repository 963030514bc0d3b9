-- The coach's week grid by pages of athletes (issue 6 benchmark: a whole organization's week is
-- ~14,000 cells, 457 ms in SQL, mostly the client decoding them, 55 ms through REST). The grid
-- is athletes x 7 days and a screen shows a page of athletes, so coach_week now returns the cells
-- of one page: the next p_athletes athletes (default 50, at most 200) in display-name order
-- (keyset: display name, then id) after p_after_athlete_id, counting only athletes who have a
-- live cell that week in the filter. Every athlete of a page has a row, so the next page starts
-- after the last row's user_id; a page with fewer than p_athletes athletes is the last one.
-- The athletes come from the organization's memberships (any role or status, so a removed
-- member's remaining cells still show); each is checked with one probe of
-- workout_assignments_user_date_idx and its cells read with another, so a page costs the same
-- whatever the organization's size. The page of athletes is chosen by a definer helper after the
-- staff check, so the memberships and profiles policies are not evaluated for the whole roster
-- (the profiles policy alone builds the set of every visible profile: 2,000+ ids). Rows come
-- ordered by athlete name, then date, slot and creation (before: by user id). Calls without the new parameters behave as before for any
-- organization of at most 50 athletes with cells that week.
-- Touches: private.coach_week_athletes, public.coach_week (two new trailing parameters with
-- defaults).

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

drop function public.coach_week(uuid, date, uuid, uuid);

create function public.coach_week(
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
  select a.*
    from private.coach_week_athletes(coach_week.p_organization_id, coach_week.p_week_start, coach_week.p_program_id,
                                     coach_week.p_athlete_id, coach_week.p_after_athlete_id, v_limit) page
    join public.workout_assignments a on a.user_id = page.user_id
   where a.organization_id = coach_week.p_organization_id
     and a.date between coach_week.p_week_start and coach_week.p_week_start + 6
     and a.deleted_at is null
     and (coach_week.p_program_id is null
          or a.program_id = coach_week.p_program_id
          or (a.program_id is null and a.user_id in (select private.program_member_ids(coach_week.p_program_id))))
   order by page.name, page.user_id, a.date, a.sort_order, a.created_at;
end;
$$;

comment on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) is
  'The coach''s week grid, one page of athletes: the live cells (drafts included) for 7 days from p_week_start of the next p_athletes athletes (default 50, max 200) by display name after p_after_athlete_id who have a cell that week, by program (its rows plus ad-hoc rows of its enrolled members) or by athlete. Next page: p_after_athlete_id = the last row''s user_id. Errors: not_staff (PT403), invalid_week (PT422).';

revoke all on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) from public, anon;
grant execute on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) to authenticated;
