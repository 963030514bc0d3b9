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

-- =============================================================================================
-- types
-- =============================================================================================

create type public.sender_role as enum ('coach', 'member', 'admin');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  sender_id uuid not null references public.profiles (id),
  sender_role public.sender_role not null,
  recipient_id uuid not null references public.profiles (id),
  workout_assignment_id uuid,
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
create index messages_workout_assignment_idx on public.messages (workout_assignment_id, created_at);
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
  last_message_id uuid references public.messages (id) on delete set null,
  last_message_sender_id uuid references public.profiles (id),
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
    check (last_message_preview is null or char_length(last_message_preview) <= 140)
);

-- The inbox: one owner's conversations in one organization, newest first, keyset on (activity, id).
create index conversation_summaries_inbox_idx
  on public.conversation_summaries (owner_id, organization_id, last_activity_at desc, id desc)
  where not hidden;
create index conversation_summaries_organization_id_idx on public.conversation_summaries (organization_id);
create index conversation_summaries_other_user_id_idx on public.conversation_summaries (other_user_id);
create index conversation_summaries_last_message_id_idx on public.conversation_summaries (last_message_id);
create index conversation_summaries_last_message_sender_id_idx
  on public.conversation_summaries (last_message_sender_id);

comment on table public.conversation_summaries is
  'One row per (owner, organization, other participant), kept by triggers on messages: the inbox never scans messages.';
comment on column public.conversation_summaries.last_read_at is
  'The owner''s read watermark: messages from the other participant created at or before it are read. Private to the owner.';
comment on column public.conversation_summaries.hidden is
  'Hidden from the inbox until the next message (the other side of a conversation nobody has written in yet).';

-- workout_assignments comes from the assignments migration; the foreign key follows it when present.
do $$
begin
  if to_regclass('public.workout_assignments') is not null then
    alter table public.messages
      add constraint messages_workout_assignment_id_fkey
      foreign key (workout_assignment_id) references public.workout_assignments (id) on delete cascade;
  end if;
end;
$$;

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger messages_set_updated_at
  before update on public.messages
  for each row execute function private.trigger_set_updated_at();

create trigger conversation_summaries_set_updated_at
  before update on public.conversation_summaries
  for each row execute function private.trigger_set_updated_at();

-- (side effects of sending, editing and deleting: see the messaging side effects migration)

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

create or replace function private.conversation_key(p_organization_id uuid, p_a uuid, p_b uuid)
returns text
language sql
immutable
security invoker
set search_path = ''
as $$
  select 'dm:' || conversation_key.p_organization_id::text || ':'
      || least(conversation_key.p_a, conversation_key.p_b)::text || ':'
      || greatest(conversation_key.p_a, conversation_key.p_b)::text;
$$;

comment on function private.conversation_key(uuid, uuid, uuid) is
  'The DM topic and mute key of a pair: dm:<org>:<lower user id>:<higher user id>.';

grant execute on function private.blocked_user_ids(), private.conversation_key(uuid, uuid, uuid)
  to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Messages are visible to their sender and unblocked recipient"
  on public.messages
  for select
  to authenticated
  using (
    sender_id = (select auth.uid())
    or (recipient_id = (select auth.uid()) and sender_id not in (select private.blocked_user_ids()))
  );

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

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (see the messaging functions migration)
