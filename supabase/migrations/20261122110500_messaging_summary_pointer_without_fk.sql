-- Sends per second (issue 7 benchmark, >= 1,000/s in SQL): conversation_summaries.last_message_id
-- loses its foreign key and index. Every send rewrites that column on both people's summaries, so
-- the foreign key cost two lookups of messages and the index two more index writes per message;
-- the index served only the foreign key and the edit/delete trigger's lookup of "summaries whose
-- last message is this one", which now goes through the pair's unique key (two probes) instead.
-- The pointer stays correct without the constraint: direct messages are never hard-deleted (they
-- are soft-deleted, and erasure rewrites their content), and workout comments, which are
-- hard-deleted with their assignment, never become a summary's last message.
-- Touches: public.conversation_summaries (constraint and index dropped),
-- private.trigger_message_changed (summary lookup by the pair).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.conversation_summaries drop constraint conversation_summaries_last_message_id_fkey;
drop index public.conversation_summaries_last_message_id_idx;

comment on column public.conversation_summaries.last_message_id is
  'The newest message of the conversation (display pointer kept by triggers, no foreign key: direct messages are only soft-deleted).';

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (bodies below)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

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
     where (s.owner_id, s.organization_id, s.other_user_id)
             in ((new.sender_id, new.organization_id, new.recipient_id),
                 (new.recipient_id, new.organization_id, new.sender_id))
       and s.last_message_id = new.id;
    perform private.refresh_unread_count(new.recipient_id, new.organization_id, new.sender_id);
  elsif new.content is distinct from old.content and new.deleted_at is null then
    v_event := 'message_updated';
    update public.conversation_summaries s
       set last_message_preview = pg_catalog.left(new.content, 140)
     where (s.owner_id, s.organization_id, s.other_user_id)
             in ((new.sender_id, new.organization_id, new.recipient_id),
                 (new.recipient_id, new.organization_id, new.sender_id))
       and s.last_message_id = new.id;
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

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
