-- A fourth push category, `announcement`, for staff announcements (seed 000's announcement:new),
-- with its own toggle: notification_preferences.announcements_enabled (on unless turned off),
-- honoured by enqueue_notification and the set-based enqueue_notifications like the other three;
-- snooze, mutes (the author as sender_id, or the organization's announcements as
-- conversation_key) and quiet hours apply unchanged.
-- Touches: public.notification_preferences (new column), public.notification_outbox (category
-- check), private.enqueue_notification, private.enqueue_notifications.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.notification_preferences
  add column announcements_enabled boolean not null default true;

comment on column public.notification_preferences.announcements_enabled is
  'Push for announcements from staff (the feed shows them either way).';

alter table public.notification_outbox drop constraint notification_outbox_category_chk;
alter table public.notification_outbox add constraint notification_outbox_category_chk
  check (category in ('newMessage', 'newComment', 'workoutAssigned', 'announcement'));

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables; the preferences policies cover the new column)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.enqueue_notification(
  p_user_id uuid,
  p_category text,
  p_payload jsonb,
  p_collapse_key text default null,
  p_now timestamptz default now()
)
returns uuid
language plpgsql
-- definer: called by trigger and RPC bodies of any caller; writes the outbox no client may write.
security definer
set search_path = ''
as $$
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
  v_id uuid;
begin
  if enqueue_notification.p_category is null
     or enqueue_notification.p_category not in ('newMessage', 'newComment', 'workoutAssigned', 'announcement') then
    raise exception 'Unknown notification category "%".', enqueue_notification.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;

  -- The person, their preferences and whether a mute applies: one statement (three probes by
  -- key; a statement's executor start costs more than a probe).
  select p.id, p.deleted_at, p.time_zone,
         np.messages_enabled, np.comments_enabled, np.workouts_enabled, np.announcements_enabled, np.muted_until,
         np.quiet_hours_start, np.quiet_hours_end, np.time_zone,
         exists (
           select 1 from public.notification_mutes nm
            where nm.user_id = enqueue_notification.p_user_id
              and (nm.until is null or nm.until > enqueue_notification.p_now)
              and (nm.muted_user_id = case when v_sender ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                           then v_sender::uuid end
                   or nm.conversation_key = v_conversation))
    into v_profile.id, v_profile.deleted_at, v_profile.time_zone,
         v_prefs.messages_enabled, v_prefs.comments_enabled, v_prefs.workouts_enabled, v_prefs.announcements_enabled, v_prefs.muted_until,
         v_prefs.quiet_hours_start, v_prefs.quiet_hours_end, v_prefs.time_zone, v_muted
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
$$;

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
  judged as materialized (
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

-- Grants are unchanged: create or replace keeps the functions' privileges.

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
