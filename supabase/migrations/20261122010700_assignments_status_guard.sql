-- Status only through the functions: staff have an update policy on workout_assignments (for
-- the prescription: date, slot, workout, note, published), which also let a plain REST update
-- rewrite status, completed_at and skip_reason, i.e. complete or skip a cell for the athlete.
-- A trigger now refuses any change of those three columns by a client role (authenticated,
-- anon), and refuses a client insert that is not an open cell. complete/skip/reopen_assignment
-- (through private.set_assignment_status) and auto-completion by a result run as the functions'
-- owner, so they keep working; service_role (trusted workers, admin scripts) is not limited.
-- Touches: trigger on public.workout_assignments.

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

create or replace function private.trigger_guard_assignment_status()
returns trigger
language plpgsql
-- invoker on purpose: current_user must be the role that ran the statement (a client role for
-- a REST write, the owner inside the security definer status functions).
security invoker
set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.status <> 'assigned' or new.completed_at is not null or new.skip_reason is not null then
      raise exception 'A new assignment starts open: complete or skip it with complete_assignment or skip_assignment.'
        using errcode = 'PT403', hint = 'status_through_functions';
    end if;
  elsif new.status is distinct from old.status
     or new.completed_at is distinct from old.completed_at
     or new.skip_reason is distinct from old.skip_reason then
    raise exception 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.'
      using errcode = 'PT403', hint = 'status_through_functions';
  end if;
  return new;
end;
$$;

comment on function private.trigger_guard_assignment_status() is
  'Client roles cannot write status, completed_at or skip_reason directly: only the athlete''s complete/skip/reopen functions and auto-completion by a result change them.';

-- Fires after workout_assignments_consistency (triggers run in name order), so it compares the
-- normalized row: completed_at and skip_reason already follow status there.
create trigger workout_assignments_guard_status
  before insert or update on public.workout_assignments
  for each row execute function private.trigger_guard_assignment_status();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
