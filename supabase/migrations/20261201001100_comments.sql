-- workout comments: seed 001's workout-anchored threads, `messages` rows with
-- workout_assignment_id set. Written by the assignment's athlete (published, not deleted) and the
-- organization's staff only, through post_workout_comment (text and/or attachments); the
-- recipient is the assigning coach when the athlete writes, the athlete when staff write. Each
-- comment queues a newComment push (collapse key assignment:<id>) and broadcasts comment_created to
-- user:<recipient> and user:<sender>; typing on assignment:<id> is client broadcast, authorized by
-- the realtime migration. Staff read every thread of their organization (the messages SELECT
-- policy is replaced here to say so); athletes read their own.
-- Unread counts never scan messages: workout_comment_reads keeps each reader's watermark and
-- unread count per assignment (recounted from the thread, which is small), and a trigger rolls the
-- changes up into program_comment_unreads (per reader and program). program_comments indexes each
-- comment by program for the recent-comments feed.
-- Comments are HARD-deleted with their assignment (messages.workout_assignment_id on delete
-- cascade, from the messaging tables migration), unlike DMs; their attachments' objects are queued
-- for deletion by the attachment trigger.
-- Errors (HINT): not_authenticated (PT403), assignment_not_found, program_not_found (PT404),
-- client_id_reused (PT409), cannot_message_self, message_empty, message_too_long (PT422), not_staff
-- (PT403), and the attachment checks.
-- Touches: policy on public.messages (select, replaced); public.workout_comment_reads,
-- public.program_comment_unreads, public.program_comments; triggers on public.messages,
-- public.workout_assignments.
--
-- exercise comments: seed 001's exercise_comments, pinned discussions on a workout movement
-- (template level, not assignment level), threaded with parent_comment_id. Staff only: the
-- organization's owners, admins and coaches read and write them; members neither. The author edits
-- (updated_at moves); the author or an owner/admin soft-deletes (the body is emptied, the row stays
-- as a placeholder so replies keep their thread). A reply's parent must be on the same movement: a
-- composite self foreign key (parent_comment_id, workout_movement_id) says so declaratively.
-- Also replaces private.fork_snapshot (assignments snapshots migration) so the lazy fork copies a
-- workout's exercise comments onto the snapshot's movements, parent links remapped; everything
-- else it did is unchanged.
-- Errors (HINT): not_authenticated, not_staff, not_author (PT403), movement_not_found,
-- comment_not_found (PT404), comment_deleted, parent_deleted (PT409), comment_empty,
-- comment_too_long, parent_other_movement (PT422).
-- Touches: public.exercise_comments; private.fork_snapshot (replaced).
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
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

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.workout_comment_reads (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id),
  workout_assignment_id uuid not null references public.workout_assignments (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid references public.programs (id) on delete set null,
  last_read_at timestamptz,
  unread_count integer not null default 0,
  updated_at timestamptz not null default now(),
  constraint workout_comment_reads_user_assignment_key unique (user_id, workout_assignment_id),
  constraint workout_comment_reads_unread_count_chk check (unread_count >= 0)
);

create index workout_comment_reads_assignment_idx on public.workout_comment_reads (workout_assignment_id);

create index workout_comment_reads_organization_id_idx on public.workout_comment_reads (organization_id);

create index workout_comment_reads_program_id_idx on public.workout_comment_reads (program_id);

comment on table public.workout_comment_reads is
  'A reader''s watermark and unread count in one workout thread (comments addressed to them after last_read_at).';

create table public.program_comment_unreads (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid references public.programs (id) on delete cascade,
  unread_count integer not null default 0,
  constraint program_comment_unreads_key unique nulls not distinct (user_id, organization_id, program_id),
  constraint program_comment_unreads_unread_count_chk check (unread_count >= 0)
);

create index program_comment_unreads_organization_id_idx on public.program_comment_unreads (organization_id);

create index program_comment_unreads_program_id_idx on public.program_comment_unreads (program_id);

comment on table public.program_comment_unreads is
  'Per reader and program (null: assignments outside programs): unread workout comments, rolled up from workout_comment_reads by trigger.';

create table public.program_comments (
  message_id uuid primary key references public.messages (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid not null references public.programs (id) on delete cascade,
  workout_assignment_id uuid not null references public.workout_assignments (id) on delete cascade,
  created_at timestamptz not null
);

create index program_comments_feed_idx on public.program_comments (program_id, created_at desc, message_id desc);

create index program_comments_organization_id_idx on public.program_comments (organization_id);

create index program_comments_workout_assignment_id_idx on public.program_comments (workout_assignment_id);

comment on table public.program_comments is
  'The recent-comments feed index: each workout comment under its assignment''s program.';

create table public.exercise_comments (
  id uuid primary key default gen_random_uuid(),
  workout_movement_id uuid not null references public.workout_movements (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  author_id uuid not null references public.profiles (id),
  body text not null,
  parent_comment_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  constraint exercise_comments_id_movement_key unique (id, workout_movement_id),
  constraint exercise_comments_parent_comment_id_fkey
    foreign key (parent_comment_id, workout_movement_id)
    references public.exercise_comments (id, workout_movement_id) on delete cascade,
  constraint exercise_comments_not_own_parent_chk check (parent_comment_id is distinct from id),
  constraint exercise_comments_body_chk check (deleted_at is not null or body ~ '[^[:space:]]'),
  constraint exercise_comments_body_length_chk check (char_length(body) <= 2000),
  constraint exercise_comments_deleted_body_chk check (deleted_at is null or body = '')
);

create index exercise_comments_movement_created_idx on public.exercise_comments (workout_movement_id, created_at);

create index exercise_comments_organization_id_idx on public.exercise_comments (organization_id);

create index exercise_comments_author_id_idx on public.exercise_comments (author_id);

create index exercise_comments_parent_idx on public.exercise_comments (parent_comment_id, workout_movement_id);

comment on table public.exercise_comments is
  'Seed 001: staff discussions pinned on a workout movement, threaded (parent on the same movement), soft-deleted.';

comment on column public.exercise_comments.organization_id is
  'Denormalized from the movement (set by trigger) so RLS needs no join.';

comment on column public.exercise_comments.body is
  'Empty once deleted; "[removed]" once its author is erased.';

-- =============================================================================================
-- triggers
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
revoke all on function private.refresh_comment_unread(uuid, uuid) from public, anon, authenticated;
grant execute on function private.refresh_comment_unread(uuid, uuid) to service_role;
comment on function private.refresh_comment_unread(uuid, uuid) is
  'Recounts one reader''s unread comments in one workout thread (a thread is small), leaving out comments from people the reader blocked.';

create or replace function private.trigger_roll_up_comment_unreads()
returns trigger
language plpgsql
-- definer: writes program_comment_unreads, which no client may write.
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.unread_count <> 0 then
    update public.program_comment_unreads u
       set unread_count = greatest(u.unread_count - old.unread_count, 0)
     where u.user_id = old.user_id and u.organization_id = old.organization_id
       and u.program_id is not distinct from old.program_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.unread_count <> 0 then
    insert into public.program_comment_unreads as u (user_id, organization_id, program_id, unread_count)
    values (new.user_id, new.organization_id, new.program_id, new.unread_count)
    on conflict (user_id, organization_id, program_id)
      do update set unread_count = u.unread_count + excluded.unread_count;
  end if;
  return null;
end;
$$;
comment on function private.trigger_roll_up_comment_unreads() is
  'Keeps program_comment_unreads equal to the sum of its readers'' thread counts (insert, recount, program change, delete).';

create trigger workout_comment_reads_roll_up
  after insert or update or delete on public.workout_comment_reads
  for each row execute function private.trigger_roll_up_comment_unreads();

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

create trigger messages_comment_created
  after insert on public.messages
  for each row
  when (new.workout_assignment_id is not null)
  execute function private.trigger_comment_created();

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

create trigger messages_comment_changed
  after update of content, deleted_at on public.messages
  for each row
  when (new.workout_assignment_id is not null)
  execute function private.trigger_comment_changed();

create or replace function private.trigger_comment_removed()
returns trigger
language plpgsql
-- definer: recounts the recipient's unread after a hard delete.
security definer
set search_path = ''
as $$
begin
  perform private.refresh_comment_unread(old.recipient_id, old.workout_assignment_id);
  return null;
end;
$$;
comment on function private.trigger_comment_removed() is
  'A hard-deleted comment (its assignment deleted) no longer counts as unread.';

create trigger messages_comment_removed
  after delete on public.messages
  for each row
  when (old.workout_assignment_id is not null)
  execute function private.trigger_comment_removed();

create or replace function private.trigger_assignment_program_moved()
returns trigger
language plpgsql
-- definer: moves the thread's bookkeeping to the new program.
security definer
set search_path = ''
as $$
begin
  update public.workout_comment_reads r set program_id = new.program_id where r.workout_assignment_id = new.id;
  delete from public.program_comments c where c.workout_assignment_id = new.id;
  if new.program_id is not null then
    insert into public.program_comments (message_id, organization_id, program_id, workout_assignment_id, created_at)
    select m.id, m.organization_id, new.program_id, m.workout_assignment_id, m.created_at
      from public.messages m where m.workout_assignment_id = new.id;
  end if;
  return null;
end;
$$;
comment on function private.trigger_assignment_program_moved() is
  'An assignment moved to another program (or out of one) takes its comments'' counts and feed entries along.';

create trigger workout_assignments_comment_program_moved
  after update of program_id on public.workout_assignments
  for each row
  when (old.program_id is distinct from new.program_id)
  execute function private.trigger_assignment_program_moved();

create trigger exercise_comments_set_updated_at
  before update of body on public.exercise_comments
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_exercise_comment_organization()
returns trigger
language plpgsql
-- definer: reads the movement whatever the writer can see.
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.workout_movement_id <> old.workout_movement_id then
    raise exception 'A comment cannot move to another movement.' using errcode = 'PT422', hint = 'comment_immutable';
  end if;
  select m.organization_id into new.organization_id from public.workout_movements m where m.id = new.workout_movement_id;
  return new;
end;
$$;
comment on function private.trigger_exercise_comment_organization() is
  'An exercise comment belongs to its movement''s organization, always.';

create trigger exercise_comments_organization
  before insert or update of workout_movement_id, organization_id on public.exercise_comments
  for each row execute function private.trigger_exercise_comment_organization();

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
revoke all on function private.trigger_recount_comment_unreads_on_block() from public, anon, authenticated;

create trigger user_blocks_recount_comment_unreads
  after insert or delete on public.user_blocks
  for each row execute function private.trigger_recount_comment_unreads_on_block();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.workout_comment_reads enable row level security;

alter table public.program_comment_unreads enable row level security;

alter table public.program_comments enable row level security;

revoke all on public.workout_comment_reads, public.program_comment_unreads, public.program_comments
  from anon, authenticated;

grant select on public.workout_comment_reads, public.program_comment_unreads, public.program_comments to authenticated;

alter table public.exercise_comments enable row level security;

-- Read-only to clients: writes go through the functions below, which give readable errors.
revoke all on public.exercise_comments from anon, authenticated;

grant select on public.exercise_comments to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.post_workout_comment(
  p_assignment_id uuid,
  p_content text,
  p_client_id uuid,
  p_object_paths text[]
)
returns public.messages
language plpgsql
-- definer: messages have no insert grant; checks the caller is the athlete or staff itself and
-- stamps sender, recipient and role from the database, so none can be forged.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_assignment public.workout_assignments;
  v_existing public.messages;
  v_message public.messages;
  v_recipient_id uuid;
  v_role public.membership_role;
  v_rows public.message_attachments[];
begin
  if post_workout_comment.p_client_id is not null then
    select * into v_existing from public.messages m
     where m.sender_id = v_user_id and m.client_id = post_workout_comment.p_client_id;
    if v_existing.id is not null then
      if v_existing.workout_assignment_id is not distinct from post_workout_comment.p_assignment_id then
        return v_existing;
      end if;
      raise exception 'That client id was already used for a different message.'
        using errcode = 'PT409', hint = 'client_id_reused';
    end if;
  end if;

  select * into v_assignment from public.workout_assignments a where a.id = post_workout_comment.p_assignment_id;
  if v_assignment.id is null or v_assignment.deleted_at is not null
     or not ((v_assignment.user_id = v_user_id and v_assignment.published and private.is_member(v_assignment.organization_id))
             or private.is_staff(v_assignment.organization_id)) then
    raise exception 'That workout was not found or is not yours to discuss.'
      using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  v_recipient_id := case when v_assignment.user_id = v_user_id then v_assignment.assigned_by else v_assignment.user_id end;
  if v_recipient_id = v_user_id then
    raise exception 'You cannot comment to yourself.' using errcode = 'PT422', hint = 'cannot_message_self';
  end if;

  v_rows := private.check_attachment_objects(v_assignment.organization_id, v_user_id, post_workout_comment.p_object_paths);
  perform private.check_message_content(post_workout_comment.p_content, pg_catalog.cardinality(v_rows));

  select m.role into v_role from public.memberships m
   where m.organization_id = v_assignment.organization_id and m.user_id = v_user_id and m.status = 'active';

  insert into public.messages (organization_id, sender_id, sender_role, recipient_id, workout_assignment_id,
                               content, attachment_count, client_id, created_at)
  values (v_assignment.organization_id, v_user_id, private.sender_role_for(v_role), v_recipient_id, v_assignment.id,
          nullif(post_workout_comment.p_content, ''), pg_catalog.cardinality(v_rows), post_workout_comment.p_client_id,
          pg_catalog.clock_timestamp())
  on conflict (sender_id, client_id) do nothing
  returning * into v_message;
  if v_message.id is null then
    select * into v_message from public.messages m
     where m.sender_id = v_user_id and m.client_id = post_workout_comment.p_client_id;
    return v_message;
  end if;
  if pg_catalog.cardinality(v_rows) > 0 then
    perform private.insert_attachments(v_message.id, v_rows);
    select * into v_message from public.messages m where m.id = v_message.id;
  end if;
  return v_message;
end;
$$;
comment on function private.post_workout_comment(uuid, text, uuid, text[]) is
  'Body of public.post_workout_comment: athlete (published, not deleted) or staff; recipient from the assignment; idempotent on client_id.';
revoke all on function private.post_workout_comment(uuid, text, uuid, text[]) from public, anon, authenticated;
grant execute on function private.post_workout_comment(uuid, text, uuid, text[]) to authenticated, service_role;

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
revoke all on function private.mark_workout_comments_read(uuid) from public, anon, authenticated;
grant execute on function private.mark_workout_comments_read(uuid) to authenticated, service_role;
comment on function private.mark_workout_comments_read(uuid) is
  'Body of public.mark_workout_comments_read: my watermark to now, my unread to zero, receipts if I share them (never to people I blocked; no comment_read to a sender who blocked me).';

create or replace function private.check_exercise_comment_body(p_body text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if check_exercise_comment_body.p_body is null or check_exercise_comment_body.p_body !~ '[^[:space:]]' then
    raise exception 'Write a comment first.' using errcode = 'PT422', hint = 'comment_empty';
  end if;
  if pg_catalog.char_length(check_exercise_comment_body.p_body) > 2000 then
    raise exception 'A comment can be at most 2,000 characters.' using errcode = 'PT422', hint = 'comment_too_long';
  end if;
end;
$$;
comment on function private.check_exercise_comment_body(text) is 'The readable form of the exercise comment body checks.';
revoke all on function private.check_exercise_comment_body(text) from public, anon, authenticated;
grant execute on function private.check_exercise_comment_body(text) to service_role;

create or replace function private.add_exercise_comment(p_workout_movement_id uuid, p_body text, p_parent_comment_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: exercise_comments has no insert grant; staff are checked here.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_org uuid;
  v_parent public.exercise_comments;
  v_row public.exercise_comments;
begin
  select m.organization_id into v_org from public.workout_movements m where m.id = add_exercise_comment.p_workout_movement_id;
  if v_org is null or not private.is_member(v_org) then
    raise exception 'That movement was not found.' using errcode = 'PT404', hint = 'movement_not_found';
  end if;
  if not private.is_staff(v_org) then
    raise exception 'Only coaches and admins can comment on exercises.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  perform private.check_exercise_comment_body(add_exercise_comment.p_body);
  if add_exercise_comment.p_parent_comment_id is not null then
    select * into v_parent from public.exercise_comments c where c.id = add_exercise_comment.p_parent_comment_id;
    if v_parent.id is null or v_parent.organization_id <> v_org then
      raise exception 'The comment you reply to was not found.' using errcode = 'PT404', hint = 'comment_not_found';
    end if;
    if v_parent.workout_movement_id <> add_exercise_comment.p_workout_movement_id then
      raise exception 'A reply must be on the same exercise as its comment.'
        using errcode = 'PT422', hint = 'parent_other_movement';
    end if;
    if v_parent.deleted_at is not null then
      raise exception 'That comment was deleted: it cannot be replied to.' using errcode = 'PT409', hint = 'parent_deleted';
    end if;
  end if;
  insert into public.exercise_comments (workout_movement_id, organization_id, author_id, body, parent_comment_id)
  values (add_exercise_comment.p_workout_movement_id, v_org, v_user_id, add_exercise_comment.p_body,
          add_exercise_comment.p_parent_comment_id)
  returning * into v_row;
  return v_row;
end;
$$;
comment on function private.add_exercise_comment(uuid, text, uuid) is 'Body of public.add_exercise_comment.';
revoke all on function private.add_exercise_comment(uuid, text, uuid) from public, anon, authenticated;
grant execute on function private.add_exercise_comment(uuid, text, uuid) to authenticated, service_role;

create or replace function private.find_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: locks the comment for the write that follows; visibility (staff) is checked here.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments;
begin
  perform private.require_user();
  select * into v_row from public.exercise_comments c where c.id = find_exercise_comment.p_id for update;
  if v_row.id is null or not private.is_member(v_row.organization_id) then
    raise exception 'That comment was not found.' using errcode = 'PT404', hint = 'comment_not_found';
  end if;
  if not private.is_staff(v_row.organization_id) then
    raise exception 'Only coaches and admins can comment on exercises.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return v_row;
end;
$$;
comment on function private.find_exercise_comment(uuid) is 'The exercise comment, locked, if the caller is staff of its organization.';
revoke all on function private.find_exercise_comment(uuid) from public, anon, authenticated;
grant execute on function private.find_exercise_comment(uuid) to service_role;

create or replace function private.edit_exercise_comment(p_id uuid, p_body text)
returns public.exercise_comments
language plpgsql
-- definer: exercise_comments has no update grant; only the author edits.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments := private.find_exercise_comment(edit_exercise_comment.p_id);
begin
  if v_row.author_id <> (select auth.uid()) then
    raise exception 'Only the author can edit this comment.' using errcode = 'PT403', hint = 'not_author';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'A deleted comment cannot be edited.' using errcode = 'PT409', hint = 'comment_deleted';
  end if;
  perform private.check_exercise_comment_body(edit_exercise_comment.p_body);
  update public.exercise_comments c set body = edit_exercise_comment.p_body where c.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;
comment on function private.edit_exercise_comment(uuid, text) is 'Body of public.edit_exercise_comment: the author changes the text; updated_at moves.';
revoke all on function private.edit_exercise_comment(uuid, text) from public, anon, authenticated;
grant execute on function private.edit_exercise_comment(uuid, text) to authenticated, service_role;

create or replace function private.soft_delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: writes deleted_at, which no client may write.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments;
begin
  update public.exercise_comments c
     set body = '', deleted_at = pg_catalog.clock_timestamp()
   where c.id = soft_delete_exercise_comment.p_id
  returning * into v_row;
  return v_row;
end;
$$;
comment on function private.soft_delete_exercise_comment(uuid) is 'Empties and marks an exercise comment deleted (callers check who may).';
revoke all on function private.soft_delete_exercise_comment(uuid) from public, anon, authenticated;
grant execute on function private.soft_delete_exercise_comment(uuid) to service_role;

create or replace function private.delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: see private.soft_delete_exercise_comment; the author or an owner/admin.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments := private.find_exercise_comment(delete_exercise_comment.p_id);
begin
  if v_row.author_id <> (select auth.uid()) and not private.is_admin(v_row.organization_id) then
    raise exception 'Only the author, an owner or an admin can delete this comment.'
      using errcode = 'PT403', hint = 'not_author';
  end if;
  if v_row.deleted_at is not null then
    return v_row;
  end if;
  return private.soft_delete_exercise_comment(v_row.id);
end;
$$;
comment on function private.delete_exercise_comment(uuid) is 'Body of public.delete_exercise_comment (idempotent).';
revoke all on function private.delete_exercise_comment(uuid) from public, anon, authenticated;
grant execute on function private.delete_exercise_comment(uuid) to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Messages are visible to participants, workout threads to staff"
  on public.messages
  for select
  to authenticated
  using (
    sender_id = (select auth.uid())
    or (recipient_id = (select auth.uid()) and sender_id not in (select private.blocked_user_ids()))
    or (workout_assignment_id is not null and organization_id in (select private.staff_organization_ids()))
  );

create policy "Comment read states are visible to their reader"
  on public.workout_comment_reads
  for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Program unread counts are visible to their reader"
  on public.program_comment_unreads
  for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Program comment feeds are visible to the organization's staff"
  on public.program_comments
  for select
  to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Exercise comments are visible to the organization's staff"
  on public.exercise_comments
  for select
  to authenticated
  using (organization_id in (select private.staff_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.post_workout_comment(
  p_assignment_id uuid,
  p_content text,
  p_client_id uuid default null,
  p_object_paths text[] default '{}'
)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.post_workout_comment(post_workout_comment.p_assignment_id, post_workout_comment.p_content,
                                             post_workout_comment.p_client_id, post_workout_comment.p_object_paths);
$$;
comment on function public.post_workout_comment(uuid, text, uuid, text[]) is
  'Comments on a workout assignment (text and/or uploaded files), as its athlete or as staff; a retry with the same p_client_id returns the same row. Errors: not_authenticated (PT403), assignment_not_found (PT404), client_id_reused, attachment_already_registered (PT409), cannot_message_self, message_empty, message_too_long and the attachment checks (PT422), attachment_not_yours (PT403).';
revoke all on function public.post_workout_comment(uuid, text, uuid, text[]) from public, anon;
grant execute on function public.post_workout_comment(uuid, text, uuid, text[]) to authenticated;

create or replace function public.workout_comments(
  p_assignment_id uuid,
  p_before timestamptz default null,
  p_limit integer default 50
)
returns table (
  id uuid,
  organization_id uuid,
  workout_assignment_id uuid,
  sender_id uuid,
  sender_role public.sender_role,
  recipient_id uuid,
  content text,
  attachment_count integer,
  attachments jsonb,
  created_at timestamptz,
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not private.can_use_assignment_topic(workout_comments.p_assignment_id) then
    raise exception 'That workout was not found or is not yours to discuss.'
      using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  return query
  select page.id, page.organization_id, page.workout_assignment_id, page.sender_id, page.sender_role,
         page.recipient_id, page.content, page.attachment_count,
         coalesce((select jsonb_agg(jsonb_build_object('id', a.id, 'type', a.type, 'r2_key', a.r2_key, 'size', a.size,
                                                       'mime_type', a.mime_type, 'thumbnail_r2_key', a.thumbnail_r2_key)
                                    order by a.created_at, a.id)
                     from public.message_attachments a where a.message_id = page.id), '[]'::jsonb),
         page.created_at, page.read_at, page.edited_at, page.deleted_at
    from (select m.* from public.messages m
           where m.workout_assignment_id = workout_comments.p_assignment_id
             and (workout_comments.p_before is null or m.created_at < workout_comments.p_before)
           order by m.created_at desc, m.id desc
           limit least(greatest(coalesce(workout_comments.p_limit, 50), 1), 200)) page
   order by page.created_at, page.id;
end;
$$;
comment on function public.workout_comments(uuid, timestamptz, integer) is
  'A workout thread in chronological order (newest page, older with p_before), with attachments; for its athlete and the organization''s staff. Errors: assignment_not_found (PT404).';
revoke all on function public.workout_comments(uuid, timestamptz, integer) from public, anon;
grant execute on function public.workout_comments(uuid, timestamptz, integer) to authenticated;

create or replace function public.mark_workout_comments_read(p_assignment_id uuid)
returns integer
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.mark_workout_comments_read(mark_workout_comments_read.p_assignment_id);
$$;
comment on function public.mark_workout_comments_read(uuid) is
  'Marks a workout thread read for me; returns how many comments were unread. Errors: not_authenticated (PT403), assignment_not_found (PT404).';
revoke all on function public.mark_workout_comments_read(uuid) from public, anon;
grant execute on function public.mark_workout_comments_read(uuid) to authenticated;

create or replace function public.program_comment_unread_counts(p_organization_id uuid)
returns table (program_id uuid, unread integer)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not private.is_staff(program_comment_unread_counts.p_organization_id) then
    raise exception 'Only coaches and admins see program comment counts.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return query
  select u.program_id, u.unread_count
    from public.program_comment_unreads u
   where u.user_id = (select auth.uid())
     and u.organization_id = program_comment_unread_counts.p_organization_id
     and u.unread_count > 0;
end;
$$;
comment on function public.program_comment_unread_counts(uuid) is
  'My unread workout comments per program in one organization (program_id null: assignments outside programs); staff only. Errors: not_staff (PT403).';
revoke all on function public.program_comment_unread_counts(uuid) from public, anon;
grant execute on function public.program_comment_unread_counts(uuid) to authenticated;

create or replace function public.program_recent_comments(
  p_program_id uuid,
  p_limit integer default 20,
  p_before timestamptz default null
)
returns table (
  id uuid,
  workout_assignment_id uuid,
  athlete_id uuid,
  assignment_date date,
  sender_id uuid,
  sender_role public.sender_role,
  recipient_id uuid,
  content text,
  attachment_count integer,
  created_at timestamptz,
  edited_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_org uuid;
begin
  select p.organization_id into v_org from public.programs p where p.id = program_recent_comments.p_program_id;
  if v_org is null or not private.is_staff(v_org) then
    raise exception 'That program was not found.' using errcode = 'PT404', hint = 'program_not_found';
  end if;
  return query
  select m.id, m.workout_assignment_id, a.user_id, a.date, m.sender_id, m.sender_role, m.recipient_id, m.content,
         m.attachment_count, m.created_at, m.edited_at
    from public.program_comments pc
    join public.messages m on m.id = pc.message_id
    join public.workout_assignments a on a.id = pc.workout_assignment_id
   where pc.program_id = program_recent_comments.p_program_id
     and (program_recent_comments.p_before is null or pc.created_at < program_recent_comments.p_before)
     and m.deleted_at is null
   order by pc.created_at desc, pc.message_id desc
   limit least(greatest(coalesce(program_recent_comments.p_limit, 20), 1), 100);
end;
$$;
comment on function public.program_recent_comments(uuid, integer, timestamptz) is
  'A program''s latest workout comments, newest first (older with p_before); staff only. Errors: program_not_found (PT404).';
revoke all on function public.program_recent_comments(uuid, integer, timestamptz) from public, anon;
grant execute on function public.program_recent_comments(uuid, integer, timestamptz) to authenticated;

create or replace function public.add_exercise_comment(
  p_workout_movement_id uuid,
  p_body text,
  p_parent_comment_id uuid default null
)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.add_exercise_comment(add_exercise_comment.p_workout_movement_id, add_exercise_comment.p_body,
                                             add_exercise_comment.p_parent_comment_id);
$$;
comment on function public.add_exercise_comment(uuid, text, uuid) is
  'Staff comment on a workout movement, or reply to a comment on the same movement. Errors: not_authenticated, not_staff (PT403), movement_not_found, comment_not_found (PT404), parent_deleted (PT409), comment_empty, comment_too_long, parent_other_movement (PT422).';
revoke all on function public.add_exercise_comment(uuid, text, uuid) from public, anon;
grant execute on function public.add_exercise_comment(uuid, text, uuid) to authenticated;

create or replace function public.edit_exercise_comment(p_id uuid, p_body text)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.edit_exercise_comment(edit_exercise_comment.p_id, edit_exercise_comment.p_body);
$$;
comment on function public.edit_exercise_comment(uuid, text) is
  'The author edits their exercise comment (updated_at moves). Errors: not_staff, not_author (PT403), comment_not_found (PT404), comment_deleted (PT409), comment_empty, comment_too_long (PT422).';
revoke all on function public.edit_exercise_comment(uuid, text) from public, anon;
grant execute on function public.edit_exercise_comment(uuid, text) to authenticated;

create or replace function public.delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.delete_exercise_comment(delete_exercise_comment.p_id);
$$;
comment on function public.delete_exercise_comment(uuid) is
  'Soft-deletes an exercise comment (the author, or an owner/admin); replies stay. Errors: not_staff, not_author (PT403), comment_not_found (PT404).';
revoke all on function public.delete_exercise_comment(uuid) from public, anon;
grant execute on function public.delete_exercise_comment(uuid) to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

