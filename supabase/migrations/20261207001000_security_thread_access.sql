-- security: who a workout thread reaches, and who may read an organization's threads.
-- 1. workout_assignments.assigned_by is the database's: on insert it is the signed-in caller
--    (trusted callers without a user, such as the service role, seed or cron, may name someone),
--    on update no client may change it, and whoever it names must be active staff of the
--    assignment's organization at that moment. A coach can no longer route an athlete's comments
--    to someone outside the organization (or to another member where member messaging is off).
-- 2. A comment written by the athlete goes to staff who are active members now: the assigning
--    coach while they are one, otherwise the athlete's current coach (the active staff member who
--    most recently assigned them a workout), otherwise the organization's first owner or admin.
--    Staff comments go to the athlete only while the athlete is an active member.
-- 3. Reading any message (DM or comment), its attachments, its edit history, a conversation
--    summary, an attachment's bytes in storage, or an assignment's realtime topic requires an
--    active membership in the message's organization NOW: removal revokes access at once.
-- Errors (HINT): assigned_by_managed (PT403), assigned_by_not_staff (PT422),
-- athlete_not_member (PT422), no_staff_to_notify (PT422).
-- Touches: trigger on public.workout_assignments; private.post_workout_comment;
-- private.workout_thread_staff_recipient (new); private.can_read_attachment_object;
-- private.can_use_assignment_topic; SELECT policies on public.messages and
-- public.conversation_summaries.

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.is_active_staff(p_organization_id uuid, p_user_id uuid)
returns boolean
language sql
stable
-- definer: answers for any user whatever memberships the caller may read.
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
     where m.organization_id = is_active_staff.p_organization_id
       and m.user_id = is_active_staff.p_user_id
       and m.status = 'active'
       and m.role in ('owner', 'admin', 'coach'));
$$;

comment on function private.is_active_staff(uuid, uuid) is
  'Whether a given user is owner, admin or coach of the organization right now (active membership).';

revoke all on function private.is_active_staff(uuid, uuid) from public, anon, authenticated;
grant execute on function private.is_active_staff(uuid, uuid) to authenticated, service_role;

create or replace function private.trigger_manage_assigned_by()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    -- A signed-in caller is always the one who assigns; only trusted callers without a user
    -- (service role, cron, seed) may name someone, and that someone must still be staff.
    new.assigned_by := coalesce((select auth.uid()), new.assigned_by);
  elsif (select auth.uid()) is not null then
    raise exception 'Who assigned a workout is recorded by Coachline and cannot be changed.'
      using errcode = 'PT403', hint = 'assigned_by_managed';
  end if;
  return new;
end;
$$;

comment on function private.trigger_manage_assigned_by() is
  'assigned_by is the signed-in caller on insert and never changed by a client (trusted callers without a user may set it).';

create or replace function private.trigger_check_assigned_by()
returns trigger
language plpgsql
-- definer: reads memberships whatever the caller may see.
security definer
set search_path = ''
as $$
begin
  if not private.is_active_staff(new.organization_id, new.assigned_by) then
    raise exception 'Workouts can only be assigned by active coaches, admins or owners of the organization.'
      using errcode = 'PT422', hint = 'assigned_by_not_staff';
  end if;
  return null;
end;
$$;

comment on function private.trigger_check_assigned_by() is
  'Whoever assigned a workout is active staff of its organization when it is written (after RLS has had its say).';

revoke all on function private.trigger_manage_assigned_by(), private.trigger_check_assigned_by()
  from public, anon, authenticated;

-- Named to fire after workout_assignments_consistency (BEFORE triggers fire in name order),
-- which defaults assigned_by on insert.
create trigger workout_assignments_stamp_assigned_by
  before insert on public.workout_assignments
  for each row execute function private.trigger_manage_assigned_by();

create trigger workout_assignments_stamp_assigned_by_on_update
  before update of assigned_by on public.workout_assignments
  for each row
  when (old.assigned_by is distinct from new.assigned_by)
  execute function private.trigger_manage_assigned_by();

-- AFTER, so a caller who may not write the row at all hears it from RLS first.
create trigger workout_assignments_check_assigned_by
  after insert or update of assigned_by on public.workout_assignments
  for each row execute function private.trigger_check_assigned_by();

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.workout_thread_staff_recipient(p_assignment_id uuid)
returns uuid
language sql
stable
-- definer: looks at memberships and other assignments the athlete cannot read.
security definer
set search_path = ''
as $$
  with a as (
    select wa.organization_id, wa.user_id, wa.assigned_by
      from public.workout_assignments wa where wa.id = workout_thread_staff_recipient.p_assignment_id)
  select coalesce(
    -- the assigning coach, while they are one
    (select a.assigned_by from a where private.is_active_staff(a.organization_id, a.assigned_by)
        and a.assigned_by <> a.user_id),
    -- the athlete's current coach: whoever still on staff assigned them most recently
    (select wa.assigned_by
       from a
       join public.workout_assignments wa on wa.user_id = a.user_id and wa.organization_id = a.organization_id
       join public.memberships m on m.organization_id = wa.organization_id and m.user_id = wa.assigned_by
                                and m.status = 'active' and m.role in ('owner', 'admin', 'coach')
      where wa.assigned_by <> a.user_id
      order by wa.created_at desc
      limit 1),
    -- nobody left who coached them: the organization's first owner, else its first admin
    (select m.user_id
       from a
       join public.memberships m on m.organization_id = a.organization_id
      where m.status = 'active' and m.role in ('owner', 'admin') and m.user_id <> a.user_id
      order by m.role = 'owner' desc, m.created_at, m.id
      limit 1));
$$;

comment on function private.workout_thread_staff_recipient(uuid) is
  'Who an athlete''s comment on a workout goes to: the assigning coach while active staff, else the athlete''s most recent active assigning coach, else the first owner/admin.';

revoke all on function private.workout_thread_staff_recipient(uuid) from public, anon, authenticated;
grant execute on function private.workout_thread_staff_recipient(uuid) to service_role;

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
  if v_assignment.user_id = v_user_id then
    -- The athlete writes: to staff who are active members now, never to someone who left.
    v_recipient_id := private.workout_thread_staff_recipient(v_assignment.id);
    if v_recipient_id is null then
      raise exception 'Nobody on this organization''s staff can read comments right now.'
        using errcode = 'PT422', hint = 'no_staff_to_notify';
    end if;
  else
    v_recipient_id := v_assignment.user_id;
    if not exists (select 1 from public.memberships m
                    where m.organization_id = v_assignment.organization_id and m.user_id = v_recipient_id
                      and m.status = 'active') then
      raise exception 'That athlete is no longer a member of this organization.'
        using errcode = 'PT422', hint = 'athlete_not_member';
    end if;
  end if;
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
  'Body of public.post_workout_comment: athlete (published, not deleted) or staff; recipient from the database (active staff now, or the athlete while a member); idempotent on client_id.';

create or replace function private.can_read_attachment_object(p_name text)
returns boolean
language sql
stable
-- definer: reads message_attachments and messages whatever the caller's RLS shows.
security definer
set search_path = ''
as $$
  select (storage.foldername(can_read_attachment_object.p_name))[1]
         in (select o::text from private.member_organization_ids() o)
     and ((storage.foldername(can_read_attachment_object.p_name))[2] = (select auth.uid())::text
          or exists (
            select 1
              from public.message_attachments a
              join public.messages m on m.id = a.message_id
             where (a.r2_key = can_read_attachment_object.p_name or a.thumbnail_r2_key = can_read_attachment_object.p_name)
               and m.deleted_at is null
               and ((select auth.uid()) in (m.sender_id, m.recipient_id)
                    or (m.workout_assignment_id is not null and private.is_staff(m.organization_id))
                    or private.is_admin(m.organization_id))));
$$;

comment on function private.can_read_attachment_object(text) is
  'An attachment''s bytes: readable by active members of its organization (the path''s first folder) who uploaded it, are a party to its message, or are staff (workout threads) or admins there.';

create or replace function private.can_use_assignment_topic(p_assignment_id uuid)
returns boolean
language plpgsql
stable
-- definer: realtime authorization reads assignments whatever the listener may see.
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
       and ((a.user_id = (select auth.uid()) and a.published and private.is_member(a.organization_id))
            or private.is_staff(a.organization_id)));
end;
$$;

comment on function private.can_use_assignment_topic(uuid) is
  'Whether the caller may use a workout thread (typing topic, read, mark read): its athlete while an active member and the thread is published, or active staff.';

-- =============================================================================================
-- policies
-- =============================================================================================

drop policy "Messages are visible to participants, workout threads to staff" on public.messages;

create policy "Messages are visible to active members who take part"
  on public.messages
  for select
  to authenticated
  using (
    organization_id in (select private.member_organization_ids())
    and (sender_id = (select auth.uid())
         or (recipient_id = (select auth.uid()) and sender_id not in (select private.blocked_user_ids()))
         or (workout_assignment_id is not null and organization_id in (select private.staff_organization_ids())))
  );

drop policy "Conversation summaries are visible to their owner" on public.conversation_summaries;

create policy "Conversation summaries are visible to their active owner"
  on public.conversation_summaries
  for select
  to authenticated
  using (
    owner_id = (select auth.uid())
    and organization_id in (select private.member_organization_ids())
    and other_user_id not in (select private.blocked_user_ids())
  );
