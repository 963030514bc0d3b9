-- One assignment with its frozen workout, cheaper and typed.
--
-- Why: the workout page spent most of its PostgreSQL time here. get_assignment read the workout,
-- its sections and its movements as the caller, so each of the three reads evaluated the
-- libraries' RLS, whose private.readable_workout_ids() unions every workout the athlete has
-- logged, been assigned, seen in a class or a feed: three times per page, tens of ms at a
-- year of history. Whoever may read the assignment may read its frozen workout (the snapshot is
-- in the assignment's organization, and an athlete's own published cell puts it in
-- readable_workout_ids), so the check is made once, on the assignment, with the same rule as
-- its SELECT policy, and the workout is read by id without RLS.
--
-- The result was jsonb, declared by hand in the app and cast. It is now one typed row: the
-- assignment, its workout (null for rest days and notes), the workout's sections by position and
-- its movements by section then position, each as table rows, so the generated types carry the
-- shape. Through the API, .single() gives that object.
--
-- Same errors: not_authenticated (PT403) for anonymous callers, assignment_not_found (PT404) for
-- a missing assignment and for one the caller may not see (a draft to its athlete, someone
-- else's cell, another organization's).
-- Touches: public.get_assignment (returns table), private.get_assignment_for_reader (new).

-- =============================================================================================
-- helpers
-- =============================================================================================

create function private.get_assignment_for_reader(p_id uuid)
returns table (
  assignment public.workout_assignments,
  workout public.workouts,
  sections public.workout_sections[],
  movements public.workout_movements[]
)
language plpgsql
stable
-- Definer: the visibility rule is checked here once (below) instead of by RLS on four tables.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.workout_assignments;
  v_role public.membership_role;
begin
  select * into v_row from public.workout_assignments a where a.id = get_assignment_for_reader.p_id;
  if v_row.id is not null then
    select m.role into v_role
      from public.memberships m
     where m.organization_id = v_row.organization_id and m.user_id = v_user_id and m.status = 'active';
  end if;
  -- The SELECT policy of workout_assignments: staff of its organization, or its athlete once
  -- published and while live, still a member.
  if v_row.id is null
     or v_role is null
     or not (v_role in ('owner', 'admin', 'coach')
             or (v_row.user_id = v_user_id and v_row.published and v_row.deleted_at is null)) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  return query
    select v_row,
           w,
           array(select s from public.workout_sections s where s.workout_id = w.id order by s.position),
           array(select m from public.workout_movements m
                   join public.workout_sections s on s.id = m.section_id and s.workout_id = w.id
                  where m.workout_id = w.id
                  order by s.position, m.position)
      from (select) one
      left join public.workouts w on w.id = v_row.snapshot_workout_id;
end;
$$;

comment on function private.get_assignment_for_reader(uuid) is
  'Body of public.get_assignment: the assignment if the caller may read it (staff of its organization, or its athlete once published and live), with its frozen workout, sections and movements read without RLS.';

revoke all on function private.get_assignment_for_reader(uuid) from public, anon;
grant execute on function private.get_assignment_for_reader(uuid) to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

drop function public.get_assignment(uuid);

create function public.get_assignment(p_id uuid)
returns table (
  assignment public.workout_assignments,
  workout public.workouts,
  sections public.workout_sections[],
  movements public.workout_movements[]
)
language sql
stable
set search_path = ''
as $$
  select * from private.get_assignment_for_reader(get_assignment.p_id);
$$;

comment on function public.get_assignment(uuid) is
  'One assignment with its frozen workout (the snapshot pointer; null for rest days and notes), the workout''s sections by position and its movements by section then position, as one row. Errors: not_authenticated (PT403), assignment_not_found (PT404, also for an assignment the caller may not see).';

revoke all on function public.get_assignment(uuid) from public, anon;
grant execute on function public.get_assignment(uuid) to authenticated, service_role;
