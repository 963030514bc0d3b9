-- Batch speed, part 2 (issue 6 benchmark: bulk publish of 10,000 drafts took 2.0-2.6 s in SQL).
-- Publishing a batch called five row triggers per row even though, for a row whose only change is
-- published/publish_at, three do nothing (consistency, status guard: nothing they check changed)
-- and two return at once (announce: the batch announces itself; audit: the batch audits itself).
-- Each call of a plpgsql function with a pinned search_path costs tens of microseconds, so
-- 10,000 rows spent most of the statement in trigger calls that returned without effect.
-- The same triggers now carry WHEN conditions that say exactly when their function has work,
-- so the function is not called (and no after-trigger event is queued) otherwise:
--   consistency: on insert always; on update only when a column it checks or normalizes changed;
--   status guard: on insert always; on update only when status, completed_at or skip_reason
--     changed (after consistency normalized them: WHEN sees the row earlier triggers returned);
--   announce: only for a row becoming live (published, not deleted) outside a deferred batch;
--   audit: only for a soft delete or an (un)publish outside a batch.
-- A WHEN condition cannot mention OLD in an insert trigger, hence one trigger per event where
-- the function serves both. Trigger order (by name) is unchanged: consistency, guard, updated_at.
-- The trigger functions themselves are unchanged. The workout_assignments_organization_id_idx
-- index goes: workout_assignments_org_date_idx and workout_assignments_last_completed_idx lead
-- with organization_id (the foreign key stays indexed for the catalog lint), and each index
-- costs every non-HOT update of a batch.
-- Touches: triggers on public.workout_assignments; index workout_assignments_organization_id_idx.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

drop index public.workout_assignments_organization_id_idx;

-- =============================================================================================
-- triggers
-- =============================================================================================

drop trigger workout_assignments_consistency on public.workout_assignments;
create trigger workout_assignments_consistency
  before insert on public.workout_assignments
  for each row execute function private.trigger_assignment_consistency();
create trigger workout_assignments_consistency_on_update
  before update on public.workout_assignments
  for each row
  when ((old.organization_id, old.user_id, old.kind, old.workout_id, old.snapshot_workout_id, old.note,
         old.program_id, old.date, old.status, old.completed_at, old.skip_reason)
        is distinct from
        (new.organization_id, new.user_id, new.kind, new.workout_id, new.snapshot_workout_id, new.note,
         new.program_id, new.date, new.status, new.completed_at, new.skip_reason))
  execute function private.trigger_assignment_consistency();

drop trigger workout_assignments_guard_status on public.workout_assignments;
create trigger workout_assignments_guard_status
  before insert on public.workout_assignments
  for each row execute function private.trigger_guard_assignment_status();
create trigger workout_assignments_guard_status_on_update
  before update on public.workout_assignments
  for each row
  when ((old.status, old.completed_at, old.skip_reason) is distinct from (new.status, new.completed_at, new.skip_reason))
  execute function private.trigger_guard_assignment_status();

drop trigger workout_assignments_announce_published on public.workout_assignments;
create trigger workout_assignments_announce_published
  after insert on public.workout_assignments
  for each row
  when (new.published and new.deleted_at is null
        and coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') <> 'on')
  execute function private.trigger_announce_published_assignment();
create trigger workout_assignments_announce_published_on_update
  after update of published, deleted_at on public.workout_assignments
  for each row
  when (new.published and new.deleted_at is null and not (old.published and old.deleted_at is null)
        and coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') <> 'on')
  execute function private.trigger_announce_published_assignment();

drop trigger workout_assignments_audit_change on public.workout_assignments;
create trigger workout_assignments_audit_change
  after update of published, deleted_at on public.workout_assignments
  for each row
  when (((old.deleted_at is null and new.deleted_at is not null)
         or (old.published is distinct from new.published and new.deleted_at is null))
        and coalesce(pg_catalog.current_setting('coachline.assignment_batch_id', true), '') = '')
  execute function private.trigger_audit_assignment_change();

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
