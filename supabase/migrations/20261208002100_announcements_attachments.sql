-- Announcements carry attachments (issue 17: "text, attachments, optional pin"), through the same
-- attachments system as messages and comments: the bytes in the private bucket `attachments`
-- under <organization>/<uploader>/<file>, one row per file in public.message_attachments (now
-- belonging to a message or to an announcement, never both), the same upload checks
-- (private.check_attachment_objects), the same thumbnail claims and the same deletion queue.
-- Who may read the bytes follows who may read the announcement: staff of its organization, its
-- audience (organization-wide: active members; a program: athletes actively enrolled), the
-- uploader; nobody once it is deleted. Deleting an announcement (author or moderator) drops its
-- attachment rows, which queues their objects for the storage worker, as for a deleted message.
-- Staff attach when posting and add or remove files when editing (author only, as for its text).
-- The feed and Today's newest unread return each announcement's attachments; the feed also
-- returns "seen by N of M" for staff, for the whole page at once (the page no longer asks once
-- per announcement).
-- Touches: public.message_attachments (announcement_id, message_id nullable, select policy),
-- public.storage_deletions (two reasons), private.can_read_attachment_object,
-- private.attach_announcement_files (new), private.trigger_drop_announcement_attachments (new),
-- public.post_announcement, public.edit_announcement (new optional parameters),
-- public.announcement_feed, private.announcement_feed_page, public.latest_unread_announcement,
-- private.latest_unread_announcement (new columns).

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.message_attachments
  alter column message_id drop not null,
  add column announcement_id uuid references public.announcements (id) on delete cascade,
  add constraint message_attachments_one_parent_chk check (num_nonnulls(message_id, announcement_id) = 1);

create index message_attachments_announcement_id_idx
  on public.message_attachments (announcement_id) where announcement_id is not null;

comment on column public.message_attachments.announcement_id is
  'The announcement this file belongs to (then message_id is null); its readers may read the file.';
comment on table public.message_attachments is
  'Seed 001: images and videos of a message (DM or workout comment) or of an announcement. r2_key is the object''s name in the private storage bucket `attachments`.';

alter table public.storage_deletions drop constraint storage_deletions_reason_chk;
alter table public.storage_deletions add constraint storage_deletions_reason_chk
  check (reason = any (array['message_deleted', 'moderation', 'erasure', 'orphan_upload', 'assignment_deleted',
                             'avatar_replaced', 'announcement_deleted', 'announcement_edited']));

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_drop_announcement_attachments()
returns trigger
language plpgsql
-- definer: attachment rows are not writable by authenticated; the author or a moderator deleted
-- the announcement, so its files go with it.
security definer
set search_path = ''
as $$
declare
  v_previous text := pg_catalog.current_setting('coachline.deletion_reason', true);
begin
  -- a moderation or an erasure already named its reason; otherwise the author deleted it
  if coalesce(v_previous, '') = '' then
    perform pg_catalog.set_config('coachline.deletion_reason', 'announcement_deleted', true);
  end if;
  delete from public.message_attachments a where a.announcement_id = new.id;
  perform pg_catalog.set_config('coachline.deletion_reason', coalesce(v_previous, ''), true);
  return null;
end;
$$;

comment on function private.trigger_drop_announcement_attachments() is
  'A deleted announcement loses its files too, like its text: the rows go and their objects are queued for the storage worker.';

revoke all on function private.trigger_drop_announcement_attachments() from public, anon, authenticated;

create trigger announcements_drop_attachments
  after update of deleted_at on public.announcements
  for each row when (old.deleted_at is null and new.deleted_at is not null)
  execute function private.trigger_drop_announcement_attachments();

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.can_read_attachment_object(p_name text)
returns boolean
language sql
stable
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
                    or private.is_admin(m.organization_id)))
          -- an announcement's files: whoever may read the announcement (the announcements select
          -- policy's rule: staff, or its audience)
          or exists (
            select 1
              from public.message_attachments a
              join public.announcements n on n.id = a.announcement_id
             where (a.r2_key = can_read_attachment_object.p_name or a.thumbnail_r2_key = can_read_attachment_object.p_name)
               and n.deleted_at is null
               and (private.is_staff(n.organization_id)
                    or n.program_id is null
                    or n.program_id in (select private.enrolled_program_ids()))));
$$;

comment on function private.can_read_attachment_object(text) is
  'An attachment''s bytes: readable by active members of its organization (the path''s first folder) who uploaded it, are a party to its message, are staff (workout threads) or admins there, or may read its announcement (staff, or its audience).';

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
  insert into public.message_attachments (announcement_id, organization_id, uploader_id, type, r2_key, size, mime_type)
  select v_row.id, r.organization_id, r.uploader_id, r.type, r.r2_key, r.size, r.mime_type
    from pg_catalog.unnest(v_rows) r;
  return v_kept + coalesce(pg_catalog.cardinality(v_rows), 0);
end;
$$;

comment on function private.attach_announcement_files(uuid, text[], uuid[]) is
  'The author of an announcement removes some of its files and attaches uploads (the checks of send_message_with_attachments; at most 10 in all). Returns how many it carries.';

revoke all on function private.attach_announcement_files(uuid, text[], uuid[]) from public, anon;
grant execute on function private.attach_announcement_files(uuid, text[], uuid[]) to authenticated, service_role;

-- Called from plpgsql readers: as plpgsql its statements' plans are kept for the session (an SQL
-- security definer function is planned again at every call, ~1 ms of a 10 ms budget).
create or replace function private.announcement_viewer(p_organization_id uuid,
                                                        out is_member boolean, out is_staff boolean,
                                                        out program_ids uuid[])
language plpgsql
stable
-- definer: reads the caller's own membership and enrollments (the tables' policies would be
-- evaluated again for each row); returns facts about the caller only.
security definer
set search_path = ''
as $$
declare
  v_role public.membership_role;
begin
  select m.role into v_role from public.memberships m
   where m.organization_id = announcement_viewer.p_organization_id
     and m.user_id = (select auth.uid()) and m.status = 'active';
  is_member := v_role is not null;
  is_staff := coalesce(v_role in ('owner', 'admin', 'coach'), false);
  select coalesce(array_agg(e.program_id order by e.program_id), '{}') into program_ids
    from public.program_enrollments e
   where e.organization_id = announcement_viewer.p_organization_id
     and e.user_id = (select auth.uid()) and e.ended_at is null;
end;
$$;

comment on function private.announcement_viewer(uuid) is
  'Who the caller is in an organization, for announcement readers: an active member, staff, and the programs they actively follow. Asked once per read, not per row.';

-- =============================================================================================
-- policies
-- =============================================================================================

drop policy "Attachments are visible to whoever sees their message" on public.message_attachments;
create policy "Attachments are visible with their message or announcement"
  on public.message_attachments for select to authenticated
  using ((message_id is not null and exists (select 1 from public.messages m where m.id = message_attachments.message_id))
         or (announcement_id is not null
             and exists (select 1 from public.announcements n where n.id = message_attachments.announcement_id)));

-- =============================================================================================
-- readers (new columns: attachments; seen_count and audience_count for staff)
-- =============================================================================================

drop function public.announcement_feed(uuid, timestamptz, uuid, integer);
drop function private.announcement_feed_page(uuid, timestamptz, uuid, integer);
drop function public.latest_unread_announcement(uuid);
drop function private.latest_unread_announcement(uuid);

create function private.announcement_feed_page(p_organization_id uuid, p_before timestamptz,
                                               p_before_id uuid, p_limit integer)
returns table (id uuid, organization_id uuid, program_id uuid, program_name text, author_id uuid,
               author_name text, body text, pinned boolean, pinned_until timestamptz,
               created_at timestamptz, edited_at timestamptz, read boolean, attachments jsonb,
               seen_count integer, audience_count integer)
language plpgsql
stable
-- definer: the caller is authorized once below (private.announcement_viewer) and the page is
-- restricted to exactly what the announcements select policy lets them read (their organization;
-- staff everything, members organization-wide rows and their programs' rows). Under the caller's
-- RLS every candidate row would be filtered by the policy again.
security definer
set search_path = ''
set jit = off
as $$
declare
  v_viewer record;
  v_limit integer := least(greatest(coalesce(announcement_feed_page.p_limit, 20), 1), 100);
  -- no cursor: start above every row, so the keyset is always an index condition
  v_before timestamptz := coalesce(announcement_feed_page.p_before, 'infinity'::timestamptz);
  v_before_id uuid := case when announcement_feed_page.p_before is null then 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
                           else coalesce(announcement_feed_page.p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid) end;
  v_now timestamptz := pg_catalog.now();
  v_uid uuid := (select auth.uid());
begin
  select * into v_viewer from private.announcement_viewer(announcement_feed_page.p_organization_id);
  if not v_viewer.is_member then
    return;  -- the same answer RLS gives: nothing to read here
  end if;
  return query
  with pinned as materialized (
    -- first page only: what is pinned now, newest first
    select a.id, a.created_at, true as is_pinned
      from public.announcements a
     where announcement_feed_page.p_before is null
       and a.organization_id = announcement_feed_page.p_organization_id
       and a.deleted_at is null and a.pinned_until > v_now
       and (v_viewer.is_staff or a.program_id is null or a.program_id = any (v_viewer.program_ids))
     order by a.created_at desc, a.id desc
     limit 20
  ),
  candidates as materialized (
    -- staff: the organization's feed index, one range read
    (select a.id, a.created_at
       from public.announcements a
      where v_viewer.is_staff
        and a.organization_id = announcement_feed_page.p_organization_id and a.deleted_at is null
        and (a.created_at, a.id) < (v_before, v_before_id)
        and (a.pinned_until is null or a.pinned_until <= v_now)
      order by a.created_at desc, a.id desc
      limit v_limit)
    union all
    -- members: organization-wide rows ...
    (select a.id, a.created_at
       from public.announcements a
      where not v_viewer.is_staff
        and a.organization_id = announcement_feed_page.p_organization_id
        and a.program_id is null and a.deleted_at is null
        and (a.created_at, a.id) < (v_before, v_before_id)
        and (a.pinned_until is null or a.pinned_until <= v_now)
      order by a.created_at desc, a.id desc
      limit v_limit)
    union all
    -- ... and one page of each program they follow
    (select x.id, x.created_at
       from pg_catalog.unnest(case when v_viewer.is_staff then '{}'::uuid[] else v_viewer.program_ids end) f (program_id)
      cross join lateral (
        select a.id, a.created_at
          from public.announcements a
         where a.program_id = f.program_id and a.deleted_at is null
           and a.organization_id = announcement_feed_page.p_organization_id
           and (a.created_at, a.id) < (v_before, v_before_id)
           and (a.pinned_until is null or a.pinned_until <= v_now)
         order by a.created_at desc, a.id desc
         limit v_limit) x)
  ),
  page as materialized (
    select p.id, p.is_pinned from pinned p
    union all
    (select c.id, false from candidates c order by c.created_at desc, c.id desc limit v_limit)
  ),
  rows as materialized (
    select a.*, p.is_pinned from page p join public.announcements a on a.id = p.id
  ),
  -- staff only: "seen by N of M" for the page at once. The audience is the organization's active
  -- members (organization-wide) or a program's active enrolled members, the author left out; a
  -- read counts while its reader is still in that audience.
  audiences as materialized (
    select r.id, m.user_id
      from rows r
      join public.memberships m on m.organization_id = r.organization_id and m.status = 'active'
     where v_viewer.is_staff and r.program_id is null and m.user_id <> r.author_id
    union all
    select r.id, e.user_id
      from rows r
      join public.program_enrollments e on e.program_id = r.program_id and e.ended_at is null
      join public.memberships m
        on m.organization_id = e.organization_id and m.user_id = e.user_id and m.status = 'active'
     where v_viewer.is_staff and r.program_id is not null and e.user_id <> r.author_id
  ),
  seen as (
    select au.id, count(*)::integer as audience_count, count(ar.user_id)::integer as seen_count
      from audiences au
      left join public.announcement_reads ar on ar.announcement_id = au.id and ar.user_id = au.user_id
     group by au.id
  )
  select r.id, r.organization_id, r.program_id, pr.name, r.author_id, au.display_name, r.body, r.is_pinned,
         r.pinned_until, r.created_at, r.edited_at, ar.announcement_id is not null,
         coalesce(att.attachments, '[]'::jsonb),
         case when v_viewer.is_staff then coalesce(s.seen_count, 0) end,
         case when v_viewer.is_staff then coalesce(s.audience_count, 0) end
    from rows r
    left join public.programs pr on pr.id = r.program_id
    -- the author's name as private.profile_cards would show it to this caller, for this
    -- organization: staff of it (or anyone to its staff) still active there, unless they blocked
    -- the caller
    left join lateral (
      select p.display_name from public.profiles p
       where p.id = r.author_id
         and (p.id = v_uid
              or (exists (select 1 from public.memberships them
                           where them.organization_id = r.organization_id and them.user_id = p.id
                             and them.status = 'active'
                             and (v_viewer.is_staff or them.role in ('owner', 'admin', 'coach')))
                  and not exists (select 1 from public.user_blocks b
                                   where b.blocker_id = p.id and b.blocked_id = v_uid)))) au on true
    left join public.announcement_reads ar on ar.announcement_id = r.id and ar.user_id = v_uid
    left join lateral (
      select jsonb_agg(jsonb_build_object('id', f.id, 'type', f.type, 'r2_key', f.r2_key, 'size', f.size,
                                          'mime_type', f.mime_type, 'thumbnail_r2_key', f.thumbnail_r2_key)
                       order by f.created_at, f.id) as attachments
        from public.message_attachments f
       where f.announcement_id = r.id) att on true
    left join seen s on s.id = r.id
   order by r.is_pinned desc, r.created_at desc, r.id desc;
end;
$$;

comment on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) is
  'Body of announcement_feed: the caller authorized once, then index range reads in feed order (staff: the organization; members: organization-wide rows and each followed program), names, read state, attachments and (staff) seen counts joined once per page.';

revoke all on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) to authenticated, service_role;

create function public.announcement_feed(p_organization_id uuid, p_before timestamptz default null,
                                         p_before_id uuid default null, p_limit integer default 20)
returns table (id uuid, organization_id uuid, program_id uuid, program_name text, author_id uuid,
               author_name text, body text, pinned boolean, pinned_until timestamptz,
               created_at timestamptz, edited_at timestamptz, read boolean, attachments jsonb,
               seen_count integer, audience_count integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.announcement_feed_page(announcement_feed.p_organization_id, announcement_feed.p_before,
                                               announcement_feed.p_before_id, announcement_feed.p_limit);
$$;

comment on function public.announcement_feed(uuid, timestamptz, uuid, integer) is
  'A page of the announcements the caller may read in an organization: pinned ones first (first page), then newest first, each with its attachments; for staff also seen_count of audience_count. Pass the last row''s created_at and id for the next page.';

revoke all on function public.announcement_feed(uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function public.announcement_feed(uuid, timestamptz, uuid, integer) to authenticated, service_role;

create function private.latest_unread_announcement(p_organization_id uuid)
returns table (id uuid, program_id uuid, author_name text, body text, created_at timestamptz, attachments jsonb)
language plpgsql
stable
-- definer: authorized once (private.announcement_viewer), then restricted to what the select
-- policy lets the caller read, as in private.announcement_feed_page.
security definer
set search_path = ''
set jit = off
as $$
declare
  v_viewer record;
  v_uid uuid := (select auth.uid());
begin
  select * into v_viewer from private.announcement_viewer(latest_unread_announcement.p_organization_id);
  if not v_viewer.is_member then
    return;
  end if;
  return query
  with newest as materialized (
    -- per audience the caller belongs to (staff: the whole organization), the newest unread one:
    -- each an index read in feed order that stops at the first row without a read of theirs
    select x.id, x.created_at
      from pg_catalog.unnest(case when v_viewer.is_staff then array[null::uuid]
                                  else array[null::uuid] || v_viewer.program_ids end) s (program_id)
     cross join lateral (
       select a.id, a.created_at
         from public.announcements a
        where a.organization_id = latest_unread_announcement.p_organization_id and a.deleted_at is null
          and (v_viewer.is_staff or a.program_id is not distinct from s.program_id)
          and a.author_id <> v_uid
          and not exists (select 1 from public.announcement_reads r
                           where r.announcement_id = a.id and r.user_id = v_uid)
        order by a.created_at desc, a.id desc
        limit 1) x
     order by x.created_at desc, x.id desc
     limit 1
  )
  select a.id, a.program_id, c.display_name, a.body, a.created_at,
         coalesce((select jsonb_agg(jsonb_build_object('id', f.id, 'type', f.type, 'r2_key', f.r2_key, 'size', f.size,
                                                       'mime_type', f.mime_type, 'thumbnail_r2_key', f.thumbnail_r2_key)
                                    order by f.created_at, f.id)
                     from public.message_attachments f where f.announcement_id = a.id), '[]'::jsonb)
    from newest n
    join public.announcements a on a.id = n.id
    left join private.profile_cards(array[a.author_id]) c on true;
end;
$$;

comment on function private.latest_unread_announcement(uuid) is
  'Body of latest_unread_announcement: the caller authorized once, then per audience they belong to the newest announcement without their read, the newest of those, with its attachments.';

revoke all on function private.latest_unread_announcement(uuid) from public, anon;
grant execute on function private.latest_unread_announcement(uuid) to authenticated, service_role;

create function public.latest_unread_announcement(p_organization_id uuid)
returns table (id uuid, program_id uuid, author_name text, body text, created_at timestamptz, attachments jsonb)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.latest_unread_announcement(latest_unread_announcement.p_organization_id);
$$;

comment on function public.latest_unread_announcement(uuid) is
  'The newest announcement the caller may read and has not read yet (for Today), with its attachments.';

revoke all on function public.latest_unread_announcement(uuid) from public, anon;
grant execute on function public.latest_unread_announcement(uuid) to authenticated, service_role;

-- =============================================================================================
-- writers (new optional parameters: the files)
-- =============================================================================================

drop function public.post_announcement(uuid, text, uuid, timestamptz);
drop function public.edit_announcement(uuid, text, timestamptz);

create function public.post_announcement(p_organization_id uuid, p_body text, p_program_id uuid default null,
                                         p_pinned_until timestamptz default null,
                                         p_object_paths text[] default '{}')
returns public.announcements
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_staff(post_announcement.p_organization_id);
  insert into public.announcements (organization_id, program_id, body, pinned_until)
  values (post_announcement.p_organization_id, post_announcement.p_program_id, btrim(coalesce(post_announcement.p_body, '')),
          post_announcement.p_pinned_until)
  returning * into v_row;
  -- in the same transaction: a refused file leaves no announcement behind
  if coalesce(pg_catalog.cardinality(post_announcement.p_object_paths), 0) > 0 then
    perform private.attach_announcement_files(v_row.id, post_announcement.p_object_paths, '{}');
  end if;
  return v_row;
end;
$$;

comment on function public.post_announcement(uuid, text, uuid, timestamptz, text[]) is
  'Staff post an announcement to the organization (program null) or one program, optionally pinned until a date, with uploaded files (bucket attachments, <org>/<me>/<file>; the checks of send_message_with_attachments); it goes out live and as one push per person.';

revoke all on function public.post_announcement(uuid, text, uuid, timestamptz, text[]) from public, anon;
grant execute on function public.post_announcement(uuid, text, uuid, timestamptz, text[]) to authenticated, service_role;

create function public.edit_announcement(p_id uuid, p_body text, p_pinned_until timestamptz default null,
                                         p_add_object_paths text[] default '{}',
                                         p_remove_attachment_ids uuid[] default '{}')
returns public.announcements
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_user();
  update public.announcements a
     set body = btrim(coalesce(edit_announcement.p_body, '')), pinned_until = edit_announcement.p_pinned_until
   where a.id = edit_announcement.p_id
  returning * into v_row;
  if v_row.id is null then
    if exists (select 1 from public.announcements a where a.id = edit_announcement.p_id) then
      raise exception 'Only its author can edit an announcement.' using errcode = 'PT403', hint = 'not_author';
    end if;
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  if coalesce(pg_catalog.cardinality(edit_announcement.p_add_object_paths), 0) > 0
     or coalesce(pg_catalog.cardinality(edit_announcement.p_remove_attachment_ids), 0) > 0 then
    perform private.attach_announcement_files(v_row.id, edit_announcement.p_add_object_paths,
                                              edit_announcement.p_remove_attachment_ids);
  end if;
  return v_row;
end;
$$;

comment on function public.edit_announcement(uuid, text, timestamptz, text[], uuid[]) is
  'The author changes an announcement''s text or pin (marked edited), adds uploaded files and removes some of its files; nobody else may.';

revoke all on function public.edit_announcement(uuid, text, timestamptz, text[], uuid[]) from public, anon;
grant execute on function public.edit_announcement(uuid, text, timestamptz, text[], uuid[]) to authenticated, service_role;
