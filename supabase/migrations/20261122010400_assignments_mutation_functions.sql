-- Changing assignments: the athlete completes, skips (with a reason) or reopens their own cell
-- (reopen is the seed's missing undo; staff may reopen too); staff soft-delete one cell, set
-- published on a list of ids, and run filter-driven bulk preview / delete / publish. A bulk
-- filter names the organization (required) and optionally date_from, date_to, program_id
-- (resolved through program_enrollments, FIT-201: the program's rows plus ad-hoc rows on its
-- enrolled members' calendars), athlete_ids, status, kind. Bulk operations are atomic and write
-- ONE audit row with a batch_id and the ids; a filter that matches nothing is a clean no-op.
-- Errors (HINT): not_authenticated, not_staff, assignment_not_found, not_your_assignment,
-- assignment_deleted, already_open, skip_reason_required, invalid_filter, ids_required.
-- Touches: public.workout_assignments, public.audit_logs (through private.audit_assignment_batch).

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

create or replace function private.set_assignment_status(
  p_id uuid,
  p_status public.assignment_status,
  p_reason text default null
)
returns public.workout_assignments
language plpgsql
-- definer: athletes change the status of their own cells, but have no update policy on the
-- table (that would let them rewrite the prescription); this checks the caller itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.workout_assignments;
  v_reason text := nullif(btrim(coalesce(set_assignment_status.p_reason, '')), '');
begin
  select * into v_row from public.workout_assignments a where a.id = set_assignment_status.p_id for update;
  -- Someone else's cell reads as missing unless the caller may see it.
  if v_row.id is null
     or not (private.is_staff(v_row.organization_id)
             or (v_row.user_id = v_user_id and v_row.published and v_row.deleted_at is null
                 and private.is_member(v_row.organization_id))) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'This assignment was deleted.' using errcode = 'PT409', hint = 'assignment_deleted';
  end if;
  if set_assignment_status.p_status <> 'assigned' and v_row.user_id <> v_user_id then
    raise exception 'Only the athlete can complete or skip their own assignment.'
      using errcode = 'PT403', hint = 'not_your_assignment';
  end if;
  if set_assignment_status.p_status = 'skipped' and v_reason is null then
    raise exception 'Say why you are skipping.' using errcode = 'PT422', hint = 'skip_reason_required';
  end if;
  if set_assignment_status.p_status = 'skipped' and char_length(v_reason) > 500 then
    raise exception 'Keep the reason under 500 characters.' using errcode = 'PT422', hint = 'skip_reason_too_long';
  end if;
  if set_assignment_status.p_status = 'assigned' and v_row.status = 'assigned' then
    raise exception 'This assignment is already open.' using errcode = 'PT409', hint = 'already_open';
  end if;

  update public.workout_assignments a
     set status = set_assignment_status.p_status,
         completed_at = case when set_assignment_status.p_status = 'completed'
                             then coalesce(a.completed_at, pg_catalog.now()) end,
         skip_reason = case when set_assignment_status.p_status = 'skipped' then v_reason end
   where a.id = v_row.id
  returning * into v_row;
  return v_row;
end;
$$;

comment on function private.set_assignment_status(uuid, public.assignment_status, text) is
  'Body of complete/skip/reopen: the athlete on their own published cell (staff may reopen).';

revoke all on function private.set_assignment_status(uuid, public.assignment_status, text) from public, anon;
grant execute on function private.set_assignment_status(uuid, public.assignment_status, text) to authenticated, service_role;

create or replace function private.bulk_filter_ids(p_filter jsonb)
returns setof uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_org uuid;
  v_from date;
  v_to date;
  v_program uuid;
  v_athletes uuid[];
  v_status public.assignment_status;
  v_kind public.assignment_kind;
  v_key text;
begin
  if bulk_filter_ids.p_filter is null or jsonb_typeof(bulk_filter_ids.p_filter) <> 'object' then
    raise exception 'The filter must be an object with an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  for v_key in select jsonb_object_keys(bulk_filter_ids.p_filter) loop
    if v_key not in ('organization_id', 'date_from', 'date_to', 'program_id', 'athlete_ids', 'status', 'kind') then
      raise exception 'Unknown filter "%".', v_key using errcode = 'PT422', hint = 'invalid_filter';
    end if;
  end loop;
  begin
    v_org := (bulk_filter_ids.p_filter ->> 'organization_id')::uuid;
    v_from := (bulk_filter_ids.p_filter ->> 'date_from')::date;
    v_to := (bulk_filter_ids.p_filter ->> 'date_to')::date;
    v_program := (bulk_filter_ids.p_filter ->> 'program_id')::uuid;
    v_status := (bulk_filter_ids.p_filter ->> 'status')::public.assignment_status;
    v_kind := (bulk_filter_ids.p_filter ->> 'kind')::public.assignment_kind;
    if bulk_filter_ids.p_filter ? 'athlete_ids' and jsonb_typeof(bulk_filter_ids.p_filter -> 'athlete_ids') <> 'null' then
      select array_agg(x::uuid) into v_athletes from jsonb_array_elements_text(bulk_filter_ids.p_filter -> 'athlete_ids') x;
      v_athletes := coalesce(v_athletes, '{}');
    end if;
  exception
    when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
      or invalid_parameter_value then
      raise exception 'The filter has a malformed id, date, status or kind.' using errcode = 'PT422', hint = 'invalid_filter';
  end;
  if v_org is null then
    raise exception 'The filter needs an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  if v_from is not null and v_to is not null and v_to < v_from then
    raise exception 'date_to is before date_from.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  perform private.require_staff(v_org);

  return query
  select a.id from public.workout_assignments a
   where a.organization_id = v_org
     and a.deleted_at is null
     and (v_from is null or a.date >= v_from)
     and (v_to is null or a.date <= v_to)
     and (v_program is null or a.program_id = v_program
          or (a.program_id is null and a.user_id in (select private.program_member_ids(v_program))))
     and (v_athletes is null or a.user_id = any (v_athletes))
     and (v_status is null or a.status = v_status)
     and (v_kind is null or a.kind = v_kind);
end;
$$;

comment on function private.bulk_filter_ids(jsonb) is
  'The live assignments a bulk filter matches, after validating it and checking the caller is staff of its organization.';

grant execute on function private.bulk_filter_ids(jsonb) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.complete_assignment(p_id uuid)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(complete_assignment.p_id, 'completed', null);
$$;

comment on function public.complete_assignment(uuid) is 'The athlete marks their own published assignment completed.';

create or replace function public.skip_assignment(p_id uuid, p_reason text)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(skip_assignment.p_id, 'skipped', skip_assignment.p_reason);
$$;

comment on function public.skip_assignment(uuid, text) is 'The athlete skips their own published assignment, saying why.';

create or replace function public.reopen_assignment(p_id uuid)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(reopen_assignment.p_id, 'assigned', null);
$$;

comment on function public.reopen_assignment(uuid) is
  'Undo: a completed or skipped assignment goes back to assigned (the athlete, or staff).';

revoke all on function public.complete_assignment(uuid), public.skip_assignment(uuid, text),
  public.reopen_assignment(uuid) from public, anon;
grant execute on function public.complete_assignment(uuid), public.skip_assignment(uuid, text),
  public.reopen_assignment(uuid) to authenticated;

create or replace function public.delete_assignment(p_id uuid)
returns public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
begin
  perform private.require_user();
  select * into v_row from public.workout_assignments a where a.id = delete_assignment.p_id;
  if v_row.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  perform private.require_staff(v_row.organization_id);
  if v_row.deleted_at is not null then
    return v_row;
  end if;
  update public.workout_assignments a set deleted_at = pg_catalog.now()
   where a.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;

comment on function public.delete_assignment(uuid) is
  'Staff soft-delete one assignment (audited with the actor); deleting a deleted one is a no-op.';

revoke all on function public.delete_assignment(uuid) from public, anon;
grant execute on function public.delete_assignment(uuid) to authenticated;

create or replace function public.set_assignments_published(p_ids uuid[], p_published boolean)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_orgs uuid[];
  v_changed uuid[];
  v_org uuid;
  v_batch_id uuid;
begin
  perform private.require_user();
  select array_agg(distinct i) into v_ids from unnest(set_assignments_published.p_ids) i where i is not null;
  if coalesce(cardinality(v_ids), 0) = 0 or set_assignments_published.p_published is null then
    raise exception 'Choose some assignments and whether to publish them.' using errcode = 'PT422', hint = 'ids_required';
  end if;
  select array_agg(distinct a.organization_id) into v_orgs
    from public.workout_assignments a where a.id = any (v_ids);
  if (select count(*) from public.workout_assignments a where a.id = any (v_ids) and a.deleted_at is null)
     <> cardinality(v_ids) then
    raise exception 'Some assignments were not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  foreach v_org in array v_orgs loop
    perform private.require_staff(v_org);
  end loop;

  v_batch_id := private.begin_assignment_batch();
  with changed as (
    update public.workout_assignments a
       set published = set_assignments_published.p_published,
           publish_at = case when set_assignments_published.p_published
                             then coalesce(a.publish_at, pg_catalog.now()) else a.publish_at end
     where a.id = any (v_ids) and a.published <> set_assignments_published.p_published
    returning a.id, a.organization_id
  )
  select array_agg(c.id) into v_changed from changed c;
  perform private.end_assignment_batch();

  foreach v_org in array v_orgs loop
    if exists (select 1 from public.workout_assignments a where a.id = any (coalesce(v_changed, '{}')) and a.organization_id = v_org) then
      perform private.audit_assignment_batch(v_org,
        case when set_assignments_published.p_published then 'assignment.published' else 'assignment.unpublished' end,
        v_batch_id,
        array(select a.id from public.workout_assignments a where a.id = any (v_changed) and a.organization_id = v_org));
    end if;
  end loop;
  return coalesce(cardinality(v_changed), 0);
end;
$$;

comment on function public.set_assignments_published(uuid[], boolean) is
  'Staff publish or unpublish a list of assignments; rows already in that state are left alone (a clean no-op). Returns how many changed.';

revoke all on function public.set_assignments_published(uuid[], boolean) from public, anon;
grant execute on function public.set_assignments_published(uuid[], boolean) to authenticated;

create or replace function public.bulk_preview_assignments(p_filter jsonb)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.require_user();
  v_ids := array(select private.bulk_filter_ids(bulk_preview_assignments.p_filter));
  return jsonb_build_object(
    'count', cardinality(v_ids),
    'samples', coalesce((
      select jsonb_agg(to_jsonb(s) order by s.date, s.user_id, s.sort_order)
        from (select a.id, a.user_id, a.date, a.sort_order, a.kind, a.status, a.published, a.program_id,
                     a.workout_id, a.note
                from public.workout_assignments a where a.id = any (v_ids)
               order by a.date, a.user_id, a.sort_order limit 10) s), '[]'::jsonb));
end;
$$;

comment on function public.bulk_preview_assignments(jsonb) is
  'What a bulk filter would touch: the count and ten samples (by date), shown before delete or publish.';

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
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select private.bulk_filter_ids(bulk_delete_assignments.p_filter))
     order by a.id for update);
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  v_batch_id := private.begin_assignment_batch();
  update public.workout_assignments a set deleted_at = pg_catalog.now()
   where a.id = any (v_ids) and a.deleted_at is null;
  perform private.end_assignment_batch();
  perform private.audit_assignment_batch((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_deleted', v_batch_id, v_ids, jsonb_build_object('filter', bulk_delete_assignments.p_filter));
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_delete_assignments(jsonb) is
  'Soft-deletes every live match of a bulk filter atomically and writes one audit row (batch_id, ids). Nothing matched: a no-op.';

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
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select private.bulk_filter_ids(bulk_publish_assignments.p_filter))
       and not a.published
     order by a.id for update);
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  v_batch_id := private.begin_assignment_batch();
  update public.workout_assignments a
     set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
   where a.id = any (v_ids) and not a.published;
  perform private.end_assignment_batch();
  perform private.audit_assignment_batch((bulk_publish_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_published', v_batch_id, v_ids, jsonb_build_object('filter', bulk_publish_assignments.p_filter));
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;

comment on function public.bulk_publish_assignments(jsonb) is
  'Publishes every draft match of a bulk filter atomically (pushes follow by trigger) and writes one audit row. Already published: a no-op.';

revoke all on function public.bulk_preview_assignments(jsonb), public.bulk_delete_assignments(jsonb),
  public.bulk_publish_assignments(jsonb) from public, anon;
grant execute on function public.bulk_preview_assignments(jsonb), public.bulk_delete_assignments(jsonb),
  public.bulk_publish_assignments(jsonb) to authenticated;
