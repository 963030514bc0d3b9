-- attachments: seed 001's message_attachments (images and videos on DMs and on workout comments),
-- the private `attachments` bucket with its storage.objects policies, the storage deletion queue,
-- and the attach flow.
-- Flow: the client uploads with a signed upload URL into bucket `attachments` under
-- `<organization_id>/<sender_id>/<uuid>.<ext>` (storage INSERT policy: only one's own folder of an
-- organization one actively belongs to), then sends the message WITH the object paths
-- (send_message_with_attachments / post_workout_comment(..., p_object_paths)): one transaction
-- validates every object (the caller's folder, exists, not registered yet, size and mime type read
-- from storage.objects.metadata) and inserts the message and its attachments together, so an
-- attachment-only message is possible and a half-attached message is not. register_attachment
-- adds one more file to a message the caller already sent.
-- SQL cannot delete bytes (storage.objects has a direct-delete guard and the bytes live in the
-- storage backend): every removed attachment row queues its objects in storage_deletions, which a
-- worker drains through the Storage API. Unregistered uploads older than a day are queued too.
-- Thumbnails: a worker (sharp) reads private.service_role_pending_thumbnails and records each
-- thumbnail with private.service_role_set_thumbnail.
-- Errors (HINT): attachment_path_invalid, attachment_not_found (PT404), attachment_not_yours
-- (PT403), attachment_already_registered (PT409), attachment_type_not_allowed,
-- attachment_type_mismatch, attachment_size_unknown, attachment_too_large, too_many_attachments
-- (PT422), message_not_found (PT404), not_sender (PT403), message_deleted (PT409),
-- thumbnail_key_invalid (PT422), attachment_not_found (PT404).
-- Touches: type attachment_type; public.message_attachments, public.storage_deletions;
-- storage.buckets (row `attachments`), policies on storage.objects; triggers on
-- public.message_attachments and public.messages.
--
-- profiles: avatars. A public-read storage bucket `avatars` (images ≤ 2 MB: JPEG, PNG, WebP) where
-- each person writes only into their own folder `<user id>/<file>`; profiles.avatar_path names the
-- current picture and may only point into its owner's folder. A replaced or cleared avatar is
-- queued in storage_deletions (SQL cannot delete bytes; the media worker does it through the
-- Storage API), with the reason `erasure` when the profile is being tombstoned.
-- Public read: profile pictures are shown to everyone who sees the person's name, through
-- /storage/v1/object/public/avatars/<path> (no RLS on that route). The storage.objects SELECT policy
-- is still limited to the owner, so nobody can list the bucket and harvest user ids.
-- Flow: the profile form action uploads as the signed-in user (storage INSERT policy), then sets
-- profiles.avatar_path; the trigger queues the previous object.
-- Touches: storage.buckets (row `avatars`), policies on storage.objects; public.profiles
-- (constraint profiles_avatar_path_own_folder_chk, trigger profiles_queue_replaced_avatar);
-- public.storage_deletions (reason avatar_replaced).
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- attachments: thumbnail work is claimed, not just read, so several media workers (or one worker
-- with several images in flight) never make the same thumbnail twice, and an image that cannot be
-- read stops being retried after a few attempts instead of being remembered in one process's
-- memory. Mirrors the storage deletion queue: a lease (thumbnail_locked_at) taken with
-- FOR UPDATE SKIP LOCKED, an attempt count, and the error of the last failure.
-- service_role_pending_thumbnails stays (read-only view of the backlog, for status and tests).

-- =============================================================================================
-- types
-- =============================================================================================

create type public.attachment_type as enum ('image', 'video');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.message_attachments (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null references public.messages (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  uploader_id uuid not null references public.profiles (id),
  type public.attachment_type not null,
  r2_key text not null,
  size integer not null,
  mime_type text not null,
  thumbnail_r2_key text,
  created_at timestamptz not null default now(),
  thumbnail_locked_at timestamptz,
  thumbnail_attempts integer not null default 0,
  thumbnail_error text,
  constraint message_attachments_r2_key_key unique (r2_key),
  constraint message_attachments_r2_key_length_chk check (char_length(r2_key) between 1 and 512),
  constraint message_attachments_thumbnail_length_chk
    check (thumbnail_r2_key is null or char_length(thumbnail_r2_key) between 1 and 512),
  constraint message_attachments_size_chk check (
    size > 0 and ((type = 'image' and size <= 10485760) or (type = 'video' and size <= 104857600))),
  constraint message_attachments_mime_type_chk check (
    (type = 'image' and mime_type in ('image/jpeg', 'image/png', 'image/webp', 'image/heic'))
    or (type = 'video' and mime_type in ('video/mp4', 'video/quicktime', 'video/webm'))),
  constraint message_attachments_thumbnail_attempts_chk check (thumbnail_attempts >= 0),
  constraint message_attachments_thumbnail_error_length_chk
    check (thumbnail_error is null or char_length(thumbnail_error) <= 1000)
);

-- seed 001's index, by its name
create index message_attachments_message_idx on public.message_attachments (message_id);

create index message_attachments_organization_id_idx on public.message_attachments (organization_id);

create index message_attachments_uploader_id_idx on public.message_attachments (uploader_id);

create index message_attachments_thumbnail_r2_key_idx on public.message_attachments (thumbnail_r2_key)
  where thumbnail_r2_key is not null;

-- the thumbnail worker's queue
create index message_attachments_pending_thumbnail_idx on public.message_attachments (created_at)
  where type = 'image' and thumbnail_r2_key is null;

comment on table public.message_attachments is
  'Seed 001: images and videos of a message (DM or workout comment). r2_key is the object''s name in the private storage bucket `attachments`.';

comment on column public.message_attachments.r2_key is
  'storage.objects.name in bucket attachments: <organization_id>/<uploader_id>/<uuid>.<ext>.';

comment on column public.message_attachments.thumbnail_r2_key is
  'Written later by the thumbnail worker (images only), in the same folder.';

create table public.storage_deletions (
  id uuid primary key default gen_random_uuid(),
  bucket_id text not null,
  object_name text not null,
  organization_id uuid references public.organizations (id) on delete set null,
  reason text not null,
  requested_by uuid references public.profiles (id),
  attempts integer not null default 0,
  locked_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  constraint storage_deletions_object_key unique (bucket_id, object_name),
  constraint storage_deletions_reason_chk
    check (reason in ('message_deleted', 'moderation', 'erasure', 'orphan_upload', 'assignment_deleted',
                      'avatar_replaced')),
  constraint storage_deletions_attempts_chk check (attempts >= 0)
);

create index storage_deletions_created_at_idx on public.storage_deletions (created_at);

create index storage_deletions_organization_id_idx on public.storage_deletions (organization_id);

create index storage_deletions_requested_by_idx on public.storage_deletions (requested_by);

comment on table public.storage_deletions is
  'Objects whose bytes must go: SQL cannot delete them, so a worker removes each through the Storage API and then the row.';

-- The bucket, declared in config.toml for the storage service and the CLI; inserted here too so
-- databases without the storage service (pgTAP, a plain `migration up`) have it.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('attachments', 'attachments', false, 104857600,
        array['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'video/mp4', 'video/quicktime', 'video/webm'])
on conflict (id) do nothing;

comment on column public.message_attachments.thumbnail_locked_at is
  'When a media worker claimed this image for its thumbnail (a lease: an expired one may be claimed again).';

comment on column public.message_attachments.thumbnail_attempts is
  'How many times a worker claimed this image; after service_role_claim_thumbnails'' p_max_attempts it is left alone.';

-- The bucket, declared in config.toml for the storage service and the CLI; inserted here too so
-- databases without the storage service (pgTAP, a plain `migration up`) have it.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('avatars', 'avatars', true, 2097152, array['image/jpeg', 'image/png', 'image/webp'])
on conflict (id) do nothing;


-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_attachment_count()
returns trigger
language plpgsql
-- definer: keeps messages.attachment_count, which no client may update.
security definer
set search_path = ''
as $$
declare
  v_message_id uuid := coalesce(new.message_id, old.message_id);
begin
  update public.messages m
     set attachment_count = (select count(*)::integer from public.message_attachments a where a.message_id = v_message_id)
   where m.id = v_message_id;
  return null;
end;
$$;
comment on function private.trigger_attachment_count() is
  'messages.attachment_count follows the attachment rows (the content check lets attachment-only messages exist).';

create trigger message_attachments_count
  after insert or delete on public.message_attachments
  for each row execute function private.trigger_attachment_count();

create or replace function private.trigger_queue_attachment_deletion()
returns trigger
language plpgsql
-- definer: writes the deletion queue, which no client may write.
security definer
set search_path = ''
as $$
declare
  v_reason text := coalesce(nullif(pg_catalog.current_setting('coachline.deletion_reason', true), ''), 'message_deleted');
begin
  insert into public.storage_deletions (bucket_id, object_name, organization_id, reason, requested_by)
  select 'attachments', k.name, old.organization_id, v_reason, (select auth.uid())
    from (values (old.r2_key), (old.thumbnail_r2_key)) k (name)
   where k.name is not null
  on conflict (bucket_id, object_name) do nothing;
  return null;
end;
$$;
comment on function private.trigger_queue_attachment_deletion() is
  'Every removed attachment (message deleted, moderated, erased, assignment deleted) queues its object and thumbnail for the storage worker: no orphaned files.';

create trigger message_attachments_queue_deletion
  after delete on public.message_attachments
  for each row execute function private.trigger_queue_attachment_deletion();

create or replace function private.trigger_drop_attachments_of_deleted_message()
returns trigger
language plpgsql
-- definer: removes attachment rows, which no client may delete.
security definer
set search_path = ''
as $$
begin
  delete from public.message_attachments a where a.message_id = new.id;
  return null;
end;
$$;
comment on function private.trigger_drop_attachments_of_deleted_message() is
  'A deleted message (by its sender or a moderator) loses its files too, like its text.';

create trigger messages_drop_attachments_on_delete
  after update of deleted_at on public.messages
  for each row
  when (old.deleted_at is null and new.deleted_at is not null and new.attachment_count > 0)
  execute function private.trigger_drop_attachments_of_deleted_message();

create or replace function private.trigger_queue_replaced_avatar()
returns trigger
language plpgsql
-- definer: writes the deletion queue, which no client may write.
security definer
set search_path = ''
as $$
begin
  if old.avatar_path is not null then
    insert into public.storage_deletions (bucket_id, object_name, reason, requested_by)
    values ('avatars', old.avatar_path,
            case when new.deleted_at is not null then 'erasure' else 'avatar_replaced' end,
            (select auth.uid()))
    on conflict (bucket_id, object_name) do nothing;
  end if;
  -- Setting a picture that was queued (say, put back) keeps its bytes.
  if new.avatar_path is not null then
    delete from public.storage_deletions d
     where d.bucket_id = 'avatars' and d.object_name = new.avatar_path;
  end if;
  return null;
end;
$$;
comment on function private.trigger_queue_replaced_avatar() is
  'A replaced or cleared profile picture (also on erasure) queues its object for the media worker: no orphaned avatars.';

create trigger profiles_queue_replaced_avatar
  after update of avatar_path on public.profiles
  for each row
  when (old.avatar_path is distinct from new.avatar_path)
  execute function private.trigger_queue_replaced_avatar();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.message_attachments enable row level security;

alter table public.storage_deletions enable row level security;

-- Read-only to clients: attachments are written by the attach functions, the queue by triggers.
revoke all on public.message_attachments, public.storage_deletions from anon, authenticated;

grant select on public.message_attachments, public.storage_deletions to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.check_attachment_object(
  p_organization_id uuid,
  p_sender_id uuid,
  p_object_path text
)
returns public.message_attachments
language plpgsql
stable
-- definer: reads storage.objects and every registered attachment, which the caller's RLS limits.
security definer
set search_path = ''
as $$
declare
  v_object storage.objects;
  v_mime text;
  v_ext text;
  v_size bigint;
  v_row public.message_attachments;
begin
  if check_attachment_object.p_object_path is null
     or pg_catalog.char_length(check_attachment_object.p_object_path) not between 1 and 512
     or check_attachment_object.p_object_path !~ '^[0-9a-f-]{36}/[0-9a-f-]{36}/[^/]+$' then
    raise exception 'That is not an attachment path: upload into <organization>/<you>/<file>.'
      using errcode = 'PT422', hint = 'attachment_path_invalid';
  end if;
  if storage.foldername(check_attachment_object.p_object_path)
     is distinct from array[check_attachment_object.p_organization_id::text, check_attachment_object.p_sender_id::text] then
    raise exception 'That file was not uploaded by you for this organization.'
      using errcode = 'PT403', hint = 'attachment_not_yours';
  end if;
  select * into v_object from storage.objects o
   where o.bucket_id = 'attachments' and o.name = check_attachment_object.p_object_path;
  if v_object.id is null then
    raise exception 'That upload was not found: upload the file again.'
      using errcode = 'PT404', hint = 'attachment_not_found';
  end if;
  if coalesce(v_object.owner_id, v_object.owner::text) is distinct from check_attachment_object.p_sender_id::text then
    raise exception 'That file was not uploaded by you for this organization.'
      using errcode = 'PT403', hint = 'attachment_not_yours';
  end if;
  if exists (select 1 from public.message_attachments a
              where a.r2_key = check_attachment_object.p_object_path
                 or a.thumbnail_r2_key = check_attachment_object.p_object_path) then
    raise exception 'That file is already attached to a message.'
      using errcode = 'PT409', hint = 'attachment_already_registered';
  end if;

  v_mime := pg_catalog.lower(v_object.metadata ->> 'mimetype');
  v_ext := pg_catalog.lower(storage.extension(check_attachment_object.p_object_path));
  if v_mime is null or v_mime not in ('image/jpeg', 'image/png', 'image/webp', 'image/heic',
                                      'video/mp4', 'video/quicktime', 'video/webm') then
    raise exception 'Only JPEG, PNG, WebP or HEIC images and MP4, QuickTime or WebM videos can be attached.'
      using errcode = 'PT422', hint = 'attachment_type_not_allowed';
  end if;
  if not (v_mime, v_ext) in (('image/jpeg', 'jpg'), ('image/jpeg', 'jpeg'), ('image/png', 'png'),
                             ('image/webp', 'webp'), ('image/heic', 'heic'), ('video/mp4', 'mp4'),
                             ('video/quicktime', 'mov'), ('video/webm', 'webm')) then
    raise exception 'The file''s extension does not match its type.'
      using errcode = 'PT422', hint = 'attachment_type_mismatch';
  end if;
  begin
    v_size := (v_object.metadata ->> 'size')::bigint;
  exception when others then
    v_size := null;
  end;
  if v_size is null or v_size <= 0 then
    raise exception 'The file''s size is unknown: upload it again.'
      using errcode = 'PT422', hint = 'attachment_size_unknown';
  end if;
  if v_mime like 'image/%' and v_size > 10485760 then
    raise exception 'Images can be at most 10 MB.' using errcode = 'PT422', hint = 'attachment_too_large';
  end if;
  if v_mime like 'video/%' and v_size > 104857600 then
    raise exception 'Videos can be at most 100 MB.' using errcode = 'PT422', hint = 'attachment_too_large';
  end if;

  v_row.organization_id := check_attachment_object.p_organization_id;
  v_row.uploader_id := check_attachment_object.p_sender_id;
  v_row.type := case when v_mime like 'image/%' then 'image' else 'video' end;
  v_row.r2_key := check_attachment_object.p_object_path;
  v_row.size := v_size::integer;
  v_row.mime_type := v_mime;
  return v_row;
end;
$$;
comment on function private.check_attachment_object(uuid, uuid, text) is
  'Validates one uploaded object for attaching: the sender''s folder of the organization, present in bucket attachments, not attached yet, an allowed type whose extension matches, within 10 MB (images) or 100 MB (videos). Returns the attachment row to insert (message_id unset).';
revoke all on function private.check_attachment_object(uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.check_attachment_object(uuid, uuid, text) to service_role;

create or replace function private.check_attachment_objects(
  p_organization_id uuid,
  p_sender_id uuid,
  p_object_paths text[]
)
returns public.message_attachments[]
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_rows public.message_attachments[] := '{}';
  v_path text;
begin
  if coalesce(pg_catalog.cardinality(check_attachment_objects.p_object_paths), 0) > 10 then
    raise exception 'A message can carry at most 10 attachments.' using errcode = 'PT422', hint = 'too_many_attachments';
  end if;
  if (select count(distinct x) from pg_catalog.unnest(check_attachment_objects.p_object_paths) x)
     <> coalesce(pg_catalog.cardinality(check_attachment_objects.p_object_paths), 0) then
    raise exception 'That file is already attached to a message.'
      using errcode = 'PT409', hint = 'attachment_already_registered';
  end if;
  foreach v_path in array coalesce(check_attachment_objects.p_object_paths, '{}'::text[]) loop
    v_rows := v_rows || private.check_attachment_object(check_attachment_objects.p_organization_id,
                                                        check_attachment_objects.p_sender_id, v_path);
  end loop;
  return v_rows;
end;
$$;
comment on function private.check_attachment_objects(uuid, uuid, text[]) is
  'Validates a message''s uploads (at most 10, no duplicates) before anything is written.';
revoke all on function private.check_attachment_objects(uuid, uuid, text[]) from public, anon, authenticated;
grant execute on function private.check_attachment_objects(uuid, uuid, text[]) to service_role;

create or replace function private.insert_attachments(p_message_id uuid, p_rows public.message_attachments[])
returns integer
language plpgsql
-- definer: message_attachments has no insert grant.
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size, mime_type)
  select insert_attachments.p_message_id, r.organization_id, r.uploader_id, r.type, r.r2_key, r.size, r.mime_type
    from pg_catalog.unnest(insert_attachments.p_rows) r;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function private.insert_attachments(uuid, public.message_attachments[]) is
  'Inserts validated attachment rows for a message (after private.check_attachment_objects).';
revoke all on function private.insert_attachments(uuid, public.message_attachments[]) from public, anon, authenticated;
grant execute on function private.insert_attachments(uuid, public.message_attachments[]) to service_role;

create or replace function private.attachments_json(p_message_id uuid)
returns jsonb
language sql
stable
-- definer: callers have already checked the message is theirs to read.
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', a.id, 'type', a.type, 'r2_key', a.r2_key, 'size', a.size, 'mime_type', a.mime_type,
           'thumbnail_r2_key', a.thumbnail_r2_key) order by a.created_at, a.id), '[]'::jsonb)
    from public.message_attachments a where a.message_id = attachments_json.p_message_id;
$$;
comment on function private.attachments_json(uuid) is 'A message''s attachments as a JSON array, for read functions and realtime payloads.';
revoke all on function private.attachments_json(uuid) from public, anon, authenticated;
grant execute on function private.attachments_json(uuid) to service_role;

create or replace function private.send_message_with_attachments(
  p_organization_id uuid,
  p_recipient_id uuid,
  p_content text,
  p_client_id uuid,
  p_object_paths text[]
)
returns public.messages
language plpgsql
-- definer: messages and attachments have no insert grant; the same checks as send_message, plus
-- the uploads', before one insert of the message and its attachments.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_existing public.messages;
  v_message public.messages;
  v_refusal text;
  v_role public.membership_role;
  v_rows public.message_attachments[];
begin
  if coalesce(pg_catalog.cardinality(send_message_with_attachments.p_object_paths), 0) = 0 then
    return private.send_message(send_message_with_attachments.p_organization_id, send_message_with_attachments.p_recipient_id,
                                send_message_with_attachments.p_content, send_message_with_attachments.p_client_id);
  end if;
  if send_message_with_attachments.p_client_id is not null then
    select * into v_existing from public.messages m
     where m.sender_id = v_user_id and m.client_id = send_message_with_attachments.p_client_id;
    if v_existing.id is not null then
      if v_existing.organization_id = send_message_with_attachments.p_organization_id
         and v_existing.recipient_id = send_message_with_attachments.p_recipient_id then
        return v_existing;
      end if;
      raise exception 'That client id was already used for a different message.'
        using errcode = 'PT409', hint = 'client_id_reused';
    end if;
  end if;

  v_refusal := private.messaging_refusal(send_message_with_attachments.p_organization_id, v_user_id, null);
  if v_refusal = 'not_a_member' then
    perform private.raise_messaging_refusal(v_refusal);
  end if;
  v_refusal := private.messaging_refusal(send_message_with_attachments.p_organization_id, v_user_id,
                                         send_message_with_attachments.p_recipient_id);
  if v_refusal is not null then
    perform private.raise_messaging_refusal(v_refusal);
  end if;
  v_rows := private.check_attachment_objects(send_message_with_attachments.p_organization_id, v_user_id,
                                             send_message_with_attachments.p_object_paths);
  perform private.check_message_content(send_message_with_attachments.p_content, pg_catalog.cardinality(v_rows));

  select m.role into v_role from public.memberships m
   where m.organization_id = send_message_with_attachments.p_organization_id and m.user_id = v_user_id and m.status = 'active';

  insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content, attachment_count,
                               client_id, created_at)
  values (send_message_with_attachments.p_organization_id, v_user_id, private.sender_role_for(v_role),
          send_message_with_attachments.p_recipient_id, nullif(send_message_with_attachments.p_content, ''),
          pg_catalog.cardinality(v_rows), send_message_with_attachments.p_client_id, pg_catalog.clock_timestamp())
  returning * into v_message;
  perform private.insert_attachments(v_message.id, v_rows);
  select * into v_message from public.messages m where m.id = v_message.id;
  return v_message;
end;
$$;
comment on function private.send_message_with_attachments(uuid, uuid, text, uuid, text[]) is
  'Body of public.send_message_with_attachments: send_message''s rules, the uploads validated, then the message and its attachments in one transaction.';
revoke all on function private.send_message_with_attachments(uuid, uuid, text, uuid, text[]) from public, anon, authenticated;
grant execute on function private.send_message_with_attachments(uuid, uuid, text, uuid, text[]) to authenticated, service_role;

create or replace function private.register_attachment(p_message_id uuid, p_object_path text)
returns public.message_attachments
language plpgsql
-- definer: attaches to a message (no client insert grant) after checking the caller sent it.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_message public.messages;
  v_row public.message_attachments;
  v_payload jsonb;
begin
  select * into v_message from public.messages m where m.id = register_attachment.p_message_id for update;
  if v_message.id is null or v_user_id not in (v_message.sender_id, v_message.recipient_id) then
    raise exception 'That message does not exist or is not yours to see.'
      using errcode = 'PT404', hint = 'message_not_found';
  end if;
  if v_message.sender_id <> v_user_id then
    raise exception 'Only the sender can attach files to a message.' using errcode = 'PT403', hint = 'not_sender';
  end if;
  if v_message.deleted_at is not null then
    raise exception 'A deleted message cannot get attachments.' using errcode = 'PT409', hint = 'message_deleted';
  end if;
  if not private.is_member(v_message.organization_id) then
    perform private.raise_messaging_refusal('not_a_member');
  end if;
  if v_message.attachment_count >= 10 then
    raise exception 'A message can carry at most 10 attachments.' using errcode = 'PT422', hint = 'too_many_attachments';
  end if;
  v_row := private.check_attachment_object(v_message.organization_id, v_user_id, register_attachment.p_object_path);
  insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size, mime_type)
  values (v_message.id, v_row.organization_id, v_row.uploader_id, v_row.type, v_row.r2_key, v_row.size, v_row.mime_type)
  returning * into v_row;

  v_payload := jsonb_build_object('message_id', v_message.id, 'organization_id', v_message.organization_id,
                                  'workout_assignment_id', v_message.workout_assignment_id,
                                  'attachments', private.attachments_json(v_message.id));
  perform realtime.send(v_payload, 'attachment_added', 'user:' || v_message.recipient_id::text, true);
  perform realtime.send(v_payload, 'attachment_added', 'user:' || v_message.sender_id::text, true);
  return v_row;
end;
$$;
comment on function private.register_attachment(uuid, text) is
  'Body of public.register_attachment: the sender adds one validated upload to a message they sent.';
revoke all on function private.register_attachment(uuid, text) from public, anon, authenticated;
grant execute on function private.register_attachment(uuid, text) to authenticated, service_role;

create or replace function private.can_upload_attachment_object(p_name text)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select pg_catalog.array_length(storage.foldername(can_upload_attachment_object.p_name), 1) = 2
     and (storage.foldername(can_upload_attachment_object.p_name))[2] = (select auth.uid())::text
     and (storage.foldername(can_upload_attachment_object.p_name))[1]
         in (select o::text from private.member_organization_ids() o);
$$;
comment on function private.can_upload_attachment_object(text) is
  'Storage INSERT rule of bucket attachments: only into <organization I actively belong to>/<me>/<file>.';
revoke all on function private.can_upload_attachment_object(text) from public, anon, authenticated;
grant execute on function private.can_upload_attachment_object(text) to authenticated, service_role;

create or replace function private.is_registered_attachment_object(p_name text)
returns boolean
language sql
stable
-- definer: looks at every attachment row, whoever they belong to.
security definer
set search_path = ''
as $$
  select exists (select 1 from public.message_attachments a
                  where a.r2_key = is_registered_attachment_object.p_name
                     or a.thumbnail_r2_key = is_registered_attachment_object.p_name);
$$;
comment on function private.is_registered_attachment_object(text) is
  'Whether an object is attached to a message (then its uploader may no longer delete it).';
revoke all on function private.is_registered_attachment_object(text) from public, anon, authenticated;
grant execute on function private.is_registered_attachment_object(text) to authenticated, service_role;

create or replace function private.can_read_attachment_object(p_name text)
returns boolean
language sql
stable
-- definer: reads the message an object is attached to, and the reader's roles.
security definer
set search_path = ''
as $$
  select (storage.foldername(can_read_attachment_object.p_name))[2] = (select auth.uid())::text
      or exists (
        select 1
          from public.message_attachments a
          join public.messages m on m.id = a.message_id
         where (a.r2_key = can_read_attachment_object.p_name or a.thumbnail_r2_key = can_read_attachment_object.p_name)
           and m.deleted_at is null
           and ((((select auth.uid()) in (m.sender_id, m.recipient_id)) and private.is_member(m.organization_id))
                or (m.workout_assignment_id is not null and private.is_staff(m.organization_id))
                or private.is_admin(m.organization_id)));
$$;
comment on function private.can_read_attachment_object(text) is
  'Storage SELECT rule of bucket attachments: the uploader; the participants of the message it is attached to (and the organization''s staff for workout threads); owners and admins (moderation).';
revoke all on function private.can_read_attachment_object(text) from public, anon, authenticated;
grant execute on function private.can_read_attachment_object(text) to authenticated, service_role;

create or replace function private.service_role_pending_thumbnails(p_limit integer default 20)
returns table (id uuid, organization_id uuid, uploader_id uuid, r2_key text, mime_type text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.organization_id, a.uploader_id, a.r2_key, a.mime_type, a.created_at
    from public.message_attachments a
   where a.type = 'image' and a.thumbnail_r2_key is null
   order by a.created_at
   limit greatest(1, least(coalesce(service_role_pending_thumbnails.p_limit, 20), 500));
$$;
comment on function private.service_role_pending_thumbnails(integer) is
  'Thumbnail worker: image attachments still without a thumbnail, oldest first.';
revoke all on function private.service_role_pending_thumbnails(integer) from public, anon, authenticated;
grant execute on function private.service_role_pending_thumbnails(integer) to service_role;

create or replace function private.service_role_set_thumbnail(p_attachment_id uuid, p_thumbnail_key text)
returns public.message_attachments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.message_attachments;
begin
  select * into v_row from public.message_attachments a where a.id = service_role_set_thumbnail.p_attachment_id for update;
  if v_row.id is null then
    raise exception 'Attachment not found.' using errcode = 'PT404', hint = 'attachment_not_found';
  end if;
  if service_role_set_thumbnail.p_thumbnail_key is null
     or pg_catalog.char_length(service_role_set_thumbnail.p_thumbnail_key) > 512
     or service_role_set_thumbnail.p_thumbnail_key = v_row.r2_key
     or pg_catalog.left(service_role_set_thumbnail.p_thumbnail_key,
                        pg_catalog.char_length(v_row.organization_id::text || '/' || v_row.uploader_id::text || '/'))
        <> v_row.organization_id::text || '/' || v_row.uploader_id::text || '/' then
    raise exception 'A thumbnail goes next to its attachment, in <organization>/<uploader>/.'
      using errcode = 'PT422', hint = 'thumbnail_key_invalid';
  end if;
  update public.message_attachments a set thumbnail_r2_key = service_role_set_thumbnail.p_thumbnail_key
   where a.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;
comment on function private.service_role_set_thumbnail(uuid, text) is
  'Thumbnail worker: records the generated thumbnail''s object name (same folder as the original).';
revoke all on function private.service_role_set_thumbnail(uuid, text) from public, anon, authenticated;
grant execute on function private.service_role_set_thumbnail(uuid, text) to service_role;

create or replace function private.service_role_claim_storage_deletions(
  p_limit integer default 100,
  p_lease interval default interval '5 minutes'
)
returns setof public.storage_deletions
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select d.id from public.storage_deletions d
     where d.locked_at is null or d.locked_at < pg_catalog.now() - service_role_claim_storage_deletions.p_lease
     order by d.created_at
     limit greatest(1, least(coalesce(service_role_claim_storage_deletions.p_limit, 100), 1000))
       for update skip locked
  )
  update public.storage_deletions d
     set locked_at = pg_catalog.now(), attempts = d.attempts + 1
    from due where d.id = due.id
  returning d.*;
$$;
comment on function private.service_role_claim_storage_deletions(integer, interval) is
  'Storage worker: claims queued objects (lease, skip locked) to delete through the Storage API.';
revoke all on function private.service_role_claim_storage_deletions(integer, interval) from public, anon, authenticated;
grant execute on function private.service_role_claim_storage_deletions(integer, interval) to service_role;

create or replace function private.service_role_finish_storage_deletions(
  p_done uuid[],
  p_failed uuid[] default '{}',
  p_error text default null
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  delete from public.storage_deletions d where d.id = any (service_role_finish_storage_deletions.p_done);
  get diagnostics v_count = row_count;
  update public.storage_deletions d
     set locked_at = null, last_error = pg_catalog.left(service_role_finish_storage_deletions.p_error, 1000)
   where d.id = any (service_role_finish_storage_deletions.p_failed);
  return v_count;
end;
$$;
comment on function private.service_role_finish_storage_deletions(uuid[], uuid[], text) is
  'Storage worker: forgets the deleted objects, releases the failed ones with their error for a retry.';
revoke all on function private.service_role_finish_storage_deletions(uuid[], uuid[], text) from public, anon, authenticated;
grant execute on function private.service_role_finish_storage_deletions(uuid[], uuid[], text) to service_role;

create or replace function private.service_role_queue_orphan_uploads(p_older_than interval default interval '1 day')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.storage_deletions (bucket_id, object_name, reason)
  select 'attachments', o.name, 'orphan_upload'
    from storage.objects o
   where o.bucket_id = 'attachments'
     and o.created_at < pg_catalog.now() - service_role_queue_orphan_uploads.p_older_than
     and not private.is_registered_attachment_object(o.name)
  on conflict (bucket_id, object_name) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function private.service_role_queue_orphan_uploads(interval) is
  'Uploads never attached (a refused or abandoned send) are queued for deletion after a day.';
revoke all on function private.service_role_queue_orphan_uploads(interval) from public, anon, authenticated;
grant execute on function private.service_role_queue_orphan_uploads(interval) to service_role;

create or replace function private.service_role_claim_thumbnails(
  p_limit integer default 8,
  p_lease interval default interval '5 minutes',
  p_max_attempts integer default 3
)
returns table (id uuid, organization_id uuid, uploader_id uuid, r2_key text, mime_type text, created_at timestamptz)
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select a.id from public.message_attachments a
     where a.type = 'image' and a.thumbnail_r2_key is null
       and a.thumbnail_attempts < greatest(1, coalesce(service_role_claim_thumbnails.p_max_attempts, 3))
       and (a.thumbnail_locked_at is null
            or a.thumbnail_locked_at < pg_catalog.now() - service_role_claim_thumbnails.p_lease)
     order by a.created_at
     limit greatest(1, least(coalesce(service_role_claim_thumbnails.p_limit, 8), 500))
       for update skip locked
  )
  update public.message_attachments a
     set thumbnail_locked_at = pg_catalog.now(), thumbnail_attempts = a.thumbnail_attempts + 1
    from due where a.id = due.id
  returning a.id, a.organization_id, a.uploader_id, a.r2_key, a.mime_type, a.created_at;
$$;
comment on function private.service_role_claim_thumbnails(integer, interval, integer) is
  'Media worker: claims image attachments still without a thumbnail (lease, skip locked, oldest first; at most p_max_attempts tries each).';
revoke all on function private.service_role_claim_thumbnails(integer, interval, integer) from public, anon, authenticated;
grant execute on function private.service_role_claim_thumbnails(integer, interval, integer) to service_role;

create or replace function private.service_role_fail_thumbnail(p_attachment_id uuid, p_error text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  -- The lease is kept: the image is tried again once it expires (a back-off), until the attempts run out.
  update public.message_attachments a
     set thumbnail_error = pg_catalog.left(service_role_fail_thumbnail.p_error, 1000)
   where a.id = service_role_fail_thumbnail.p_attachment_id;
$$;
comment on function private.service_role_fail_thumbnail(uuid, text) is
  'Media worker: records why a thumbnail could not be made (corrupt image, storage error).';
revoke all on function private.service_role_fail_thumbnail(uuid, text) from public, anon, authenticated;
grant execute on function private.service_role_fail_thumbnail(uuid, text) to service_role;

create or replace function private.is_own_avatar_object(p_name text)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select pg_catalog.array_length(storage.foldername(is_own_avatar_object.p_name), 1) = 1
     and (storage.foldername(is_own_avatar_object.p_name))[1] = (select auth.uid())::text;
$$;
comment on function private.is_own_avatar_object(text) is
  'Storage rule of bucket avatars: an object directly in the caller''s own folder <my user id>/<file>.';
revoke all on function private.is_own_avatar_object(text) from public, anon, authenticated;
grant execute on function private.is_own_avatar_object(text) to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Attachments are visible to whoever sees their message"
  on public.message_attachments
  for select
  to authenticated
  using (exists (select 1 from public.messages m where m.id = message_attachments.message_id));

create policy "Storage deletions are visible to the organization's admins"
  on public.storage_deletions
  for select
  to authenticated
  using (organization_id in (select private.admin_organization_ids()));

-- storage.objects, bucket `attachments` (other buckets keep their own policies). No UPDATE policy:
-- an uploaded object is never overwritten (no upsert, no move).
create policy "Attachments can be uploaded into one's own folder"
  on storage.objects
  for insert
  to authenticated
  with check (bucket_id = 'attachments' and private.can_upload_attachment_object(name));

create policy "Attachments are readable by uploader, participants, moderators"
  on storage.objects
  for select
  to authenticated
  using (bucket_id = 'attachments' and private.can_read_attachment_object(name));

create policy "Unattached uploads can be deleted by their uploader"
  on storage.objects
  for delete
  to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and not private.is_registered_attachment_object(name)
  );

-- storage.objects, bucket `avatars` (other buckets keep their own policies). Reading the pictures
-- goes through the public route; SELECT here only serves the owner's own listing and upserts.
create policy "Avatars can be uploaded into one's own folder"
  on storage.objects
  for insert
  to authenticated
  with check (bucket_id = 'avatars' and private.is_own_avatar_object(name));

create policy "Avatars are listed only by their owner"
  on storage.objects
  for select
  to authenticated
  using (bucket_id = 'avatars' and private.is_own_avatar_object(name));

create policy "Avatars can be replaced by their owner"
  on storage.objects
  for update
  to authenticated
  using (bucket_id = 'avatars' and private.is_own_avatar_object(name))
  with check (bucket_id = 'avatars' and private.is_own_avatar_object(name));

create policy "Avatars can be deleted by their owner"
  on storage.objects
  for delete
  to authenticated
  using (bucket_id = 'avatars' and private.is_own_avatar_object(name));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.send_message_with_attachments(
  p_organization_id uuid,
  p_recipient_id uuid,
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
  select * from private.send_message_with_attachments(
    send_message_with_attachments.p_organization_id, send_message_with_attachments.p_recipient_id,
    send_message_with_attachments.p_content, send_message_with_attachments.p_client_id,
    send_message_with_attachments.p_object_paths);
$$;
comment on function public.send_message_with_attachments(uuid, uuid, text, uuid, text[]) is
  'Sends a DM with uploaded files (bucket attachments, <org>/<me>/<uuid>.<ext>), text optional when files are attached; all or nothing. Errors: send_message''s, plus attachment_path_invalid, attachment_type_not_allowed, attachment_type_mismatch, attachment_size_unknown, attachment_too_large, too_many_attachments (PT422), attachment_not_yours (PT403), attachment_not_found (PT404), attachment_already_registered (PT409).';
revoke all on function public.send_message_with_attachments(uuid, uuid, text, uuid, text[]) from public, anon;
grant execute on function public.send_message_with_attachments(uuid, uuid, text, uuid, text[]) to authenticated;

create or replace function public.register_attachment(p_message_id uuid, p_object_path text)
returns public.message_attachments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.register_attachment(register_attachment.p_message_id, register_attachment.p_object_path);
$$;
comment on function public.register_attachment(uuid, text) is
  'Attaches one more upload to a message I sent. Errors: message_not_found (PT404), not_sender (PT403), message_deleted (PT409), and the upload checks of send_message_with_attachments.';
revoke all on function public.register_attachment(uuid, text) from public, anon;
grant execute on function public.register_attachment(uuid, text) to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

