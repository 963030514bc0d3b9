-- Notifications: a person's push subscriptions (one per browser/device), their preferences
-- (per-category toggles, quiet hours, time zone, a global snooze) and mutes (a person or a
-- conversation), and the transactional outbox the push worker drains. Later features call
-- private.enqueue_notification() in the same transaction as the message or assignment; it
-- applies the preferences and wakes the worker with pg_notify('notification_outbox', id).
-- Touches: public.push_subscriptions, public.notification_preferences, public.notification_mutes,
-- public.notification_outbox.
--
-- Push delivery: how any number of workers claim outbox rows without sending one twice at the
-- same time (FOR UPDATE SKIP LOCKED plus a lease, so a worker killed mid-batch loses nothing:
-- its rows are claimed again once the lease runs out), how they record each outcome with
-- exponential backoff, and the counts they report. Delivery is at least once.
-- Touches: public.notification_outbox, public.push_subscriptions (through these functions only).
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- enqueue_notification reads the recipient, their preferences and whether a mute applies in one
-- statement instead of three (issue 7 benchmark: sends per second; a send runs ~22 statements and
-- each statement's executor start costs more than the key probes inside it). Same rules, same
-- order of reasons (recipient_deleted, category_disabled, snoozed, muted), same outbox rows; the
-- mute probe now casts the payload's sender only when it is a uuid (a CASE, so the cast can never
-- be evaluated first). pgTAP 123 compares it with the batch rule case by case.

-- =============================================================================================
-- types
-- =============================================================================================

create type public.notification_status as enum ('pending', 'sending', 'sent', 'failed', 'skipped');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id),
  endpoint text not null,
  p256dh text not null,
  auth text not null,
  user_agent text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  constraint push_subscriptions_endpoint_key unique (endpoint),
  constraint push_subscriptions_endpoint_chk check (endpoint ~ '^https://' and char_length(endpoint) <= 2048),
  constraint push_subscriptions_keys_chk check (char_length(p256dh) between 1 and 256 and char_length(auth) between 1 and 256),
  constraint push_subscriptions_user_agent_chk check (user_agent is null or char_length(user_agent) <= 500)
);

create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);

comment on table public.push_subscriptions is 'Web push endpoints of a person''s browsers; the worker deletes those that answer 404/410.';

create table public.notification_preferences (
  user_id uuid primary key references public.profiles (id),
  messages_enabled boolean not null default true,
  comments_enabled boolean not null default true,
  workouts_enabled boolean not null default true,
  quiet_hours_start time,
  quiet_hours_end time,
  time_zone text,
  muted_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_preferences_quiet_hours_chk
    check ((quiet_hours_start is null) = (quiet_hours_end is null)
           and (quiet_hours_start is null or quiet_hours_start <> quiet_hours_end)),
  constraint notification_preferences_time_zone_chk check (private.is_valid_time_zone(time_zone))
);

comment on table public.notification_preferences is
  'Per-person push settings; no row means everything on, no quiet hours. Quiet hours are local to time_zone (else the profile''s, else the organization''s, else UTC).';

create table public.notification_mutes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id),
  muted_user_id uuid references public.profiles (id),
  conversation_key text,
  until timestamptz,
  created_at timestamptz not null default now(),
  constraint notification_mutes_target_chk check (num_nonnulls(muted_user_id, conversation_key) = 1),
  constraint notification_mutes_not_self_chk check (muted_user_id is distinct from user_id),
  constraint notification_mutes_conversation_key_chk
    check (conversation_key is null or char_length(conversation_key) between 1 and 200)
);

create unique index notification_mutes_user_person_idx on public.notification_mutes (user_id, muted_user_id)
  where muted_user_id is not null;

create unique index notification_mutes_user_conversation_idx on public.notification_mutes (user_id, conversation_key)
  where conversation_key is not null;

create index notification_mutes_user_id_idx on public.notification_mutes (user_id);

create index notification_mutes_muted_user_id_idx on public.notification_mutes (muted_user_id);

comment on table public.notification_mutes is
  'Silences pushes from one person or one conversation (e.g. dm:<org>:<a>:<b>), until a time or for good.';

create table public.notification_outbox (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id),
  category text not null,
  payload jsonb not null default '{}'::jsonb,
  collapse_key text,
  status public.notification_status not null default 'pending',
  skip_reason text,
  attempts integer not null default 0,
  not_before timestamptz not null default now(),
  locked_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  constraint notification_outbox_category_chk check (category in ('newMessage', 'newComment', 'workoutAssigned')),
  constraint notification_outbox_payload_chk check (jsonb_typeof(payload) = 'object'),
  constraint notification_outbox_attempts_chk check (attempts >= 0),
  constraint notification_outbox_skip_reason_chk check ((status = 'skipped') = (skip_reason is not null))
);

create index notification_outbox_worker_idx on public.notification_outbox (status, not_before)
  where status in ('pending', 'sending');

create index notification_outbox_user_id_idx on public.notification_outbox (user_id, created_at desc);

create index notification_outbox_collapse_idx on public.notification_outbox (user_id, collapse_key)
  where status = 'pending' and collapse_key is not null;

comment on table public.notification_outbox is
  'Transactional outbox of web pushes: written with the event, claimed by the worker with FOR UPDATE SKIP LOCKED.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger notification_preferences_set_updated_at
  before update on public.notification_preferences
  for each row execute function private.trigger_set_updated_at();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.push_subscriptions enable row level security;

alter table public.notification_preferences enable row level security;

alter table public.notification_mutes enable row level security;

alter table public.notification_outbox enable row level security;

revoke truncate on public.push_subscriptions, public.notification_preferences, public.notification_mutes
  from anon, authenticated;

-- Only the worker (service_role) and definer functions write the outbox; people may read their own.
revoke all on public.notification_outbox from anon, authenticated;

grant select on public.notification_outbox to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.quiet_hours_end(
  p_now timestamptz,
  p_time_zone text,
  p_start time,
  p_end time
)
returns timestamptz
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_local timestamp := quiet_hours_end.p_now at time zone quiet_hours_end.p_time_zone;
  v_time time := v_local::time;
  v_end_local timestamp;
begin
  if p_start is null or p_end is null then
    return null;
  end if;
  if p_start < p_end then
    if v_time >= p_start and v_time < p_end then
      v_end_local := v_local::date + p_end;
    end if;
  else
    -- overnight window such as 22:00-07:00
    if v_time >= p_start then
      v_end_local := (v_local::date + 1) + p_end;
    elsif v_time < p_end then
      v_end_local := v_local::date + p_end;
    end if;
  end if;
  return v_end_local at time zone quiet_hours_end.p_time_zone;
end;
$$;
comment on function private.quiet_hours_end(timestamptz, text, time, time) is
  'When the quiet hours around p_now end (in the person''s zone), or null when p_now is not in quiet hours.';
revoke all on function private.quiet_hours_end(timestamptz, text, time, time) from public, anon, authenticated;

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
     or enqueue_notification.p_category not in ('newMessage', 'newComment', 'workoutAssigned') then
    raise exception 'Unknown notification category "%".', enqueue_notification.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;

  -- The person, their preferences and whether a mute applies: one statement (three probes by
  -- key; a statement's executor start costs more than a probe).
  select p.id, p.deleted_at, p.time_zone,
         np.messages_enabled, np.comments_enabled, np.workouts_enabled, np.muted_until,
         np.quiet_hours_start, np.quiet_hours_end, np.time_zone,
         exists (
           select 1 from public.notification_mutes nm
            where nm.user_id = enqueue_notification.p_user_id
              and (nm.until is null or nm.until > enqueue_notification.p_now)
              and (nm.muted_user_id = case when v_sender ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                           then v_sender::uuid end
                   or nm.conversation_key = v_conversation))
    into v_profile.id, v_profile.deleted_at, v_profile.time_zone,
         v_prefs.messages_enabled, v_prefs.comments_enabled, v_prefs.workouts_enabled, v_prefs.muted_until,
         v_prefs.quiet_hours_start, v_prefs.quiet_hours_end, v_prefs.time_zone, v_muted
    from (select 1) as one
    left join public.profiles p on p.id = enqueue_notification.p_user_id
    left join public.notification_preferences np on np.user_id = enqueue_notification.p_user_id;

  if v_profile.id is null or v_profile.deleted_at is not null then
    v_skip := 'recipient_deleted';
  elsif (enqueue_notification.p_category = 'newMessage' and not coalesce(v_prefs.messages_enabled, true))
     or (enqueue_notification.p_category = 'newComment' and not coalesce(v_prefs.comments_enabled, true))
     or (enqueue_notification.p_category = 'workoutAssigned' and not coalesce(v_prefs.workouts_enabled, true)) then
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
revoke all on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) from public, anon, authenticated;
grant execute on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) to service_role;
comment on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) is
  'Queues a push for a person, honouring category toggles, snooze, mutes (payload sender_id / conversation_key) and quiet hours (deferred via not_before); wakes the worker with pg_notify. p_now exists for tests: functions with search_path '''' cannot see a frozen now().';

create or replace function private.register_push_subscription(
  p_endpoint text,
  p_p256dh text,
  p_auth text,
  p_user_agent text
)
returns public.push_subscriptions
language plpgsql
-- definer: a browser's endpoint may still be registered to the person who used it before; the
-- device now belongs to the signed-in caller, which RLS alone would not let them take over.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_subscription public.push_subscriptions;
begin
  insert into public.push_subscriptions (user_id, endpoint, p256dh, auth, user_agent, last_used_at)
  values (v_user_id, register_push_subscription.p_endpoint, register_push_subscription.p_p256dh,
          register_push_subscription.p_auth, register_push_subscription.p_user_agent, pg_catalog.now())
  on conflict (endpoint) do update
     set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
         user_agent = excluded.user_agent, last_used_at = excluded.last_used_at
  returning * into v_subscription;
  return v_subscription;
end;
$$;
comment on function private.register_push_subscription(text, text, text, text) is
  'Body of public.register_push_subscription: saves this browser''s endpoint for the caller.';
revoke all on function private.register_push_subscription(text, text, text, text) from public, anon, authenticated;
grant execute on function private.register_push_subscription(text, text, text, text) to authenticated;

create or replace function private.service_role_claim_notifications(
  p_limit integer default 50,
  p_lease interval default interval '2 minutes',
  p_now timestamptz default now()
)
returns table (
  id uuid,
  user_id uuid,
  category text,
  payload jsonb,
  collapse_key text,
  attempts integer,
  created_at timestamptz,
  subscriptions jsonb
)
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select o.id
      from public.notification_outbox o
     where (o.status = 'pending' and o.not_before <= service_role_claim_notifications.p_now)
        or (o.status = 'sending'
            and o.locked_at < service_role_claim_notifications.p_now - service_role_claim_notifications.p_lease)
     order by o.not_before, o.created_at
     limit greatest(1, least(service_role_claim_notifications.p_limit, 1000))
       for update skip locked
  ), claimed as (
    update public.notification_outbox o
       set status = 'sending',
           locked_at = service_role_claim_notifications.p_now,
           attempts = o.attempts + 1
      from due
     where o.id = due.id
    returning o.*
  )
  select c.id, c.user_id, c.category, c.payload, c.collapse_key, c.attempts, c.created_at,
         coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'endpoint', s.endpoint,
                                                       'p256dh', s.p256dh, 'auth', s.auth)
                                    order by s.created_at)
                     from public.push_subscriptions s
                    where s.user_id = c.user_id), '[]'::jsonb)
    from claimed c;
$$;
comment on function private.service_role_claim_notifications(integer, interval, timestamptz) is
  'Claims due outbox rows for one worker batch (and rows whose worker died: lease expired), with the person''s push subscriptions.';
revoke all on function private.service_role_claim_notifications(integer, interval, timestamptz) from public, anon, authenticated;
grant execute on function private.service_role_claim_notifications(integer, interval, timestamptz) to service_role;

create or replace function private.service_role_finish_notifications(
  p_ids uuid[],
  p_outcome text,
  p_error text default null,
  p_retry_at timestamptz default null,
  p_max_attempts integer default 8,
  p_now timestamptz default now()
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  if p_outcome not in ('sent', 'no_subscription', 'retry', 'failed') then
    raise exception 'Unknown delivery outcome "%".', p_outcome using errcode = 'PT422', hint = 'invalid_outcome';
  end if;
  -- Only rows still being sent: a slower duplicate finishing after its lease ran out and the row
  -- was finished by another worker changes nothing.
  update public.notification_outbox o
     set status = case
                    when p_outcome = 'sent' then 'sent'
                    when p_outcome = 'no_subscription' then 'skipped'
                    when p_outcome = 'retry' and o.attempts < p_max_attempts then 'pending'
                    else 'failed'
                  end::public.notification_status,
         skip_reason = case when p_outcome = 'no_subscription' then 'no_subscription' end,
         sent_at = case when p_outcome = 'sent' then p_now end,
         locked_at = null,
         last_error = case when p_outcome in ('retry', 'failed') then left(p_error, 1000) end,
         -- Backoff 5 s, 10 s, 20 s … capped at an hour, unless the push service named a time.
         not_before = case
                        when p_outcome = 'retry' and o.attempts < p_max_attempts then
                          coalesce(p_retry_at,
                                   p_now + least(interval '1 hour',
                                                 interval '5 seconds' * power(2, greatest(o.attempts - 1, 0))))
                        else o.not_before
                      end
   where o.id = any (p_ids)
     and o.status = 'sending';
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz) is
  'Records one delivery outcome for a set of claimed rows: sent, no_subscription, retry (exponential backoff up to p_max_attempts, then failed) or failed.';
revoke all on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz) from public, anon, authenticated;
grant execute on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz) to service_role;

create or replace function private.service_role_remove_push_subscription(p_endpoint text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  delete from public.push_subscriptions s where s.endpoint = service_role_remove_push_subscription.p_endpoint;
$$;
comment on function private.service_role_remove_push_subscription(text) is
  'Forgets an endpoint the push service answered 404/410 for: the browser unsubscribed or expired.';
revoke all on function private.service_role_remove_push_subscription(text) from public, anon, authenticated;
grant execute on function private.service_role_remove_push_subscription(text) to service_role;

create or replace function private.service_role_push_delivery_stats(p_now timestamptz default now())
returns table (
  pending bigint,
  due bigint,
  deferred bigint,
  sending bigint,
  retrying bigint,
  sent bigint,
  failed bigint,
  skipped bigint,
  oldest_due_seconds double precision
)
language sql
stable
security definer
set search_path = ''
as $$
  select count(*) filter (where o.status = 'pending'),
         count(*) filter (where o.status = 'pending' and o.not_before <= p_now),
         count(*) filter (where o.status = 'pending' and o.not_before > p_now),
         count(*) filter (where o.status = 'sending'),
         count(*) filter (where o.status = 'pending' and o.attempts > 0),
         count(*) filter (where o.status = 'sent'),
         count(*) filter (where o.status = 'failed'),
         count(*) filter (where o.status = 'skipped'),
         extract(epoch from p_now - min(o.not_before) filter (where o.status = 'pending' and o.not_before <= p_now))
    from public.notification_outbox o;
$$;
comment on function private.service_role_push_delivery_stats(timestamptz) is
  'What the push worker has done and has left: counts by state and the age of the oldest due row.';
revoke all on function private.service_role_push_delivery_stats(timestamptz) from public, anon, authenticated;
grant execute on function private.service_role_push_delivery_stats(timestamptz) to service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Push subscriptions are visible to their owner"
  on public.push_subscriptions for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Push subscriptions can be added by their owner"
  on public.push_subscriptions for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Push subscriptions can be edited by their owner"
  on public.push_subscriptions for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Push subscriptions can be deleted by their owner"
  on public.push_subscriptions for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Notification preferences are visible to their owner"
  on public.notification_preferences for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Notification preferences can be created by their owner"
  on public.notification_preferences for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Notification preferences can be edited by their owner"
  on public.notification_preferences for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Notification preferences can be deleted by their owner"
  on public.notification_preferences for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Notification mutes are visible to their owner"
  on public.notification_mutes for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Notification mutes can be created by their owner"
  on public.notification_mutes for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Notification mutes can be edited by their owner"
  on public.notification_mutes for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Notification mutes can be deleted by their owner"
  on public.notification_mutes for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Queued notifications are visible to their recipient"
  on public.notification_outbox for select to authenticated
  using (user_id = (select auth.uid()));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.register_push_subscription(
  p_endpoint text,
  p_p256dh text,
  p_auth text,
  p_user_agent text default null
)
returns public.push_subscriptions
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.register_push_subscription(register_push_subscription.p_endpoint,
    register_push_subscription.p_p256dh, register_push_subscription.p_auth, register_push_subscription.p_user_agent);
$$;
comment on function public.register_push_subscription(text, text, text, text) is
  'Saves this browser''s push endpoint for the signed-in person (taking it over from whoever used the device before). Errors: not_authenticated (PT403), check violations (23514).';
revoke all on function public.register_push_subscription(text, text, text, text) from public, anon, authenticated;
grant execute on function public.register_push_subscription(text, text, text, text) to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

