-- Skipping no longer needs a reason (seed 002: "POST /:id/skip — flips status to skipped").
-- skip_assignment(id, ''), skip_assignment(id, null) and skip_assignment(id) skip the cell with
-- no reason; a reason, when given, is kept (at most 500 characters) and shown to athlete and coach.
-- Touches: private.set_assignment_status, public.skip_assignment (p_reason now defaults to null).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none: workout_assignments_skip_reason_chk already allows a skipped cell without a reason)

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

create or replace function private.set_assignment_status(
  p_id uuid,
  p_status public.assignment_status,
  p_reason text default null
)
returns public.workout_assignments
language plpgsql
-- definer: athletes change the status of their own cells, but have no update policy on the
-- table (that would let them rewrite the prescription); this checks the caller itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.workout_assignments;
  v_reason text := nullif(btrim(coalesce(set_assignment_status.p_reason, '')), '');
begin
  select * into v_row from public.workout_assignments a where a.id = set_assignment_status.p_id for update;
  -- Someone else's cell reads as missing unless the caller may see it.
  if v_row.id is null
     or not (private.is_staff(v_row.organization_id)
             or (v_row.user_id = v_user_id and v_row.published and v_row.deleted_at is null
                 and private.is_member(v_row.organization_id))) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'This assignment was deleted.' using errcode = 'PT409', hint = 'assignment_deleted';
  end if;
  if set_assignment_status.p_status <> 'assigned' and v_row.user_id <> v_user_id then
    raise exception 'Only the athlete can complete or skip their own assignment.'
      using errcode = 'PT403', hint = 'not_your_assignment';
  end if;
  -- The reason is optional (seed 002: skip "flips status to skipped"); blank means none.
  if set_assignment_status.p_status = 'skipped' and char_length(v_reason) > 500 then
    raise exception 'Keep the reason under 500 characters.' using errcode = 'PT422', hint = 'skip_reason_too_long';
  end if;
  if set_assignment_status.p_status = 'assigned' and v_row.status = 'assigned' then
    raise exception 'This assignment is already open.' using errcode = 'PT409', hint = 'already_open';
  end if;

  update public.workout_assignments a
     set status = set_assignment_status.p_status,
         completed_at = case when set_assignment_status.p_status = 'completed'
                             then coalesce(a.completed_at, pg_catalog.now()) end,
         skip_reason = case when set_assignment_status.p_status = 'skipped' then v_reason end
   where a.id = v_row.id
  returning * into v_row;
  return v_row;
end;
$$;

comment on function private.set_assignment_status(uuid, public.assignment_status, text) is
  'Body of complete/skip/reopen: the athlete on their own published cell (staff may reopen); a skip reason is optional.';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.skip_assignment(p_id uuid, p_reason text default null)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(skip_assignment.p_id, 'skipped', skip_assignment.p_reason);
$$;

comment on function public.skip_assignment(uuid, text) is
  'The athlete skips their own published assignment, optionally saying why (blank or null: no reason).';

revoke all on function public.skip_assignment(uuid, text) from public, anon;
grant execute on function public.skip_assignment(uuid, text) to authenticated;
