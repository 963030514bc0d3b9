-- A message's (or an announcement's) files keep the order they were attached in. Every reader
-- ordered them by (created_at, id), but the files of one send are inserted in one statement, so
-- they share created_at (now()) and the random id decided: two pictures sent together came back
-- in either order (the same for everyone, but not the order the sender chose). A column filled from an
-- identity sequence as rows are inserted records the order (insert_attachments and
-- attach_announcement_files insert in the order of the paths given; register_attachment appends).
-- Existing rows are numbered by (created_at, id), the order they were shown in until now.
-- Touches: public.message_attachments (adds attach_order), private.attachments_json,
-- public.conversation_messages, public.workout_comments, private.announcement_feed_page,
-- private.latest_unread_announcement (order by attach_order).

alter table public.message_attachments add column attach_order bigint;
update public.message_attachments a
   set attach_order = o.n
  from (select x.id, row_number() over (order by x.created_at, x.id) as n from public.message_attachments x) o
 where o.id = a.id;
alter table public.message_attachments alter column attach_order set not null;
alter table public.message_attachments alter column attach_order add generated always as identity;
-- the sequence continues after the rows numbered above (is_called false: the next value drawn is max + 1)
select pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.message_attachments', 'attach_order'),
                         coalesce((select max(a.attach_order) from public.message_attachments a), 0) + 1, false);
-- only the definer functions that insert attachments draw from it
revoke all on sequence public.message_attachments_attach_order_seq from anon, authenticated;
comment on column public.message_attachments.attach_order is
  'Insertion order (an identity): a message''s or announcement''s files are shown ordered by it, the order they were attached in.';

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
           order by a.attach_order), '[]'::jsonb)
    from public.message_attachments a where a.message_id = attachments_json.p_message_id;
$$;

create or replace function public.conversation_messages(
  p_organization_id uuid,
  p_other_user_id uuid,
  p_before timestamptz default null,
  p_after timestamptz default null,
  p_limit integer default 50,
  p_before_id uuid default null,
  p_after_id uuid default null
)
returns table (
  id uuid,
  organization_id uuid,
  sender_id uuid,
  recipient_id uuid,
  sender_role public.sender_role,
  workout_assignment_id uuid,
  content text,
  attachment_count integer,
  client_id uuid,
  created_at timestamptz,
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz,
  is_read boolean,
  attachments jsonb
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_limit integer := least(greatest(coalesce(conversation_messages.p_limit, 50), 1), 200);
  v_watermark timestamptz;
begin
  if conversation_messages.p_before is not null and conversation_messages.p_after is not null then
    raise exception 'Page either before or after a point, not both.' using errcode = 'PT422', hint = 'invalid_cursor';
  end if;
  if v_user_id is null or conversation_messages.p_other_user_id in (select private.blocked_user_ids()) then
    return;
  end if;
  select s.last_read_at into v_watermark from public.conversation_summaries s
   where s.owner_id = v_user_id and s.organization_id = conversation_messages.p_organization_id
     and s.other_user_id = conversation_messages.p_other_user_id;

  return query
  with page as (
    (select m.* from public.messages m
      where m.organization_id = conversation_messages.p_organization_id
        and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
        and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
        and m.workout_assignment_id is null
        and conversation_messages.p_after is not null
        and (m.created_at, m.id) > (conversation_messages.p_after,
              coalesce(conversation_messages.p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
      order by m.created_at, m.id
      limit v_limit)
    union all
    (select m.* from public.messages m
      where m.organization_id = conversation_messages.p_organization_id
        and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
        and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
        and m.workout_assignment_id is null
        and conversation_messages.p_after is null
        and (conversation_messages.p_before is null
             or (m.created_at, m.id) < (conversation_messages.p_before,
                   coalesce(conversation_messages.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
      order by m.created_at desc, m.id desc
      limit v_limit)
  )
  select page.id, page.organization_id, page.sender_id, page.recipient_id, page.sender_role,
         page.workout_assignment_id, page.content, page.attachment_count, page.client_id, page.created_at,
         page.read_at, page.edited_at, page.deleted_at, page.updated_at,
         case when page.sender_id = v_user_id then page.read_at is not null
              else page.created_at <= coalesce(v_watermark, '-infinity'::timestamptz) end,
         -- Only messages that say they carry files look for them (most carry none).
         case when page.attachment_count > 0 and page.deleted_at is null then
           (select jsonb_agg(jsonb_build_object(
                     'id', a.id, 'type', a.type, 'r2_key', a.r2_key, 'size', a.size,
                     'mime_type', a.mime_type, 'thumbnail_r2_key', a.thumbnail_r2_key,
                     'width', a.width, 'height', a.height)
                   order by a.attach_order)
              from public.message_attachments a where a.message_id = page.id)
         end
    from page
   order by page.created_at, page.id;
end;
$$;

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
                                    order by a.attach_order)
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

create or replace function private.announcement_feed_page(p_organization_id uuid, p_before timestamptz,
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
  -- staff only: "seen by N of M" for the page. M is counted once per audience on the page (the
  -- organization's active members, or a program's active enrolled members), less the author when
  -- they are in it; N walks only the reads of each announcement (its primary key), each checked
  -- to be of someone still in that audience.
  scopes as materialized (
    select s.program_id,
           case when s.program_id is null then
             (select count(*) from public.memberships m
               where m.organization_id = announcement_feed_page.p_organization_id and m.status = 'active')
           else
             (select count(*) from public.program_enrollments e
                join public.memberships m
                  on m.organization_id = e.organization_id and m.user_id = e.user_id and m.status = 'active'
               where e.program_id = s.program_id and e.ended_at is null)
           end::integer as members
      from (select distinct r.program_id from rows r where v_viewer.is_staff) s
  ),
  seen as (
    select r.id,
           (sc.members - case when exists (
              select 1 from public.memberships m
               where m.organization_id = r.organization_id and m.user_id = r.author_id and m.status = 'active'
                 and (r.program_id is null
                      or exists (select 1 from public.program_enrollments e
                                  where e.program_id = r.program_id and e.user_id = r.author_id and e.ended_at is null)))
            then 1 else 0 end)::integer as audience_count,
           (select count(*) from public.announcement_reads ar
             where ar.announcement_id = r.id and ar.user_id <> r.author_id
               and exists (select 1 from public.memberships m
                            where m.organization_id = r.organization_id and m.user_id = ar.user_id and m.status = 'active')
               and (r.program_id is null
                    or exists (select 1 from public.program_enrollments e
                                where e.program_id = r.program_id and e.user_id = ar.user_id and e.ended_at is null)))::integer
             as seen_count
      from rows r
      join scopes sc on sc.program_id is not distinct from r.program_id
     where v_viewer.is_staff
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
                       order by f.attach_order) as attachments
        from public.message_attachments f
       where f.announcement_id = r.id) att on true
    left join seen s on s.id = r.id
   order by r.is_pinned desc, r.created_at desc, r.id desc;
end;
$$;

create or replace function private.latest_unread_announcement(p_organization_id uuid)
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
    -- the newest 100 of each audience the caller belongs to (staff: the organization), each read
    -- on the index that has that audience in feed order; then the newest without their read
    select w.id, w.created_at
      from ((select a.id, a.created_at, a.author_id
               from public.announcements a
              where v_viewer.is_staff
                and a.organization_id = latest_unread_announcement.p_organization_id and a.deleted_at is null
              order by a.created_at desc, a.id desc
              limit 100)
            union all
            (select a.id, a.created_at, a.author_id
               from public.announcements a
              where not v_viewer.is_staff
                and a.organization_id = latest_unread_announcement.p_organization_id
                and a.program_id is null and a.deleted_at is null
              order by a.created_at desc, a.id desc
              limit 100)
            union all
            (select y.id, y.created_at, y.author_id
               from pg_catalog.unnest(case when v_viewer.is_staff then '{}'::uuid[] else v_viewer.program_ids end) f (program_id)
              cross join lateral (
                select a.id, a.created_at, a.author_id
                  from public.announcements a
                 where a.program_id = f.program_id and a.deleted_at is null
                   and a.organization_id = latest_unread_announcement.p_organization_id
                 order by a.created_at desc, a.id desc
                 limit 100) y)) w
     where w.author_id <> v_uid
       and not exists (select 1 from public.announcement_reads r
                        where r.announcement_id = w.id and r.user_id = v_uid)
     order by w.created_at desc, w.id desc
     limit 1
  )
  select a.id, a.program_id, c.display_name, a.body, a.created_at,
         coalesce((select jsonb_agg(jsonb_build_object('id', f.id, 'type', f.type, 'r2_key', f.r2_key, 'size', f.size,
                                                       'mime_type', f.mime_type, 'thumbnail_r2_key', f.thumbnail_r2_key)
                                    order by f.attach_order)
                     from public.message_attachments f where f.announcement_id = a.id), '[]'::jsonb)
    from newest n
    join public.announcements a on a.id = n.id
    left join private.profile_cards(array[a.author_id]) c on true;
end;
$$;
