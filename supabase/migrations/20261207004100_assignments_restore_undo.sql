-- Undo for deleting a calendar cell (issue 16): the day dialog deletes a workout (soft delete:
-- deleted_at) and offers "Undo" for a few seconds; this brings the same row back, with its
-- status, result links and comments untouched.
-- Restoring is an undo, not news: the athlete is not told again that the workout was published
-- (the announce trigger is skipped for this transaction through the setting it already honours).
-- Touches: public.restore_assignment (new).

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.restore_assignment(p_id uuid)
returns public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
begin
  perform private.require_user();
  select * into v_row from public.workout_assignments a where a.id = restore_assignment.p_id;
  if v_row.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  perform private.require_staff(v_row.organization_id);
  if v_row.deleted_at is null then
    return v_row;
  end if;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  update public.workout_assignments a set deleted_at = null
   where a.id = v_row.id returning * into v_row;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  return v_row;
end;
$$;

comment on function public.restore_assignment(uuid) is
  'Staff undo a deleted assignment (clears deleted_at) without announcing it again; restoring a live one is a no-op. Errors: assignment_not_found (PT404), not_staff (PT403).';

revoke all on function public.restore_assignment(uuid) from public, anon;
grant execute on function public.restore_assignment(uuid) to authenticated;
