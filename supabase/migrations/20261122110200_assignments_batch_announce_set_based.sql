-- Bulk publish of 10,000 drafts within 1 s (issue 6 benchmark: 1.3-1.5 s). Of that time the
-- UPDATE itself was about a quarter; the rest was announcing the batch:
--   - the announcer read every published row back by primary key (10,000 probes) although the
--     UPDATE had just returned them;
--   - every recipient with a notification preference or mute row went through
--     private.enqueue_notification one call at a time (a plpgsql call, four lookups and an insert
--     each); in a real organization that is most athletes, since turning on quiet hours or
--     switching a category off writes that row;
--   - the push payload came from a SQL function with a pinned search_path, which Postgres cannot
--     inline, once per row.
-- Now:
--   - private.enqueue_notifications applies the rules of private.enqueue_notification (category
--     switches, snooze, mutes by person or conversation, quiet hours in the person's zone, collapse
--     onto a waiting push with the same key, one wake-up) to a whole batch in set-based
--     statements. Both are kept: the single-row function is the cheapest path for one message;
--     pgTAP 123 runs the same cases through both and compares every outcome.
--   - a batch sends each athlete ONE push for what they got in it (private.
--     assignment_group_push_payload): a coach publishing five days to an athlete made their phone
--     buzz five times; now it says "5 new workouts" with the days and titles as the body and a
--     link to the week (one cell: as before, its title and a link to it). That is also 2,000
--     outbox rows instead of 10,000 for the benchmark's batch. The per-row trigger's
--     private.assignment_push_payload now calls it, so the payload is written once.
--   - private.announce_assignment_rows takes the rows as arrays (what the UPDATE returned) and
--     queues the pushes and the broadcasts; private.announce_published_assignments(ids) reads the
--     rows and calls it (template apply, set published by ids), and bulk publish passes the
--     UPDATE's RETURNING straight in.
-- Otherwise behaviour is unchanged: the same rules (pending, skipped with the same reasons,
-- deferred by quiet hours, collapsed), one broadcast per cell, one audit row.
-- Touches: private.enqueue_notifications (new), private.assignment_group_push_payload (new),
-- private.announce_assignment_rows (new), private.assignment_push_payload,
-- private.announce_published_assignments, private.publish_filtered_assignments.

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

create or replace function private.enqueue_notifications(
  p_category text,
  p_user_ids uuid[],
  p_payloads jsonb[],
  p_collapse_keys text[],
  p_now timestamptz default now()
)
returns integer
language plpgsql
-- definer: called by batch bodies of any caller; writes the outbox no client may write.
security definer
set search_path = ''
as $$
declare
  v_uuid constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  v_now timestamptz := coalesce(enqueue_notifications.p_now, pg_catalog.now());
  v_last uuid;
  v_pending integer;
begin
  if enqueue_notifications.p_category is null
     or enqueue_notifications.p_category not in ('newMessage', 'newComment', 'workoutAssigned') then
    raise exception 'Unknown notification category "%".', enqueue_notifications.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;
  if coalesce(cardinality(enqueue_notifications.p_user_ids), 0) = 0 then
    return 0;
  end if;
  if cardinality(enqueue_notifications.p_payloads) is distinct from cardinality(enqueue_notifications.p_user_ids)
     or cardinality(enqueue_notifications.p_collapse_keys) is distinct from cardinality(enqueue_notifications.p_user_ids) then
    raise exception 'Recipients, payloads and collapse keys must be lists of the same length.'
      using errcode = 'PT422', hint = 'invalid_batch';
  end if;

  with input as (
    select u.ord, u.user_id, coalesce(u.payload, '{}'::jsonb) as payload, u.collapse_key,
           coalesce(u.payload ->> 'conversation_key', u.collapse_key) as conversation,
           case when (u.payload ->> 'sender_id') ~ v_uuid then (u.payload ->> 'sender_id')::uuid end as sender_id,
           case when (u.payload ->> 'organization_id') ~ v_uuid then (u.payload ->> 'organization_id')::uuid end
             as organization_id
      from unnest(enqueue_notifications.p_user_ids, enqueue_notifications.p_payloads,
                  enqueue_notifications.p_collapse_keys) with ordinality u (user_id, payload, collapse_key, ord)
  ),
  judged as materialized (
    select i.ord, i.user_id, i.payload, i.collapse_key,
           case
             when pr.id is null or pr.deleted_at is not null then 'recipient_deleted'
             when (enqueue_notifications.p_category = 'newMessage' and not coalesce(np.messages_enabled, true))
               or (enqueue_notifications.p_category = 'newComment' and not coalesce(np.comments_enabled, true))
               or (enqueue_notifications.p_category = 'workoutAssigned' and not coalesce(np.workouts_enabled, true))
               then 'category_disabled'
             when np.muted_until is not null and np.muted_until > v_now then 'snoozed'
             when exists (
               select 1 from public.notification_mutes nm
                where nm.user_id = i.user_id
                  and (nm.until is null or nm.until > v_now)
                  and (nm.muted_user_id = i.sender_id or nm.conversation_key = i.conversation)) then 'muted'
           end as skip,
           case when np.quiet_hours_start is not null then
             private.quiet_hours_end(v_now,
               coalesce(np.time_zone, pr.time_zone,
                        (select o.time_zone from public.organizations o where o.id = i.organization_id), 'UTC'),
               np.quiet_hours_start, np.quiet_hours_end)
           end as quiet_end
      from input i
      left join public.profiles pr on pr.id = i.user_id
      left join public.notification_preferences np on np.user_id = i.user_id
  ),
  -- A newer event with the same collapse key replaces the one still waiting (within the batch
  -- too: the last one wins, as calling enqueue_notification in order would leave it).
  collapsing as (
    select distinct on (j.user_id, j.collapse_key) j.*
      from judged j
     where j.skip is null and j.collapse_key is not null
     order by j.user_id, j.collapse_key, j.ord desc
  ),
  updated as (
    update public.notification_outbox o
       set payload = c.payload, not_before = coalesce(c.quiet_end, v_now), created_at = v_now
      from collapsing c
     where o.id = (select o2.id from public.notification_outbox o2
                    where o2.user_id = c.user_id and o2.collapse_key = c.collapse_key and o2.status = 'pending'
                    order by o2.created_at desc limit 1)
       and o.status = 'pending'
    returning o.id, c.ord
  ),
  inserted as (
    insert into public.notification_outbox
      (user_id, category, payload, collapse_key, status, skip_reason, not_before, created_at)
    select j.user_id, enqueue_notifications.p_category, j.payload, j.collapse_key,
           (case when j.skip is null then 'pending' else 'skipped' end)::public.notification_status, j.skip,
           case when j.skip is null then coalesce(j.quiet_end, v_now) else v_now end, v_now
      from judged j
     where j.skip is not null
        or j.collapse_key is null
        or (j.ord in (select c.ord from collapsing c) and j.ord not in (select u.ord from updated u))
    returning id, status
  )
  select max(q.id::text)::uuid, count(*)::integer into v_last, v_pending
    from (select u.id from updated u
          union all
          select n.id from inserted n where n.status = 'pending') q;

  if v_last is not null then
    perform pg_catalog.pg_notify('notification_outbox', v_last::text);
  end if;
  return v_pending;
end;
$$;

comment on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) is
  'private.enqueue_notification for a batch: the i-th recipient gets the i-th payload and collapse key, with the same rules (category switches, snooze, mutes, quiet hours, collapse; the last of equal keys wins) in set-based statements and one wake-up. Returns how many pushes are waiting to be sent.';

revoke all on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz)
  from public, anon, authenticated;
grant execute on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) to service_role;

create or replace function private.assignment_group_push_payload(
  p_ids uuid[],
  p_organization_id uuid,
  p_dates date[],
  p_kinds public.assignment_kind[],
  p_assigned_by uuid,
  p_titles text[]
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  -- one cell: what it is and a link to it; several: how many, which days, a link to the week
  select case when count(*) = 1 then
           jsonb_build_object(
             'assignment_id', min(r.id::text)::uuid,
             'organization_id', assignment_group_push_payload.p_organization_id,
             'date', min(r.date),
             'kind', min(r.kind::text),
             'title', min(coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end)),
             'url', '/org/' || assignment_group_push_payload.p_organization_id::text
                    || '/assignments/' || min(r.id::text),
             'sender_id', assignment_group_push_payload.p_assigned_by)
         else
           jsonb_build_object(
             'assignment_ids', jsonb_agg(r.id order by r.date, r.ord),
             'organization_id', assignment_group_push_payload.p_organization_id,
             'date', min(r.date),
             'date_to', max(r.date),
             'count', count(*),
             'title', case when bool_and(r.kind = 'workout') then count(*) || ' new workouts'
                           else count(*) || ' new on your calendar' end,
             'body', string_agg(to_char(r.date, 'Dy FMDD Mon') || ': '
                                || coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end),
                                ' · ' order by r.date, r.ord),
             'url', '/org/' || assignment_group_push_payload.p_organization_id::text
                    || '/week?week=' || date_trunc('week', min(r.date))::date::text,
             'sender_id', assignment_group_push_payload.p_assigned_by)
         end
    from unnest(assignment_group_push_payload.p_ids, assignment_group_push_payload.p_dates,
                assignment_group_push_payload.p_kinds, assignment_group_push_payload.p_titles)
         with ordinality r (id, date, kind, title, ord);
$$;

comment on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[]) is
  'The workoutAssigned push for the cells one athlete just got in one go: for one cell its title and a link to it (assignment_id, kind, date); for several a count, the days with their titles as the body and a link to the week (assignment_ids, date .. date_to). The one definition of that payload.';

revoke all on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[])
  from public, anon;
grant execute on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[])
  to authenticated, service_role;

create or replace function private.assignment_push_payload(
  p_id uuid, p_organization_id uuid, p_date date, p_kind public.assignment_kind, p_assigned_by uuid, p_title text
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  select private.assignment_group_push_payload(array[assignment_push_payload.p_id],
           assignment_push_payload.p_organization_id, array[assignment_push_payload.p_date],
           array[assignment_push_payload.p_kind], assignment_push_payload.p_assigned_by,
           array[assignment_push_payload.p_title]);
$$;

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
-- definer: writes the outbox and realtime.messages, which no client role may write.
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
  -- notification listing them, not five), collapsing on the batch's first cell.
  select array_agg(g.user_id order by g.first), array_agg(g.payload order by g.first),
         array_agg(g.collapse_key order by g.first)
    into v_users, v_payloads, v_keys
    from (select r.user_id, min(r.ord) as first,
                 private.assignment_group_push_payload(array_agg(r.id order by r.ord), r.organization_id,
                   array_agg(r.date order by r.ord), array_agg(r.kind order by r.ord), min(r.assigned_by::text)::uuid,
                   array_agg(r.title order by r.ord)) as payload,
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
  'Announces published assignments given as parallel arrays (id, athlete, organization, date, kind, assigned by, snapshot workout): one workoutAssigned push per athlete for all their cells (private.assignment_group_push_payload) through private.enqueue_notifications, and one assignment_published broadcast per cell to user:<athlete>.';

revoke all on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[])
  from public, anon, authenticated;
grant execute on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[])
  to service_role;

create or replace function private.announce_published_assignments(p_ids uuid[])
returns integer
language plpgsql
-- definer: reads the rows and announces through private.announce_assignment_rows, which no
-- client may call.
security definer
set search_path = ''
set jit = off
as $$
declare
  r record;
begin
  select array_agg(a.id order by a.id) as ids, array_agg(a.user_id order by a.id) as users,
         array_agg(a.organization_id order by a.id) as orgs, array_agg(a.date order by a.id) as dates,
         array_agg(a.kind order by a.id) as kinds, array_agg(a.assigned_by order by a.id) as assigners,
         array_agg(a.snapshot_workout_id order by a.id) as snapshots
    into r
    from public.workout_assignments a
   where a.id = any (announce_published_assignments.p_ids)
     and a.published and a.deleted_at is null;
  return private.announce_assignment_rows(r.ids, r.users, r.orgs, r.dates, r.kinds, r.assigners, r.snapshots);
end;
$$;

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
