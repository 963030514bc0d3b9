-- moderation: an owner or admin deletes any message (DM or workout comment) or exercise comment
-- of their organization, with a reason. The content goes (soft delete: text nulled / body
-- emptied, edit history removed), the message's attachment rows go and their objects are queued
-- in storage_deletions for the storage worker (reason `moderation`), and an audit_logs entry keeps
-- who, when, what and why. moderation_log lists the organization's moderation and erasure entries
-- for owners and admins only (the seed's missing moderation trail).
-- Errors (HINT): not_authenticated, not_admin (PT403), message_not_found, comment_not_found (PT404),
-- already_deleted (PT409), reason_required, reason_too_long (PT422).
-- Touches: public.messages, public.message_edits, public.message_attachments,
-- public.exercise_comments, public.audit_logs (through private.write_audit); index on audit_logs.
--
-- erasure: the seed's stated but unenforced invariant ("a deleted member's PII must be redacted
-- from messages"). erase_member (an owner of the organization) and delete_my_account (the person
-- themselves) both run private.erase_user in one transaction:
--   * every message they sent (DMs and workout comments) reads "[removed]"; its edit history is
--     deleted; every exercise comment they wrote reads "[removed]";
--   * every attachment they uploaded is removed (rows) and its objects, with any upload never
--     attached, are queued in storage_deletions (reason `erasure`) for the storage worker;
--   * their push subscriptions, pending pushes, notification preferences and mutes, inbox
--     summaries, blocks and comment read states are deleted;
--   * their memberships are removed (status removed, kept as history);
--   * their profile becomes the tombstone ("Deleted user", no avatar, no time zone, deleted_at);
--   * an audit entry (member.erased / account.deleted) per organization they belonged to records
--     who did it and when;
--   * the auth user is deleted (identities and sessions cascade inside auth).
-- What is KEPT, and why: the message and comment ROWS (ids, sender/recipient/author pointing at
-- the tombstone, times, sender_role) so the other people's threads keep their shape and replies
-- keep their context; the messages OTHER people sent them (that content is the other person's);
-- the profile row as a tombstone with the same id (profiles.id has no foreign key to auth.users,
-- so deleting the login does not cascade it away; every user foreign key points at profiles and
-- none cascades); audit_logs (append-only accountability, ids only); workout assignments, results
-- and records (the organization's training history, pointing at the tombstone).
-- Refused: erasing the last owner of an organization (make someone else owner first), and an
-- owner erasing someone who also belongs to another organization (only the person may delete an
-- account that other organizations share; the owner removes them from theirs instead).
-- Errors (HINT): not_authenticated, not_owner (PT403), member_not_found (PT404), last_owner,
-- member_of_other_organization, already_erased (PT409).
-- Touches: public.messages, public.message_edits, public.message_attachments,
-- public.exercise_comments, public.storage_deletions, public.push_subscriptions,
-- public.notification_outbox, public.notification_preferences, public.notification_mutes,
-- public.conversation_summaries, public.user_blocks, public.workout_comment_reads,
-- public.program_comment_unreads, public.memberships, public.profiles, public.audit_logs,
-- auth.users.
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- erasure: profile pictures go too. Since 20261122100100 people upload avatars into the public
-- bucket `avatars` (<user id>/<file>); erase_user (run by erase_member and delete_my_account)
-- now also queues every object in the erased person's avatars folder in storage_deletions
-- (reason `erasure`), so the media worker deletes the bytes like it does their attachments.
-- Everything else erase_user does is unchanged (see 20261122040400's header); erase_member and
-- delete_my_account call it and need no change. The result gains `avatars_removed`.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- The moderation log reads only these actions, newest first.
create index audit_logs_moderation_idx on public.audit_logs (organization_id, created_at desc, id desc)
  where action in ('moderation.message_deleted', 'moderation.exercise_comment_deleted', 'member.erased', 'account.deleted');

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (none)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.check_moderation(p_organization_id uuid, p_reason text, p_not_found_hint text)
returns text
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not private.is_member(check_moderation.p_organization_id) then
    raise exception 'That was not found.' using errcode = 'PT404', hint = check_moderation.p_not_found_hint;
  end if;
  if not private.is_admin(check_moderation.p_organization_id) then
    raise exception 'Only owners and admins can moderate.' using errcode = 'PT403', hint = 'not_admin';
  end if;
  if check_moderation.p_reason is null or pg_catalog.btrim(check_moderation.p_reason) = '' then
    raise exception 'Say why this is removed.' using errcode = 'PT422', hint = 'reason_required';
  end if;
  if pg_catalog.char_length(check_moderation.p_reason) > 500 then
    raise exception 'A reason can be at most 500 characters.' using errcode = 'PT422', hint = 'reason_too_long';
  end if;
  return pg_catalog.btrim(check_moderation.p_reason);
end;
$$;
comment on function private.check_moderation(uuid, text, text) is
  'The shared checks of every moderation action: an owner or admin of the organization, with a reason.';
revoke all on function private.check_moderation(uuid, text, text) from public, anon, authenticated;
grant execute on function private.check_moderation(uuid, text, text) to authenticated, service_role;

create or replace function private.moderate_delete_message(p_message_id uuid, p_reason text)
returns public.messages
language plpgsql
-- definer: deletes other people's messages and writes the audit log, neither granted to clients.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages;
  v_reason text;
begin
  select * into v_message from public.messages m where m.id = moderate_delete_message.p_message_id for update;
  if v_message.id is null then
    raise exception 'That message was not found.' using errcode = 'PT404', hint = 'message_not_found';
  end if;
  v_reason := private.check_moderation(v_message.organization_id, moderate_delete_message.p_reason, 'message_not_found');
  if v_message.deleted_at is not null then
    raise exception 'That message is already deleted.' using errcode = 'PT409', hint = 'already_deleted';
  end if;

  perform pg_catalog.set_config('coachline.deletion_reason', 'moderation', true);
  delete from public.message_edits e where e.message_id = v_message.id;
  update public.messages m set content = null, deleted_at = pg_catalog.clock_timestamp()
   where m.id = v_message.id;
  -- (the attachment rows go by trigger, which queues their objects)
  perform private.write_audit(v_message.organization_id, 'moderation.message_deleted', 'message', v_message.id,
    jsonb_build_object('reason', v_reason, 'sender_id', v_message.sender_id, 'recipient_id', v_message.recipient_id,
                       'workout_assignment_id', v_message.workout_assignment_id,
                       'attachment_count', v_message.attachment_count, 'moderator_id', v_user_id));
  select * into v_message from public.messages m where m.id = v_message.id;
  return v_message;
end;
$$;
comment on function private.moderate_delete_message(uuid, text) is 'Body of public.moderate_delete_message.';
revoke all on function private.moderate_delete_message(uuid, text) from public, anon, authenticated;
grant execute on function private.moderate_delete_message(uuid, text) to authenticated, service_role;

create or replace function private.moderate_delete_exercise_comment(p_id uuid, p_reason text)
returns public.exercise_comments
language plpgsql
-- definer: deletes other people's comments and writes the audit log.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.exercise_comments;
  v_reason text;
begin
  select * into v_row from public.exercise_comments c where c.id = moderate_delete_exercise_comment.p_id for update;
  if v_row.id is null then
    raise exception 'That comment was not found.' using errcode = 'PT404', hint = 'comment_not_found';
  end if;
  v_reason := private.check_moderation(v_row.organization_id, moderate_delete_exercise_comment.p_reason, 'comment_not_found');
  if v_row.deleted_at is not null then
    raise exception 'That comment is already deleted.' using errcode = 'PT409', hint = 'already_deleted';
  end if;
  v_row := private.soft_delete_exercise_comment(v_row.id);
  perform private.write_audit(v_row.organization_id, 'moderation.exercise_comment_deleted', 'exercise_comment', v_row.id,
    jsonb_build_object('reason', v_reason, 'author_id', v_row.author_id,
                       'workout_movement_id', v_row.workout_movement_id, 'moderator_id', v_user_id));
  return v_row;
end;
$$;
comment on function private.moderate_delete_exercise_comment(uuid, text) is 'Body of public.moderate_delete_exercise_comment.';
revoke all on function private.moderate_delete_exercise_comment(uuid, text) from public, anon, authenticated;
grant execute on function private.moderate_delete_exercise_comment(uuid, text) to authenticated, service_role;

create or replace function private.erase_user(p_user_id uuid, p_action text)
returns jsonb
language plpgsql
-- definer: rewrites other tables' rows of the erased person and deletes the auth user, none of
-- which any client may do; callers (erase_member, delete_my_account) check who may.
security definer
set search_path = ''
as $$
declare
  v_actor_id uuid := (select auth.uid());
  v_org_name text;
  v_org_id uuid;
  v_messages integer;
  v_comments integer;
  v_attachments integer;
  v_avatars integer;
begin
  select o.name into v_org_name
    from public.memberships m
    join public.organizations o on o.id = m.organization_id
   where m.user_id = erase_user.p_user_id and m.role = 'owner' and m.status = 'active'
     and not exists (select 1 from public.memberships other
                      where other.organization_id = m.organization_id and other.role = 'owner'
                        and other.status = 'active' and other.user_id <> erase_user.p_user_id)
   limit 1;
  if v_org_name is not null then
    raise exception 'The last owner of "%" cannot be erased: make someone else owner first.', v_org_name
      using errcode = 'PT409', hint = 'last_owner';
  end if;

  for v_org_id in
    select distinct m.organization_id from public.memberships m where m.user_id = erase_user.p_user_id
  loop
    perform private.write_audit(v_org_id, erase_user.p_action, 'profile', erase_user.p_user_id,
      jsonb_build_object('erased_user_id', erase_user.p_user_id, 'erased_by', v_actor_id,
                         'erased_at', pg_catalog.now()));
  end loop;

  perform pg_catalog.set_config('coachline.deletion_reason', 'erasure', true);

  -- their words
  delete from public.message_edits e using public.messages m
   where e.message_id = m.id and m.sender_id = erase_user.p_user_id;
  update public.messages m set content = '[removed]'
   where m.sender_id = erase_user.p_user_id and m.deleted_at is null;
  get diagnostics v_messages = row_count;
  update public.exercise_comments c set body = '[removed]'
   where c.author_id = erase_user.p_user_id and c.deleted_at is null;
  get diagnostics v_comments = row_count;

  -- their files (rows go, objects are queued by the attachment trigger), and uploads never attached
  delete from public.message_attachments a where a.uploader_id = erase_user.p_user_id;
  get diagnostics v_attachments = row_count;
  insert into public.storage_deletions (bucket_id, object_name, organization_id, reason, requested_by)
  select 'attachments', o.name,
         (select x.id from public.organizations x where x.id::text = (storage.foldername(o.name))[1]),
         'erasure', v_actor_id
    from storage.objects o
   where o.bucket_id = 'attachments' and (storage.foldername(o.name))[2] = erase_user.p_user_id::text
  on conflict (bucket_id, object_name) do nothing;
  -- their profile pictures: every object in their avatars folder (the current one is also queued
  -- by the profile trigger when the tombstone below clears avatar_path)
  insert into public.storage_deletions (bucket_id, object_name, reason, requested_by)
  select 'avatars', o.name, 'erasure', v_actor_id
    from storage.objects o
   where o.bucket_id = 'avatars' and (storage.foldername(o.name))[1] = erase_user.p_user_id::text
  on conflict (bucket_id, object_name) do nothing;
  get diagnostics v_avatars = row_count;

  -- their personal state
  delete from public.push_subscriptions s where s.user_id = erase_user.p_user_id;
  delete from public.notification_outbox n where n.user_id = erase_user.p_user_id and n.status in ('pending', 'sending');
  delete from public.notification_preferences p where p.user_id = erase_user.p_user_id;
  delete from public.notification_mutes n where n.user_id = erase_user.p_user_id or n.muted_user_id = erase_user.p_user_id;
  delete from public.conversation_summaries s where s.owner_id = erase_user.p_user_id;
  delete from public.user_blocks b where b.blocker_id = erase_user.p_user_id or b.blocked_id = erase_user.p_user_id;
  delete from public.workout_comment_reads r where r.user_id = erase_user.p_user_id;
  delete from public.program_comment_unreads u where u.user_id = erase_user.p_user_id;

  update public.memberships m
     set status = 'removed', removed_at = pg_catalog.now(), removed_by = coalesce(v_actor_id, erase_user.p_user_id)
   where m.user_id = erase_user.p_user_id and m.status = 'active';

  update public.profiles p
     set display_name = 'Deleted user', avatar_path = null, time_zone = null,
         deleted_at = coalesce(p.deleted_at, pg_catalog.now())
   where p.id = erase_user.p_user_id;

  delete from auth.users u where u.id = erase_user.p_user_id;

  return jsonb_build_object('user_id', erase_user.p_user_id, 'messages_removed', v_messages,
                            'exercise_comments_removed', v_comments, 'attachments_removed', v_attachments,
                            'avatars_removed', v_avatars);
end;
$$;
revoke all on function private.erase_user(uuid, text) from public, anon, authenticated;
grant execute on function private.erase_user(uuid, text) to service_role;
comment on function private.erase_user(uuid, text) is
  'Erasure of one person (see 20261122040400''s header for what goes and what is kept): content to "[removed]", attachments and profile pictures queued for deletion, personal state deleted, memberships removed, profile tombstoned, auth user deleted, audited.';

create or replace function private.erase_member(p_organization_id uuid, p_user_id uuid)
returns jsonb
language plpgsql
-- definer: reads the target's memberships in other organizations before erasing.
security definer
set search_path = ''
as $$
begin
  perform private.require_user();
  if erase_member.p_organization_id not in (select private.organization_ids_for(array['owner']::public.membership_role[])) then
    raise exception 'Only an owner can erase a member.' using errcode = 'PT403', hint = 'not_owner';
  end if;
  if not exists (select 1 from public.memberships m
                  where m.organization_id = erase_member.p_organization_id and m.user_id = erase_member.p_user_id) then
    raise exception 'That person is not a member of this organization.' using errcode = 'PT404', hint = 'member_not_found';
  end if;
  if exists (select 1 from public.profiles p where p.id = erase_member.p_user_id and p.deleted_at is not null) then
    raise exception 'That person was already erased.' using errcode = 'PT409', hint = 'already_erased';
  end if;
  if exists (select 1 from public.memberships m
              where m.user_id = erase_member.p_user_id and m.status = 'active'
                and m.organization_id <> erase_member.p_organization_id) then
    raise exception 'This person also belongs to another organization: remove them from yours instead (only they can delete their account).'
      using errcode = 'PT409', hint = 'member_of_other_organization';
  end if;
  return private.erase_user(erase_member.p_user_id, 'member.erased');
end;
$$;
comment on function private.erase_member(uuid, uuid) is 'Body of public.erase_member: owners only, the person in no other organization.';
revoke all on function private.erase_member(uuid, uuid) from public, anon, authenticated;
grant execute on function private.erase_member(uuid, uuid) to authenticated, service_role;

create or replace function private.delete_my_account()
returns jsonb
language plpgsql
-- definer: see private.erase_user.
security definer
set search_path = ''
as $$
begin
  return private.erase_user(private.require_user(), 'account.deleted');
end;
$$;
comment on function private.delete_my_account() is 'Body of public.delete_my_account.';
revoke all on function private.delete_my_account() from public, anon, authenticated;
grant execute on function private.delete_my_account() to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.moderate_delete_message(p_message_id uuid, p_reason text)
returns public.messages
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.moderate_delete_message(moderate_delete_message.p_message_id, moderate_delete_message.p_reason);
$$;
comment on function public.moderate_delete_message(uuid, text) is
  'An owner or admin deletes a message or workout comment of their organization with a reason (audited; files queued for deletion). Errors: not_authenticated, not_admin (PT403), message_not_found (PT404), already_deleted (PT409), reason_required, reason_too_long (PT422).';
revoke all on function public.moderate_delete_message(uuid, text) from public, anon;
grant execute on function public.moderate_delete_message(uuid, text) to authenticated;

create or replace function public.moderate_delete_exercise_comment(p_id uuid, p_reason text)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.moderate_delete_exercise_comment(moderate_delete_exercise_comment.p_id,
                                                         moderate_delete_exercise_comment.p_reason);
$$;
comment on function public.moderate_delete_exercise_comment(uuid, text) is
  'An owner or admin deletes an exercise comment with a reason (audited). Errors: not_authenticated, not_admin (PT403), comment_not_found (PT404), already_deleted (PT409), reason_required, reason_too_long (PT422).';
revoke all on function public.moderate_delete_exercise_comment(uuid, text) from public, anon;
grant execute on function public.moderate_delete_exercise_comment(uuid, text) to authenticated;

create or replace function public.moderation_log(
  p_organization_id uuid,
  p_before timestamptz default null,
  p_limit integer default 50
)
returns table (
  id uuid,
  action text,
  entity_type text,
  entity_id uuid,
  actor_id uuid,
  actor_name text,
  reason text,
  details jsonb,
  created_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not private.is_admin(moderation_log.p_organization_id) then
    raise exception 'Only owners and admins can read the moderation log.' using errcode = 'PT403', hint = 'not_admin';
  end if;
  return query
  select l.id, l.action, l.entity_type, l.entity_id, l.actor_id, p.display_name, l.details ->> 'reason', l.details,
         l.created_at
    from public.audit_logs l
    left join public.profiles p on p.id = l.actor_id
   where l.organization_id = moderation_log.p_organization_id
     and l.action in ('moderation.message_deleted', 'moderation.exercise_comment_deleted', 'member.erased', 'account.deleted')
     and (moderation_log.p_before is null or l.created_at < moderation_log.p_before)
   order by l.created_at desc, l.id desc
   limit least(greatest(coalesce(moderation_log.p_limit, 50), 1), 200);
end;
$$;
comment on function public.moderation_log(uuid, timestamptz, integer) is
  'Moderation and erasure entries of an organization, newest first; owners and admins only. Errors: not_admin (PT403).';
revoke all on function public.moderation_log(uuid, timestamptz, integer) from public, anon;
grant execute on function public.moderation_log(uuid, timestamptz, integer) to authenticated;

create or replace function public.erase_member(p_organization_id uuid, p_user_id uuid)
returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.erase_member(erase_member.p_organization_id, erase_member.p_user_id);
$$;
comment on function public.erase_member(uuid, uuid) is
  'An owner erases a member of their organization for good (content "[removed]", files deleted, profile tombstoned, login deleted; audited). Errors: not_authenticated, not_owner (PT403), member_not_found (PT404), last_owner, member_of_other_organization, already_erased (PT409).';
revoke all on function public.erase_member(uuid, uuid) from public, anon;
grant execute on function public.erase_member(uuid, uuid) to authenticated;

create or replace function public.delete_my_account()
returns jsonb
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.delete_my_account();
$$;
comment on function public.delete_my_account() is
  'Erases my account (content "[removed]", files deleted, profile tombstoned, login deleted; audited in each organization). Errors: not_authenticated (PT403), last_owner (PT409).';
revoke all on function public.delete_my_account() from public, anon;
grant execute on function public.delete_my_account() to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

