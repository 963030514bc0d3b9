-- attachments: thumbnail work is claimed, not just read, so several media workers (or one worker
-- with several images in flight) never make the same thumbnail twice, and an image that cannot be
-- read stops being retried after a few attempts instead of being remembered in one process's
-- memory. Mirrors the storage deletion queue: a lease (thumbnail_locked_at) taken with
-- FOR UPDATE SKIP LOCKED, an attempt count, and the error of the last failure.
-- service_role_pending_thumbnails stays (read-only view of the backlog, for status and tests).
-- Touches: public.message_attachments (columns thumbnail_locked_at, thumbnail_attempts,
-- thumbnail_error); functions private.service_role_claim_thumbnails,
-- private.service_role_fail_thumbnail.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.message_attachments
  add column thumbnail_locked_at timestamptz,
  add column thumbnail_attempts integer not null default 0,
  add column thumbnail_error text,
  add constraint message_attachments_thumbnail_attempts_chk check (thumbnail_attempts >= 0),
  add constraint message_attachments_thumbnail_error_length_chk
    check (thumbnail_error is null or char_length(thumbnail_error) <= 1000);

comment on column public.message_attachments.thumbnail_locked_at is
  'When a media worker claimed this image for its thumbnail (a lease: an expired one may be claimed again).';
comment on column public.message_attachments.thumbnail_attempts is
  'How many times a worker claimed this image; after service_role_claim_thumbnails'' p_max_attempts it is left alone.';

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables; message_attachments keeps its RLS and policies)

-- =============================================================================================
-- private helpers
-- =============================================================================================

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

revoke all on function
  private.service_role_claim_thumbnails(integer, interval, integer),
  private.service_role_fail_thumbnail(uuid, text)
  from public, anon, authenticated;
grant execute on function
  private.service_role_claim_thumbnails(integer, interval, integer),
  private.service_role_fail_thumbnail(uuid, text)
  to service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
