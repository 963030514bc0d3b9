-- One audit row per bulk call (seed 004: "bulkDelete ... INSERT one audit_logs row keyed by a
-- new batch_id"; "bulkPublish ... One audit row per call"), also when the filter matched nothing:
-- the row says count 0 and ids [], so a coach's "I deleted that week" that did nothing is on the
-- record as such. The call returns that batch id with count 0 (it was null before).
-- Touches: private.publish_filtered_assignments, public.bulk_publish_assignments,
-- public.bulk_delete_assignments.

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

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.publish_filtered_assignments(p_filter jsonb, p_batch_id uuid)
returns uuid[]
language plpgsql
-- definer: announces through private.announce_assignment_rows and audits through
-- private.write_audit, which clients may not call. private.parse_bulk_filter checks first that
-- the caller is staff of the filter's organization, and the update touches that organization only.
security definer
set search_path = ''
set jit = off
as $$
declare
  f record;
  r record;
begin
  select * into f from private.parse_bulk_filter(publish_filtered_assignments.p_filter);
  perform private.lock_assignment_batches(f.organization_id);
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
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

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.bulk_publish_assignments(p_filter jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_batch_id uuid;
begin
  perform private.require_user();
  v_batch_id := private.begin_assignment_batch();
  v_ids := private.publish_filtered_assignments(bulk_publish_assignments.p_filter, v_batch_id);
  perform private.end_assignment_batch();
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_publish_assignments(jsonb) is
  'Publishes every draft match of a bulk filter atomically (pushes and broadcasts as one batch) and writes one audit row, also when nothing matched (count 0).';

create or replace function public.bulk_delete_assignments(p_filter jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_batch_id uuid;
begin
  perform private.require_user();
  -- validates the filter and checks the caller is staff before anything is written
  v_ids := array(select private.bulk_filter_ids(bulk_delete_assignments.p_filter));
  perform private.lock_assignment_batches((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid);
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select unnest(v_ids)) and a.deleted_at is null
     order by a.id for update);
  v_batch_id := private.begin_assignment_batch();
  if cardinality(v_ids) > 0 then
    update public.workout_assignments a set deleted_at = pg_catalog.now()
      from (select unnest(v_ids) as id) i
     where a.id = i.id and a.deleted_at is null;
  end if;
  perform private.end_assignment_batch();
  -- One audit row per call, count 0 included.
  perform private.audit_assignment_batch((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_deleted', v_batch_id, v_ids, jsonb_build_object('filter', bulk_delete_assignments.p_filter));
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_delete_assignments(jsonb) is
  'Soft-deletes every live match of a bulk filter atomically and writes one audit row (batch_id, ids, count), also when nothing matched (count 0).';
