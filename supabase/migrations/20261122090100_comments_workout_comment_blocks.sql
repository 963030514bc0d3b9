-- workout comments and blocks (issue 8: workout comments ignored user_blocks). A workout thread is
-- the coaching record between an athlete and the organization's staff, so a block there MUTES the
-- blocked person for the blocker and never erases or refuses anything:
--   - both may still comment: a member cannot silence the staff's record of their training, and a
--     refusal would tell the blocked person about the block;
--   - the record stays whole for the organization: staff (a staff blocker included) read every
--     comment of their organization's threads, as before; an athlete who blocked someone does not
--     see that person's comments (the messages policy already hides them, as for DMs);
--   - the blocker gets nothing FROM the blocked person: no newComment push, no comment_created /
--     comment_updated / comment_deleted on user:<blocker>, no unread count (thread and program
--     counts; recounted when the block is made or lifted), nothing in messages_since catch-up;
--   - the blocker gives nothing TO the blocked person: reading a thread stamps no read receipt on
--     the blocked person's comments, and no comment_read event reaches a sender who blocked the
--     reader;
--   - the blocked person sees no difference: their comments post, count and notify as before, and
--     the missing receipts look like receipts turned off.
-- Typing on assignment:<id> stays a client broadcast to everyone allowed on the topic (it carries
-- no content).
-- Touches: private.refresh_comment_unread, private.trigger_comment_created,
-- private.trigger_comment_changed, private.mark_workout_comments_read,
-- private.trigger_recount_comment_unreads_on_block (new, trigger on public.user_blocks),
-- public.messages_since.

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

create or replace function private.refresh_comment_unread(p_user_id uuid, p_assignment_id uuid)
returns integer
language plpgsql
-- definer: recounts a reader's thread from messages whoever triggered it.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_count integer;
begin
  select * into v_assignment from public.workout_assignments a where a.id = refresh_comment_unread.p_assignment_id;
  if v_assignment.id is null then
    return 0;  -- the assignment is being deleted: its reads go with it
  end if;
  insert into public.workout_comment_reads as r (user_id, workout_assignment_id, organization_id, program_id)
  values (refresh_comment_unread.p_user_id, v_assignment.id, v_assignment.organization_id, v_assignment.program_id)
  on conflict (user_id, workout_assignment_id) do nothing;
  update public.workout_comment_reads r
     set unread_count = (
       select count(*)::integer from public.messages m
        where m.workout_assignment_id = r.workout_assignment_id
          and m.recipient_id = r.user_id
          and m.deleted_at is null
          and m.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)
          -- comments from people the reader blocked are never unread for them
          and not exists (select 1 from public.user_blocks b
                           where b.blocker_id = r.user_id and b.blocked_id = m.sender_id)),
         updated_at = pg_catalog.now()
   where r.user_id = refresh_comment_unread.p_user_id and r.workout_assignment_id = v_assignment.id
  returning r.unread_count into v_count;
  return v_count;
end;
$$;

comment on function private.refresh_comment_unread(uuid, uuid) is
  'Recounts one reader''s unread comments in one workout thread (a thread is small), leaving out comments from people the reader blocked.';

create or replace function private.mark_workout_comments_read(p_assignment_id uuid)
returns integer
language plpgsql
-- definer: moves the reader's watermark and stamps read receipts, which no client may write.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_before integer;
  v_after integer;
  v_shares boolean;
  v_sender record;
begin
  if not private.can_use_assignment_topic(mark_workout_comments_read.p_assignment_id) then
    raise exception 'That workout was not found or is not yours to discuss.'
      using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  v_before := private.refresh_comment_unread(v_user_id, mark_workout_comments_read.p_assignment_id);
  update public.workout_comment_reads r set last_read_at = v_now
   where r.user_id = v_user_id and r.workout_assignment_id = mark_workout_comments_read.p_assignment_id;
  v_after := private.refresh_comment_unread(v_user_id, mark_workout_comments_read.p_assignment_id);

  select p.read_receipts_enabled into v_shares from public.profiles p where p.id = v_user_id;
  if coalesce(v_shares, true) then
    for v_sender in
      with stamped as (
        update public.messages m set read_at = v_now
         where m.workout_assignment_id = mark_workout_comments_read.p_assignment_id
           and m.recipient_id = v_user_id and m.read_at is null and m.deleted_at is null
           -- no receipt for someone the reader blocked
           and not exists (select 1 from public.user_blocks b
                            where b.blocker_id = v_user_id and b.blocked_id = m.sender_id)
        returning m.id, m.sender_id)
      select s.sender_id, array_agg(s.id) as ids from stamped s
       -- a sender who blocked the reader hears nothing from them
       where not exists (select 1 from public.user_blocks b
                          where b.blocker_id = s.sender_id and b.blocked_id = v_user_id)
       group by s.sender_id
    loop
      perform private.broadcast('comment_read', array['user:' || v_sender.sender_id::text],
                                array[jsonb_build_object('workout_assignment_id', mark_workout_comments_read.p_assignment_id,
                                                         'reader_id', v_user_id, 'message_ids', to_jsonb(v_sender.ids),
                                                         'read_at', v_now)]);
    end loop;
  end if;
  perform private.broadcast('comments_read', array['user:' || v_user_id::text],
                            array[jsonb_build_object('workout_assignment_id', mark_workout_comments_read.p_assignment_id,
                                                     'last_read_at', v_now, 'unread_count', v_after)]);
  return v_before - v_after;
end;
$$;

comment on function private.mark_workout_comments_read(uuid) is
  'Body of public.mark_workout_comments_read: my watermark to now, my unread to zero, receipts if I share them (never to people I blocked; no comment_read to a sender who blocked me).';

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_comment_created()
returns trigger
language plpgsql
-- definer: writes the unread bookkeeping, the feed index, the outbox and realtime.messages.
security definer
set search_path = ''
as $$
declare
  v_program_id uuid;
  v_sender_name text;
  v_payload jsonb := private.message_event_payload(new);
  v_recipient_blocked_sender boolean;
begin
  select a.program_id into v_program_id from public.workout_assignments a where a.id = new.workout_assignment_id;
  if v_program_id is not null then
    insert into public.program_comments (message_id, organization_id, program_id, workout_assignment_id, created_at)
    values (new.id, new.organization_id, v_program_id, new.workout_assignment_id, new.created_at);
  end if;

  -- Writing in a thread means having read it.
  insert into public.workout_comment_reads as r (user_id, workout_assignment_id, organization_id, program_id, last_read_at)
  values (new.sender_id, new.workout_assignment_id, new.organization_id, v_program_id, new.created_at)
  on conflict (user_id, workout_assignment_id)
    do update set last_read_at = greatest(r.last_read_at, excluded.last_read_at);
  perform private.refresh_comment_unread(new.sender_id, new.workout_assignment_id);
  -- (the recipient's count leaves out a sender they blocked)
  perform private.refresh_comment_unread(new.recipient_id, new.workout_assignment_id);

  select exists (select 1 from public.user_blocks b
                  where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id)
    into v_recipient_blocked_sender;

  if not v_recipient_blocked_sender then
    select p.display_name into v_sender_name from public.profiles p where p.id = new.sender_id;
    perform private.enqueue_notification(
      new.recipient_id,
      'newComment',
      jsonb_build_object(
        'message_id', new.id,
        'organization_id', new.organization_id,
        'workout_assignment_id', new.workout_assignment_id,
        'sender_id', new.sender_id,
        'sender_name', v_sender_name,
        'preview', coalesce(pg_catalog.left(new.content, 140), 'Sent an attachment'),
        'conversation_key', 'assignment:' || new.workout_assignment_id::text,
        'url', '/org/' || new.organization_id::text || '/assignments/' || new.workout_assignment_id::text),
      'assignment:' || new.workout_assignment_id::text);
  end if;

  -- The recipient hears nothing from someone they blocked; the sender's devices always do.
  perform private.broadcast(
    'comment_created',
    array[case when not v_recipient_blocked_sender then 'user:' || new.recipient_id::text end,
          'user:' || new.sender_id::text],
    array[v_payload, v_payload || jsonb_build_object('client_id', new.client_id)]);
  return null;
end;
$$;

comment on function private.trigger_comment_created() is
  'A new workout comment: feed index, unread counts, a newComment push (collapse key assignment:<id>) and comment_created to user:<recipient> and user:<sender>; a recipient who blocked the sender gets no push, event or unread.';

create or replace function private.trigger_comment_changed()
returns trigger
language plpgsql
-- definer: recounts the recipient's unread and writes realtime.messages.
security definer
set search_path = ''
as $$
declare
  v_event text;
  v_payload jsonb;
begin
  if old.deleted_at is null and new.deleted_at is not null then
    v_event := 'comment_deleted';
    perform private.refresh_comment_unread(new.recipient_id, new.workout_assignment_id);
  elsif new.content is distinct from old.content then
    v_event := 'comment_updated';
  else
    return null;
  end if;
  v_payload := private.message_event_payload(new);
  perform private.broadcast(
    v_event,
    array[case when not exists (select 1 from public.user_blocks b
                                 where b.blocker_id = new.recipient_id and b.blocked_id = new.sender_id)
               then 'user:' || new.recipient_id::text end,
          'user:' || new.sender_id::text],
    array[v_payload, v_payload]);
  return null;
end;
$$;

comment on function private.trigger_comment_changed() is
  'An edited, removed or deleted workout comment: comment_updated / comment_deleted to both people (not to a recipient who blocked the sender); a deleted one stops counting as unread.';

create or replace function private.trigger_recount_comment_unreads_on_block()
returns trigger
language plpgsql
-- definer: recounts the blocker's thread counts, which no client may write.
security definer
set search_path = ''
as $$
declare
  v_block public.user_blocks := case when tg_op = 'DELETE' then old else new end;
  v_assignment_id uuid;
begin
  -- Every thread where the blocked person wrote to the blocker: their comments stop (or, after an
  -- unblock, start again) counting as unread there.
  for v_assignment_id in
    select distinct m.workout_assignment_id
      from public.messages m
     where m.recipient_id = v_block.blocker_id and m.sender_id = v_block.blocked_id
       and m.workout_assignment_id is not null
  loop
    perform private.refresh_comment_unread(v_block.blocker_id, v_assignment_id);
  end loop;
  return null;
end;
$$;

comment on function private.trigger_recount_comment_unreads_on_block() is
  'A block made or lifted: recounts the blocker''s unread comments in the workout threads where the blocked person wrote to them.';

create trigger user_blocks_recount_comment_unreads
  after insert or delete on public.user_blocks
  for each row execute function private.trigger_recount_comment_unreads_on_block();

revoke all on function private.trigger_recount_comment_unreads_on_block() from public, anon, authenticated;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none: the messages policy already hides a blocked sender's comments from a member who blocked
-- them, and keeps every comment of the organization's threads visible to its staff)

-- =============================================================================================
-- public functions
-- =============================================================================================

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

comment on function public.messages_since(timestamptz, uuid, integer) is
  'Catch-up after a reconnect: every message of mine created, edited, deleted or receipted at or after p_since (page on with the last row''s updated_at and id), nothing from people I blocked. Pass a since a few seconds before the last event seen; unread counts come from list_conversations. Errors: invalid_since (PT422).';
