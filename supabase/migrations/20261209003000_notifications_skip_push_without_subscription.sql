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
-- Touches: private.enqueue_notification (replaced: one more probe, push_subscriptions by user_id,
-- in the statement that already reads the person, their preferences and mutes).

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
    insert into public.notification_outbox (user_id, category, payload, collapse_key, status, skip_reason, created_at)
    values (enqueue_notification.p_user_id, enqueue_notification.p_category, v_payload,
            enqueue_notification.p_collapse_key, 'skipped', 'no_subscription', enqueue_notification.p_now)
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
