-- messaging tables: direct messages (seed 001's unified `messages`, DMs when workout_assignment_id
-- is null, workout-anchored comments otherwise), their edit history, per-person blocks and the
-- per-conversation summary the inbox reads instead of scanning messages.
-- Clients only read these tables (RLS); every write goes through the messaging functions
-- (private definers behind public RPCs), so a forged sender_id is impossible by construction:
-- there is no insert/update/delete grant or policy for anon or authenticated.
-- Read receipts: messages.read_at is the receipt the SENDER may see. It is only ever set when the
-- reader shares read receipts (profiles.read_receipts_enabled). The reader's own read state lives in
-- conversation_summaries.last_read_at (a watermark visible only to its owner), so a person who
-- does not send receipts still gets correct unread counts and the sender learns nothing.
-- Touches: type sender_role; public.messages, public.message_edits, public.user_blocks,
-- public.conversation_summaries; private.blocked_user_ids, private.conversation_key.
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- messaging side effects: what happens in the same transaction as a direct message is sent,
-- edited or deleted, whoever wrote the row. Sending upserts the conversation summary of both
-- people (unread +1 for the recipient), queues a newMessage push (unless the recipient blocked
-- the sender or muted the conversation) and broadcasts message_created to user:<recipient> and
-- user:<sender>. Editing and deleting refresh the summaries' preview and unread counts and
-- broadcast message_updated / message_deleted. Nothing is broadcast to a recipient who blocked the
-- sender. Workout-anchored comments (workout_assignment_id set) are left to the comments feature.
--
-- messaging functions: the API of direct messages. Writes (send, read, edit, delete, start a
-- conversation) are public security-invoker functions calling one private definer each, which
-- checks the caller's rights itself; reads (inbox, history, catch-up, unread, search) are
-- security invoker and run under the tables' RLS. Who may message whom lives in one place,
-- private.messaging_refusal(), shared by send_message, get_or_create_conversation and the
-- realtime authorization of dm:<org>:<a>:<b> topics.
-- Errors: readable message, snake_case code in HINT, SQLSTATE PT403/PT404/PT409/PT422. A block by
-- the recipient is refused exactly like a recipient who is not in the organization
-- ("You cannot message this person.", cannot_message), so the refusal does not reveal the block.
--
-- messaging blocks (story 6.5): block, unblock and list my blocks. A block applies in every
-- organization: the blocked person can no longer message the blocker (refused like any other
-- refusal), and the blocker no longer sees their messages, conversation, unread counts or live
-- events (RLS on messages and conversation_summaries, checks in the side-effect triggers).
-- When a member blocks (or unblocks) a staff member, a safety entry goes to audit_logs; a
-- restrictive policy keeps those entries to the organization's owners and admins and away from
-- the blocked person, whatever role they hold (the audit table's own policy shows entries to
-- all staff, which would include a blocked coach).
--
-- realtime authorization: who may listen to (SELECT) and send on (INSERT) each private topic of
-- DESIGN.md, as RLS policies on realtime.messages — one per command, every topic decided by one
-- private helper so the rules sit in one place:
--   user:<user_id>                  only that user listens (broadcast); nobody sends from a client,
--                                   the database's triggers do (as the definer, bypassing RLS)
--   org:<org_id>                    active members listen and track presence
--   dm:<org_id>:<low>:<high>        only those two people, lower id first, and only while they may
--                                   message each other (same rules as send_message, no block
--                                   either way): typing broadcasts and presence
--   assignment:<assignment_id>      the athlete (published, not deleted) and the organization's
--                                   staff: workout-thread typing
--
-- The inbox's names and avatars without the profile policy's full scan (issue 7 benchmark: the
-- first inbox page took 36 ms in SQL for a coach of 2,000 athletes; target 10 ms, and the same at
-- 50,000 and 5,000,000 messages). list_conversations reads 30 summaries through
-- conversation_summaries_inbox_idx, but its join to profiles went through the profiles SELECT
-- policy, `id in (select private.visible_profile_ids())`, which first builds the set of every
-- profile the caller may see: 2,000+ ids for a coach, on every inbox page. The page now asks the
-- same visibility rule of its 30 partners only, in one call (private.profile_cards: a probe of
-- the caller's memberships and one of each partner's). Rows, order, columns and paging are
-- unchanged; a partner the caller may no longer see still has a null name and avatar, as under
-- the policy.
--
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
--
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
--
-- Sends per second (issue 7 benchmark, >= 1,000/s in SQL): conversation_summaries.last_message_id
-- loses its foreign key and index. Every send rewrites that column on both people's summaries, so
-- the foreign key cost two lookups of messages and the index two more index writes per message;
-- the index served only the foreign key and the edit/delete trigger's lookup of "summaries whose
-- last message is this one", which now goes through the pair's unique key (two probes) instead.
-- The pointer stays correct without the constraint: direct messages are never hard-deleted (they
-- are soft-deleted, and erasure rewrites their content), and workout comments, which are
-- hard-deleted with their assignment, never become a summary's last message.
--
-- Messages get time-ordered ids (UUID version 7) instead of random ones (issue 7 benchmark: sends
-- per second fell from 1,209/s at 50,000 messages to 539/s at 5,000,000). A random id lands on a
-- random leaf of the primary key, so once the table is large every send reads and dirties a leaf
-- page that is rarely in shared buffers; a time-ordered id always lands on the rightmost leaf,
-- like created_at in the other indexes. The ids stay UUIDs (same column type, same API, same
-- client handling); only the default changes, so ids already stored keep their value. Version 7
-- (RFC 9562): 48 bits of Unix milliseconds, then the version, then random bits, so ids are still
-- unguessable and unique across sessions.
--
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

-- =============================================================================================
-- types
-- =============================================================================================

create type public.sender_role as enum ('coach', 'member', 'admin');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.messages (
  id uuid primary key default private.uuid_v7(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  sender_id uuid not null references public.profiles (id),
  sender_role public.sender_role not null,
  recipient_id uuid not null references public.profiles (id),
  workout_assignment_id uuid references public.workout_assignments (id) on delete cascade,
  content text,
  attachment_count integer not null default 0,
  client_id uuid,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz not null default now(),
  -- The unordered pair, so one index serves a conversation in both directions.
  participant_low uuid not null generated always as (least(sender_id, recipient_id)) stored,
  participant_high uuid not null generated always as (greatest(sender_id, recipient_id)) stored,
  search_vector tsvector not null
    generated always as (to_tsvector('simple'::regconfig, coalesce(content, ''))) stored,
  constraint messages_sender_client_id_key unique (sender_id, client_id),
  constraint messages_not_to_self_chk check (sender_id <> recipient_id),
  constraint messages_content_present_chk check (
    deleted_at is not null
    or attachment_count > 0
    or (content is not null and content ~ '[^[:space:]]')
  ),
  constraint messages_content_length_chk check (content is null or char_length(content) <= 5000),
  constraint messages_deleted_content_chk check (deleted_at is null or content is null),
  constraint messages_attachment_count_chk check (attachment_count between 0 and 20),
  constraint messages_read_at_chk check (read_at is null or read_at >= created_at - interval '1 minute')
);

-- The five indexes of seed 001, by their names.
create index messages_org_created_idx on public.messages (organization_id, created_at);

create index messages_recipient_created_idx on public.messages (recipient_id, created_at);

create index messages_sender_created_idx on public.messages (sender_id, created_at);

create index messages_recipient_read_at_idx on public.messages (recipient_id, read_at);

-- Seed 001's index by its name, for workout comments (the rows that have an assignment).
create index messages_workout_assignment_idx on public.messages (workout_assignment_id, created_at)
  where workout_assignment_id is not null;

-- A conversation's history, both directions, keyset on (created_at, id); DMs only.
create index messages_conversation_created_idx
  on public.messages (organization_id, participant_low, participant_high, created_at, id)
  where workout_assignment_id is null;

-- Catch-up after a reconnect ("everything changed since").
create index messages_sender_updated_idx on public.messages (sender_id, updated_at);

create index messages_recipient_updated_idx on public.messages (recipient_id, updated_at);

create index messages_search_idx on public.messages using gin (search_vector);

comment on table public.messages is
  'Seed 001: DMs (workout_assignment_id null) and workout-anchored comments; written only by the messaging functions.';

comment on column public.messages.sender_role is
  'Snapshot at send (owner and admin -> admin), so a later role change does not rewrite history.';

comment on column public.messages.content is
  'Null for attachment-only messages and for deleted messages (the text is gone, not hidden).';

comment on column public.messages.attachment_count is
  'Kept by the attachments feature; lets the content check allow attachment-only messages.';

comment on column public.messages.client_id is
  'Client-generated idempotency key: a retry of send_message with the same key returns the same row.';

comment on column public.messages.read_at is
  'The read receipt the sender sees: set only when the recipient shares read receipts.';

comment on column public.messages.updated_at is 'Bumped on every change; messages_since() reads it.';

create table public.message_edits (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null references public.messages (id) on delete cascade,
  previous_content text,
  edited_at timestamptz not null default now(),
  constraint message_edits_previous_content_length_chk
    check (previous_content is null or char_length(previous_content) <= 5000)
);

create index message_edits_message_id_idx on public.message_edits (message_id, edited_at);

comment on table public.message_edits is
  'Every earlier version of an edited message; both participants read it; removed when the message is deleted.';

create table public.user_blocks (
  id uuid primary key default gen_random_uuid(),
  blocker_id uuid not null references public.profiles (id),
  blocked_id uuid not null references public.profiles (id),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint user_blocks_pair_key unique (blocker_id, blocked_id),
  constraint user_blocks_not_self_chk check (blocker_id <> blocked_id)
);

create index user_blocks_blocked_id_idx on public.user_blocks (blocked_id, blocker_id);

create index user_blocks_organization_id_idx on public.user_blocks (organization_id);

comment on table public.user_blocks is
  'Story 6.5: a person''s private block list. A block applies in every organization; organization_id records where it was made (for the safety audit).';

create table public.conversation_summaries (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles (id),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  other_user_id uuid not null references public.profiles (id),
  last_message_id uuid,
  last_message_sender_id uuid,
  last_message_preview text,
  last_message_deleted boolean not null default false,
  last_message_at timestamptz,
  last_activity_at timestamptz not null default now(),
  unread_count integer not null default 0,
  last_read_at timestamptz,
  muted boolean not null default false,
  hidden boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint conversation_summaries_owner_org_other_key unique (owner_id, organization_id, other_user_id),
  constraint conversation_summaries_not_self_chk check (owner_id <> other_user_id),
  constraint conversation_summaries_unread_count_chk check (unread_count >= 0),
  constraint conversation_summaries_preview_length_chk
    check (last_message_preview is null or char_length(last_message_preview) <= 140),
  constraint conversation_summaries_last_message_sender_chk
    check (last_message_sender_id is null or last_message_sender_id in (owner_id, other_user_id))
);

-- The inbox: one owner's conversations in one organization, newest first, keyset on (activity, id).
create index conversation_summaries_inbox_idx
  on public.conversation_summaries (owner_id, organization_id, last_activity_at desc, id desc)
  where not hidden;

create index conversation_summaries_organization_id_idx on public.conversation_summaries (organization_id);

create index conversation_summaries_other_user_id_idx on public.conversation_summaries (other_user_id);

comment on table public.conversation_summaries is
  'One row per (owner, organization, other participant), kept by triggers on messages: the inbox never scans messages.';

comment on column public.conversation_summaries.last_read_at is
  'The owner''s read watermark: messages from the other participant created at or before it are read. Private to the owner.';

comment on column public.conversation_summaries.hidden is
  'Hidden from the inbox until the next message (the other side of a conversation nobody has written in yet).';

comment on column public.conversation_summaries.last_message_sender_id is
  'Who wrote the last message: always the owner or the other person (check constraint; both are foreign keys).';

comment on column public.conversation_summaries.last_message_id is
  'The newest message of the conversation (display pointer kept by triggers, no foreign key: direct messages are only soft-deleted).';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger messages_set_updated_at
  before update on public.messages
  for each row execute function private.trigger_set_updated_at();

create trigger conversation_summaries_set_updated_at
  before update on public.conversation_summaries
  for each row execute function private.trigger_set_updated_at();

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
comment on function private.trigger_message_changed() is
  'An edited or deleted DM: refresh the summaries'' preview and unread count; message_updated / message_deleted to both participants (not to a recipient who blocked the sender).';

create trigger messages_announce_changed
  after update of content, deleted_at on public.messages
  for each row
  when (new.workout_assignment_id is null)
  execute function private.trigger_message_changed();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.messages enable row level security;

alter table public.message_edits enable row level security;

alter table public.user_blocks enable row level security;

alter table public.conversation_summaries enable row level security;

-- Read-only to clients: every write goes through a function that checks the rules itself.
revoke all on public.messages, public.message_edits, public.user_blocks, public.conversation_summaries
  from anon, authenticated;

grant select on public.messages, public.message_edits, public.user_blocks, public.conversation_summaries
  to authenticated;

-- A person may mute or hide their own conversations directly.
grant update (muted, hidden) on public.conversation_summaries to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.blocked_user_ids()
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select b.blocked_id from public.user_blocks b where b.blocker_id = (select auth.uid());
$$;
comment on function private.blocked_user_ids() is
  'The people the current user has blocked (their own private list, read under its RLS).';
grant execute on function private.blocked_user_ids() to authenticated, service_role;

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
comment on function private.conversation_key(uuid, uuid, uuid) is
  'The DM topic and mute key of a pair: dm:<org>:<lower user id>:<higher user id>.';
grant execute on function private.conversation_key(uuid, uuid, uuid) to authenticated, service_role;

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
revoke all on function private.refresh_unread_count(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.refresh_unread_count(uuid, uuid, uuid) to service_role;

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
comment on function private.message_event_payload(public.messages) is
  'What a participant may see of a message, as a realtime payload (ids, content, times; never the client_id of the other side).';
revoke all on function private.message_event_payload(public.messages) from public, anon, authenticated;
grant execute on function private.message_event_payload(public.messages) to service_role;

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
revoke all on function private.messaging_refusal(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.messaging_refusal(uuid, uuid, uuid) to service_role;
comment on function private.messaging_refusal(uuid, uuid, uuid) is
  'Why p_sender may not message p_recipient in the organization (a HINT code), or null when allowed: staff<->anyone, member<->member only with member_dm_enabled, both active, no block (rule: private.messaging_pair).';

create or replace function private.raise_messaging_refusal(p_code text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  case raise_messaging_refusal.p_code
    when 'not_authenticated' then
      raise exception 'Sign in first.' using errcode = 'PT403', hint = 'not_authenticated';
    when 'not_a_member' then
      raise exception 'You are not a member of this organization.' using errcode = 'PT403', hint = 'not_a_member';
    when 'cannot_message_self' then
      raise exception 'You cannot message yourself.' using errcode = 'PT422', hint = 'cannot_message_self';
    when 'member_messaging_disabled' then
      raise exception 'Members of this organization cannot message each other.'
        using errcode = 'PT403', hint = 'member_messaging_disabled';
    when 'recipient_blocked' then
      raise exception 'You blocked this person: unblock them to message them.'
        using errcode = 'PT409', hint = 'recipient_blocked';
    else
      raise exception 'You cannot message this person.' using errcode = 'PT403', hint = 'cannot_message';
  end case;
end;
$$;
comment on function private.raise_messaging_refusal(text) is
  'Turns a messaging_refusal code into the readable error every messaging function raises.';
revoke all on function private.raise_messaging_refusal(text) from public, anon, authenticated;
grant execute on function private.raise_messaging_refusal(text) to authenticated, service_role;

create or replace function private.check_message_content(p_content text, p_attachment_count integer default 0)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if (check_message_content.p_content is null or check_message_content.p_content !~ '[^[:space:]]')
     and coalesce(check_message_content.p_attachment_count, 0) = 0 then
    raise exception 'Write a message first.' using errcode = 'PT422', hint = 'message_empty';
  end if;
  if pg_catalog.char_length(check_message_content.p_content) > 5000 then
    raise exception 'A message can be at most 5,000 characters.' using errcode = 'PT422', hint = 'message_too_long';
  end if;
end;
$$;
comment on function private.check_message_content(text, integer) is
  'The readable form of the messages content checks (non-empty unless attachments, at most 5,000 characters).';
revoke all on function private.check_message_content(text, integer) from public, anon, authenticated;
grant execute on function private.check_message_content(text, integer) to authenticated, service_role;

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
comment on function private.sender_role_for(public.membership_role) is
  'Seed 001''s sender_role snapshot: owner and admin become admin.';
revoke all on function private.sender_role_for(public.membership_role) from public, anon, authenticated;
grant execute on function private.sender_role_for(public.membership_role) to service_role;

create or replace function private.find_own_message(p_message_id uuid)
returns public.messages
language plpgsql
-- definer: locks the message for the write that follows; visibility is checked here, like RLS.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages;
begin
  select * into v_message from public.messages m where m.id = find_own_message.p_message_id for update;
  if v_message.id is null
     or (v_message.sender_id <> v_user_id and v_message.recipient_id <> v_user_id)
     or (v_message.recipient_id = v_user_id and exists (
           select 1 from public.user_blocks b where b.blocker_id = v_user_id and b.blocked_id = v_message.sender_id)) then
    raise exception 'That message does not exist or is not yours to see.'
      using errcode = 'PT404', hint = 'message_not_found';
  end if;
  return v_message;
end;
$$;
comment on function private.find_own_message(uuid) is
  'The message, locked, if the caller is its sender or (unblocking) recipient; else message_not_found.';
revoke all on function private.find_own_message(uuid) from public, anon, authenticated;
grant execute on function private.find_own_message(uuid) to service_role;

create or replace function private.mark_read_up_to(
  p_reader_id uuid,
  p_organization_id uuid,
  p_other_user_id uuid,
  p_up_to timestamptz
)
returns integer
language plpgsql
-- definer: moves the reader's watermark and, if they share receipts, stamps read_at on the
-- other person's messages, which no client may update.
security definer
set search_path = ''
as $$
declare
  v_shares boolean;
  v_old timestamptz;
  v_new timestamptz;
  v_read_at timestamptz := pg_catalog.clock_timestamp();
  v_count integer;
  v_unread integer;
  v_ids uuid[];
begin
  select p.read_receipts_enabled into v_shares from public.profiles p where p.id = mark_read_up_to.p_reader_id;

  insert into public.conversation_summaries (owner_id, organization_id, other_user_id, hidden)
  values (mark_read_up_to.p_reader_id, mark_read_up_to.p_organization_id, mark_read_up_to.p_other_user_id, true)
  on conflict (owner_id, organization_id, other_user_id) do nothing;

  select s.last_read_at into v_old from public.conversation_summaries s
   where s.owner_id = mark_read_up_to.p_reader_id and s.organization_id = mark_read_up_to.p_organization_id
     and s.other_user_id = mark_read_up_to.p_other_user_id
   for update;
  v_new := greatest(v_old, mark_read_up_to.p_up_to);

  select count(*)::integer into v_count
    from public.messages m
   where m.organization_id = mark_read_up_to.p_organization_id
     and m.participant_low = least(mark_read_up_to.p_reader_id, mark_read_up_to.p_other_user_id)
     and m.participant_high = greatest(mark_read_up_to.p_reader_id, mark_read_up_to.p_other_user_id)
     and m.workout_assignment_id is null
     and m.recipient_id = mark_read_up_to.p_reader_id
     and m.deleted_at is null
     and m.created_at > coalesce(v_old, '-infinity'::timestamptz)
     and m.created_at <= v_new;

  update public.conversation_summaries s
     set last_read_at = v_new
   where s.owner_id = mark_read_up_to.p_reader_id and s.organization_id = mark_read_up_to.p_organization_id
     and s.other_user_id = mark_read_up_to.p_other_user_id;
  v_unread := private.refresh_unread_count(mark_read_up_to.p_reader_id, mark_read_up_to.p_organization_id,
                                           mark_read_up_to.p_other_user_id);

  if coalesce(v_shares, true) then
    with stamped as (
      update public.messages m
         set read_at = v_read_at
       where m.organization_id = mark_read_up_to.p_organization_id
         and m.participant_low = least(mark_read_up_to.p_reader_id, mark_read_up_to.p_other_user_id)
         and m.participant_high = greatest(mark_read_up_to.p_reader_id, mark_read_up_to.p_other_user_id)
         and m.workout_assignment_id is null
         and m.recipient_id = mark_read_up_to.p_reader_id
         and m.deleted_at is null
         and m.read_at is null
         and m.created_at <= v_new
      returning m.id)
    select array_agg(stamped.id) into v_ids from stamped;

    if v_ids is not null and not exists (
         select 1 from public.user_blocks b
          where b.blocker_id = mark_read_up_to.p_other_user_id and b.blocked_id = mark_read_up_to.p_reader_id) then
      perform realtime.send(
        jsonb_build_object('organization_id', mark_read_up_to.p_organization_id,
                           'reader_id', mark_read_up_to.p_reader_id,
                           'message_ids', to_jsonb(v_ids),
                           'read_at', v_read_at),
        'message_read', 'user:' || mark_read_up_to.p_other_user_id::text, true);
    end if;
  end if;

  -- The reader's other devices update their badges, receipts or not.
  perform realtime.send(
    jsonb_build_object('organization_id', mark_read_up_to.p_organization_id,
                       'other_user_id', mark_read_up_to.p_other_user_id,
                       'last_read_at', v_new,
                       'unread_count', v_unread),
    'conversation_read', 'user:' || mark_read_up_to.p_reader_id::text, true);
  return v_count;
end;
$$;
comment on function private.mark_read_up_to(uuid, uuid, uuid, timestamptz) is
  'Reads a conversation up to a time: moves the reader''s private watermark, recounts unread, and only if the reader shares receipts sets read_at and tells the sender (message_read).';
revoke all on function private.mark_read_up_to(uuid, uuid, uuid, timestamptz) from public, anon, authenticated;
grant execute on function private.mark_read_up_to(uuid, uuid, uuid, timestamptz) to service_role;

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
revoke all on function private.send_message(uuid, uuid, text, uuid) from public, anon, authenticated;
grant execute on function private.send_message(uuid, uuid, text, uuid) to authenticated, service_role;
comment on function private.send_message(uuid, uuid, text, uuid) is
  'Body of public.send_message: validates the pair and the content, then inserts (idempotent on sender + client_id).';

create or replace function private.get_or_create_conversation(p_organization_id uuid, p_other_user_id uuid)
returns uuid
language plpgsql
-- definer: creates the summary rows of both people, which clients cannot insert.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_refusal text := private.messaging_refusal(get_or_create_conversation.p_organization_id, v_user_id,
                                              get_or_create_conversation.p_other_user_id);
  v_id uuid;
begin
  if v_refusal is not null then
    perform private.raise_messaging_refusal(v_refusal);
  end if;
  insert into public.conversation_summaries as s (owner_id, organization_id, other_user_id)
  values (v_user_id, get_or_create_conversation.p_organization_id, get_or_create_conversation.p_other_user_id)
  on conflict (owner_id, organization_id, other_user_id) do update set hidden = false
  returning s.id into v_id;
  -- The other side exists too, hidden from their inbox until the first message arrives.
  insert into public.conversation_summaries (owner_id, organization_id, other_user_id, hidden)
  values (get_or_create_conversation.p_other_user_id, get_or_create_conversation.p_organization_id, v_user_id, true)
  on conflict (owner_id, organization_id, other_user_id) do nothing;
  return v_id;
end;
$$;
comment on function private.get_or_create_conversation(uuid, uuid) is
  'Body of public.get_or_create_conversation (story 6.5''s thread): validates the pair and creates both summaries.';
revoke all on function private.get_or_create_conversation(uuid, uuid) from public, anon, authenticated;
grant execute on function private.get_or_create_conversation(uuid, uuid) to authenticated, service_role;

create or replace function private.mark_message_read(p_message_id uuid)
returns public.messages
language plpgsql
-- definer: see private.mark_read_up_to.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages := private.find_own_message(mark_message_read.p_message_id);
begin
  if v_message.recipient_id <> v_user_id then
    raise exception 'Only the recipient can mark a message read.' using errcode = 'PT403', hint = 'not_recipient';
  end if;
  if v_message.workout_assignment_id is not null then
    raise exception 'That message is a workout comment, not a direct message.'
      using errcode = 'PT422', hint = 'not_a_direct_message';
  end if;
  perform private.mark_read_up_to(v_user_id, v_message.organization_id, v_message.sender_id, v_message.created_at);
  select * into v_message from public.messages m where m.id = mark_message_read.p_message_id;
  return v_message;
end;
$$;
comment on function private.mark_message_read(uuid) is
  'Body of public.mark_message_read: the recipient reads one message (and so everything before it in the conversation).';
revoke all on function private.mark_message_read(uuid) from public, anon, authenticated;
grant execute on function private.mark_message_read(uuid) to authenticated, service_role;

create or replace function private.mark_conversation_read(p_organization_id uuid, p_other_user_id uuid)
returns integer
language plpgsql
-- definer: see private.mark_read_up_to.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_up_to timestamptz;
begin
  if not exists (select 1 from public.memberships m
                  where m.organization_id = mark_conversation_read.p_organization_id
                    and m.user_id = v_user_id and m.status = 'active') then
    perform private.raise_messaging_refusal('not_a_member');
  end if;
  if exists (select 1 from public.user_blocks b
              where b.blocker_id = v_user_id and b.blocked_id = mark_conversation_read.p_other_user_id) then
    return 0;
  end if;
  select max(m.created_at) into v_up_to
    from public.messages m
   where m.organization_id = mark_conversation_read.p_organization_id
     and m.participant_low = least(v_user_id, mark_conversation_read.p_other_user_id)
     and m.participant_high = greatest(v_user_id, mark_conversation_read.p_other_user_id)
     and m.workout_assignment_id is null
     and m.recipient_id = v_user_id;
  if v_up_to is null then
    return 0;
  end if;
  return private.mark_read_up_to(v_user_id, mark_conversation_read.p_organization_id,
                                 mark_conversation_read.p_other_user_id, v_up_to);
end;
$$;
comment on function private.mark_conversation_read(uuid, uuid) is
  'Body of public.mark_conversation_read: the caller reads everything the other person sent them in the organization.';
revoke all on function private.mark_conversation_read(uuid, uuid) from public, anon, authenticated;
grant execute on function private.mark_conversation_read(uuid, uuid) to authenticated, service_role;

create or replace function private.edit_message(p_message_id uuid, p_content text)
returns public.messages
language plpgsql
-- definer: messages have no update grant; only the sender may edit, checked here.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages := private.find_own_message(edit_message.p_message_id);
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_content text := edit_message.p_content;
begin
  if v_message.sender_id <> v_user_id then
    raise exception 'Only the sender can edit this message.' using errcode = 'PT403', hint = 'not_sender';
  end if;
  if v_message.deleted_at is not null then
    raise exception 'A deleted message cannot be edited.' using errcode = 'PT409', hint = 'message_deleted';
  end if;
  perform private.check_message_content(v_content, v_message.attachment_count);
  if v_content is not null and v_content !~ '[^[:space:]]' then
    v_content := null;  -- an attachment-only message
  end if;
  if v_content is not distinct from v_message.content then
    return v_message;
  end if;
  insert into public.message_edits (message_id, previous_content, edited_at)
  values (v_message.id, v_message.content, v_now);
  update public.messages m
     set content = v_content, edited_at = v_now
   where m.id = v_message.id
  returning * into v_message;
  return v_message;
end;
$$;
comment on function private.edit_message(uuid, text) is
  'Body of public.edit_message: the sender changes the text; the previous version goes to message_edits.';
revoke all on function private.edit_message(uuid, text) from public, anon, authenticated;
grant execute on function private.edit_message(uuid, text) to authenticated, service_role;

create or replace function private.delete_message(p_message_id uuid)
returns public.messages
language plpgsql
-- definer: messages have no update/delete grant; only the sender may delete, checked here.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages := private.find_own_message(delete_message.p_message_id);
begin
  if v_message.sender_id <> v_user_id then
    raise exception 'Only the sender can delete this message.' using errcode = 'PT403', hint = 'not_sender';
  end if;
  if v_message.deleted_at is not null then
    return v_message;
  end if;
  -- The text goes everywhere it was kept: the row, and every earlier version.
  delete from public.message_edits e where e.message_id = v_message.id;
  update public.messages m
     set content = null, deleted_at = pg_catalog.clock_timestamp()
   where m.id = v_message.id
  returning * into v_message;
  return v_message;
end;
$$;
comment on function private.delete_message(uuid) is
  'Body of public.delete_message: soft delete that erases the text and its edit history; the row stays as a placeholder.';
revoke all on function private.delete_message(uuid) from public, anon, authenticated;
grant execute on function private.delete_message(uuid) to authenticated, service_role;

create or replace function private.block_user(p_organization_id uuid, p_user_id uuid)
returns public.user_blocks
language plpgsql
-- definer: user_blocks has no client insert grant, and the check reads the other person's
-- membership; the audit entry goes through private.write_audit.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_my_role public.membership_role;
  v_their_role public.membership_role;
  v_block public.user_blocks;
begin
  select m.role into v_my_role from public.memberships m
   where m.organization_id = block_user.p_organization_id and m.user_id = v_user_id and m.status = 'active';
  if v_my_role is null then
    perform private.raise_messaging_refusal('not_a_member');
  end if;
  if block_user.p_user_id = v_user_id then
    raise exception 'You cannot block yourself.' using errcode = 'PT422', hint = 'cannot_block_self';
  end if;
  select m.role into v_their_role from public.memberships m
   where m.organization_id = block_user.p_organization_id and m.user_id = block_user.p_user_id and m.status = 'active';
  if v_their_role is null then
    raise exception 'That person is not in this organization.' using errcode = 'PT404', hint = 'user_not_found';
  end if;

  insert into public.user_blocks (blocker_id, blocked_id, organization_id)
  values (v_user_id, block_user.p_user_id, block_user.p_organization_id)
  on conflict (blocker_id, blocked_id) do nothing
  returning * into v_block;
  if v_block.id is null then
    select * into v_block from public.user_blocks b where b.blocker_id = v_user_id and b.blocked_id = block_user.p_user_id;
    return v_block;
  end if;

  if v_my_role = 'member' and v_their_role <> 'member' then
    perform private.write_audit(block_user.p_organization_id, 'messaging.staff_blocked', 'user_block', v_block.id,
      jsonb_build_object('blocker_id', v_user_id, 'blocked_id', block_user.p_user_id, 'blocked_role', v_their_role));
  end if;
  return v_block;
end;
$$;
comment on function private.block_user(uuid, uuid) is
  'Body of public.block_user: adds to the caller''s private block list (idempotent); a member blocking staff is audited for owners and admins.';
revoke all on function private.block_user(uuid, uuid) from public, anon, authenticated;
grant execute on function private.block_user(uuid, uuid) to authenticated, service_role;

create or replace function private.unblock_user(p_user_id uuid)
returns boolean
language plpgsql
-- definer: user_blocks has no client delete grant; the audit entry goes through private.write_audit.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_block public.user_blocks;
  v_my_role public.membership_role;
  v_their_role public.membership_role;
begin
  delete from public.user_blocks b
   where b.blocker_id = v_user_id and b.blocked_id = unblock_user.p_user_id
  returning * into v_block;
  if v_block.id is null then
    return false;
  end if;
  select m.role into v_my_role from public.memberships m
   where m.organization_id = v_block.organization_id and m.user_id = v_user_id and m.status = 'active';
  select m.role into v_their_role from public.memberships m
   where m.organization_id = v_block.organization_id and m.user_id = unblock_user.p_user_id and m.status = 'active';
  if v_my_role = 'member' and v_their_role <> 'member' then
    perform private.write_audit(v_block.organization_id, 'messaging.staff_unblocked', 'user_block', v_block.id,
      jsonb_build_object('blocker_id', v_user_id, 'blocked_id', unblock_user.p_user_id, 'blocked_role', v_their_role));
  end if;
  return true;
end;
$$;
comment on function private.unblock_user(uuid) is
  'Body of public.unblock_user: removes a person from the caller''s block list; true if they were on it.';
revoke all on function private.unblock_user(uuid) from public, anon, authenticated;
grant execute on function private.unblock_user(uuid) to authenticated, service_role;

create or replace function private.can_use_assignment_topic(p_assignment_id uuid)
returns boolean
language plpgsql
stable
-- definer: reads the assignment whatever the caller's RLS shows (drafts are hidden from athletes).
security definer
set search_path = ''
as $$
begin
  if to_regclass('public.workout_assignments') is null then
    return false;
  end if;
  return exists (
    select 1 from public.workout_assignments a
     where a.id = can_use_assignment_topic.p_assignment_id
       and a.deleted_at is null
       and ((a.user_id = (select auth.uid()) and a.published)
            or private.is_staff(a.organization_id)));
end;
$$;
comment on function private.can_use_assignment_topic(uuid) is
  'Whether the current user may listen and type on assignment:<id>: its athlete once published, or the organization''s staff.';
revoke all on function private.can_use_assignment_topic(uuid) from public, anon, authenticated;
grant execute on function private.can_use_assignment_topic(uuid) to authenticated, service_role;

create or replace function private.can_use_realtime_topic(p_topic text, p_extension text, p_send boolean)
returns boolean
language plpgsql
stable
-- definer: the dm rule reads the other person's membership and blocks through messaging_refusal.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_uuid text := '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  v_parts text[];
  v_low uuid;
  v_high uuid;
begin
  if v_user_id is null or p_topic is null or p_extension is null
     or p_extension not in ('broadcast', 'presence') then
    return false;
  end if;

  if p_topic ~ ('^user:' || v_uuid || '$') then
    return not p_send and p_extension = 'broadcast' and pg_catalog.substr(p_topic, 6)::uuid = v_user_id;
  end if;

  if p_topic ~ ('^org:' || v_uuid || '$') then
    return (not p_send or p_extension = 'presence')
       and private.is_member(pg_catalog.substr(p_topic, 5)::uuid);
  end if;

  if p_topic ~ ('^dm:' || v_uuid || ':' || v_uuid || ':' || v_uuid || '$') then
    v_parts := pg_catalog.string_to_array(p_topic, ':');
    v_low := v_parts[3]::uuid;
    v_high := v_parts[4]::uuid;
    if v_low >= v_high or v_user_id not in (v_low, v_high) then
      return false;
    end if;
    return private.messaging_refusal(v_parts[2]::uuid, v_user_id,
                                     case when v_user_id = v_low then v_high else v_low end) is null;
  end if;

  if p_topic ~ ('^assignment:' || v_uuid || '$') then
    return private.can_use_assignment_topic(pg_catalog.substr(p_topic, 12)::uuid);
  end if;

  return false;
end;
$$;
comment on function private.can_use_realtime_topic(text, text, boolean) is
  'The one rule behind realtime.messages policies: may the current user receive (p_send false) or send (true) this extension on this private topic?';
revoke all on function private.can_use_realtime_topic(text, text, boolean) from public, anon, authenticated;
grant execute on function private.can_use_realtime_topic(text, text, boolean) to authenticated, service_role;

create or replace function private.profile_cards(p_profile_ids uuid[])
returns table (id uuid, display_name text, avatar_path text)
language sql
stable
-- definer: reads a page of profiles and the memberships that decide whether the caller may see
-- them, without the profiles policy's whole-set scan. It applies that policy's rule itself
-- (private.visible_profile_ids: oneself, or an active member of an organization where the caller
-- is active and staff, or members may message each other, or that member is staff), so it shows
-- nothing the policy would hide.
security definer
set search_path = ''
as $$
  select p.id, p.display_name, p.avatar_path
    from public.profiles p
   where p.id = any (profile_cards.p_profile_ids)
     and (p.id = (select auth.uid())
          or exists (
               select 1
                 from public.memberships me
                 join public.organizations o on o.id = me.organization_id
                 join public.memberships them
                   on them.organization_id = me.organization_id and them.user_id = p.id and them.status = 'active'
                where me.user_id = (select auth.uid()) and me.status = 'active'
                  and (me.role in ('owner', 'admin', 'coach') or o.member_dm_enabled
                       or them.role in ('owner', 'admin', 'coach'))));
$$;
comment on function private.profile_cards(uuid[]) is
  'Names and avatars of the listed people the caller may see (the profiles policy''s rule, asked of these ids only): for pages of a few people.';
revoke all on function private.profile_cards(uuid[]) from public, anon;
grant execute on function private.profile_cards(uuid[]) to authenticated, service_role;

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
revoke all on function private.messaging_pair(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.messaging_pair(uuid, uuid, uuid) to service_role;

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
revoke all on function private.broadcast(text, text[], jsonb[]) from public, anon, authenticated;
grant execute on function private.broadcast(text, text[], jsonb[]) to service_role;


-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Message edits are visible to whoever sees the message"
  on public.message_edits
  for select
  to authenticated
  using (exists (select 1 from public.messages m where m.id = message_edits.message_id));

create policy "Blocks are visible only to the blocker"
  on public.user_blocks
  for select
  to authenticated
  using (blocker_id = (select auth.uid()));

create policy "Conversation summaries are visible to their owner"
  on public.conversation_summaries
  for select
  to authenticated
  using (owner_id = (select auth.uid()) and other_user_id not in (select private.blocked_user_ids()));

create policy "Conversation summaries can be muted or hidden by their owner"
  on public.conversation_summaries
  for update
  to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Block entries are limited to admins who are not the blocked"
  on public.audit_logs
  as restrictive
  for select
  to authenticated
  using (
    entity_type <> 'user_block'
    or (organization_id in (select private.admin_organization_ids())
        and (details ->> 'blocked_id') is distinct from (select auth.uid())::text)
  );

create policy "Private topics can be received by the people they concern"
  on realtime.messages
  for select
  to authenticated
  using (private.can_use_realtime_topic((select realtime.topic()), extension, false));

create policy "Private topics can be sent on by the people they concern"
  on realtime.messages
  for insert
  to authenticated
  with check (private.can_use_realtime_topic((select realtime.topic()), extension, true));

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
revoke all on function public.send_message(uuid, uuid, text, uuid) from public, anon, authenticated;
grant execute on function public.send_message(uuid, uuid, text, uuid) to authenticated;
comment on function public.send_message(uuid, uuid, text, uuid) is
  'Sends a direct message; a retry with the same p_client_id returns the same row. Errors: not_authenticated, not_a_member, cannot_message, member_messaging_disabled (PT403); recipient_blocked, client_id_reused (PT409); cannot_message_self, message_empty, message_too_long (PT422).';

create or replace function public.get_or_create_conversation(p_organization_id uuid, p_other_user_id uuid)
returns table (
  conversation_id uuid,
  organization_id uuid,
  other_user_id uuid,
  other_display_name text,
  other_avatar_path text,
  last_message_id uuid,
  last_message_sender_id uuid,
  last_message_preview text,
  last_message_deleted boolean,
  last_message_at timestamptz,
  last_activity_at timestamptz,
  unread_count integer,
  last_read_at timestamptz,
  muted boolean
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_id uuid := private.get_or_create_conversation(get_or_create_conversation.p_organization_id,
                                                  get_or_create_conversation.p_other_user_id);
begin
  return query
  select s.id, s.organization_id, s.other_user_id, p.display_name, p.avatar_path, s.last_message_id,
         s.last_message_sender_id, s.last_message_preview, s.last_message_deleted, s.last_message_at,
         s.last_activity_at, s.unread_count, s.last_read_at, s.muted
    from public.conversation_summaries s
    left join public.profiles p on p.id = s.other_user_id
   where s.id = v_id;
end;
$$;
comment on function public.get_or_create_conversation(uuid, uuid) is
  'Story 6.5: opens (creating if needed) the caller''s conversation with another person, after the same checks as send_message. Errors: as send_message.';
revoke all on function public.get_or_create_conversation(uuid, uuid) from public, anon, authenticated;
grant execute on function public.get_or_create_conversation(uuid, uuid) to authenticated;

create or replace function public.list_conversations(
  p_organization_id uuid,
  p_before timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 30
)
returns table (
  conversation_id uuid,
  organization_id uuid,
  other_user_id uuid,
  other_display_name text,
  other_avatar_path text,
  last_message_id uuid,
  last_message_sender_id uuid,
  last_message_preview text,
  last_message_deleted boolean,
  last_message_at timestamptz,
  last_activity_at timestamptz,
  unread_count integer,
  last_read_at timestamptz,
  muted boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  with page as (
    select s.* from public.conversation_summaries s
     where s.owner_id = (select auth.uid())
       and s.organization_id = list_conversations.p_organization_id
       and not s.hidden
       and (list_conversations.p_before is null
            or (s.last_activity_at, s.id) < (list_conversations.p_before,
                  coalesce(list_conversations.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
     order by s.last_activity_at desc, s.id desc
     limit least(greatest(coalesce(list_conversations.p_limit, 30), 1), 100)
  )
  select s.id, s.organization_id, s.other_user_id, card.display_name, card.avatar_path, s.last_message_id,
         s.last_message_sender_id, s.last_message_preview, s.last_message_deleted, s.last_message_at,
         s.last_activity_at, s.unread_count, s.last_read_at, s.muted
    from page s
    left join private.profile_cards((select array_agg(p.other_user_id) from page p)) card
      on card.id = s.other_user_id
   order by s.last_activity_at desc, s.id desc;
$$;
revoke all on function public.list_conversations(uuid, timestamptz, uuid, integer) from public, anon, authenticated;
grant execute on function public.list_conversations(uuid, timestamptz, uuid, integer) to authenticated;
comment on function public.list_conversations(uuid, timestamptz, uuid, integer) is
  'The inbox: my conversations in an organization, newest activity first, from conversation_summaries only. Next page: p_before = last row''s last_activity_at, p_before_id = its conversation_id. Blocked people''s conversations are left out.';

create or replace function public.total_unread(p_organization_id uuid default null)
returns integer
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(sum(s.unread_count), 0)::integer
    from public.conversation_summaries s
   where s.owner_id = (select auth.uid())
     and (total_unread.p_organization_id is null or s.organization_id = total_unread.p_organization_id)
     and s.organization_id in (select private.member_organization_ids());
$$;
comment on function public.total_unread(uuid) is
  'My unread direct messages in one organization (or all of mine), not counting people I blocked.';
revoke all on function public.total_unread(uuid) from public, anon, authenticated;
grant execute on function public.total_unread(uuid) to authenticated;

create or replace function public.conversation_messages(
  p_organization_id uuid,
  p_other_user_id uuid,
  p_before timestamptz default null,
  p_after timestamptz default null,
  p_limit integer default 50,
  p_before_id uuid default null,
  p_after_id uuid default null
)
returns table (
  id uuid,
  organization_id uuid,
  sender_id uuid,
  recipient_id uuid,
  sender_role public.sender_role,
  workout_assignment_id uuid,
  content text,
  attachment_count integer,
  client_id uuid,
  created_at timestamptz,
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz,
  is_read boolean
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_limit integer := least(greatest(coalesce(conversation_messages.p_limit, 50), 1), 200);
  v_watermark timestamptz;
begin
  if conversation_messages.p_before is not null and conversation_messages.p_after is not null then
    raise exception 'Page either before or after a point, not both.' using errcode = 'PT422', hint = 'invalid_cursor';
  end if;
  if v_user_id is null or conversation_messages.p_other_user_id in (select private.blocked_user_ids()) then
    return;
  end if;
  select s.last_read_at into v_watermark from public.conversation_summaries s
   where s.owner_id = v_user_id and s.organization_id = conversation_messages.p_organization_id
     and s.other_user_id = conversation_messages.p_other_user_id;

  return query
  select page.id, page.organization_id, page.sender_id, page.recipient_id, page.sender_role,
         page.workout_assignment_id, page.content, page.attachment_count, page.client_id, page.created_at,
         page.read_at, page.edited_at, page.deleted_at, page.updated_at,
         case when page.sender_id = v_user_id then page.read_at is not null
              else page.created_at <= coalesce(v_watermark, '-infinity'::timestamptz) end
    from (
      select m.* from public.messages m
       where m.organization_id = conversation_messages.p_organization_id
         and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
         and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
         and m.workout_assignment_id is null
         and conversation_messages.p_after is not null
         and (m.created_at, m.id) > (conversation_messages.p_after,
               coalesce(conversation_messages.p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
       order by m.created_at, m.id
       limit v_limit) page
  union all
  select page.id, page.organization_id, page.sender_id, page.recipient_id, page.sender_role,
         page.workout_assignment_id, page.content, page.attachment_count, page.client_id, page.created_at,
         page.read_at, page.edited_at, page.deleted_at, page.updated_at,
         case when page.sender_id = v_user_id then page.read_at is not null
              else page.created_at <= coalesce(v_watermark, '-infinity'::timestamptz) end
    from (
      select m.* from public.messages m
       where m.organization_id = conversation_messages.p_organization_id
         and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
         and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
         and m.workout_assignment_id is null
         and conversation_messages.p_after is null
         and (conversation_messages.p_before is null
              or (m.created_at, m.id) < (conversation_messages.p_before,
                    coalesce(conversation_messages.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
       order by m.created_at desc, m.id desc
       limit v_limit) page
  order by 10, 1;
end;
$$;
comment on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) is
  'A conversation''s history in chronological order: the newest page by default, older with p_before(+p_before_id), newer with p_after(+p_after_id). is_read: my sent message has a receipt / I have read the received one. Errors: invalid_cursor (PT422).';
revoke all on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) from public, anon, authenticated;
grant execute on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) to authenticated;

create or replace function public.messages_since(
  p_since timestamptz,
  p_since_id uuid default null,
  p_limit integer default 500
)
returns table (
  id uuid,
  organization_id uuid,
  sender_id uuid,
  recipient_id uuid,
  sender_role public.sender_role,
  workout_assignment_id uuid,
  content text,
  attachment_count integer,
  client_id uuid,
  created_at timestamptz,
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if messages_since.p_since is null then
    raise exception 'Say since when.' using errcode = 'PT422', hint = 'invalid_since';
  end if;
  return query
  select m.id, m.organization_id, m.sender_id, m.recipient_id, m.sender_role, m.workout_assignment_id,
         m.content, m.attachment_count, m.client_id, m.created_at, m.read_at, m.edited_at, m.deleted_at,
         m.updated_at
    from public.messages m
   where (m.sender_id = (select auth.uid())
          -- catch-up replays live events: none from people I blocked (staff still read those
          -- comments in the thread itself)
          or (m.recipient_id = (select auth.uid()) and m.sender_id not in (select private.blocked_user_ids())))
     and (m.updated_at, m.id) > (messages_since.p_since,
           coalesce(messages_since.p_since_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by m.updated_at, m.id
   limit least(greatest(coalesce(messages_since.p_limit, 500), 1), 1000);
end;
$$;
revoke all on function public.messages_since(timestamptz, uuid, integer) from public, anon, authenticated;
grant execute on function public.messages_since(timestamptz, uuid, integer) to authenticated;
comment on function public.messages_since(timestamptz, uuid, integer) is
  'Catch-up after a reconnect: every message of mine created, edited, deleted or receipted at or after p_since (page on with the last row''s updated_at and id), nothing from people I blocked. Pass a since a few seconds before the last event seen; unread counts come from list_conversations. Errors: invalid_since (PT422).';

create or replace function public.mark_message_read(p_message_id uuid)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.mark_message_read(mark_message_read.p_message_id);
$$;
comment on function public.mark_message_read(uuid) is
  'The recipient reads a message (and everything before it from the same person). read_at is set and the sender told only if the reader shares read receipts. Errors: message_not_found (PT404), not_recipient (PT403).';
revoke all on function public.mark_message_read(uuid) from public, anon, authenticated;
grant execute on function public.mark_message_read(uuid) to authenticated;

create or replace function public.mark_conversation_read(p_organization_id uuid, p_other_user_id uuid)
returns integer
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.mark_conversation_read(mark_conversation_read.p_organization_id, mark_conversation_read.p_other_user_id);
$$;
comment on function public.mark_conversation_read(uuid, uuid) is
  'Reads a whole conversation; returns how many messages became read. Errors: not_a_member (PT403).';
revoke all on function public.mark_conversation_read(uuid, uuid) from public, anon, authenticated;
grant execute on function public.mark_conversation_read(uuid, uuid) to authenticated;

create or replace function public.edit_message(p_message_id uuid, p_content text)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.edit_message(edit_message.p_message_id, edit_message.p_content);
$$;
comment on function public.edit_message(uuid, text) is
  'The sender edits a message; the earlier text is kept in message_edits. Errors: message_not_found (PT404), not_sender (PT403), message_deleted (PT409), message_empty, message_too_long (PT422).';
revoke all on function public.edit_message(uuid, text) from public, anon, authenticated;
grant execute on function public.edit_message(uuid, text) to authenticated;

create or replace function public.delete_message(p_message_id uuid)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.delete_message(delete_message.p_message_id);
$$;
comment on function public.delete_message(uuid) is
  'The sender deletes a message: its text and edit history are erased, a placeholder row stays. Errors: message_not_found (PT404), not_sender (PT403).';
revoke all on function public.delete_message(uuid) from public, anon, authenticated;
grant execute on function public.delete_message(uuid) to authenticated;

create or replace function public.search_messages(p_organization_id uuid, p_query text, p_limit integer default 20)
returns table (
  message_id uuid,
  other_user_id uuid,
  sender_id uuid,
  content text,
  created_at timestamptz,
  rank real
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_query tsquery;
begin
  if search_messages.p_query is null or search_messages.p_query !~ '[^[:space:]]'
     or pg_catalog.char_length(search_messages.p_query) > 200 then
    raise exception 'Search for 1 to 200 characters.' using errcode = 'PT422', hint = 'invalid_query';
  end if;
  v_query := pg_catalog.websearch_to_tsquery('simple'::regconfig, search_messages.p_query);
  return query
  select m.id,
         case when m.sender_id = v_user_id then m.recipient_id else m.sender_id end,
         m.sender_id, m.content, m.created_at, pg_catalog.ts_rank(m.search_vector, v_query)
    from public.messages m
   where m.organization_id = search_messages.p_organization_id
     and m.workout_assignment_id is null
     and m.deleted_at is null
     and (m.sender_id = v_user_id or m.recipient_id = v_user_id)
     and m.search_vector @@ v_query
     and (case when m.sender_id = v_user_id then m.recipient_id else m.sender_id end)
           not in (select private.blocked_user_ids())
   order by 6 desc, m.created_at desc
   limit least(greatest(coalesce(search_messages.p_limit, 20), 1), 100);
end;
$$;
comment on function public.search_messages(uuid, text, integer) is
  'Full-text search (simple config, websearch syntax) over my own conversations in an organization, without deleted messages or people I blocked. Errors: invalid_query (PT422).';
revoke all on function public.search_messages(uuid, text, integer) from public, anon, authenticated;
grant execute on function public.search_messages(uuid, text, integer) to authenticated;

create or replace function public.block_user(p_organization_id uuid, p_user_id uuid)
returns public.user_blocks
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.block_user(block_user.p_organization_id, block_user.p_user_id);
$$;
comment on function public.block_user(uuid, uuid) is
  'Blocks a person of the organization everywhere (idempotent); the block list is private. Errors: not_a_member (PT403), user_not_found (PT404), cannot_block_self (PT422).';
revoke all on function public.block_user(uuid, uuid) from public, anon, authenticated;
grant execute on function public.block_user(uuid, uuid) to authenticated;

create or replace function public.unblock_user(p_user_id uuid)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.unblock_user(unblock_user.p_user_id);
$$;
comment on function public.unblock_user(uuid) is 'Unblocks a person; true if they were blocked, false otherwise.';
revoke all on function public.unblock_user(uuid) from public, anon, authenticated;
grant execute on function public.unblock_user(uuid) to authenticated;

create or replace function public.list_my_blocks()
returns table (
  blocked_id uuid,
  display_name text,
  avatar_path text,
  organization_id uuid,
  created_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select b.blocked_id, p.display_name, p.avatar_path, b.organization_id, b.created_at
    from public.user_blocks b
    left join public.profiles p on p.id = b.blocked_id
   where b.blocker_id = (select auth.uid())
   order by b.created_at desc;
$$;
comment on function public.list_my_blocks() is 'The people I blocked, newest first (nobody else can read this list).';
revoke all on function public.list_my_blocks() from public, anon, authenticated;
grant execute on function public.list_my_blocks() to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

