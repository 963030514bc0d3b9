-- Library edits never reach athletes (seed 002: "a stable per-day prescription that survives any
-- post-assignment edit the coach makes to the library workout"). Until now a published cell in
-- pointer state (snapshot_workout_id = workout_id) followed the library, and so did a cell
-- completed with "Mark complete" (no result, so no fork): a coach changing reps 21 -> 15 changed
-- what the athlete had been given.
-- Now the first change to a library workout's rows (save_workout, or a direct edit of workouts,
-- workout_sections or workout_movements, which staff may make over REST) first freezes what
-- athletes were given: every live published, completed or skipped cell still pointing at that
-- workout moves to ONE frozen copy of the old version, shared by those cells (2,000 athletes on
-- one workout make one copy, not 2,000). Drafts (unpublished, still to do) keep following the
-- library: nobody was given them yet.
-- The triggers are row-level BEFORE triggers, so the copy is taken from the rows as they were
-- before the statement changed any of them; after the first one, the partial index below makes
-- every later row's check a probe that finds nothing.
-- A shared copy stays read-only for its cells: "edit this athlete's copy"
-- (fork_snapshot_if_needed) now copies a snapshot that another cell shares into the cell's own
-- (copy on write), so a later edit from one cell forks that cell alone. A result logged against
-- a cell that is already frozen no longer copies it again: it is frozen already.
-- Touches: private.copy_workout_snapshot (new), private.freeze_library_workout (new),
-- private.trigger_freeze_library_workout (new, triggers on public.workouts,
-- public.workout_sections, public.workout_movements), private.fork_snapshot (replaced),
-- private.trigger_result_completes_assignment (replaced), index and trigger
-- workout_assignments_consistency_on_update (recreated) on public.workout_assignments.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- The cells a library edit must freeze, found without visiting drafts or already frozen cells.
create index workout_assignments_given_pointer_idx
  on public.workout_assignments (workout_id)
  where snapshot_workout_id = workout_id and deleted_at is null and (published or status <> 'assigned');

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.copy_workout_snapshot(
  p_content_workout_id uuid,
  p_library_workout_id uuid,
  p_created_by uuid
)
returns uuid
language plpgsql
-- definer: copies workouts whoever triggers it (an athlete's result, a coach's REST edit); only
-- called by the definer functions below, never granted to clients.
security definer
set search_path = ''
as $$
declare
  v_snapshot_id uuid;
  v_old_sections uuid[];
  v_new_sections uuid[];
  v_old_movements uuid[];
  v_new_movements uuid[];
begin
  insert into public.workouts (organization_id, title, description, is_snapshot, source_workout_id, created_by)
  select w.organization_id, w.title, w.description, true, copy_workout_snapshot.p_library_workout_id,
         copy_workout_snapshot.p_created_by
    from public.workouts w where w.id = copy_workout_snapshot.p_content_workout_id
  returning id into v_snapshot_id;

  -- New ids are chosen up front so movements and comments map to their copies by id, not by
  -- position (positions may be mid-reorder inside a caller's transaction: the unique key is deferred).
  select coalesce(array_agg(s.id order by s.position, s.id), '{}'),
         coalesce(array_agg(gen_random_uuid()), '{}')
    into v_old_sections, v_new_sections
    from public.workout_sections s where s.workout_id = copy_workout_snapshot.p_content_workout_id;
  insert into public.workout_sections (id, workout_id, organization_id, position, title, notes)
  select n.new_id, v_snapshot_id, s.organization_id, s.position, s.title, s.notes
    from unnest(v_old_sections, v_new_sections) n (old_id, new_id)
    join public.workout_sections s on s.id = n.old_id;

  select coalesce(array_agg(m.id order by m.id), '{}'), coalesce(array_agg(gen_random_uuid()), '{}')
    into v_old_movements, v_new_movements
    from public.workout_movements m where m.workout_id = copy_workout_snapshot.p_content_workout_id;
  insert into public.workout_movements (id, section_id, workout_id, organization_id, position, name, sets, reps,
                                        rep_scheme, load, load_unit, time_seconds, distance_meters, notes)
  select n.new_id, ns.new_id, v_snapshot_id, m.organization_id, m.position, m.name, m.sets, m.reps, m.rep_scheme,
         m.load, m.load_unit, m.time_seconds, m.distance_meters, m.notes
    from unnest(v_old_movements, v_new_movements) n (old_id, new_id)
    join public.workout_movements m on m.id = n.old_id
    join unnest(v_old_sections, v_new_sections) ns (old_id, new_id) on ns.old_id = m.section_id;

  -- Exercise comments follow their movement, each with a new id and its parent remapped.
  with copies as (
    select c.*, n.new_id as new_movement_id, gen_random_uuid() as new_id
      from unnest(v_old_movements, v_new_movements) n (old_id, new_id)
      join public.exercise_comments c on c.workout_movement_id = n.old_id
  )
  insert into public.exercise_comments (id, workout_movement_id, organization_id, author_id, body, parent_comment_id,
                                        created_at, updated_at, deleted_at)
  select c.new_id, c.new_movement_id, c.organization_id, c.author_id, c.body, p.new_id,
         c.created_at, c.updated_at, c.deleted_at
    from copies c
    left join copies p on p.id = c.parent_comment_id;

  return v_snapshot_id;
end;
$$;

comment on function private.copy_workout_snapshot(uuid, uuid, uuid) is
  'Deep copy (workout, sections, movements, exercise comments) of p_content_workout_id into a new snapshot of library workout p_library_workout_id.';

revoke all on function private.copy_workout_snapshot(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.copy_workout_snapshot(uuid, uuid, uuid) to service_role;

create or replace function private.freeze_library_workout(p_workout_id uuid)
returns uuid
language plpgsql
-- definer: staff editing a workout over REST have no right to rewrite assignments in bulk, and
-- the copy must be made whoever edits; it only repoints cells at a copy of their own workout.
security definer
set search_path = ''
as $$
declare
  v_workout public.workouts;
  v_snapshot_id uuid;
begin
  -- The cheap probe first: almost every row of an edit finds nothing to freeze.
  if not exists (
    select 1 from public.workout_assignments a
     where a.workout_id = freeze_library_workout.p_workout_id
       and a.snapshot_workout_id = a.workout_id and a.deleted_at is null
       and (a.published or a.status <> 'assigned'))
  then
    return null;
  end if;
  -- Two edits of one workout freeze one after the other: the second then finds nothing left.
  select * into v_workout from public.workouts w where w.id = freeze_library_workout.p_workout_id for update;
  if v_workout.id is null or v_workout.is_snapshot then
    return null;
  end if;
  if not exists (
    select 1 from public.workout_assignments a
     where a.workout_id = freeze_library_workout.p_workout_id
       and a.snapshot_workout_id = a.workout_id and a.deleted_at is null
       and (a.published or a.status <> 'assigned'))
  then
    return null;
  end if;

  v_snapshot_id := private.copy_workout_snapshot(v_workout.id, v_workout.id,
                                                 coalesce((select auth.uid()), v_workout.created_by));
  -- The copy was just made from this organization's library workout, so each cell's consistency
  -- check (snapshot of the assigned workout, same organization) holds by construction: skipping
  -- it halves the cost of repointing 2,000 cells. Transaction-local, unset right after.
  perform pg_catalog.set_config('coachline.assignment_freezing', 'on', true);
  update public.workout_assignments a
     set snapshot_workout_id = v_snapshot_id
   where a.workout_id = v_workout.id
     and a.snapshot_workout_id = a.workout_id and a.deleted_at is null
     and (a.published or a.status <> 'assigned');
  perform pg_catalog.set_config('coachline.assignment_freezing', '', true);
  return v_snapshot_id;
end;
$$;

comment on function private.freeze_library_workout(uuid) is
  'Before a library workout changes: one frozen copy of its current version, shared by every live published/completed/skipped cell still pointing at it. Returns the copy, or null when nothing needed freezing.';

revoke all on function private.freeze_library_workout(uuid) from public, anon, authenticated;
grant execute on function private.freeze_library_workout(uuid) to service_role;

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_freeze_library_workout()
returns trigger
language plpgsql
-- definer: calls private.freeze_library_workout, which clients may not call.
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'workouts' then
    perform private.freeze_library_workout(old.id);
    return new;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform private.freeze_library_workout(old.workout_id);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.workout_id is distinct from old.workout_id) then
    perform private.freeze_library_workout(new.workout_id);
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;

comment on function private.trigger_freeze_library_workout() is
  'Freezes what athletes were given before a library workout''s title, description, sections or movements change.';

-- Sorted after *_inherit_organization (BEFORE triggers fire by name), so a new movement already
-- carries its workout_id.
create trigger workouts_keep_given_versions
  before update of title, description on public.workouts
  for each row execute function private.trigger_freeze_library_workout();
create trigger workout_sections_keep_given_versions
  before insert or update or delete on public.workout_sections
  for each row execute function private.trigger_freeze_library_workout();
create trigger workout_movements_keep_given_versions
  before insert or update or delete on public.workout_movements
  for each row execute function private.trigger_freeze_library_workout();

-- As before (assignments trigger conditions migration), except while a freeze repoints cells.
drop trigger workout_assignments_consistency_on_update on public.workout_assignments;
create trigger workout_assignments_consistency_on_update
  before update on public.workout_assignments
  for each row
  when ((old.organization_id, old.user_id, old.kind, old.workout_id, old.snapshot_workout_id, old.note,
         old.program_id, old.date, old.status, old.completed_at, old.skip_reason)
        is distinct from
        (new.organization_id, new.user_id, new.kind, new.workout_id, new.snapshot_workout_id, new.note,
         new.program_id, new.date, new.status, new.completed_at, new.skip_reason)
        and coalesce(pg_catalog.current_setting('coachline.assignment_freezing', true), '') <> 'on')
  execute function private.trigger_assignment_consistency();

-- "Edit this athlete's copy": the cell's own copy, made from the library the first time, or
-- from the frozen copy it shares with other cells (copy on write).
create or replace function private.fork_snapshot(p_assignment_id uuid)
returns uuid
language plpgsql
-- definer: copies workouts the caller may not write. Not granted to clients:
-- public.fork_snapshot_if_needed checks staff first.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_snapshot_id uuid;
begin
  select * into v_assignment from public.workout_assignments a
   where a.id = fork_snapshot.p_assignment_id for update;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_assignment.kind <> 'workout' then
    raise exception 'Only workout cells have a workout to copy.' using errcode = 'PT422', hint = 'not_a_workout';
  end if;
  if v_assignment.snapshot_workout_id is distinct from v_assignment.workout_id
     and not exists (select 1 from public.workout_assignments b
                      where b.snapshot_workout_id = v_assignment.snapshot_workout_id and b.id <> v_assignment.id)
     and not exists (select 1 from public.workout_feed_posts f
                      where f.snapshot_workout_id = v_assignment.snapshot_workout_id)
  then
    return v_assignment.snapshot_workout_id;
  end if;

  v_snapshot_id := private.copy_workout_snapshot(v_assignment.snapshot_workout_id, v_assignment.workout_id,
                                                 coalesce((select auth.uid()), v_assignment.assigned_by));
  update public.workout_assignments a set snapshot_workout_id = v_snapshot_id where a.id = v_assignment.id;
  return v_snapshot_id;
end;
$$;

comment on function private.fork_snapshot(uuid) is
  'The cell''s own snapshot: copied from the library the first time, or from a frozen copy other cells share; then returned as is (row lock makes it safe under concurrency).';

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
  -- A cell still following the library gets its own copy; a frozen one is frozen already.
  if v_assignment.snapshot_workout_id = v_assignment.workout_id then
    perform private.fork_snapshot(v_assignment.id);
  end if;
  update public.workout_assignments a
     set status = 'completed', completed_at = coalesce(a.completed_at, pg_catalog.now()), skip_reason = null
   where a.id = v_assignment.id and a.status <> 'completed';
  return new;
end;
$$;

comment on function private.trigger_result_completes_assignment() is
  'Auto-completion: a result logged against an assignment freezes its prescription (if it still follows the library) and moves it to completed.';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none: members read the frozen copy through private.readable_workout_ids, which already
-- includes the snapshot of each of their published cells)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: public.fork_snapshot_if_needed and public.save_workout keep their signatures)
