-- Bulk publish and bulk delete answered with one jsonb document ({batch_id, count, ids}), so the
-- app declared its shape by hand and cast it. They now return one typed row with the same three
-- fields, so the generated types describe it; through the API, .single() gives the same object as
-- before. Bodies, authorization, errors and audit rows are unchanged.
-- The return type changes, so each function is dropped and created again with its grant and
-- comment.
-- Touches: public.bulk_publish_assignments, public.bulk_delete_assignments (same argument,
-- returns table).

-- =============================================================================================
-- public functions
-- =============================================================================================

drop function public.bulk_delete_assignments(jsonb);

create function public.bulk_delete_assignments(p_filter jsonb)
returns table (batch_id uuid, count integer, ids uuid[])
language plpgsql
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
  return query select v_batch_id, pg_catalog.cardinality(v_ids), v_ids;
end;
$$;

comment on function public.bulk_delete_assignments(jsonb) is
  'Soft-deletes every live match of a bulk filter atomically and writes one audit row (batch_id, ids, count), also when nothing matched (count 0). One row: batch_id, count, ids.';

revoke all on function public.bulk_delete_assignments(jsonb) from public, anon;
grant execute on function public.bulk_delete_assignments(jsonb) to authenticated, service_role;

drop function public.bulk_publish_assignments(jsonb);

create function public.bulk_publish_assignments(p_filter jsonb)
returns table (batch_id uuid, count integer, ids uuid[])
language plpgsql
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
  return query select v_batch_id, pg_catalog.cardinality(v_ids), v_ids;
end;
$$;

comment on function public.bulk_publish_assignments(jsonb) is
  'Publishes every draft match of a bulk filter atomically (pushes and broadcasts as one batch) and writes one audit row, also when nothing matched (count 0). One row: batch_id, count, ids.';

revoke all on function public.bulk_publish_assignments(jsonb) from public, anon;
grant execute on function public.bulk_publish_assignments(jsonb) to authenticated, service_role;
