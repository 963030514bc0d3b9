-- Logging a result from the workout page in one call, checked once.
--
-- Why: the page's "log result" action read the whole assignment (get_assignment) only to learn
-- its workout, then inserted into workout_results, whose INSERT policy evaluated
-- private.readable_workout_ids() (every workout the athlete ever logged, was assigned or saw in a
-- class or feed) to allow one row: two round trips after the session and organization checks,
-- and most of the action's PostgreSQL time. log_workout_result takes the assignment id and
-- derives the rest (organization, workout = the cell's snapshot, athlete = the caller).
--
-- Who may log: the caller, for an assignment they may read (staff of its organization, or its
-- athlete once published and live, still an active member). That is exactly when the INSERT
-- policy would accept the row (staff; or the athlete, member, whose own published cell puts its
-- snapshot in readable_workout_ids). Every trigger of workout_results still runs (consistency,
-- completion and snapshot freeze, program, personal records, the staff broadcast); a staff member
-- logging on someone else's cell is still refused by the completion trigger (assignment_mismatch).
-- A replayed id (the offline outbox) is stored once: on conflict (id) do nothing.
-- p_organization_slug, when given, is the organization of the page the result is logged from:
-- the cell must be in it (the page's action no longer reads the organization first, one round
-- trip fewer: the check that the caller belongs to it is the membership check above).
-- Errors: not_authenticated (PT403), assignment_not_found (PT404, also for a cell the caller may
-- not see), not_a_workout (PT422, rest days and notes), and those of the table's checks/triggers.
-- Touches: public.log_workout_result, private.log_workout_result_for_reader (new).

-- =============================================================================================
-- helpers
-- =============================================================================================

create function private.log_workout_result_for_reader(
  p_assignment_id uuid,
  p_id uuid,
  p_score text,
  p_notes text,
  p_rpe integer,
  p_movement_results jsonb,
  p_organization_slug text
)
returns uuid
language plpgsql
-- Definer: the one visibility check below stands in for the INSERT policy's workout check.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.workout_assignments;
  v_role public.membership_role;
  v_id uuid := coalesce(log_workout_result_for_reader.p_id, gen_random_uuid());
begin
  select * into v_row from public.workout_assignments a
   where a.id = log_workout_result_for_reader.p_assignment_id;
  if v_row.id is not null then
    select m.role into v_role
      from public.memberships m
     where m.organization_id = v_row.organization_id and m.user_id = v_user_id and m.status = 'active';
  end if;
  if v_row.id is null
     or v_role is null
     or not (v_role in ('owner', 'admin', 'coach')
             or (v_row.user_id = v_user_id and v_row.published and v_row.deleted_at is null))
     -- a page of one organization never logs on another's cell
     or (log_workout_result_for_reader.p_organization_slug is not null and not exists (
           select 1 from public.organizations o
            where o.id = v_row.organization_id and o.slug = log_workout_result_for_reader.p_organization_slug)) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.snapshot_workout_id is null then
    raise exception 'Only workouts take a result.' using errcode = 'PT422', hint = 'not_a_workout';
  end if;
  insert into public.workout_results (id, organization_id, user_id, workout_assignment_id, workout_id,
                                      score, notes, rpe, movement_results)
  values (v_id, v_row.organization_id, v_user_id, v_row.id, v_row.snapshot_workout_id,
          log_workout_result_for_reader.p_score, log_workout_result_for_reader.p_notes,
          log_workout_result_for_reader.p_rpe,
          coalesce(log_workout_result_for_reader.p_movement_results, '[]'::jsonb))
  on conflict (id) do nothing;
  return v_id;
end;
$$;

comment on function private.log_workout_result_for_reader(uuid, uuid, text, text, integer, jsonb, text) is
  'Body of public.log_workout_result: checks once that the caller may read the assignment, then inserts the caller''s result for its frozen workout.';

revoke all on function private.log_workout_result_for_reader(uuid, uuid, text, text, integer, jsonb, text) from public, anon;
grant execute on function private.log_workout_result_for_reader(uuid, uuid, text, text, integer, jsonb, text)
  to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.log_workout_result(
  p_assignment_id uuid,
  p_score text default null,
  p_notes text default null,
  p_rpe integer default null,
  p_movement_results jsonb default '[]'::jsonb,
  p_id uuid default null,
  p_organization_slug text default null
)
returns uuid
language sql
set search_path = ''
as $$
  select private.log_workout_result_for_reader(log_workout_result.p_assignment_id, log_workout_result.p_id,
    log_workout_result.p_score, log_workout_result.p_notes, log_workout_result.p_rpe,
    log_workout_result.p_movement_results, log_workout_result.p_organization_slug);
$$;

comment on function public.log_workout_result(uuid, text, text, integer, jsonb, uuid, text) is
  'The caller logs a result for an assignment they may read (its workout is the cell''s frozen snapshot; logging completes the cell). p_id: a client-chosen id, stored once however often it is sent. p_organization_slug: the organization of the page it is logged from (the cell must be in it), so the page needs no separate read of the organization first. Returns the result id. Errors: not_authenticated (PT403), assignment_not_found (PT404), not_a_workout (PT422), and the checks of workout_results (movement_not_in_workout, assignment_mismatch, ...).';

revoke all on function public.log_workout_result(uuid, text, text, integer, jsonb, uuid, text) from public, anon;
grant execute on function public.log_workout_result(uuid, text, text, integer, jsonb, uuid, text)
  to authenticated, service_role;
