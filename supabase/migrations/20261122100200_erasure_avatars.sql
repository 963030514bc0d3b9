-- erasure: profile pictures go too. Since 20261122100100 people upload avatars into the public
-- bucket `avatars` (<user id>/<file>); erase_user (run by erase_member and delete_my_account)
-- now also queues every object in the erased person's avatars folder in storage_deletions
-- (reason `erasure`), so the media worker deletes the bytes like it does their attachments.
-- Everything else erase_user does is unchanged (see 20261122040400's header); erase_member and
-- delete_my_account call it and need no change. The result gains `avatars_removed`.
-- Touches: public.storage_deletions (through private.erase_user).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

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

comment on function private.erase_user(uuid, text) is
  'Erasure of one person (see 20261122040400''s header for what goes and what is kept): content to "[removed]", attachments and profile pictures queued for deletion, personal state deleted, memberships removed, profile tombstoned, auth user deleted, audited.';

revoke all on function private.erase_user(uuid, text) from public, anon, authenticated;
grant execute on function private.erase_user(uuid, text) to service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: public.erase_member and public.delete_my_account are unchanged)
