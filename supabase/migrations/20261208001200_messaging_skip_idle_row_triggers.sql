-- messaging: the summary upsert of a DM send sets updated_at itself, so the per-row updated_at
-- trigger is not called for the two summaries.
-- A DM send (issue 21: a send with every trigger against a bare insert of the same row) writes
-- the message, upserts both conversation summaries, queues a push and inserts the broadcast.
-- Each row written called private.trigger_stamp_managed_columns (the message, both summaries,
-- the outbox row: 4 calls) and each summary update private.trigger_set_updated_at (2 calls);
-- all returned without changing anything. Migration 20261208001000_platform_skip_idle_row_triggers
-- gives those triggers WHEN conditions (stamp: client roles only; updated_at: only when not
-- already now()); with updated_at = now() in the upsert's SET, a send calls none of them.
-- Touches: private.trigger_message_created (replaced: the summary upsert sets updated_at).

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

create or replace function private.trigger_message_created()
returns trigger
language plpgsql
-- definer: writes both people's summaries, the push outbox and realtime, none of which the
-- sender may write.
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
           hidden = false,
           -- set here, so the per-row updated_at trigger has nothing to do and is not called
           updated_at = pg_catalog.now()
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
-- triggers
-- =============================================================================================

-- (messages, conversation_summaries and notification_outbox triggers now carry WHEN conditions:
-- migration 20261208001000_platform_skip_idle_row_triggers.)

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

-- (none: signatures unchanged)
