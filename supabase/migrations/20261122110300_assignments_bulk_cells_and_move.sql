-- Exact selections for bulk operations, and moving a cell to another day (issue 6 leftovers).
-- The bulk filter knew athletes and a date range only, so a scattered selection on the coach's
-- calendar (Ann on Monday, Ben on Thursday) became the rectangle around it (both athletes,
-- Monday to Thursday) and a bulk delete could remove cells the coach never selected; the preview
-- warned, but the right thing is to do what was selected. Two keys join the filter:
--   - cells: a list of {athlete_id, date} pairs (the days selected on the grid);
--   - ids: a list of assignment ids.
-- Both combine with the other keys (AND) and hold at most 5,000 entries.
-- move_assignment moves one cell to another day (and slot): staff of its organization only; a
-- completed or skipped cell stays on the day it was done (reopen it first); a morning-of draft's
-- drip time moves to 05:00 of the new day in the athlete's zone; a published cell's athlete gets
-- assignment_moved on user:<athlete> so open screens re-read.
-- Touches: private.parse_bulk_filter (three new out parameters), private.bulk_filter_ids,
-- private.publish_filtered_assignments, private.announce_assignment_moved (new),
-- public.move_assignment (new).

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

-- Its out parameters change, so it is recreated; its callers are plpgsql and bind at run time.
drop function private.parse_bulk_filter(jsonb);

create function private.parse_bulk_filter(
  p_filter jsonb,
  out organization_id uuid,
  out date_from date,
  out date_to date,
  out program_id uuid,
  out athlete_ids uuid[],
  out status public.assignment_status,
  out kind public.assignment_kind,
  out ids uuid[],
  out cell_users uuid[],
  out cell_dates date[]
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
    if v_key not in ('organization_id', 'date_from', 'date_to', 'program_id', 'athlete_ids', 'status', 'kind',
                     'ids', 'cells') then
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
    if parse_bulk_filter.p_filter ? 'ids' and jsonb_typeof(parse_bulk_filter.p_filter -> 'ids') <> 'null' then
      if jsonb_typeof(parse_bulk_filter.p_filter -> 'ids') <> 'array'
         or jsonb_array_length(parse_bulk_filter.p_filter -> 'ids') > 5000 then
        raise exception 'ids must be a list of at most 5,000 assignment ids.' using errcode = 'PT422', hint = 'invalid_filter';
      end if;
      select coalesce(array_agg(x::uuid), '{}') into parse_bulk_filter.ids
        from jsonb_array_elements_text(parse_bulk_filter.p_filter -> 'ids') x;
    end if;
    if parse_bulk_filter.p_filter ? 'cells' and jsonb_typeof(parse_bulk_filter.p_filter -> 'cells') <> 'null' then
      if jsonb_typeof(parse_bulk_filter.p_filter -> 'cells') <> 'array'
         or jsonb_array_length(parse_bulk_filter.p_filter -> 'cells') > 5000
         or exists (select 1 from jsonb_array_elements(parse_bulk_filter.p_filter -> 'cells') c
                     where jsonb_typeof(c) <> 'object' or not (c ? 'athlete_id' and c ? 'date')) then
        raise exception 'cells must be a list of at most 5,000 {athlete_id, date} pairs.' using errcode = 'PT422', hint = 'invalid_filter';
      end if;
      select coalesce(array_agg((x.c ->> 'athlete_id')::uuid order by x.o), '{}'),
             coalesce(array_agg((x.c ->> 'date')::date order by x.o), '{}')
        into parse_bulk_filter.cell_users, parse_bulk_filter.cell_dates
        from jsonb_array_elements(parse_bulk_filter.p_filter -> 'cells') with ordinality x (c, o);
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
  'Validates a bulk filter (organization_id, date_from, date_to, program_id, athlete_ids, status, kind, ids, cells) and checks the caller is staff of its organization; returns the parsed values (cells as two parallel lists).';

revoke all on function private.parse_bulk_filter(jsonb) from public, anon;
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
     and (f.kind is null or a.kind = f.kind)
     and (f.ids is null or a.id = any (f.ids))
     and (f.cell_users is null
          or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)));
end;
$$;

comment on function private.bulk_filter_ids(jsonb) is
  'The live assignments a bulk filter matches, after validating it and checking the caller is staff of its organization.';

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
       and (f.program_id is null or a.program_id = f.program_id
            or (a.program_id is null and a.user_id in (select private.program_member_ids(f.program_id))))
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
    perform private.write_audit(f.organization_id, 'assignment.bulk_published', 'workout_assignment', null,
      jsonb_build_object('filter', publish_filtered_assignments.p_filter, 'ids', to_jsonb(r.ids),
                         'count', cardinality(r.ids)),
      publish_filtered_assignments.p_batch_id);
  end if;
  return r.ids;
end;
$$;

create or replace function private.announce_assignment_moved(p_id uuid, p_from date)
returns void
language plpgsql
-- definer: writes the broadcast to realtime.messages, which no client role may write; it sends
-- only for a published cell of an organization where the caller is staff, and only to that
-- cell's athlete.
security definer
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
begin
  select * into v_row from public.workout_assignments a where a.id = announce_assignment_moved.p_id;
  if v_row.id is null or not v_row.published or v_row.deleted_at is not null
     or not private.is_staff(v_row.organization_id) then
    return;
  end if;
  perform realtime.send(
    jsonb_build_object('assignment_id', v_row.id, 'from', announce_assignment_moved.p_from, 'date', v_row.date),
    'assignment_moved', 'user:' || v_row.user_id::text, true);
end;
$$;

comment on function private.announce_assignment_moved(uuid, date) is
  'Tells a published cell''s athlete (user:<athlete>, assignment_moved) that staff moved it from p_from to its current day.';

revoke all on function private.announce_assignment_moved(uuid, date) from public, anon;
grant execute on function private.announce_assignment_moved(uuid, date) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.move_assignment(p_id uuid, p_date date, p_sort_order integer default null)
returns public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
  v_from date;
begin
  perform private.require_user();
  -- staff see every cell of their organization; for anyone else a cell they cannot move is one
  -- that does not exist
  select * into v_row from public.workout_assignments a
   where a.id = move_assignment.p_id and a.deleted_at is null
     and a.organization_id in (select private.organization_ids_for(array['owner', 'admin', 'coach']::public.membership_role[]))
   for update;
  if v_row.id is null then
    raise exception 'That assignment does not exist or you cannot change it.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.status <> 'assigned' then
    raise exception 'A % workout stays on the day it was done; reopen it first.', v_row.status
      using errcode = 'PT409', hint = 'assignment_closed';
  end if;
  if move_assignment.p_date is null then
    raise exception 'Choose the day to move it to.' using errcode = 'PT422', hint = 'invalid_date';
  end if;
  if move_assignment.p_sort_order is not null and move_assignment.p_sort_order not between 0 and 99 then
    raise exception 'The slot must be between 0 and 99.' using errcode = 'PT422', hint = 'invalid_sort_order';
  end if;
  perform private.check_assignment_payload(v_row.organization_id, v_row.kind, v_row.workout_id, v_row.note,
    move_assignment.p_date, v_row.program_id);
  v_from := v_row.date;
  if v_from = move_assignment.p_date
     and (move_assignment.p_sort_order is null or move_assignment.p_sort_order = v_row.sort_order) then
    return v_row;
  end if;

  update public.workout_assignments a
     set date = move_assignment.p_date,
         sort_order = coalesce(move_assignment.p_sort_order, a.sort_order),
         -- a morning-of draft drips at 05:00 of its (new) day in the athlete's zone
         publish_at = case when not a.published and a.publish_at is not null
                           then (move_assignment.p_date + time '05:00')
                                  at time zone private.athlete_time_zone(a.user_id, a.organization_id)
                           else a.publish_at end
   where a.id = v_row.id
  returning * into v_row;

  if v_row.published then
    perform private.announce_assignment_moved(v_row.id, v_from);
  end if;
  return v_row;
end;
$$;

comment on function public.move_assignment(uuid, date, integer) is
  'Moves a cell to another day (and optionally slot): staff of its organization only; completed or skipped cells stay put (assignment_closed, PT409); a morning-of draft''s drip time follows to 05:00 of the new day in the athlete''s zone; a published cell''s athlete gets assignment_moved on user:<athlete>. Errors: assignment_not_found (PT404), invalid_date / date_out_of_range / invalid_sort_order (PT422).';

revoke all on function public.move_assignment(uuid, date, integer) from public, anon;
grant execute on function public.move_assignment(uuid, date, integer) to authenticated;
