-- Announcements: staff's "seen by N of M" and Today's newest unread bounded. Measured at 10,000
-- announcements and 2,000 members (npm run bench -- announcements): the staff feed page counted
-- each announcement's whole audience (2,000 memberships joined to reads, 20 times: ~300 ms), and
-- Today's newest unread walked every announcement when the member had read them all (10,000 read
-- probes: ~270 ms). Now M is counted once per audience on the page and N walks only the reads of
-- each announcement; Today looks for the newest unread among each audience's newest 100
-- announcements (older news is not "new" on Today; the feed still marks everything).
-- Touches: private.announcement_feed_page, private.latest_unread_announcement (same signatures,
-- same columns).

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
    -- per audience the caller belongs to (staff: the whole organization), the newest unread one:
    -- each an index read in feed order that stops at the first row without a read of theirs
    select x.id, x.created_at
      from pg_catalog.unnest(case when v_viewer.is_staff then array[null::uuid]
                                  else array[null::uuid] || v_viewer.program_ids end) s (program_id)
     cross join lateral (
       -- the newest 100 of that audience, then the first of them without a read: news older than
       -- the last 100 is not "new" on Today, and the walk stays 100 probes at most
       select w.id, w.created_at
         from (select a.id, a.created_at, a.author_id
                 from public.announcements a
                where a.organization_id = latest_unread_announcement.p_organization_id and a.deleted_at is null
                  and (v_viewer.is_staff or a.program_id is not distinct from s.program_id)
                order by a.created_at desc, a.id desc
                limit 100) w
        where w.author_id <> v_uid
          and not exists (select 1 from public.announcement_reads r
                           where r.announcement_id = w.id and r.user_id = v_uid)
        order by w.created_at desc, w.id desc
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
  'Body of latest_unread_announcement: the caller authorized once, then per audience they belong to the newest unread among its newest 100 announcements, the newest of those, with its attachments.';

revoke all on function private.latest_unread_announcement(uuid) from public, anon;
grant execute on function private.latest_unread_announcement(uuid) to authenticated, service_role;
