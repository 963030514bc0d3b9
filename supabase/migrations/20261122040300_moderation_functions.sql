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

-- (no new tables)

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

revoke all on function
  private.check_moderation(uuid, text, text),
  private.moderate_delete_message(uuid, text),
  private.moderate_delete_exercise_comment(uuid, text)
  from public, anon, authenticated;
grant execute on function
  private.moderate_delete_message(uuid, text),
  private.moderate_delete_exercise_comment(uuid, text)
  to authenticated, service_role;
grant execute on function private.check_moderation(uuid, text, text) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none: audit_logs keeps its own)

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

revoke all on function
  public.moderate_delete_message(uuid, text),
  public.moderate_delete_exercise_comment(uuid, text),
  public.moderation_log(uuid, timestamptz, integer)
  from public, anon;
grant execute on function
  public.moderate_delete_message(uuid, text),
  public.moderate_delete_exercise_comment(uuid, text),
  public.moderation_log(uuid, timestamptz, integer)
  to authenticated;
