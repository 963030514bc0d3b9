-- Batch speed for the large-organization benchmark (issue 5/6: 2,000 athletes x 180 days).
-- (1) Publishing 10,000 drafts took ~25 s: every row fired the announce trigger, i.e. one
--     enqueue_notification and one realtime.send each, and `a.id = any (v_ids)` with a
--     10,000-element array scanned the table. Batches (bulk publish, set published, the drip
--     publisher) now mark the transaction `coachline.assignment_announce_deferred`, update
--     through a join on the id list, and announce all their rows at once through
--     private.announce_published_assignments: one set-based insert into the outbox and one into
--     realtime.messages, one pg_notify to wake the push worker. Recipients whose push needs the
--     full rules (notification preferences, mutes, a pending push with the same collapse key, a
--     deleted profile) still go one by one through private.enqueue_notification, so no rule is
--     written twice: the set-based path is exactly enqueue_notification's "nothing applies" case.
-- (2) coach_overview took ~1-2.5 s: profile and membership RLS per roster row and a per-athlete
--     scan for the last completion. Its body moves to a private definer function that checks
--     staff first, aggregates per day before joining the roster, and finds the last completion
--     with one probe of a new partial index.
-- (3) bulk_delete_assignments updated through `= any (v_ids)` too: now a join.
-- Touches: private.announce_published_assignments, private.assignment_push_payload,
-- private.trigger_announce_published_assignment, private.coach_overview_for_staff,
-- private.publish_due_assignments, public.bulk_publish_assignments,
-- public.bulk_delete_assignments, public.set_assignments_published, public.coach_overview;
-- index workout_assignments_last_completed_idx.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- The coach overview's "last completed" per athlete: one probe instead of a scan.
create index workout_assignments_last_completed_idx
  on public.workout_assignments (organization_id, user_id, completed_at desc)
  where status = 'completed' and deleted_at is null;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.assignment_push_payload(
  p_id uuid, p_organization_id uuid, p_date date, p_kind public.assignment_kind, p_assigned_by uuid, p_title text
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'assignment_id', assignment_push_payload.p_id,
    'organization_id', assignment_push_payload.p_organization_id,
    'date', assignment_push_payload.p_date,
    'kind', assignment_push_payload.p_kind,
    'title', coalesce(assignment_push_payload.p_title,
                      case assignment_push_payload.p_kind when 'rest' then 'Rest day' else 'Note from your coach' end),
    'url', '/app/assignments/' || assignment_push_payload.p_id::text,
    'sender_id', assignment_push_payload.p_assigned_by);
$$;

comment on function private.assignment_push_payload(uuid, uuid, date, public.assignment_kind, uuid, text) is
  'The workoutAssigned push payload, shared by the per-row trigger and the batch announcer.';

create or replace function private.announce_published_assignments(p_ids uuid[])
returns integer
language plpgsql
-- definer: writes the outbox and realtime.messages, which no client role may write.
security definer
set search_path = ''
as $$
declare
  v_row record;
  v_last uuid;
  v_count integer;
begin
  create temp table if not exists pg_temp.announce_rows (
    id uuid, user_id uuid, organization_id uuid, date date, kind public.assignment_kind, assigned_by uuid,
    title text, full_rules boolean
  ) on commit drop;
  truncate pg_temp.announce_rows;
  insert into pg_temp.announce_rows
  select a.id, a.user_id, a.organization_id, a.date, a.kind, a.assigned_by, w.title,
         (pr.id is null or pr.deleted_at is not null
          or exists (select 1 from public.notification_preferences np where np.user_id = a.user_id)
          or exists (select 1 from public.notification_mutes nm where nm.user_id = a.user_id)
          or exists (select 1 from public.notification_outbox o
                      where o.user_id = a.user_id and o.collapse_key = 'assignment:' || a.id::text
                        and o.status = 'pending'))
    from public.workout_assignments a
    left join public.workouts w on w.id = a.snapshot_workout_id
    left join public.profiles pr on pr.id = a.user_id
   where a.id in (select unnest(announce_published_assignments.p_ids))
     and a.published and a.deleted_at is null;
  get diagnostics v_count = row_count;

  -- The full rules, one by one, for recipients where any of them applies.
  for v_row in select * from pg_temp.announce_rows r where r.full_rules loop
    perform private.enqueue_notification(v_row.user_id, 'workoutAssigned',
      private.assignment_push_payload(v_row.id, v_row.organization_id, v_row.date, v_row.kind, v_row.assigned_by, v_row.title),
      'assignment:' || v_row.id::text);
  end loop;

  -- Everyone else: a pending push due now (what enqueue_notification writes when nothing applies).
  with queued as (
    insert into public.notification_outbox (user_id, category, payload, collapse_key, not_before, created_at)
    select r.user_id, 'workoutAssigned',
           private.assignment_push_payload(r.id, r.organization_id, r.date, r.kind, r.assigned_by, r.title),
           'assignment:' || r.id::text, pg_catalog.now(), pg_catalog.now()
      from pg_temp.announce_rows r where not r.full_rules
    returning id
  )
  select max(q.id::text)::uuid into v_last from queued q;
  if v_last is not null then
    perform pg_catalog.pg_notify('notification_outbox', v_last::text);
  end if;

  -- The broadcast realtime.send would make, one row per assignment.
  insert into realtime.messages (id, payload, event, topic, private, extension)
  select x.message_id, jsonb_build_object('assignment_id', x.id, 'date', x.date, 'id', x.message_id),
         'assignment_published', 'user:' || x.user_id::text, true, 'broadcast'
    from (select gen_random_uuid() as message_id, r.id, r.date, r.user_id from pg_temp.announce_rows r) x;

  truncate pg_temp.announce_rows;
  return v_count;
end;
$$;

comment on function private.announce_published_assignments(uuid[]) is
  'Batch side effects of publishing: a workoutAssigned push per live row (set-based when no notification rule applies, else through enqueue_notification) and an assignment_published broadcast on user:<athlete>.';

revoke all on function private.announce_published_assignments(uuid[]) from public, anon, authenticated;
grant execute on function private.announce_published_assignments(uuid[]) to service_role;

create or replace function private.publish_assignment_ids(p_ids uuid[])
returns uuid[]
language plpgsql
-- definer: announces through private.announce_published_assignments, which clients may not call;
-- it checks itself that the caller is staff of every row's organization.
security definer
set search_path = ''
as $$
declare
  v_changed uuid[];
begin
  -- The callers checked already; checked again because this one runs as definer.
  if exists (select 1 from public.workout_assignments a
              where a.id in (select unnest(publish_assignment_ids.p_ids))
                and a.organization_id not in (select private.staff_organization_ids())) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
      from (select distinct unnest(publish_assignment_ids.p_ids) as id) i
     where a.id = i.id and not a.published
    returning a.id
  )
  select coalesce(array_agg(c.id), '{}') into v_changed from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  perform private.announce_published_assignments(v_changed);
  return v_changed;
end;
$$;

comment on function private.publish_assignment_ids(uuid[]) is
  'Publishes the listed drafts in one statement and announces them as a batch; returns the ids that changed.';

revoke all on function private.publish_assignment_ids(uuid[]) from public, anon;
grant execute on function private.publish_assignment_ids(uuid[]) to authenticated, service_role;

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
  -- A batch announces its rows itself, once, after its update.
  if coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') = 'on' then
    return new;
  end if;
  select w.title into v_title from public.workouts w where w.id = new.snapshot_workout_id;
  perform private.enqueue_notification(
    new.user_id,
    'workoutAssigned',
    private.assignment_push_payload(new.id, new.organization_id, new.date, new.kind, new.assigned_by, v_title),
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
  'When an assignment becomes published (insert or flip): queue a workoutAssigned push and broadcast assignment_published to user:<athlete>; batches defer to private.announce_published_assignments.';

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers (continued)
-- =============================================================================================

create or replace function private.publish_due_assignments(p_now timestamptz default now())
returns integer
language plpgsql
-- definer: run by pg_cron for every organization; no person is behind it.
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with due as (
    select a.id from public.workout_assignments a
     where not a.published and a.publish_at is not null
       and a.publish_at <= coalesce(publish_due_assignments.p_now, pg_catalog.now())
       and a.deleted_at is null
     order by a.publish_at
     for update skip locked
  ),
  changed as (
    update public.workout_assignments a set published = true
      from due where a.id = due.id and not a.published
    returning a.id
  )
  select coalesce(array_agg(c.id), '{}') into v_ids from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  perform private.announce_published_assignments(v_ids);
  return cardinality(v_ids);
end;
$$;

comment on function private.publish_due_assignments(timestamptz) is
  'The drip publisher: publishes every due draft (publish_at <= p_now) and announces them as one batch; safe when runs overlap (skip locked) and idempotent. Called every minute by cron job publish-due-assignments.';

revoke all on function private.publish_due_assignments(timestamptz) from public, anon, authenticated;
grant execute on function private.publish_due_assignments(timestamptz) to service_role;

create or replace function private.coach_overview_for_staff(p_organization_id uuid, p_as_of timestamptz)
returns jsonb
language plpgsql
stable
-- definer: checks the caller is staff of the organization first, then reads its roster and
-- cells without evaluating the profile, membership and assignment policies row by row (staff may
-- read all of them anyway).
security definer
set search_path = ''
as $$
declare
  v_as_of timestamptz := coalesce(coach_overview_for_staff.p_as_of, pg_catalog.now());
  v_today date;
  v_from date;
  v_result jsonb;
begin
  perform private.require_staff(coach_overview_for_staff.p_organization_id);
  select (v_as_of at time zone o.time_zone)::date into v_today
    from public.organizations o where o.id = coach_overview_for_staff.p_organization_id;
  v_from := v_today - 6;

  with athletes as materialized (
    select m.user_id, p.display_name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  per_day as materialized (
    select a.user_id, a.date,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped,
           (count(*) filter (where a.status = 'assigned' and a.date < v_today))::integer as overdue
      from public.workout_assignments a
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by a.user_id, a.date
  ),
  per_athlete as (
    select d.user_id, sum(d.planned)::integer as planned, sum(d.completed)::integer as completed,
           sum(d.skipped)::integer as skipped, sum(d.overdue)::integer as overdue,
           jsonb_object_agg(d.date::text, jsonb_build_array(d.planned, d.completed, d.skipped)) as by_day
      from per_day d group by d.user_id
  ),
  rated as (
    select ath.user_id, ath.display_name,
           coalesce(pa.planned, 0) as planned, coalesce(pa.completed, 0) as completed,
           coalesce(pa.skipped, 0) as skipped, coalesce(pa.overdue, 0) as overdue,
           case when coalesce(pa.planned, 0) = 0 then null
                else round(100.0 * pa.completed / pa.planned)::integer end as compliance,
           case
             when coalesce(pa.planned, 0) = 0 then 'quiet'
             when pa.overdue >= 2 then 'overdue'
             when pa.overdue = 1 or 100.0 * pa.completed / pa.planned < 70 then 'at_risk'
             else 'on_track'
           end as light,
           (select a.completed_at from public.workout_assignments a
             where a.organization_id = coach_overview_for_staff.p_organization_id and a.user_id = ath.user_id
               and a.status = 'completed' and a.deleted_at is null
             order by a.completed_at desc limit 1) as last_completed_at,
           (select jsonb_agg(jsonb_build_object(
                     'date', g.day,
                     'planned', coalesce((pa.by_day -> g.day::text ->> 0)::integer, 0),
                     'completed', coalesce((pa.by_day -> g.day::text ->> 1)::integer, 0),
                     'skipped', coalesce((pa.by_day -> g.day::text ->> 2)::integer, 0)) order by g.day)
              from (select v_from + i as day from generate_series(0, 6) i) g) as sparkline
      from athletes ath left join per_athlete pa on pa.user_id = ath.user_id
  )
  select jsonb_build_object(
           'as_of', v_as_of,
           'window', jsonb_build_object('from', v_from, 'to', v_today),
           'kpis', jsonb_build_object(
             'active_athletes', (select count(*) from athletes),
             'planned', coalesce(sum(x.planned), 0),
             'completed', coalesce(sum(x.completed), 0),
             'skipped', coalesce(sum(x.skipped), 0),
             'overdue', coalesce(sum(x.overdue), 0),
             'compliance_pct', case when coalesce(sum(x.planned), 0) = 0 then null
                                    else round(100.0 * sum(x.completed) / sum(x.planned))::integer end),
           'roster', coalesce(jsonb_agg(jsonb_build_object(
             'user_id', x.user_id, 'display_name', x.display_name, 'planned', x.planned,
             'completed', x.completed, 'skipped', x.skipped, 'overdue', x.overdue,
             'compliance_pct', x.compliance, 'status', x.light, 'last_completed_at', x.last_completed_at,
             'sparkline', x.sparkline) order by x.display_name, x.user_id), '[]'::jsonb))
    into v_result
    from rated x;
  return v_result;
end;
$$;

comment on function private.coach_overview_for_staff(uuid, timestamptz) is
  'Body of public.coach_overview: staff only (checked first); see that function for the KPIs and traffic-light thresholds.';

revoke all on function private.coach_overview_for_staff(uuid, timestamptz) from public, anon;
grant execute on function private.coach_overview_for_staff(uuid, timestamptz) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.coach_overview(p_organization_id uuid, p_as_of timestamptz default now())
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.coach_overview_for_staff(coach_overview.p_organization_id, coach_overview.p_as_of);
$$;

comment on function public.coach_overview(uuid, timestamptz) is
  'Coach overview as of p_as_of over the 7 days ending today in the organization''s zone (published workout cells only): KPIs (active athletes, planned, completed, skipped, overdue, compliance % = completed / planned) and a roster row per member with a 7-day sparkline (planned/completed/skipped per day). Traffic light: quiet = nothing planned in the window; overdue = 2 or more cells dated before today still assigned; at_risk = exactly 1 such cell, or compliance below 70%; on_track = otherwise.';

revoke all on function public.coach_overview(uuid, timestamptz) from public, anon;
grant execute on function public.coach_overview(uuid, timestamptz) to authenticated;

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
  v_ids := private.publish_assignment_ids(v_ids);
  perform private.end_assignment_batch();
  perform private.audit_assignment_batch((bulk_publish_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_published', v_batch_id, v_ids, jsonb_build_object('filter', bulk_publish_assignments.p_filter));
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
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select private.bulk_filter_ids(bulk_delete_assignments.p_filter))
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

revoke all on function public.bulk_publish_assignments(jsonb), public.bulk_delete_assignments(jsonb) from public, anon;
grant execute on function public.bulk_publish_assignments(jsonb), public.bulk_delete_assignments(jsonb) to authenticated;

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
    from public.workout_assignments a where a.id in (select unnest(v_ids));
  if (select count(*) from public.workout_assignments a where a.id in (select unnest(v_ids)) and a.deleted_at is null)
     <> cardinality(v_ids) then
    raise exception 'Some assignments were not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  foreach v_org in array v_orgs loop
    perform private.require_staff(v_org);
  end loop;

  v_batch_id := private.begin_assignment_batch();
  if set_assignments_published.p_published then
    v_changed := private.publish_assignment_ids(v_ids);
  else
    with changed as (
      update public.workout_assignments a set published = false
        from (select unnest(v_ids) as id) i
       where a.id = i.id and a.published
      returning a.id
    )
    select coalesce(array_agg(c.id), '{}') into v_changed from changed c;
  end if;
  perform private.end_assignment_batch();

  foreach v_org in array v_orgs loop
    if exists (select 1 from public.workout_assignments a where a.id in (select unnest(v_changed)) and a.organization_id = v_org) then
      perform private.audit_assignment_batch(v_org,
        case when set_assignments_published.p_published then 'assignment.published' else 'assignment.unpublished' end,
        v_batch_id,
        array(select a.id from public.workout_assignments a where a.id in (select unnest(v_changed)) and a.organization_id = v_org));
    end if;
  end loop;
  return coalesce(cardinality(v_changed), 0);
end;
$$;

comment on function public.set_assignments_published(uuid[], boolean) is
  'Staff publish or unpublish a list of assignments; rows already in that state are left alone (a clean no-op). Returns how many changed.';

revoke all on function public.set_assignments_published(uuid[], boolean) from public, anon;
grant execute on function public.set_assignments_published(uuid[], boolean) to authenticated;
