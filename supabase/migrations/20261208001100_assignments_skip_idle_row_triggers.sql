-- assignments: the library freeze and the bulk publish set updated_at themselves, so the per-row
-- updated_at trigger is not called for the cells they write.
-- A library freeze repoints every given cell of a workout (2,000 rows for one workout given to
-- 2,000 athletes) and a bulk publish flips ~10,000 drafts in one UPDATE. EXPLAIN (ANALYZE) of
-- the freeze's UPDATE showed, besides the foreign-key check, two BEFORE ROW triggers called for
-- every row, workout_assignments_set_updated_at and workout_assignments_stamp_managed_columns:
-- plpgsql entries with their own search_path, ~25-30 % of the UPDATE's own time. Migration
-- 20261208001000_platform_skip_idle_row_triggers gives both WHEN conditions (stamp: client roles
-- only; updated_at: only when not already now()); setting updated_at = now() in these
-- statements makes the second false for every row they write. The cells still show as changed
-- (updated_at = now()) to open screens and catch-up reads, as before.
-- Touches: private.freeze_library_workout and private.publish_filtered_assignments (replaced:
-- updated_at set in the statement).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (no new tables; triggers below)

-- =============================================================================================
-- private helpers
-- =============================================================================================

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
  -- updated_at is set here (open screens and catch-up see the cell changed), so the per-row
  -- updated_at trigger has nothing to do and is not called.
  perform pg_catalog.set_config('coachline.assignment_freezing', 'on', true);
  update public.workout_assignments a
     set snapshot_workout_id = v_snapshot_id, updated_at = pg_catalog.now()
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

create or replace function private.publish_filtered_assignments(p_filter jsonb, p_batch_id uuid)
returns uuid[]
language plpgsql
-- definer: publishes and announces for the staff member public.bulk_publish_assignments checked;
-- the announcement writes to the outbox and realtime, which the caller may not write.
security definer
set search_path = ''
set jit = 'off'
as $$
declare
  f record;
  r record;
begin
  select * into f from private.parse_bulk_filter(publish_filtered_assignments.p_filter);
  perform private.lock_assignment_batches(f.organization_id);
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  -- updated_at in the statement: the per-row updated_at trigger then skips every row.
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now()), updated_at = pg_catalog.now()
     where a.organization_id = f.organization_id
       and a.deleted_at is null
       and not a.published
       and (f.date_from is null or a.date >= f.date_from)
       and (f.date_to is null or a.date <= f.date_to)
       and (f.program_id is null or a.user_id in (select private.program_member_ids(f.program_id)))
       and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
       and (f.status is null or a.status = f.status)
       and (f.kind is null or a.kind = f.kind)
       and (f.ids is null or a.id = any (f.ids))
       and (f.cell_users is null
            or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)))
    returning a.id, a.user_id, a.organization_id, a.date, a.kind, a.assigned_by, a.snapshot_workout_id
  )
  select coalesce(array_agg(c.id order by c.id), '{}') as ids, array_agg(c.user_id order by c.id) as users,
         array_agg(c.organization_id order by c.id) as orgs, array_agg(c.date order by c.id) as dates,
         array_agg(c.kind order by c.id) as kinds, array_agg(c.assigned_by order by c.id) as assigners,
         array_agg(c.snapshot_workout_id order by c.id) as snapshots
    into r
    from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  if cardinality(r.ids) > 0 then
    perform private.announce_assignment_rows(r.ids, r.users, r.orgs, r.dates, r.kinds, r.assigners, r.snapshots);
  end if;
  -- One audit row per call, also when nothing matched (count 0): the call itself is the event.
  perform private.write_audit(f.organization_id, 'assignment.bulk_published', 'workout_assignment', null,
    jsonb_build_object('filter', publish_filtered_assignments.p_filter, 'ids', to_jsonb(r.ids),
                       'count', cardinality(r.ids)),
    publish_filtered_assignments.p_batch_id);
  return r.ids;
end;
$$;

comment on function private.publish_filtered_assignments(jsonb, uuid) is
  'Body of bulk_publish_assignments: publishes every live draft the filter matches (a program means its enrolled athletes) in one statement, announces them as one batch and writes one audit row, count 0 included; returns the ids published.';

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (workout_assignments_set_updated_at and _stamp_managed_columns now carry WHEN conditions:
-- migration 20261208001000_platform_skip_idle_row_triggers.)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: signatures unchanged)
