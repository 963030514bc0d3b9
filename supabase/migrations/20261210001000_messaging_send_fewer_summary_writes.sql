-- messaging: a DM send writes both conversation summaries with plain UPDATEs into a table with
-- one index fewer, instead of an INSERT ... ON CONFLICT DO UPDATE into five indexes.
-- Issue 21 measures a send (send_message with every trigger) against a bare insert of the same
-- row. Per send the two summary writes were 46 buffer hits and 14 WAL records, a third of the
-- send's WAL: each summary update is non-HOT (last_activity_at is the inbox index's sort key, so
-- every index of the table gets a new entry), and each went through ON CONFLICT, which locks the
-- existing row first (one more WAL record per row) after probing the unique index for the
-- conflict. Now:
--   - the unique key leads with organization_id, so it also serves the organization foreign key
--     and conversation_summaries_organization_id_idx goes (4 indexes instead of 5). The inbox
--     index loses its WHERE NOT hidden so it covers the owner foreign key (erase_user, profile
--     deletes) for every row; the inbox query still reads it in order and skips hidden rows,
--     which are rare (a conversation opened by the other person and never written in, or one the
--     owner hid). Equality lookups on (owner, organization, other) use the unique key as before:
--     the column order does not matter to them nor to ON CONFLICT's inference.
--   - private.trigger_message_created updates the two existing summaries with two UPDATEs, the
--     lower owner id first (the lock order that keeps two people writing to each other at once
--     from deadlocking, as before), and falls back to the old upsert only for a side that has no
--     summary yet (the first message of a conversation) or whose row the UPDATE left alone.
--     What each side ends up with is unchanged: the sender's side takes the message only if it
--     is not older than its last one and never gains an unread; the recipient's side always
--     counts it unless it is behind their read watermark; both become visible (hidden = false).
-- Touches: public.conversation_summaries (indexes), private.trigger_message_created (replaced).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.conversation_summaries
  add constraint conversation_summaries_org_owner_other_key unique (organization_id, owner_id, other_user_id);
alter table public.conversation_summaries drop constraint conversation_summaries_owner_org_other_key;
drop index public.conversation_summaries_organization_id_idx;

drop index public.conversation_summaries_inbox_idx;
create index conversation_summaries_inbox_idx
  on public.conversation_summaries (owner_id, organization_id, last_activity_at desc, id desc);

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
  v_muted boolean;
  v_preview text := pg_catalog.left(new.content, 140);
  v_sender_name text;
  v_blocked boolean;
  v_payload jsonb := private.message_event_payload(new);
  v_owner uuid;
  v_other uuid;
  v_is_recipient boolean;
begin
  -- Both summaries, the lower owner id first, so two people writing to each other at once lock
  -- the pair in the same order. The sender's side takes the message only if it is not older than
  -- its last one and never gains an unread; the recipient's side always counts it unless it is
  -- behind their read watermark. A plain UPDATE of the existing row (no conflict probe, no row
  -- lock written before the update); the upsert only when the UPDATE found nothing to change.
  for v_side in 0..1 loop
    v_owner := case when (v_side = 0) = (new.sender_id < new.recipient_id) then new.sender_id else new.recipient_id end;
    v_is_recipient := v_owner = new.recipient_id;
    v_other := case when v_is_recipient then new.sender_id else new.recipient_id end;
    v_muted := null;
    update public.conversation_summaries s
       set unread_count = s.unread_count
             + case when v_is_recipient and (s.last_read_at is null or s.last_read_at < new.created_at)
                    then 1 else 0 end,
           last_message_id = case when s.last_message_at is null or s.last_message_at <= new.created_at
                                  then new.id else s.last_message_id end,
           last_message_sender_id = case when s.last_message_at is null or s.last_message_at <= new.created_at
                                         then new.sender_id else s.last_message_sender_id end,
           last_message_preview = case when s.last_message_at is null or s.last_message_at <= new.created_at
                                       then v_preview else s.last_message_preview end,
           last_message_deleted = case when s.last_message_at is null or s.last_message_at <= new.created_at
                                       then false else s.last_message_deleted end,
           last_message_at = greatest(s.last_message_at, new.created_at),
           last_activity_at = greatest(s.last_activity_at, new.created_at),
           hidden = false,
           -- set here, so the per-row updated_at trigger has nothing to do and is not called
           updated_at = pg_catalog.now()
     where s.organization_id = new.organization_id and s.owner_id = v_owner and s.other_user_id = v_other
       and (v_is_recipient or s.last_message_at is null or s.last_message_at <= new.created_at)
    returning s.muted into v_muted;
    if not found then
      -- No summary yet (or the sender's side already shows a newer message: then the conflict's
      -- WHERE leaves it alone again).
      insert into public.conversation_summaries as s
        (owner_id, organization_id, other_user_id, last_message_id, last_message_sender_id,
         last_message_preview, last_message_deleted, last_message_at, last_activity_at, unread_count, hidden)
      values (v_owner, new.organization_id, v_other, new.id, new.sender_id,
              v_preview, false, new.created_at, new.created_at, case when v_is_recipient then 1 else 0 end, false)
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
             updated_at = pg_catalog.now()
       where excluded.unread_count = 1 or s.last_message_at is null or s.last_message_at <= excluded.last_message_at
      returning s.muted into v_muted;
    end if;
    if v_is_recipient then
      v_recipient_muted := v_muted;
    end if;
  end loop;

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
  'A new DM: both summaries (two UPDATEs in a fixed lock order, an upsert only for a side with no summary yet), a newMessage push (unless blocked or muted) and message_created to user:<recipient> and user:<sender> (one insert); the block probe and the sender''s name are one statement.';
