-- assignments: a batch publish builds its pushes in one grouped statement and sorts its rows once.
-- Profiling a bulk publish of 10,950 drafts (track_functions, auto_explain with nested
-- statements) after migration 20261208001100: besides the UPDATE itself (as costly as a bare
-- UPDATE ... SET published = true of the same rows), private.assignment_group_push_payload was
-- called once per athlete (1,997 calls, ~20 % of the announcement), each a separate SQL function
-- execution with its own search_path that unnests and aggregates its arrays again; and
-- private.publish_filtered_assignments sorted the 10,950 returned rows seven times (one ORDER BY
-- per array_agg).
-- Now announce_assignment_rows computes each athlete's payload inside the statement that groups
-- the batch by athlete (the same fields, texts and order as assignment_group_push_payload, which
-- stays the one-cell shape for the per-row trigger; pgTAP 510 checks both give the same payload),
-- and publish_filtered_assignments sorts the returned rows once, by id, before aggregating them.
-- Pushes, broadcasts (still one per cell), audit row and return value are unchanged.
-- Touches: private.announce_assignment_rows, private.publish_filtered_assignments (replaced).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.announce_assignment_rows(
  p_ids uuid[],
  p_user_ids uuid[],
  p_organization_ids uuid[],
  p_dates date[],
  p_kinds public.assignment_kind[],
  p_assigned_by uuid[],
  p_snapshot_workout_ids uuid[]
)
returns integer
language plpgsql
-- definer: writes the push outbox and realtime.messages, which the publishing staff member may
-- not write directly.
security definer
set search_path = ''
as $$
declare
  v_titles text[];
  v_users uuid[];
  v_payloads jsonb[];
  v_keys text[];
begin
  if coalesce(cardinality(announce_assignment_rows.p_ids), 0) = 0 then
    return 0;
  end if;
  select array_agg(w.title order by r.ord) into v_titles
    from unnest(announce_assignment_rows.p_snapshot_workout_ids) with ordinality r (workout_id, ord)
    left join public.workouts w on w.id = r.workout_id;

  -- One push per athlete for what they got in this batch (five days published at once is one
  -- notification listing them, not five), collapsing on the batch's first cell. The payload is
  -- private.assignment_group_push_payload's, computed here by the grouping itself rather than
  -- by one function call per athlete: one cell says what it is and links to it; several say how
  -- many, which days, and link to the week.
  select array_agg(g.user_id order by g.first), array_agg(g.payload order by g.first),
         array_agg(g.collapse_key order by g.first)
    into v_users, v_payloads, v_keys
    from (select r.user_id, min(r.ord) as first,
                 case when count(*) = 1 then
                   jsonb_build_object(
                     'assignment_id', min(r.id::text)::uuid,
                     'organization_id', r.organization_id,
                     'date', min(r.date),
                     'kind', min(r.kind::text),
                     'title', min(coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end)),
                     'url', '/org/' || r.organization_id::text || '/assignments/' || min(r.id::text),
                     'sender_id', min(r.assigned_by::text)::uuid)
                 else
                   jsonb_build_object(
                     'assignment_ids', jsonb_agg(r.id order by r.date, r.ord),
                     'organization_id', r.organization_id,
                     'date', min(r.date),
                     'date_to', max(r.date),
                     'count', count(*),
                     'title', case when bool_and(r.kind = 'workout') then count(*) || ' new workouts'
                                   else count(*) || ' new on your calendar' end,
                     'body', string_agg(to_char(r.date, 'Dy FMDD Mon') || ': '
                                        || coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end),
                                        ' · ' order by r.date, r.ord),
                     'url', '/org/' || r.organization_id::text
                            || '/week?week=' || date_trunc('week', min(r.date))::date::text,
                     'sender_id', min(r.assigned_by::text)::uuid)
                 end as payload,
                 case when count(*) = 1 then 'assignment:' || min(r.id::text)
                      else 'assignments:' || min(r.id::text) end as collapse_key
            from unnest(announce_assignment_rows.p_ids, announce_assignment_rows.p_user_ids,
                        announce_assignment_rows.p_organization_ids, announce_assignment_rows.p_dates,
                        announce_assignment_rows.p_kinds, announce_assignment_rows.p_assigned_by, v_titles)
                 with ordinality r (id, user_id, organization_id, date, kind, assigned_by, title, ord)
           group by r.user_id, r.organization_id) g;
  perform private.enqueue_notifications('workoutAssigned', v_users, v_payloads, v_keys);

  -- The broadcast realtime.send would make, one row per assignment.
  insert into realtime.messages (id, payload, event, topic, private, extension)
  select x.message_id, jsonb_build_object('assignment_id', x.id, 'date', x.date, 'id', x.message_id),
         'assignment_published', 'user:' || x.user_id::text, true, 'broadcast'
    from (select gen_random_uuid() as message_id, r.id, r.date, r.user_id
            from unnest(announce_assignment_rows.p_ids, announce_assignment_rows.p_dates,
                        announce_assignment_rows.p_user_ids) r (id, date, user_id)) x;

  return cardinality(announce_assignment_rows.p_ids);
end;
$$;

comment on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[]) is
  'Announces published assignments given as parallel arrays (id, athlete, organization, date, kind, assigned by, snapshot workout): one workoutAssigned push per athlete for all their cells (the payload of private.assignment_group_push_payload, built in the grouping statement) through private.enqueue_notifications, and one assignment_published broadcast per cell to user:<athlete>.';

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
  -- updated_at in the statement: the per-row updated_at trigger then skips every row. The
  -- returned rows are sorted once, by id, and aggregated in that order.
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
  select coalesce(array_agg(c.id), '{}') as ids, array_agg(c.user_id) as users,
         array_agg(c.organization_id) as orgs, array_agg(c.date) as dates,
         array_agg(c.kind) as kinds, array_agg(c.assigned_by) as assigners,
         array_agg(c.snapshot_workout_id) as snapshots
    into r
    from (select * from changed order by changed.id) c;
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

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: signatures unchanged)
