-- Side effects of an assignment becoming visible or going away, whoever causes it (an RPC, a
-- plain REST insert or update by staff, the drip publisher, a template apply): a published,
-- non-deleted row queues a `workoutAssigned` push in the outbox and broadcasts
-- `assignment_published` on the athlete's private topic `user:<athlete>`; a staff soft delete or
-- (un)publish leaves an audit row with the actor. Batch operations write ONE audit row
-- themselves and mark the transaction (setting coachline.assignment_batch_id) so rows are not
-- audited twice.
-- Touches: triggers on public.workout_assignments; private.audit_assignment_batch.

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

create or replace function private.trigger_announce_published_assignment()
returns trigger
language plpgsql
-- definer: queues the athlete's push in the outbox, which no client role may write.
security definer
set search_path = ''
as $$
declare
  v_title text;
begin
  if not new.published or new.deleted_at is not null then
    return new;
  end if;
  if tg_op = 'UPDATE' and old.published and old.deleted_at is null then
    return new;
  end if;
  select w.title into v_title from public.workouts w where w.id = new.snapshot_workout_id;
  perform private.enqueue_notification(
    new.user_id,
    'workoutAssigned',
    jsonb_build_object(
      'assignment_id', new.id,
      'organization_id', new.organization_id,
      'date', new.date,
      'kind', new.kind,
      'title', coalesce(v_title, case new.kind when 'rest' then 'Rest day' else 'Note from your coach' end),
      'url', '/app/assignments/' || new.id::text,
      'sender_id', new.assigned_by
    ),
    'assignment:' || new.id::text
  );
  perform realtime.send(
    jsonb_build_object('assignment_id', new.id, 'date', new.date),
    'assignment_published',
    'user:' || new.user_id::text,
    true
  );
  return new;
end;
$$;

comment on function private.trigger_announce_published_assignment() is
  'When an assignment becomes published (insert or flip): queue a workoutAssigned push and broadcast assignment_published to user:<athlete>.';

create trigger workout_assignments_announce_published
  after insert or update of published, deleted_at on public.workout_assignments
  for each row execute function private.trigger_announce_published_assignment();

create or replace function private.trigger_audit_assignment_change()
returns trigger
language plpgsql
-- definer: appends to audit_logs through private.write_audit, which clients cannot call.
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
  elsif old.published is distinct from new.published and new.deleted_at is null then
    perform private.write_audit(new.organization_id,
      case when new.published then 'assignment.published' else 'assignment.unpublished' end,
      'workout_assignment', new.id, jsonb_build_object('user_id', new.user_id, 'date', new.date));
  end if;
  return new;
end;
$$;

comment on function private.trigger_audit_assignment_change() is
  'Audits a person''s soft delete or (un)publish of one assignment; batch operations audit themselves once.';

create trigger workout_assignments_audit_change
  after update of published, deleted_at on public.workout_assignments
  for each row execute function private.trigger_audit_assignment_change();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.audit_assignment_batch(
  p_organization_id uuid,
  p_action text,
  p_batch_id uuid,
  p_ids uuid[],
  p_details jsonb default '{}'::jsonb
)
returns uuid
language plpgsql
-- definer: writes audit_logs through private.write_audit; it checks the caller is staff itself.
security definer
set search_path = ''
as $$
begin
  if not private.is_staff(audit_assignment_batch.p_organization_id) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  if exists (
    select 1 from unnest(audit_assignment_batch.p_ids) i(id)
     where not exists (select 1 from public.workout_assignments a
                        where a.id = i.id and a.organization_id = audit_assignment_batch.p_organization_id))
  then
    raise exception 'Some assignments are not in this organization.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return private.write_audit(
    audit_assignment_batch.p_organization_id,
    audit_assignment_batch.p_action,
    'workout_assignment',
    null,
    coalesce(audit_assignment_batch.p_details, '{}'::jsonb)
      || jsonb_build_object('ids', to_jsonb(audit_assignment_batch.p_ids),
                            'count', cardinality(audit_assignment_batch.p_ids)),
    audit_assignment_batch.p_batch_id
  );
end;
$$;

comment on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) is
  'One audit row for a batch of assignments (bulk delete/publish, set published): the ids, the count and a batch_id.';

revoke all on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) from public, anon;
grant execute on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) to authenticated, service_role;

create or replace function private.begin_assignment_batch()
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_batch_id uuid := gen_random_uuid();
begin
  perform pg_catalog.set_config('coachline.assignment_batch_id', v_batch_id::text, true);
  return v_batch_id;
end;
$$;

comment on function private.begin_assignment_batch() is
  'Starts a batch: a new batch_id, and per-row auditing off for the rest of the transaction.';

create or replace function private.end_assignment_batch()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('coachline.assignment_batch_id', '', true);
end;
$$;

comment on function private.end_assignment_batch() is 'Ends a batch: per-row auditing back on.';

revoke all on function private.begin_assignment_batch(), private.end_assignment_batch() from public, anon;
grant execute on function private.begin_assignment_batch(), private.end_assignment_batch() to authenticated, service_role;

create or replace function private.athlete_time_zone(p_user_id uuid, p_organization_id uuid)
returns text
language sql
stable
-- definer: an athlete's zone decides their drip time even when the caller cannot read the profile.
security definer
set search_path = ''
as $$
  select coalesce(
    (select p.time_zone from public.profiles p where p.id = athlete_time_zone.p_user_id),
    (select o.time_zone from public.organizations o where o.id = athlete_time_zone.p_organization_id),
    'UTC');
$$;

comment on function private.athlete_time_zone(uuid, uuid) is
  'An athlete''s time zone: their profile''s, else the organization''s, else UTC.';

revoke all on function private.athlete_time_zone(uuid, uuid) from public, anon;
grant execute on function private.athlete_time_zone(uuid, uuid) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
