-- attachments: an image's width and height, so a conversation reserves each picture's box before
-- its bytes arrive (no layout shift, and a thread opened at its newest message stays there).
-- Two sources, one truth: the browser reads the picture's natural size before uploading and sends
-- it as the object's user metadata ({"width":…, "height":…}, as Supabase Storage keeps it); the
-- value is only a layout hint, so an absent or implausible one is stored as unknown rather than
-- refusing the message. The media worker then measures the original itself (orientation applied)
-- and records what it found with the thumbnail, replacing the hint.
-- Touches: public.message_attachments (width, height, message_attachments_dimensions_chk),
-- private.check_attachment_object, private.insert_attachments, private.register_attachment,
-- private.attachments_json, public.workout_comments, private.service_role_set_thumbnail
-- (gains p_width, p_height).
-- Errors (HINT): thumbnail_dimensions_invalid (PT422) from service_role_set_thumbnail.

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.message_attachments
  add column width integer,
  add column height integer,
  -- Both or neither, and within what a camera or screen produces (a 200-megapixel phone sensor is
  -- about 16 000 px on its long side).
  add constraint message_attachments_dimensions_chk check (
    (width is null) = (height is null)
    and (width is null or (width between 1 and 20000 and height between 1 and 20000)));

comment on column public.message_attachments.width is
  'Natural width in pixels (orientation applied), from the uploader''s browser and then the media worker; null when unknown.';
comment on column public.message_attachments.height is
  'Natural height in pixels (orientation applied), from the uploader''s browser and then the media worker; null when unknown.';

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.image_dimension(p_value jsonb)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case
           when pg_catalog.jsonb_typeof(image_dimension.p_value) = 'number'
                and (image_dimension.p_value #>> '{}')::numeric between 1 and 20000
                and (image_dimension.p_value #>> '{}')::numeric
                    = pg_catalog.trunc((image_dimension.p_value #>> '{}')::numeric)
             then (image_dimension.p_value #>> '{}')::integer
         end;
$$;

comment on function private.image_dimension(jsonb) is
  'A width or height from an upload''s user metadata when it is a whole number of pixels within message_attachments_dimensions_chk, else null (a hint is never a reason to refuse a message).';

revoke all on function private.image_dimension(jsonb) from public;
grant execute on function private.image_dimension(jsonb) to service_role;

create or replace function private.check_attachment_object(p_organization_id uuid, p_sender_id uuid, p_object_path text)
returns public.message_attachments
language plpgsql
stable
-- definer: reads storage.objects, which the sender's role cannot select rows of directly.
security definer
set search_path = ''
as $$
declare
  v_object storage.objects;
  v_mime text;
  v_ext text;
  v_size bigint;
  v_width integer;
  v_height integer;
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

  -- The uploader's measurement, kept only when both sides are plausible (see the header).
  if pg_catalog.jsonb_typeof(v_object.user_metadata) = 'object' then
    v_width := private.image_dimension(v_object.user_metadata -> 'width');
    v_height := private.image_dimension(v_object.user_metadata -> 'height');
  end if;

  v_row.organization_id := check_attachment_object.p_organization_id;
  v_row.uploader_id := check_attachment_object.p_sender_id;
  v_row.type := case when v_mime like 'image/%' then 'image' else 'video' end;
  v_row.r2_key := check_attachment_object.p_object_path;
  v_row.size := v_size::integer;
  v_row.mime_type := v_mime;
  if v_width is not null and v_height is not null then
    v_row.width := v_width;
    v_row.height := v_height;
  end if;
  return v_row;
end;
$$;

comment on function private.check_attachment_object(uuid, uuid, text) is
  'Validates one uploaded object for attaching: the sender''s folder of the organization, present in bucket attachments, not attached yet, an allowed type whose extension matches, within 10 MB (images) or 100 MB (videos). Returns the attachment row to insert (message_id unset), with the uploader''s width/height when plausible.';

create or replace function private.insert_attachments(p_message_id uuid, p_rows public.message_attachments[])
returns integer
language plpgsql
-- definer: message_attachments has no insert policy; only validated rows come here.
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size, mime_type,
                                          width, height)
  select insert_attachments.p_message_id, r.organization_id, r.uploader_id, r.type, r.r2_key, r.size, r.mime_type,
         r.width, r.height
    from pg_catalog.unnest(insert_attachments.p_rows) r;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

create or replace function private.attachments_json(p_message_id uuid)
returns jsonb
language sql
stable
-- definer: realtime payloads are built for both parties whatever the caller may read.
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', a.id, 'type', a.type, 'r2_key', a.r2_key, 'size', a.size, 'mime_type', a.mime_type,
           'thumbnail_r2_key', a.thumbnail_r2_key, 'width', a.width, 'height', a.height)
           order by a.created_at, a.id), '[]'::jsonb)
    from public.message_attachments a where a.message_id = attachments_json.p_message_id;
$$;

create or replace function private.register_attachment(p_message_id uuid, p_object_path text)
returns public.message_attachments
language plpgsql
-- definer: inserts into message_attachments (no client insert policy) after its own checks.
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
  insert into public.message_attachments (message_id, organization_id, uploader_id, type, r2_key, size, mime_type,
                                          width, height)
  values (v_message.id, v_row.organization_id, v_row.uploader_id, v_row.type, v_row.r2_key, v_row.size, v_row.mime_type,
          v_row.width, v_row.height)
  returning * into v_row;

  v_payload := jsonb_build_object('message_id', v_message.id, 'organization_id', v_message.organization_id,
                                  'workout_assignment_id', v_message.workout_assignment_id,
                                  'attachments', private.attachments_json(v_message.id));
  perform realtime.send(v_payload, 'attachment_added', 'user:' || v_message.recipient_id::text, true);
  perform realtime.send(v_payload, 'attachment_added', 'user:' || v_message.sender_id::text, true);
  return v_row;
end;
$$;

-- The worker's thumbnail call now carries what it measured; the old two-argument form goes so
-- there is one way to record a thumbnail.
drop function private.service_role_set_thumbnail(uuid, text);

create function private.service_role_set_thumbnail(p_attachment_id uuid, p_thumbnail_key text,
                                                   p_width integer default null, p_height integer default null)
returns public.message_attachments
language plpgsql
-- definer: the media worker's only way to write an attachment row (service role only).
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
  if (service_role_set_thumbnail.p_width is null) <> (service_role_set_thumbnail.p_height is null)
     or service_role_set_thumbnail.p_width not between 1 and 20000
     or service_role_set_thumbnail.p_height not between 1 and 20000 then
    raise exception 'An image''s width and height go together, each 1 to 20000 pixels.'
      using errcode = 'PT422', hint = 'thumbnail_dimensions_invalid';
  end if;
  -- The worker measured the bytes themselves: that replaces the uploader's hint. Without a
  -- measurement (an image sharp could read but not size) the hint stays.
  update public.message_attachments a
     set thumbnail_r2_key = service_role_set_thumbnail.p_thumbnail_key,
         width = coalesce(service_role_set_thumbnail.p_width, a.width),
         height = coalesce(service_role_set_thumbnail.p_height, a.height)
   where a.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;

comment on function private.service_role_set_thumbnail(uuid, text, integer, integer) is
  'Media worker: records the generated thumbnail''s object name (same folder as the original) and the original''s measured width and height. Errors: attachment_not_found (PT404), thumbnail_key_invalid, thumbnail_dimensions_invalid (PT422).';

revoke all on function private.service_role_set_thumbnail(uuid, text, integer, integer) from public;
grant execute on function private.service_role_set_thumbnail(uuid, text, integer, integer) to service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.workout_comments(p_assignment_id uuid, p_before timestamptz default null,
                                                   p_limit integer default 50)
returns table(id uuid, organization_id uuid, workout_assignment_id uuid, sender_id uuid,
              sender_role public.sender_role, recipient_id uuid, content text, attachment_count integer,
              attachments jsonb, created_at timestamptz, read_at timestamptz, edited_at timestamptz,
              deleted_at timestamptz)
language plpgsql
stable
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
                                                       'mime_type', a.mime_type, 'thumbnail_r2_key', a.thumbnail_r2_key,
                                                       'width', a.width, 'height', a.height)
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
