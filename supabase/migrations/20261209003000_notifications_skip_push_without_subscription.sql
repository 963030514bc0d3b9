-- notifications: a push for a person with no push subscription is recorded as skipped
-- (no_subscription) when it is queued, instead of waiting as pending for the worker to claim it
-- and find nobody to send it to.
-- Every DM send queued a pending newMessage row, woke the push worker with pg_notify, and the
-- worker then claimed the row (an UPDATE), found no subscription and finished it as skipped,
-- no_subscription (a second UPDATE): three writes and a wake-up for a push nobody can receive.
-- The outcome a person sees is the same as before (no push, the row ends skipped with reason
-- no_subscription), reached at once: one insert, no collapse probe, no NOTIFY, no worker work.
-- A person with at least one subscription is queued exactly as before. A push held by quiet
-- hours still waits as pending even without a subscription, so a device subscribed before the
-- quiet hours end still gets it, as before.
-- private.enqueue_notifications (the batch form bulk publishing and announcements use) applies
-- the same rule, so both still give the same outbox rows for the same cases.
-- Touches: private.enqueue_notification and private.enqueue_notifications (replaced: one more
-- probe, push_subscriptions by user_id, beside the reads of the person, their preferences and
-- mutes).

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

create or replace function private.enqueue_notification(p_user_id uuid, p_category text, p_payload jsonb,
                                                        p_collapse_key text default null,
                                                        p_now timestamptz default now())
returns uuid
language plpgsql
security definer
set search_path = ''
as $_$
declare
  v_prefs public.notification_preferences;
  v_profile public.profiles;
  v_payload jsonb := coalesce(enqueue_notification.p_payload, '{}'::jsonb);
  v_time_zone text;
  v_skip text;
  v_not_before timestamptz := enqueue_notification.p_now;
  v_quiet_end timestamptz;
  v_sender text := v_payload ->> 'sender_id';
  v_conversation text := coalesce(v_payload ->> 'conversation_key', enqueue_notification.p_collapse_key);
  v_muted boolean;
  v_subscribed boolean;
  v_id uuid;
begin
  if enqueue_notification.p_category is null
     or enqueue_notification.p_category not in ('newMessage', 'newComment', 'workoutAssigned', 'announcement') then
    raise exception 'Unknown notification category "%".', enqueue_notification.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;

  -- The person, their preferences, whether a mute applies and whether any device of theirs can
  -- receive a push: one statement (four probes by key; a statement's executor start costs more
  -- than a probe).
  select p.id, p.deleted_at, p.time_zone,
         np.messages_enabled, np.comments_enabled, np.workouts_enabled, np.announcements_enabled, np.muted_until,
         np.quiet_hours_start, np.quiet_hours_end, np.time_zone,
         exists (
           select 1 from public.notification_mutes nm
            where nm.user_id = enqueue_notification.p_user_id
              and (nm.until is null or nm.until > enqueue_notification.p_now)
              and (nm.muted_user_id = case when v_sender ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                           then v_sender::uuid end
                   or nm.conversation_key = v_conversation)),
         exists (select 1 from public.push_subscriptions ps where ps.user_id = enqueue_notification.p_user_id)
    into v_profile.id, v_profile.deleted_at, v_profile.time_zone,
         v_prefs.messages_enabled, v_prefs.comments_enabled, v_prefs.workouts_enabled, v_prefs.announcements_enabled, v_prefs.muted_until,
         v_prefs.quiet_hours_start, v_prefs.quiet_hours_end, v_prefs.time_zone, v_muted,
         v_subscribed
    from (select 1) as one
    left join public.profiles p on p.id = enqueue_notification.p_user_id
    left join public.notification_preferences np on np.user_id = enqueue_notification.p_user_id;

  if v_profile.id is null or v_profile.deleted_at is not null then
    v_skip := 'recipient_deleted';
  elsif (enqueue_notification.p_category = 'newMessage' and not coalesce(v_prefs.messages_enabled, true))
     or (enqueue_notification.p_category = 'newComment' and not coalesce(v_prefs.comments_enabled, true))
     or (enqueue_notification.p_category = 'workoutAssigned' and not coalesce(v_prefs.workouts_enabled, true))
     or (enqueue_notification.p_category = 'announcement' and not coalesce(v_prefs.announcements_enabled, true)) then
    v_skip := 'category_disabled';
  elsif v_prefs.muted_until is not null and v_prefs.muted_until > enqueue_notification.p_now then
    v_skip := 'snoozed';
  elsif v_muted then
    v_skip := 'muted';
  end if;

  if v_skip is not null then
    insert into public.notification_outbox (user_id, category, payload, collapse_key, status, skip_reason)
    values (enqueue_notification.p_user_id, enqueue_notification.p_category, v_payload,
            enqueue_notification.p_collapse_key, 'skipped', v_skip)
    returning id into v_id;
    return v_id;
  end if;

  -- Quiet hours defer the push; without them (start and end are set together) there is no zone
  -- to look up.
  if v_prefs.quiet_hours_start is not null then
    v_time_zone := coalesce(
      v_prefs.time_zone,
      v_profile.time_zone,
      (select o.time_zone from public.organizations o
        where (v_payload ->> 'organization_id') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          and o.id = (v_payload ->> 'organization_id')::uuid),
      'UTC');
    v_quiet_end := private.quiet_hours_end(enqueue_notification.p_now, v_time_zone,
                                           v_prefs.quiet_hours_start, v_prefs.quiet_hours_end);
    if v_quiet_end is not null then
      v_not_before := v_quiet_end;
    end if;
  end if;

  -- Nobody's device can receive it: record it as the worker would after claiming it
  -- (skipped, no_subscription) instead of queueing it, waking the worker and having it claim and
  -- finish the row. A push held by quiet hours still waits: a device subscribed before they end
  -- gets it, as before.
  if not v_subscribed and v_not_before <= enqueue_notification.p_now then
    insert into public.notification_outbox (user_id, category, payload, collapse_key, status, skip_reason,
                                            not_before, created_at)
    values (enqueue_notification.p_user_id, enqueue_notification.p_category, v_payload,
            enqueue_notification.p_collapse_key, 'skipped', 'no_subscription', enqueue_notification.p_now,
            enqueue_notification.p_now)
    returning id into v_id;
    return v_id;
  end if;

  -- A newer event with the same collapse key replaces the one still waiting.
  if enqueue_notification.p_collapse_key is not null then
    update public.notification_outbox o
       set payload = v_payload, not_before = v_not_before, created_at = enqueue_notification.p_now
     where o.id = (select o2.id from public.notification_outbox o2
                    where o2.user_id = enqueue_notification.p_user_id
                      and o2.collapse_key = enqueue_notification.p_collapse_key
                      and o2.status = 'pending'
                    order by o2.created_at desc limit 1
                    for update skip locked)
    returning o.id into v_id;
  end if;

  if v_id is null then
    insert into public.notification_outbox (user_id, category, payload, collapse_key, not_before, created_at)
    values (enqueue_notification.p_user_id, enqueue_notification.p_category, v_payload,
            enqueue_notification.p_collapse_key, v_not_before, enqueue_notification.p_now)
    returning id into v_id;
  end if;

  perform pg_catalog.pg_notify('notification_outbox', v_id::text);
  return v_id;
end;
$_$;

comment on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) is
  'Queues a push for a person, honouring category toggles, snooze, mutes (payload sender_id / conversation_key) and quiet hours (deferred via not_before); wakes the worker with pg_notify. A person without any push subscription gets the row skipped (no_subscription) at once, unless quiet hours defer it. p_now exists for tests: functions with search_path '''' cannot see a frozen now().';

revoke all on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) from public;
grant execute on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) to service_role;

create or replace function private.enqueue_notifications(p_category text, p_user_ids uuid[], p_payloads jsonb[],
                                                         p_collapse_keys text[], p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $_$
declare
  v_uuid constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  v_now timestamptz := coalesce(enqueue_notifications.p_now, pg_catalog.now());
  v_last uuid;
  v_pending integer;
begin
  if enqueue_notifications.p_category is null
     or enqueue_notifications.p_category not in ('newMessage', 'newComment', 'workoutAssigned', 'announcement') then
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
  judged_rules as materialized (
    select i.ord, i.user_id, i.payload, i.collapse_key,
           case
             when pr.id is null or pr.deleted_at is not null then 'recipient_deleted'
             when (enqueue_notifications.p_category = 'newMessage' and not coalesce(np.messages_enabled, true))
               or (enqueue_notifications.p_category = 'newComment' and not coalesce(np.comments_enabled, true))
               or (enqueue_notifications.p_category = 'workoutAssigned' and not coalesce(np.workouts_enabled, true))
               or (enqueue_notifications.p_category = 'announcement' and not coalesce(np.announcements_enabled, true))
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
           end as quiet_end,
           exists (select 1 from public.push_subscriptions ps where ps.user_id = i.user_id) as subscribed
      from input i
      left join public.profiles pr on pr.id = i.user_id
      left join public.notification_preferences np on np.user_id = i.user_id
  ),
  -- Nobody's device can receive it and quiet hours do not hold it: skipped (no_subscription) at
  -- once, as private.enqueue_notification records it.
  judged as materialized (
    select r.ord, r.user_id, r.payload, r.collapse_key,
           coalesce(r.skip, case when not r.subscribed and coalesce(r.quiet_end, v_now) <= v_now
                                 then 'no_subscription' end) as skip,
           r.quiet_end
      from judged_rules r
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
$_$;

comment on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) is
  'private.enqueue_notification for a batch: the i-th recipient gets the i-th payload and collapse key, with the same rules (category switches, snooze, mutes, quiet hours, no subscription, collapse; the last of equal keys wins) in set-based statements and one wake-up. Returns how many pushes are waiting to be sent.';

revoke all on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) from public;
grant execute on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) to service_role;
