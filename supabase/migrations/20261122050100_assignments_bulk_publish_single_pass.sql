-- Bulk publish in one pass (issue 6 benchmark: 10,000 drafts in <= 1 s). bulk_publish_assignments
-- visited every matched row four times: the filter's ids (drafts and published alike), a
-- `for update` pass over them in id order, the staff check of publish_assignment_ids, the update,
-- and the per-id organization check of audit_assignment_batch. Now the filter is parsed and the
-- caller checked once (private.parse_bulk_filter, which bulk_filter_ids uses too, so the rules
-- are written once), and a single UPDATE with the filter's conditions publishes the matching
-- drafts of that organization, announces them as one batch and writes the one audit row.
-- The `for update` pass existed so two overlapping batches could not lock rows in opposite
-- orders; batches of one organization now take a transaction-level advisory lock instead
-- (bulk publish and bulk delete), which also keeps the single UPDATE's scan order harmless.
-- Behaviour is unchanged: same filter keys and errors, drafts only, already published rows a
-- clean no-op (count 0, no audit), one audit row with the batch id, ids and filter.
-- Touches: private.parse_bulk_filter, private.bulk_filter_ids, private.lock_assignment_batches,
-- private.publish_filtered_assignments, private.announce_published_assignments (jit off),
-- public.bulk_publish_assignments, public.bulk_delete_assignments.

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

create or replace function private.parse_bulk_filter(
  p_filter jsonb,
  out organization_id uuid,
  out date_from date,
  out date_to date,
  out program_id uuid,
  out athlete_ids uuid[],
  out status public.assignment_status,
  out kind public.assignment_kind
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_key text;
begin
  if parse_bulk_filter.p_filter is null or jsonb_typeof(parse_bulk_filter.p_filter) <> 'object' then
    raise exception 'The filter must be an object with an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  for v_key in select jsonb_object_keys(parse_bulk_filter.p_filter) loop
    if v_key not in ('organization_id', 'date_from', 'date_to', 'program_id', 'athlete_ids', 'status', 'kind') then
      raise exception 'Unknown filter "%".', v_key using errcode = 'PT422', hint = 'invalid_filter';
    end if;
  end loop;
  begin
    parse_bulk_filter.organization_id := (parse_bulk_filter.p_filter ->> 'organization_id')::uuid;
    parse_bulk_filter.date_from := (parse_bulk_filter.p_filter ->> 'date_from')::date;
    parse_bulk_filter.date_to := (parse_bulk_filter.p_filter ->> 'date_to')::date;
    parse_bulk_filter.program_id := (parse_bulk_filter.p_filter ->> 'program_id')::uuid;
    parse_bulk_filter.status := (parse_bulk_filter.p_filter ->> 'status')::public.assignment_status;
    parse_bulk_filter.kind := (parse_bulk_filter.p_filter ->> 'kind')::public.assignment_kind;
    if parse_bulk_filter.p_filter ? 'athlete_ids'
       and jsonb_typeof(parse_bulk_filter.p_filter -> 'athlete_ids') <> 'null' then
      select coalesce(array_agg(x::uuid), '{}') into parse_bulk_filter.athlete_ids
        from jsonb_array_elements_text(parse_bulk_filter.p_filter -> 'athlete_ids') x;
    end if;
  exception
    when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
      or invalid_parameter_value then
      raise exception 'The filter has a malformed id, date, status or kind.' using errcode = 'PT422', hint = 'invalid_filter';
  end;
  if parse_bulk_filter.organization_id is null then
    raise exception 'The filter needs an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  if parse_bulk_filter.date_from is not null and parse_bulk_filter.date_to is not null
     and parse_bulk_filter.date_to < parse_bulk_filter.date_from then
    raise exception 'date_to is before date_from.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  perform private.require_staff(parse_bulk_filter.organization_id);
end;
$$;

comment on function private.parse_bulk_filter(jsonb) is
  'Validates a bulk filter (organization_id, date_from, date_to, program_id, athlete_ids, status, kind) and checks the caller is staff of its organization; returns the parsed values.';

grant execute on function private.parse_bulk_filter(jsonb) to authenticated, service_role;

create or replace function private.bulk_filter_ids(p_filter jsonb)
returns setof uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  f record;
begin
  select * into f from private.parse_bulk_filter(bulk_filter_ids.p_filter);
  return query
  select a.id from public.workout_assignments a
   where a.organization_id = f.organization_id
     and a.deleted_at is null
     and (f.date_from is null or a.date >= f.date_from)
     and (f.date_to is null or a.date <= f.date_to)
     and (f.program_id is null or a.program_id = f.program_id
          or (a.program_id is null and a.user_id in (select private.program_member_ids(f.program_id))))
     and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
     and (f.status is null or a.status = f.status)
     and (f.kind is null or a.kind = f.kind);
end;
$$;

comment on function private.bulk_filter_ids(jsonb) is
  'The live assignments a bulk filter matches, after validating it and checking the caller is staff of its organization.';

create or replace function private.lock_assignment_batches(p_organization_id uuid)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('coachline.assignment_batch:' || lock_assignment_batches.p_organization_id::text, 0));
$$;

comment on function private.lock_assignment_batches(uuid) is
  'Serializes the bulk operations of one organization until the transaction ends, so two overlapping batches never wait on each other''s rows in opposite orders.';

grant execute on function private.lock_assignment_batches(uuid) to authenticated, service_role;

create or replace function private.publish_filtered_assignments(p_filter jsonb, p_batch_id uuid)
returns uuid[]
language plpgsql
-- definer: announces through private.announce_published_assignments and audits through
-- private.write_audit, which clients may not call. private.parse_bulk_filter checks first that
-- the caller is staff of the filter's organization, and the update touches that organization only.
security definer
set search_path = ''
as $$
declare
  f record;
  v_ids uuid[];
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
       and (f.program_id is null or a.program_id = f.program_id
            or (a.program_id is null and a.user_id in (select private.program_member_ids(f.program_id))))
       and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
       and (f.status is null or a.status = f.status)
       and (f.kind is null or a.kind = f.kind)
    returning a.id
  )
  select coalesce(array_agg(c.id order by c.id), '{}') into v_ids from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  if cardinality(v_ids) > 0 then
    perform private.announce_published_assignments(v_ids);
    perform private.write_audit(f.organization_id, 'assignment.bulk_published', 'workout_assignment', null,
      jsonb_build_object('filter', publish_filtered_assignments.p_filter, 'ids', to_jsonb(v_ids),
                         'count', cardinality(v_ids)),
      publish_filtered_assignments.p_batch_id);
  end if;
  return v_ids;
end;
$$;

comment on function private.publish_filtered_assignments(jsonb, uuid) is
  'Body of bulk_publish_assignments: publishes every live draft the filter matches in one statement, announces them as one batch and writes one audit row (batch id, ids, filter); returns the ids published.';

revoke all on function private.publish_filtered_assignments(jsonb, uuid) from public, anon;
grant execute on function private.publish_filtered_assignments(jsonb, uuid) to authenticated, service_role;

-- The batch announcer's first statement is estimated above jit_above_cost (its per-row
-- notification-rule probes), so every batch paid for compiling ~60 JIT functions (tens to
-- hundreds of milliseconds) to run a statement of a few milliseconds per thousand rows.
alter function private.announce_published_assignments(uuid[]) set jit = off;

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
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_publish_assignments(jsonb) is
  'Publishes every draft match of a bulk filter atomically (pushes and broadcasts as one batch) and writes one audit row. Already published: a no-op.';

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
  v_ids := array(select private.bulk_filter_ids(bulk_delete_assignments.p_filter));
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  perform private.lock_assignment_batches((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid);
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select unnest(v_ids)) and a.deleted_at is null
     order by a.id for update);
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  v_batch_id := private.begin_assignment_batch();
  update public.workout_assignments a set deleted_at = pg_catalog.now()
    from (select unnest(v_ids) as id) i
   where a.id = i.id and a.deleted_at is null;
  perform private.end_assignment_batch();
  perform private.audit_assignment_batch((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_deleted', v_batch_id, v_ids, jsonb_build_object('filter', bulk_delete_assignments.p_filter));
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_delete_assignments(jsonb) is
  'Soft-deletes every live match of a bulk filter atomically and writes one audit row (batch_id, ids). Nothing matched: a no-op.';

