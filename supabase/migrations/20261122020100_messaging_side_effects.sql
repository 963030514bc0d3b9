-- messaging side effects: what happens in the same transaction as a direct message is sent,
-- edited or deleted, whoever wrote the row. Sending upserts the conversation summary of both
-- people (unread +1 for the recipient), queues a newMessage push (unless the recipient blocked
-- the sender or muted the conversation) and broadcasts message_created to user:<recipient> and
-- user:<sender>. Editing and deleting refresh the summaries' preview and unread counts and
-- broadcast message_updated / message_deleted. Nothing is broadcast to a recipient who blocked the
-- sender. Workout-anchored comments (workout_assignment_id set) are left to the comments feature.
-- Touches: public.conversation_summaries, public.notification_outbox (via enqueue_notification),
-- realtime.messages (via realtime.send); triggers on public.messages.

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

create or replace function private.refresh_unread_count(p_owner_id uuid, p_organization_id uuid, p_other_user_id uuid)
returns integer
language plpgsql
-- definer: called from triggers and functions of either participant; recounts from messages.
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  update public.conversation_summaries s
     set unread_count = (
       select count(*)::integer
         from public.messages m
        where m.organization_id = s.organization_id
          and m.participant_low = least(s.owner_id, s.other_user_id)
          and m.participant_high = greatest(s.owner_id, s.other_user_id)
          and m.workout_assignment_id is null
          and m.recipient_id = s.owner_id
          and m.deleted_at is null
          and m.created_at > coalesce(s.last_read_at, '-infinity'::timestamptz))
   where s.owner_id = refresh_unread_count.p_owner_id
     and s.organization_id = refresh_unread_count.p_organization_id
     and s.other_user_id = refresh_unread_count.p_other_user_id
  returning s.unread_count into v_count;
  return coalesce(v_count, 0);
end;
$$;

comment on function private.refresh_unread_count(uuid, uuid, uuid) is
  'Recounts one summary''s unread messages (after a read or a delete): only the messages after the owner''s read watermark.';

create or replace function private.message_event_payload(p_message public.messages)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
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
$$;

comment on function private.message_event_payload(public.messages) is
  'What a participant may see of a message, as a realtime payload (ids, content, times; never the client_id of the other side).';

revoke all on function private.refresh_unread_count(uuid, uuid, uuid), private.message_event_payload(public.messages)
  from public, anon, authenticated;
grant execute on function private.refresh_unread_count(uuid, uuid, uuid), private.message_event_payload(public.messages)
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
  v_recipient_blocked_sender boolean;
  v_recipient_muted boolean;
  v_preview text := pg_catalog.left(new.content, 140);
  v_sender_name text;
  v_payload jsonb := private.message_event_payload(new);
begin
  select exists (select 1 from public.user_blocks b
                  where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id)
    into v_recipient_blocked_sender;

  -- The sender's side: a newer message becomes the last one; the sender has nothing unread.
  insert into public.conversation_summaries as s
    (owner_id, organization_id, other_user_id, last_message_id, last_message_sender_id,
     last_message_preview, last_message_deleted, last_message_at, last_activity_at, hidden)
  values
    (new.sender_id, new.organization_id, new.recipient_id, new.id, new.sender_id,
     v_preview, false, new.created_at, new.created_at, false)
  on conflict (owner_id, organization_id, other_user_id) do update
     set last_message_id = excluded.last_message_id,
         last_message_sender_id = excluded.last_message_sender_id,
         last_message_preview = excluded.last_message_preview,
         last_message_deleted = false,
         last_message_at = excluded.last_message_at,
         last_activity_at = greatest(s.last_activity_at, excluded.last_activity_at),
         hidden = false
   where s.last_message_at is null or s.last_message_at <= excluded.last_message_at;

  -- The recipient's side: one more unread (unless already behind their read watermark).
  insert into public.conversation_summaries as s
    (owner_id, organization_id, other_user_id, last_message_id, last_message_sender_id,
     last_message_preview, last_message_deleted, last_message_at, last_activity_at, unread_count, hidden)
  values
    (new.recipient_id, new.organization_id, new.sender_id, new.id, new.sender_id,
     v_preview, false, new.created_at, new.created_at, 1, false)
  on conflict (owner_id, organization_id, other_user_id) do update
     set unread_count = s.unread_count
           + case when s.last_read_at is null or s.last_read_at < excluded.last_message_at then 1 else 0 end,
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
  returning s.muted into v_recipient_muted;

  if not v_recipient_blocked_sender then
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
    perform realtime.send(v_payload, 'message_created', 'user:' || new.recipient_id::text, true);
  end if;
  -- The sender's other devices; client_id lets the sending tab reconcile its optimistic bubble.
  perform realtime.send(v_payload || jsonb_build_object('client_id', new.client_id),
                        'message_created', 'user:' || new.sender_id::text, true);
  return new;
end;
$$;

comment on function private.trigger_message_created() is
  'A new DM: both summaries, a newMessage push (unless blocked or muted) and message_created to user:<recipient> and user:<sender>.';

create trigger messages_announce_created
  after insert on public.messages
  for each row
  when (new.workout_assignment_id is null)
  execute function private.trigger_message_created();

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

  if not exists (select 1 from public.user_blocks b
                  where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id) then
    perform realtime.send(v_payload, v_event, 'user:' || new.recipient_id::text, true);
  end if;
  perform realtime.send(v_payload, v_event, 'user:' || new.sender_id::text, true);
  return new;
end;
$$;

comment on function private.trigger_message_changed() is
  'An edited or deleted DM: refresh the summaries'' preview and unread count; message_updated / message_deleted to both participants.';

create trigger messages_announce_changed
  after update of content, deleted_at on public.messages
  for each row
  when (new.workout_assignment_id is null)
  execute function private.trigger_message_changed();

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

-- (none)
