-- messaging send fast path (issue 7 benchmark: sends with every trigger must reach 1,000/s in
-- SQL; they ran at ~512/s from 8 connections on a 2-core machine). The rules, the rows written
-- and the events sent are unchanged; each send does less work to get there:
--   - who may message whom is read in ONE statement (private.messaging_pair: the sender's role and
--     the refusal together). send_message used to call messaging_refusal twice (once without a
--     recipient, so not_a_member is raised before the content check) and then read the sender's
--     role a third time; messaging_refusal now asks messaging_pair too, so the rule still lives
--     in one place.
--   - both conversation summaries are upserted by ONE statement, lower owner id first. Two
--     statements in sender-then-recipient order also deadlocked when two people wrote to each
--     other at the same moment (each held its own summary and waited for the other's); one
--     statement that locks the pair in a fixed order cannot.
--   - the live events of one change go out in ONE insert into realtime.messages
--     (private.broadcast): one subtransaction, one statement and one NOTIFY from the platform's
--     statement trigger instead of one of each per recipient topic (realtime.send wraps every
--     call in its own exception block, and the trigger NOTIFYs once per statement).
--   - public.send_message is plpgsql (its plan is kept) instead of a language-sql wrapper that
--     was parsed and planned again on every call.
--   - enqueue_notification skips the time zone lookups (the organization's row, the quiet hours
--     function) when the person has no quiet hours, which is nearly everyone.
-- The WAL a send writes is also what the realtime service decodes from its slot, so fewer
-- statements and subtransactions make delivery cheaper too.
-- Touches: private.messaging_pair (new), private.messaging_refusal, private.send_message,
-- private.broadcast (new), private.trigger_message_created, private.trigger_message_changed,
-- private.enqueue_notification, public.send_message.

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

create or replace function private.messaging_pair(
  p_organization_id uuid,
  p_sender_id uuid,
  p_recipient_id uuid,
  out refusal text,
  out sender_role public.membership_role
)
language plpgsql
stable
-- definer: reads the other person's membership and block list, which the caller cannot see.
security definer
set search_path = ''
as $$
begin
  -- The order of the WHENs is the order of the refusals (the first that applies wins); the block
  -- probes only run when everything before them passed.
  select case
           when messaging_pair.p_sender_id is null then 'not_authenticated'
           when me.role is null then 'not_a_member'
           when messaging_pair.p_recipient_id = messaging_pair.p_sender_id then 'cannot_message_self'
           when them.role is null then 'cannot_message'
           when me.role = 'member' and them.role = 'member' and not me.member_dm_enabled
             then 'member_messaging_disabled'
           -- deliberately the same answer as "not in this organization"
           when exists (select 1 from public.user_blocks b
                         where b.blocker_id = messaging_pair.p_recipient_id
                           and b.blocked_id = messaging_pair.p_sender_id) then 'cannot_message'
           when exists (select 1 from public.user_blocks b
                         where b.blocker_id = messaging_pair.p_sender_id
                           and b.blocked_id = messaging_pair.p_recipient_id) then 'recipient_blocked'
         end,
         me.role
    into messaging_pair.refusal, messaging_pair.sender_role
    from (select 1) as one
    left join lateral (
      select m.role, o.member_dm_enabled
        from public.memberships m
        join public.organizations o on o.id = m.organization_id
       where m.organization_id = messaging_pair.p_organization_id
         and m.user_id = messaging_pair.p_sender_id and m.status = 'active') me on true
    left join lateral (
      select m.role
        from public.memberships m
        join public.profiles p on p.id = m.user_id and p.deleted_at is null
       where m.organization_id = messaging_pair.p_organization_id
         and m.user_id = messaging_pair.p_recipient_id and m.status = 'active') them on true;
end;
$$;

comment on function private.messaging_pair(uuid, uuid, uuid) is
  'In one statement: why p_sender may not message p_recipient in the organization (a HINT code, null when allowed) and the sender''s active role there (null when not a member). The rule of messaging_refusal.';

create or replace function private.messaging_refusal(p_organization_id uuid, p_sender_id uuid, p_recipient_id uuid)
returns text
language plpgsql
stable
-- definer: reads the other person's membership and block list, which the caller cannot see.
security definer
set search_path = ''
as $$
begin
  return (private.messaging_pair(messaging_refusal.p_organization_id, messaging_refusal.p_sender_id,
                                 messaging_refusal.p_recipient_id)).refusal;
end;
$$;

comment on function private.messaging_refusal(uuid, uuid, uuid) is
  'Why p_sender may not message p_recipient in the organization (a HINT code), or null when allowed: staff<->anyone, member<->member only with member_dm_enabled, both active, no block (rule: private.messaging_pair).';

create or replace function private.broadcast(p_event text, p_topics text[], p_payloads jsonb[])
returns void
language plpgsql
-- invoker: called by the side-effect triggers, which are definers; nobody else may call it.
security invoker
set search_path = ''
as $$
begin
  -- What realtime.send does for one topic (a row per topic, its id added to the payload, a
  -- failure only warns so the change itself still commits), for several topics in one statement.
  insert into realtime.messages (id, payload, event, topic, private, extension)
  select b.id,
         case when b.payload ? 'id' then b.payload else b.payload || jsonb_build_object('id', b.id) end,
         broadcast.p_event, b.topic, true, 'broadcast'
    from (select gen_random_uuid() as id, t.topic, t.payload
            from unnest(broadcast.p_topics, broadcast.p_payloads) as t (topic, payload)
           where t.topic is not null) b;
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
end;
$$;

comment on function private.broadcast(text, text[], jsonb[]) is
  'realtime.send for several private topics at once (payload i to topic i): one insert into realtime.messages, so one subtransaction and one NOTIFY per change instead of one per topic.';

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
  v_id uuid;
begin
  if enqueue_notification.p_category is null
     or enqueue_notification.p_category not in ('newMessage', 'newComment', 'workoutAssigned') then
    raise exception 'Unknown notification category "%".', enqueue_notification.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;

  select * into v_profile from public.profiles p where p.id = enqueue_notification.p_user_id;
  select * into v_prefs from public.notification_preferences np where np.user_id = enqueue_notification.p_user_id;

  if v_profile.id is null or v_profile.deleted_at is not null then
    v_skip := 'recipient_deleted';
  elsif (enqueue_notification.p_category = 'newMessage' and not coalesce(v_prefs.messages_enabled, true))
     or (enqueue_notification.p_category = 'newComment' and not coalesce(v_prefs.comments_enabled, true))
     or (enqueue_notification.p_category = 'workoutAssigned' and not coalesce(v_prefs.workouts_enabled, true)) then
    v_skip := 'category_disabled';
  elsif v_prefs.muted_until is not null and v_prefs.muted_until > enqueue_notification.p_now then
    v_skip := 'snoozed';
  elsif exists (
    select 1 from public.notification_mutes nm
     where nm.user_id = enqueue_notification.p_user_id
       and (nm.until is null or nm.until > enqueue_notification.p_now)
       and ((v_sender ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             and nm.muted_user_id = v_sender::uuid)
            or nm.conversation_key = v_conversation)
  ) then
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

comment on function private.enqueue_notification(uuid, text, jsonb, text, timestamptz) is
  'Queues a push for a person, honouring category toggles, snooze, mutes (payload sender_id / conversation_key) and quiet hours (deferred via not_before); wakes the worker with pg_notify. p_now exists for tests: functions with search_path '''' cannot see a frozen now().';

create or replace function private.send_message(
  p_organization_id uuid,
  p_recipient_id uuid,
  p_content text,
  p_client_id uuid
)
returns public.messages
language plpgsql
-- definer: messages have no insert grant; this function checks who may message whom itself and
-- stamps the sender from the session, so a forged sender is impossible.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_existing public.messages;
  v_message public.messages;
  v_refusal text;
  v_role public.membership_role;
begin
  -- A retry of a message already sent: the same row, no second notification or unread.
  if send_message.p_client_id is not null then
    select * into v_existing from public.messages m
     where m.sender_id = v_user_id and m.client_id = send_message.p_client_id;
    if v_existing.id is not null then
      if v_existing.organization_id = send_message.p_organization_id
         and v_existing.recipient_id = send_message.p_recipient_id
         and (v_existing.deleted_at is not null or v_existing.edited_at is not null
              or v_existing.content is not distinct from send_message.p_content) then
        return v_existing;
      end if;
      raise exception 'That client id was already used for a different message.'
        using errcode = 'PT409', hint = 'client_id_reused';
    end if;
  end if;

  -- One read of the pair; the errors keep their order: not a member, then the content, then the
  -- recipient.
  select p.refusal, p.sender_role into v_refusal, v_role
    from private.messaging_pair(send_message.p_organization_id, v_user_id, send_message.p_recipient_id) p;
  if v_refusal = 'not_a_member' then
    perform private.raise_messaging_refusal(v_refusal);
  end if;
  perform private.check_message_content(send_message.p_content, 0);
  if v_refusal is not null then
    perform private.raise_messaging_refusal(v_refusal);
  end if;

  insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content, client_id, created_at)
  values (send_message.p_organization_id, v_user_id, private.sender_role_for(v_role), send_message.p_recipient_id,
          send_message.p_content, send_message.p_client_id, pg_catalog.clock_timestamp())
  on conflict (sender_id, client_id) do nothing
  returning * into v_message;

  if v_message.id is null then
    -- a concurrent retry won the race
    select * into v_message from public.messages m
     where m.sender_id = v_user_id and m.client_id = send_message.p_client_id;
  end if;
  return v_message;
end;
$$;

comment on function private.send_message(uuid, uuid, text, uuid) is
  'Body of public.send_message: validates the pair and the content, then inserts (idempotent on sender + client_id).';

revoke all on function
  private.messaging_pair(uuid, uuid, uuid),
  private.broadcast(text, text[], jsonb[])
  from public, anon, authenticated;
grant execute on function
  private.messaging_pair(uuid, uuid, uuid),
  private.broadcast(text, text[], jsonb[])
  to service_role;

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_message_created()
returns trigger
language plpgsql
-- definer: writes both people's summaries, the outbox and realtime.messages, none of which the
-- sender may write directly.
security definer
set search_path = ''
as $$
declare
  v_recipient_muted boolean;
  v_preview text := pg_catalog.left(new.content, 140);
  v_sender_name text;
  v_payload jsonb := private.message_event_payload(new);
begin
  -- Both summaries in one statement, the lower owner id first, so two people writing to each
  -- other at once lock the pair in the same order. The sender's side (unread_count 0 in the new
  -- row) takes the message only if it is not older than its last one and never gains an unread;
  -- the recipient's side (1) always counts it unless it is behind their read watermark.
  with upserted as (
    insert into public.conversation_summaries as s
      (owner_id, organization_id, other_user_id, last_message_id, last_message_sender_id,
       last_message_preview, last_message_deleted, last_message_at, last_activity_at, unread_count, hidden)
    select side.owner_id, new.organization_id, side.other_user_id, new.id, new.sender_id,
           v_preview, false, new.created_at, new.created_at, side.unread, false
      from (values (new.sender_id, new.recipient_id, 0), (new.recipient_id, new.sender_id, 1))
             as side (owner_id, other_user_id, unread)
     order by side.owner_id
    on conflict (owner_id, organization_id, other_user_id) do update
       set unread_count = s.unread_count
             + case when excluded.unread_count = 1
                         and (s.last_read_at is null or s.last_read_at < excluded.last_message_at)
                    then 1 else 0 end,
           last_message_id = case when s.last_message_at is null or s.last_message_at <= excluded.last_message_at
                                  then excluded.last_message_id else s.last_message_id end,
           last_message_sender_id = case when s.last_message_at is null or s.last_message_at <= excluded.last_message_at
                                         then excluded.last_message_sender_id else s.last_message_sender_id end,
           last_message_preview = case when s.last_message_at is null or s.last_message_at <= excluded.last_message_at
                                       then excluded.last_message_preview else s.last_message_preview end,
           last_message_deleted = case when s.last_message_at is null or s.last_message_at <= excluded.last_message_at
                                       then false else s.last_message_deleted end,
           last_message_at = greatest(s.last_message_at, excluded.last_message_at),
           last_activity_at = greatest(s.last_activity_at, excluded.last_activity_at),
           hidden = false
     where excluded.unread_count = 1 or s.last_message_at is null or s.last_message_at <= excluded.last_message_at
    returning s.owner_id, s.muted)
  select u.muted into v_recipient_muted from upserted u where u.owner_id = new.recipient_id;

  if exists (select 1 from public.user_blocks b
              where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id) then
    -- Nothing reaches a recipient who blocked the sender; the sender's other devices still hear.
    perform private.broadcast('message_created', array['user:' || new.sender_id::text],
                              array[v_payload || jsonb_build_object('client_id', new.client_id)]);
    return new;
  end if;

  if not coalesce(v_recipient_muted, false) then
    select p.display_name into v_sender_name from public.profiles p where p.id = new.sender_id;
    perform private.enqueue_notification(
      new.recipient_id,
      'newMessage',
      jsonb_build_object(
        'message_id', new.id,
        'organization_id', new.organization_id,
        'sender_id', new.sender_id,
        'sender_name', v_sender_name,
        'preview', coalesce(v_preview, 'Sent an attachment'),
        'conversation_key', private.conversation_key(new.organization_id, new.sender_id, new.recipient_id),
        'url', '/org/' || new.organization_id::text || '/messages/' || new.sender_id::text),
      'dm:' || new.organization_id::text || ':' || new.sender_id::text);
  end if;
  -- The sender's copy carries client_id so the sending tab can reconcile its optimistic bubble.
  perform private.broadcast('message_created',
                            array['user:' || new.recipient_id::text, 'user:' || new.sender_id::text],
                            array[v_payload, v_payload || jsonb_build_object('client_id', new.client_id)]);
  return new;
end;
$$;

comment on function private.trigger_message_created() is
  'A new DM: both summaries (one statement, fixed lock order), a newMessage push (unless blocked or muted) and message_created to user:<recipient> and user:<sender> (one insert).';

create or replace function private.trigger_message_changed()
returns trigger
language plpgsql
-- definer: refreshes both people's summaries and writes realtime.messages.
security definer
set search_path = ''
as $$
declare
  v_event text;
  v_payload jsonb := private.message_event_payload(new);
begin
  if old.deleted_at is null and new.deleted_at is not null then
    v_event := 'message_deleted';
    update public.conversation_summaries s
       set last_message_preview = null, last_message_deleted = true
     where s.last_message_id = new.id;
    perform private.refresh_unread_count(new.recipient_id, new.organization_id, new.sender_id);
  elsif new.content is distinct from old.content and new.deleted_at is null then
    v_event := 'message_updated';
    update public.conversation_summaries s
       set last_message_preview = pg_catalog.left(new.content, 140)
     where s.last_message_id = new.id;
  else
    -- read receipts are broadcast once per batch by the read functions
    return new;
  end if;

  perform private.broadcast(
    v_event,
    array[case when not exists (select 1 from public.user_blocks b
                                 where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id)
               then 'user:' || new.recipient_id::text end,
          'user:' || new.sender_id::text],
    array[v_payload, v_payload]);
  return new;
end;
$$;

comment on function private.trigger_message_changed() is
  'An edited or deleted DM: refresh the summaries'' preview and unread count; message_updated / message_deleted to both participants (not to a recipient who blocked the sender).';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- The same call, in plpgsql: a language-sql wrapper that cannot be inlined (it is volatile) is
-- parsed and planned again on every call; a plpgsql body keeps its plan for the session.
create or replace function public.send_message(
  p_organization_id uuid,
  p_recipient_id uuid,
  p_content text,
  p_client_id uuid default null
)
returns public.messages
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  return private.send_message(send_message.p_organization_id, send_message.p_recipient_id,
                              send_message.p_content, send_message.p_client_id);
end;
$$;

comment on function public.send_message(uuid, uuid, text, uuid) is
  'Sends a direct message; a retry with the same p_client_id returns the same row. Errors: not_authenticated, not_a_member, cannot_message, member_messaging_disabled (PT403); recipient_blocked, client_id_reused (PT409); cannot_message_self, message_empty, message_too_long (PT422).';
