-- Two results logged at the same moment against one assignment could deadlock (found by the
-- two-connection test in CI). The foreign key check on workout_results.workout_assignment_id
-- (an AFTER trigger, which runs before ours: RI triggers sort first) takes FOR KEY SHARE on the
-- assignment in both transactions; then each auto-completion asks for FOR UPDATE on that row
-- (private.fork_snapshot) and waits for the other's share lock. Now a BEFORE trigger takes the
-- row lock first, so the second result waits for the first to commit, then finds the snapshot
-- made and the assignment completed (what the test asserts). It locks only an assignment of the
-- same athlete and organization, so nobody can hold someone else's row by naming its id; a
-- mismatch is still refused by the auto-completion trigger with its readable error.
-- Touches: private.trigger_lock_result_assignment (new), trigger
-- workout_results_lock_assignment on public.workout_results.

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

create or replace function private.trigger_lock_result_assignment()
returns trigger
language plpgsql
-- definer: the athlete logging a result may not lock (update) the assignment row under RLS.
security definer
set search_path = ''
as $$
begin
  if new.workout_assignment_id is not null
     and (tg_op = 'INSERT' or new.workout_assignment_id is distinct from old.workout_assignment_id) then
    perform 1 from public.workout_assignments a
     where a.id = new.workout_assignment_id
       and a.user_id = new.user_id and a.organization_id = new.organization_id
       for update;
  end if;
  return new;
end;
$$;

comment on function private.trigger_lock_result_assignment() is
  'Locks the assignment a result completes before the foreign key check shares it, so concurrent results queue instead of deadlocking.';

revoke all on function private.trigger_lock_result_assignment() from public, anon, authenticated;

create trigger workout_results_lock_assignment
  before insert or update of workout_assignment_id on public.workout_results
  for each row execute function private.trigger_lock_result_assignment();

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
