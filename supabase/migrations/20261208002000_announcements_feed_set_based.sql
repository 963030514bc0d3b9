-- Announcements read set-based. The member's feed first page took ~5 s at 10,000 announcements.
-- Measured with auto_explain, almost all of it was JIT compilation (Inlining 0.8 s, Optimization
-- 2.8 s, Emission 1.6 s of a 5.2 s statement): the feed's plan carried a lateral call of
-- private.profile_cards per row and set-returning permission helpers the planner guesses at 1,000
-- rows each, so its estimated cost (~1,000,000) crossed every JIT threshold; the per-row work
-- itself was well under a millisecond. The time that showed up inside each permission helper
-- (150-400 ms) was that compilation being paid as the expressions ran.
-- Now each reader authorizes the caller once (active member of the organization? staff? which
-- programs do they follow?), then reads the page as index range scans: staff over the whole
-- organization's feed index; members over organization-wide rows and, per program they follow,
-- that program's rows, each already in feed order and limited to one page, merged and cut.
-- Names, programs, read state join once per page. JIT is off for these readers: a page of at most
-- 100 rows never repays compiling.
-- The select policy gets the tenant-helper shape (organization_id in (select ...)), each helper
-- run once per statement, so direct REST reads stay cheap and correct.
-- Touches: public.announcements (two indexes, select policy), private.announcement_viewer,
-- private.announcement_feed_page, private.latest_unread_announcement (new),
-- public.announcement_feed, public.latest_unread_announcement (same signatures and rows).

-- =============================================================================================
-- tables
-- =============================================================================================

-- Members read organization-wide rows and their programs' rows separately; this is the
-- organization-wide half, in feed order (the program half is announcements_program_feed_idx).
create index announcements_org_wide_feed_idx
  on public.announcements (organization_id, created_at desc, id desc)
  where deleted_at is null and program_id is null;

-- What is pinned now is a range on pinned_until (expired pins stay in the table, not in the range).
create index announcements_pinned_until_idx
  on public.announcements (organization_id, pinned_until)
  where deleted_at is null and pinned_until is not null;

drop index public.announcements_pinned_idx;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.announcement_viewer(p_organization_id uuid,
                                                        out is_member boolean, out is_staff boolean,
                                                        out program_ids uuid[])
language sql
stable
-- definer: reads the caller's own membership and enrollments (the tables' policies would be
-- evaluated again for each row); returns facts about the caller only.
security definer
set search_path = ''
as $$
  select m.user_id is not null,
         coalesce(m.role in ('owner', 'admin', 'coach'), false),
         coalesce((select array_agg(e.program_id order by e.program_id)
                     from public.program_enrollments e
                    where e.organization_id = announcement_viewer.p_organization_id
                      and e.user_id = (select auth.uid()) and e.ended_at is null), '{}')
    from (select 1) one
    left join public.memberships m
      on m.organization_id = announcement_viewer.p_organization_id
     and m.user_id = (select auth.uid()) and m.status = 'active';
$$;

comment on function private.announcement_viewer(uuid) is
  'Who the caller is in an organization, for announcement readers: an active member, staff, and the programs they actively follow. Asked once per read, not per row.';

revoke all on function private.announcement_viewer(uuid) from public, anon;
grant execute on function private.announcement_viewer(uuid) to authenticated, service_role;

create or replace function private.announcement_feed_page(p_organization_id uuid, p_before timestamptz,
                                                           p_before_id uuid, p_limit integer)
returns table (id uuid, organization_id uuid, program_id uuid, program_name text, author_id uuid,
               author_name text, body text, pinned boolean, pinned_until timestamptz,
               created_at timestamptz, edited_at timestamptz, read boolean)
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
    (select a.id, a.created_at, a.pinned_until
       from public.announcements a
      where v_viewer.is_staff
        and a.organization_id = announcement_feed_page.p_organization_id and a.deleted_at is null
        and (a.created_at, a.id) < (v_before, v_before_id)
        and (a.pinned_until is null or a.pinned_until <= v_now)
      order by a.created_at desc, a.id desc
      limit v_limit)
    union all
    -- members: organization-wide rows ...
    (select a.id, a.created_at, a.pinned_until
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
    (select x.id, x.created_at, x.pinned_until
       from pg_catalog.unnest(case when v_viewer.is_staff then '{}'::uuid[] else v_viewer.program_ids end) f (program_id)
      cross join lateral (
        select a.id, a.created_at, a.pinned_until
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
  )
  select r.id, r.organization_id, r.program_id, pr.name, r.author_id, c.display_name, r.body, r.is_pinned,
         r.pinned_until, r.created_at, r.edited_at, ar.announcement_id is not null
    from rows r
    left join public.programs pr on pr.id = r.program_id
    left join private.profile_cards(array(select distinct r2.author_id from rows r2)) c on c.id = r.author_id
    left join public.announcement_reads ar on ar.announcement_id = r.id and ar.user_id = (select auth.uid())
   order by r.is_pinned desc, r.created_at desc, r.id desc;
end;
$$;

comment on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) is
  'Body of announcement_feed: the caller authorized once, then index range reads in feed order (staff: the organization; members: organization-wide rows and each followed program), names and read state joined once per page.';

revoke all on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function private.announcement_feed_page(uuid, timestamptz, uuid, integer) to authenticated, service_role;

create or replace function private.latest_unread_announcement(p_organization_id uuid)
returns table (id uuid, program_id uuid, author_name text, body text, created_at timestamptz)
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
  select a.id, a.program_id, c.display_name, a.body, a.created_at
    from newest n
    join public.announcements a on a.id = n.id
    left join private.profile_cards(array[a.author_id]) c on true;
end;
$$;

comment on function private.latest_unread_announcement(uuid) is
  'Body of latest_unread_announcement: the caller authorized once, then per audience they belong to the newest announcement without their read, the newest of those.';

revoke all on function private.latest_unread_announcement(uuid) from public, anon;
grant execute on function private.latest_unread_announcement(uuid) to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

-- Same rule as before (staff of the organization; otherwise active members for organization-wide
-- rows and enrolled athletes for a program's rows), written as tenant helpers each evaluated once
-- per statement (initplans), so a REST read is an index scan with a cheap filter.
drop policy "Announcements are visible to staff and to their audience" on public.announcements;
create policy "Announcements are visible to staff and to their audience"
  on public.announcements for select to authenticated
  using (deleted_at is null
         and (organization_id in (select private.staff_organization_ids())
              or (organization_id in (select private.member_organization_ids())
                  and (program_id is null or program_id in (select private.enrolled_program_ids())))));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.announcement_feed(p_organization_id uuid, p_before timestamptz default null,
                                                    p_before_id uuid default null, p_limit integer default 20)
returns table (id uuid, organization_id uuid, program_id uuid, program_name text, author_id uuid,
               author_name text, body text, pinned boolean, pinned_until timestamptz,
               created_at timestamptz, edited_at timestamptz, read boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.announcement_feed_page(announcement_feed.p_organization_id, announcement_feed.p_before,
                                               announcement_feed.p_before_id, announcement_feed.p_limit);
$$;

comment on function public.announcement_feed(uuid, timestamptz, uuid, integer) is
  'A page of the announcements the caller may read in an organization: pinned ones first (first page), then newest first; pass the last row''s created_at and id for the next page.';

revoke all on function public.announcement_feed(uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function public.announcement_feed(uuid, timestamptz, uuid, integer) to authenticated, service_role;

create or replace function public.latest_unread_announcement(p_organization_id uuid)
returns table (id uuid, program_id uuid, author_name text, body text, created_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.latest_unread_announcement(latest_unread_announcement.p_organization_id);
$$;

comment on function public.latest_unread_announcement(uuid) is
  'The newest announcement the caller may read and has not read yet (for Today).';

revoke all on function public.latest_unread_announcement(uuid) from public, anon;
grant execute on function public.latest_unread_announcement(uuid) to authenticated, service_role;
