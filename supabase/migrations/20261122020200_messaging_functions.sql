-- messaging functions: the API of direct messages. Writes (send, read, edit, delete, start a
-- conversation) are public security-invoker functions calling one private definer each, which
-- checks the caller's rights itself; reads (inbox, history, catch-up, unread, search) are
-- security invoker and run under the tables' RLS. Who may message whom lives in one place,
-- private.messaging_refusal(), shared by send_message, get_or_create_conversation and the
-- realtime authorization of dm:<org>:<a>:<b> topics.
-- Errors: readable message, snake_case code in HINT, SQLSTATE PT403/PT404/PT409/PT422. A block by
-- the recipient is refused exactly like a recipient who is not in the organization
-- ("You cannot message this person.", cannot_message), so the refusal does not reveal the block.
-- Touches: public.messages, public.message_edits, public.conversation_summaries (through the
-- functions); no new tables.

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

create or replace function private.messaging_refusal(p_organization_id uuid, p_sender_id uuid, p_recipient_id uuid)
returns text
language plpgsql
stable
-- definer: reads the other person's membership and block list, which the caller cannot see.
security definer
set search_path = ''
as $$
declare
  v_sender_role public.membership_role;
  v_recipient_role public.membership_role;
  v_member_dm_enabled boolean;
begin
  if messaging_refusal.p_sender_id is null then
    return 'not_authenticated';
  end if;
  select m.role, o.member_dm_enabled into v_sender_role, v_member_dm_enabled
    from public.memberships m
    join public.organizations o on o.id = m.organization_id
   where m.organization_id = messaging_refusal.p_organization_id
     and m.user_id = messaging_refusal.p_sender_id and m.status = 'active';
  if v_sender_role is null then
    return 'not_a_member';
  end if;
  if messaging_refusal.p_recipient_id = messaging_refusal.p_sender_id then
    return 'cannot_message_self';
  end if;
  select m.role into v_recipient_role
    from public.memberships m
    join public.profiles p on p.id = m.user_id and p.deleted_at is null
   where m.organization_id = messaging_refusal.p_organization_id
     and m.user_id = messaging_refusal.p_recipient_id and m.status = 'active';
  if v_recipient_role is null then
    return 'cannot_message';
  end if;
  if v_sender_role = 'member' and v_recipient_role = 'member' and not v_member_dm_enabled then
    return 'member_messaging_disabled';
  end if;
  if exists (select 1 from public.user_blocks b
              where b.blocker_id = messaging_refusal.p_recipient_id and b.blocked_id = messaging_refusal.p_sender_id) then
    -- deliberately the same answer as "not in this organization"
    return 'cannot_message';
  end if;
  if exists (select 1 from public.user_blocks b
              where b.blocker_id = messaging_refusal.p_sender_id and b.blocked_id = messaging_refusal.p_recipient_id) then
    return 'recipient_blocked';
  end if;
  return null;
end;
$$;

comment on function private.messaging_refusal(uuid, uuid, uuid) is
  'Why p_sender may not message p_recipient in the organization (a HINT code), or null when allowed: staff<->anyone, member<->member only with member_dm_enabled, both active, no block.';

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

create or replace function private.sender_role_for(p_role public.membership_role)
returns public.sender_role
language sql
immutable
security invoker
set search_path = ''
as $$
  select case sender_role_for.p_role
           when 'member' then 'member'::public.sender_role
           when 'coach' then 'coach'::public.sender_role
           else 'admin'::public.sender_role
         end;
$$;

comment on function private.sender_role_for(public.membership_role) is
  'Seed 001''s sender_role snapshot: owner and admin become admin.';

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

  v_refusal := private.messaging_refusal(send_message.p_organization_id, v_user_id, null);
  if v_refusal = 'not_a_member' then
    perform private.raise_messaging_refusal(v_refusal);
  end if;
  perform private.check_message_content(send_message.p_content, 0);
  v_refusal := private.messaging_refusal(send_message.p_organization_id, v_user_id, send_message.p_recipient_id);
  if v_refusal is not null then
    perform private.raise_messaging_refusal(v_refusal);
  end if;

  select m.role into v_role from public.memberships m
   where m.organization_id = send_message.p_organization_id and m.user_id = v_user_id and m.status = 'active';

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

revoke all on function
  private.messaging_refusal(uuid, uuid, uuid),
  private.raise_messaging_refusal(text),
  private.check_message_content(text, integer),
  private.sender_role_for(public.membership_role),
  private.find_own_message(uuid),
  private.mark_read_up_to(uuid, uuid, uuid, timestamptz),
  private.send_message(uuid, uuid, text, uuid),
  private.get_or_create_conversation(uuid, uuid),
  private.mark_message_read(uuid),
  private.mark_conversation_read(uuid, uuid),
  private.edit_message(uuid, text),
  private.delete_message(uuid)
  from public, anon, authenticated;
grant execute on function
  private.raise_messaging_refusal(text),
  private.check_message_content(text, integer),
  private.send_message(uuid, uuid, text, uuid),
  private.get_or_create_conversation(uuid, uuid),
  private.mark_message_read(uuid),
  private.mark_conversation_read(uuid, uuid),
  private.edit_message(uuid, text),
  private.delete_message(uuid)
  to authenticated, service_role;
grant execute on function
  private.messaging_refusal(uuid, uuid, uuid),
  private.sender_role_for(public.membership_role),
  private.find_own_message(uuid),
  private.mark_read_up_to(uuid, uuid, uuid, timestamptz)
  to service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none: see the messaging tables migration)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.send_message(
  p_organization_id uuid,
  p_recipient_id uuid,
  p_content text,
  p_client_id uuid default null
)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.send_message(send_message.p_organization_id, send_message.p_recipient_id,
                                     send_message.p_content, send_message.p_client_id);
$$;

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
  select s.id, s.organization_id, s.other_user_id, p.display_name, p.avatar_path, s.last_message_id,
         s.last_message_sender_id, s.last_message_preview, s.last_message_deleted, s.last_message_at,
         s.last_activity_at, s.unread_count, s.last_read_at, s.muted
    from public.conversation_summaries s
    left join public.profiles p on p.id = s.other_user_id
   where s.owner_id = (select auth.uid())
     and s.organization_id = list_conversations.p_organization_id
     and not s.hidden
     and (list_conversations.p_before is null
          or (s.last_activity_at, s.id) < (list_conversations.p_before,
                coalesce(list_conversations.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
   order by s.last_activity_at desc, s.id desc
   limit least(greatest(coalesce(list_conversations.p_limit, 30), 1), 100);
$$;

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
   where (m.sender_id = (select auth.uid()) or m.recipient_id = (select auth.uid()))
     and (m.updated_at, m.id) > (messages_since.p_since,
           coalesce(messages_since.p_since_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by m.updated_at, m.id
   limit least(greatest(coalesce(messages_since.p_limit, 500), 1), 1000);
end;
$$;

comment on function public.messages_since(timestamptz, uuid, integer) is
  'Catch-up after a reconnect: every message of mine created, edited, deleted or receipted at or after p_since (page on with the last row''s updated_at and id). Pass a since a few seconds before the last event seen; unread counts come from list_conversations. Errors: invalid_since (PT422).';

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

revoke all on function
  public.send_message(uuid, uuid, text, uuid),
  public.get_or_create_conversation(uuid, uuid),
  public.list_conversations(uuid, timestamptz, uuid, integer),
  public.total_unread(uuid),
  public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid),
  public.messages_since(timestamptz, uuid, integer),
  public.mark_message_read(uuid),
  public.mark_conversation_read(uuid, uuid),
  public.edit_message(uuid, text),
  public.delete_message(uuid),
  public.search_messages(uuid, text, integer)
  from public, anon, authenticated;
grant execute on function
  public.send_message(uuid, uuid, text, uuid),
  public.get_or_create_conversation(uuid, uuid),
  public.list_conversations(uuid, timestamptz, uuid, integer),
  public.total_unread(uuid),
  public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid),
  public.messages_since(timestamptz, uuid, integer),
  public.mark_message_read(uuid),
  public.mark_conversation_read(uuid, uuid),
  public.edit_message(uuid, text),
  public.delete_message(uuid),
  public.search_messages(uuid, text, integer)
  to authenticated;
