-- messaging: fewer index writes per send (issue 7 benchmark, after the send fast path). A send
-- writes ~29 index entries (messages 11, the two conversation summaries 7 each, being non-HOT
-- updates, realtime.messages 4) and every one is WAL the realtime service then decodes again.
-- Two of them carried nothing:
--   - conversation_summaries.last_message_sender_id had a foreign key to profiles and its index,
--     rewritten on both summaries at every send. The sender of a conversation's last message is
--     always one of its two people, who are already foreign keys (owner_id, other_user_id); a
--     check constraint says exactly that (a stricter rule than "some profile"), so the key and its
--     index go.
--   - messages_workout_assignment_idx indexed every DM under a null workout_assignment_id; it now
--     covers workout comments only (same name and columns; every lookup by an assignment, the
--     foreign key's cascade included, implies the id is not null, so all of them still use it).
-- Touches: public.conversation_summaries (constraint, index), public.messages (index).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.conversation_summaries
  drop constraint conversation_summaries_last_message_sender_id_fkey;
drop index public.conversation_summaries_last_message_sender_id_idx;
alter table public.conversation_summaries
  add constraint conversation_summaries_last_message_sender_chk
  check (last_message_sender_id is null or last_message_sender_id in (owner_id, other_user_id));

comment on column public.conversation_summaries.last_message_sender_id is
  'Who wrote the last message: always the owner or the other person (check constraint; both are foreign keys).';

drop index public.messages_workout_assignment_idx;
-- Seed 001's index by its name, for workout comments (the rows that have an assignment).
create index messages_workout_assignment_idx on public.messages (workout_assignment_id, created_at)
  where workout_assignment_id is not null;

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
