-- An announcement's pictures keep the size their uploader measured, as a message's do.
-- 20261208002100 (announcement attachments) and 20261208006000 (picture sizes) were written side by
-- side: check_attachment_objects now returns each row with the uploader's plausible width/height,
-- and this is the one writer that still dropped them. The thumbnail worker replaces them with its
-- own measurement either way.

create or replace function private.attach_announcement_files(p_announcement_id uuid, p_object_paths text[],
                                                              p_remove_attachment_ids uuid[])
returns integer
language plpgsql
-- definer: attachment rows are written only by checked functions (no insert grant); the caller is
-- checked here as the announcement's author, still staff of its organization.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.announcements;
  v_rows public.message_attachments[];
  v_previous text := pg_catalog.current_setting('coachline.deletion_reason', true);
  v_kept integer;
begin
  select * into v_row from public.announcements a where a.id = attach_announcement_files.p_announcement_id for update;
  if v_row.id is null or v_row.deleted_at is not null
     or not (private.is_staff(v_row.organization_id) or v_row.author_id = v_user_id) then
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  if v_row.author_id <> v_user_id or not private.is_staff(v_row.organization_id) then
    raise exception 'Only its author can change an announcement''s files.' using errcode = 'PT403', hint = 'not_author';
  end if;

  if coalesce(pg_catalog.cardinality(attach_announcement_files.p_remove_attachment_ids), 0) > 0 then
    perform pg_catalog.set_config('coachline.deletion_reason', 'announcement_edited', true);
    delete from public.message_attachments a
     where a.announcement_id = v_row.id and a.id = any (attach_announcement_files.p_remove_attachment_ids);
    perform pg_catalog.set_config('coachline.deletion_reason', coalesce(v_previous, ''), true);
  end if;

  select count(*) into v_kept from public.message_attachments a where a.announcement_id = v_row.id;
  if v_kept + coalesce(pg_catalog.cardinality(attach_announcement_files.p_object_paths), 0) > 10 then
    raise exception 'An announcement can carry at most 10 attachments.' using errcode = 'PT422', hint = 'too_many_attachments';
  end if;
  v_rows := private.check_attachment_objects(v_row.organization_id, v_user_id, attach_announcement_files.p_object_paths);
  insert into public.message_attachments (announcement_id, organization_id, uploader_id, type, r2_key, size, mime_type,
                                          width, height)
  select v_row.id, r.organization_id, r.uploader_id, r.type, r.r2_key, r.size, r.mime_type, r.width, r.height
    from pg_catalog.unnest(v_rows) r;
  return v_kept + coalesce(pg_catalog.cardinality(v_rows), 0);
end;
$$;

comment on function private.attach_announcement_files(uuid, text[], uuid[]) is
  'The author of an announcement removes some of its files and attaches uploads (the checks of send_message_with_attachments; at most 10 in all). Returns how many it carries.';

revoke all on function private.attach_announcement_files(uuid, text[], uuid[]) from public, anon;
grant execute on function private.attach_announcement_files(uuid, text[], uuid[]) to authenticated, service_role;
