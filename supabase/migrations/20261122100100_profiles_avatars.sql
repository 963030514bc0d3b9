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

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- The bucket, declared in config.toml for the storage service and the CLI; inserted here too so
-- databases without the storage service (pgTAP, a plain `migration up`) have it.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('avatars', 'avatars', true, 2097152, array['image/jpeg', 'image/png', 'image/webp'])
on conflict (id) do nothing;

alter table public.profiles
  add constraint profiles_avatar_path_own_folder_chk
    check (avatar_path is null or avatar_path ~ ('^' || id::text || '/[^/]+$'));

comment on column public.profiles.avatar_path is
  'storage.objects.name of the profile picture in the public bucket avatars: <profile id>/<file>.';

alter table public.storage_deletions drop constraint storage_deletions_reason_chk;
alter table public.storage_deletions add constraint storage_deletions_reason_chk
  check (reason in ('message_deleted', 'moderation', 'erasure', 'orphan_upload', 'assignment_deleted',
                    'avatar_replaced'));

-- =============================================================================================
-- triggers
-- =============================================================================================

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

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

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

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

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

-- (none)
