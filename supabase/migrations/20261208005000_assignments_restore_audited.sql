-- Undoing a delete is as much a privileged change as the delete itself (issue 16): the audit
-- trail must show that a coach brought a deleted workout back, otherwise the history reads
-- "deleted" for a workout that is on the athlete's calendar.
-- The per-row audit trigger now also fires when deleted_at goes from set to null, and writes
-- 'assignment.restored' with the same details the delete writes (athlete and date). Batch
-- operations still audit themselves once, and rows changed without a person (jobs) are not
-- audited here, as before.
-- Touches: private.trigger_audit_assignment_change, trigger workout_assignments_audit_change.

-- =============================================================================================
-- private functions
-- =============================================================================================

create or replace function private.trigger_audit_assignment_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only people are audited here (the drip publisher runs without a user), and batch
  -- operations write their own single row.
  if (select auth.uid()) is null
     or coalesce(pg_catalog.current_setting('coachline.assignment_batch_id', true), '') <> '' then
    return new;
  end if;
  if old.deleted_at is null and new.deleted_at is not null then
    perform private.write_audit(new.organization_id, 'assignment.deleted', 'workout_assignment', new.id,
      jsonb_build_object('user_id', new.user_id, 'date', new.date));
  elsif old.deleted_at is not null and new.deleted_at is null then
    perform private.write_audit(new.organization_id, 'assignment.restored', 'workout_assignment', new.id,
      jsonb_build_object('user_id', new.user_id, 'date', new.date));
  elsif old.published is distinct from new.published and new.deleted_at is null then
    perform private.write_audit(new.organization_id,
      case when new.published then 'assignment.published' else 'assignment.unpublished' end,
      'workout_assignment', new.id, jsonb_build_object('user_id', new.user_id, 'date', new.date));
  end if;
  return new;
end;
$$;

comment on function private.trigger_audit_assignment_change() is
  'Audits a person''s soft delete, restore (undo of a delete) or (un)publish of one assignment; batch operations audit themselves once.';

revoke all on function private.trigger_audit_assignment_change() from public;

-- =============================================================================================
-- triggers
-- =============================================================================================

-- The WHEN clause decides which updates reach the function at all; it gains the restore case.
drop trigger workout_assignments_audit_change on public.workout_assignments;
create trigger workout_assignments_audit_change
  after update of published, deleted_at on public.workout_assignments
  for each row
  when (
    ((old.deleted_at is null and new.deleted_at is not null)
      or (old.deleted_at is not null and new.deleted_at is null)
      or (old.published is distinct from new.published and new.deleted_at is null))
    and coalesce(current_setting('coachline.assignment_batch_id', true), '') = ''
  )
  execute function private.trigger_audit_assignment_change();
