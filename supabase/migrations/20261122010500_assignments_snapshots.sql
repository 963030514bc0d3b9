-- Lazy fork (FIT-152) and auto-completion. fork_snapshot_if_needed is the single deep-copy entry
-- point: under SELECT ... FOR UPDATE on the assignment it copies the library workout with its
-- sections and movements into a snapshot row (is_snapshot, source_workout_id) and points
-- snapshot_workout_id at it, once; later calls return the same snapshot. Staff call it for
-- "edit this athlete's copy"; a result logged against an assignment forks it and completes the
-- assignment, so later library edits never change the athlete's frozen prescription.
-- (Exercise comments are not copied yet: that table does not exist.)
-- Errors (HINT): not_authenticated, not_staff, assignment_not_found, not_a_workout,
-- assignment_mismatch.
-- Touches: public.workouts, public.workout_sections, public.workout_movements,
-- public.workout_assignments; trigger on public.workout_results.

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

create or replace function private.fork_snapshot(p_assignment_id uuid)
returns uuid
language plpgsql
-- definer: copies workouts the athlete may not write (called by the result trigger for them).
-- Not granted to clients: public.fork_snapshot_if_needed checks staff first.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_snapshot_id uuid;
  v_section record;
  v_new_section_id uuid;
begin
  select * into v_assignment from public.workout_assignments a
   where a.id = fork_snapshot.p_assignment_id for update;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_assignment.kind <> 'workout' then
    raise exception 'Only workout cells have a workout to copy.' using errcode = 'PT422', hint = 'not_a_workout';
  end if;
  if v_assignment.snapshot_workout_id is distinct from v_assignment.workout_id then
    return v_assignment.snapshot_workout_id;
  end if;

  insert into public.workouts (organization_id, title, description, is_snapshot, source_workout_id, created_by)
  select w.organization_id, w.title, w.description, true, w.id, coalesce((select auth.uid()), v_assignment.assigned_by)
    from public.workouts w where w.id = v_assignment.workout_id
  returning id into v_snapshot_id;

  for v_section in
    select s.id, s.position, s.title, s.notes from public.workout_sections s
     where s.workout_id = v_assignment.workout_id order by s.position
  loop
    insert into public.workout_sections (workout_id, organization_id, position, title, notes)
    values (v_snapshot_id, v_assignment.organization_id, v_section.position, v_section.title, v_section.notes)
    returning id into v_new_section_id;
    insert into public.workout_movements (section_id, workout_id, organization_id, position, name, sets, reps,
                                          rep_scheme, load, load_unit, time_seconds, distance_meters, notes)
    select v_new_section_id, v_snapshot_id, m.organization_id, m.position, m.name, m.sets, m.reps, m.rep_scheme,
           m.load, m.load_unit, m.time_seconds, m.distance_meters, m.notes
      from public.workout_movements m where m.section_id = v_section.id order by m.position;
  end loop;

  update public.workout_assignments a set snapshot_workout_id = v_snapshot_id where a.id = v_assignment.id;
  return v_snapshot_id;
end;
$$;

comment on function private.fork_snapshot(uuid) is
  'The deep copy behind fork_snapshot_if_needed: workout, sections and movements into a snapshot, once per assignment (row lock makes it safe under concurrency).';

revoke all on function private.fork_snapshot(uuid) from public, anon, authenticated;
grant execute on function private.fork_snapshot(uuid) to service_role;

create or replace function private.trigger_result_completes_assignment()
returns trigger
language plpgsql
-- definer: the athlete logging a result may neither fork workouts nor update the assignment row.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
begin
  if new.workout_assignment_id is null then
    return new;
  end if;
  if tg_op = 'UPDATE' and new.workout_assignment_id is not distinct from old.workout_assignment_id then
    return new;
  end if;
  select * into v_assignment from public.workout_assignments a where a.id = new.workout_assignment_id;
  if v_assignment.id is null or v_assignment.user_id <> new.user_id
     or v_assignment.organization_id <> new.organization_id or v_assignment.kind <> 'workout'
     or v_assignment.deleted_at is not null
     or (not v_assignment.published and not private.is_staff(v_assignment.organization_id)) then
    raise exception 'A result can only complete a live workout assignment of the same athlete.'
      using errcode = 'PT422', hint = 'assignment_mismatch';
  end if;
  perform private.fork_snapshot(v_assignment.id);
  update public.workout_assignments a
     set status = 'completed', completed_at = coalesce(a.completed_at, pg_catalog.now()), skip_reason = null
   where a.id = v_assignment.id and a.status <> 'completed';
  return new;
end;
$$;

comment on function private.trigger_result_completes_assignment() is
  'Auto-completion: a result logged against an assignment forks its snapshot and moves it to completed.';

create trigger workout_results_complete_assignment
  after insert or update of workout_assignment_id on public.workout_results
  for each row execute function private.trigger_result_completes_assignment();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.fork_snapshot_for_staff(p_assignment_id uuid)
returns uuid
language plpgsql
-- definer: lets staff reach private.fork_snapshot after checking they staff the assignment's organization.
security definer
set search_path = ''
as $$
declare
  v_org uuid;
begin
  perform private.require_user();
  select a.organization_id into v_org from public.workout_assignments a where a.id = fork_snapshot_for_staff.p_assignment_id;
  if v_org is null or not private.is_staff(v_org) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  return private.fork_snapshot(fork_snapshot_for_staff.p_assignment_id);
end;
$$;

comment on function private.fork_snapshot_for_staff(uuid) is 'Body of public.fork_snapshot_if_needed: staff only.';

revoke all on function private.fork_snapshot_for_staff(uuid) from public, anon;
grant execute on function private.fork_snapshot_for_staff(uuid) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.fork_snapshot_if_needed(p_assignment_id uuid)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select private.fork_snapshot_for_staff(fork_snapshot_if_needed.p_assignment_id);
$$;

comment on function public.fork_snapshot_if_needed(uuid) is
  'Edit this athlete''s copy: returns the assignment''s own snapshot workout, deep-copying the library workout the first time (idempotent).';

revoke all on function public.fork_snapshot_if_needed(uuid) from public, anon;
grant execute on function public.fork_snapshot_if_needed(uuid) to authenticated;
