-- attachments: an object registered to a message or comment can no longer change.
-- Once message_attachments names an object (r2_key), its bytes, metadata, name and owner are
-- fixed: no role may replace it (a signed upload URL with upsert, an upsert by the service role,
-- a move), so what the recipient downloads is what was sent and the size limits checked at
-- registration cannot be bypassed by a swap. Its thumbnail (thumbnail_r2_key) may be rewritten
-- only by the service role (the media worker). Deleting either is for the service role only
-- (the media worker's deletion queue); clients were already limited by RLS to unattached uploads.
-- Storage RLS already refuses clients: no UPDATE policy on attachments, DELETE only while
-- unattached. This trigger also binds trusted paths. On a hosted project whose migration role may
-- not create triggers on storage.objects, the migration says so with a warning and the RLS rules
-- remain the guard.
-- Errors (HINT): attachment_immutable (PT409).
-- Touches: private.attachment_object_kind, private.trigger_protect_attachment_objects (new);
-- trigger on storage.objects.

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.attachment_object_kind(p_name text)
returns text
language sql
stable
-- definer: the trigger runs as whoever writes storage.objects, who may not read attachments.
security definer
set search_path = ''
as $$
  select case
           when exists (select 1 from public.message_attachments a where a.r2_key = attachment_object_kind.p_name)
             then 'original'
           when exists (select 1 from public.message_attachments a where a.thumbnail_r2_key = attachment_object_kind.p_name)
             then 'thumbnail'
         end;
$$;

comment on function private.attachment_object_kind(text) is
  'Whether an attachments-bucket object is a registered attachment (original), its thumbnail, or neither (null).';

revoke all on function private.attachment_object_kind(text) from public, anon;
grant execute on function private.attachment_object_kind(text) to authenticated, service_role;

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_protect_attachment_objects()
returns trigger
language plpgsql
-- invoker on purpose: current_user is the role writing the object (the API sets it per request).
security invoker
set search_path = ''
as $$
declare
  v_kind text := private.attachment_object_kind(old.name);
  v_trusted boolean := current_user not in ('anon', 'authenticated');
begin
  if v_kind is null then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  if tg_op = 'DELETE' then
    if not v_trusted then
      raise exception 'That file is attached to a message: delete the message instead.'
        using errcode = 'PT409', hint = 'attachment_immutable';
    end if;
    return old;
  end if;
  if (new.bucket_id, new.name, new.version, new.metadata, new.owner, new.owner_id)
     is distinct from (old.bucket_id, old.name, old.version, old.metadata, old.owner, old.owner_id)
     and (v_kind = 'original' or not v_trusted) then
    raise exception 'That file is attached to a message and cannot be replaced or changed.'
      using errcode = 'PT409', hint = 'attachment_immutable';
  end if;
  return new;
end;
$$;

comment on function private.trigger_protect_attachment_objects() is
  'Keeps registered attachment objects as they were sent: no replacement or move by anyone, thumbnails rewritten and objects deleted only by trusted roles.';

revoke all on function private.trigger_protect_attachment_objects() from public, anon, authenticated;

do $$
begin
  create trigger objects_protect_attachments
    before update or delete on storage.objects
    for each row
    when (old.bucket_id = 'attachments')
    execute function private.trigger_protect_attachment_objects();
exception when insufficient_privilege then
  raise warning 'storage.objects: no trigger privilege here; registered attachments stay protected by RLS only';
end;
$$;
