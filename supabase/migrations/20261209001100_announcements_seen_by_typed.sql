-- announcement_seen_by answered with one jsonb document ({seen, audience, readers}), so the app
-- declared its shape by hand and cast it. It now returns one typed row: the two counts as integer
-- columns the generated types describe, and the readers (newest first) as a jsonb array of
-- {user_id, display_name, read_at} that the app validates (a list of a row shape made up here
-- has no non-null type in the generated types). Same audience, same figures, same
-- announcement_not_found (PT404) for anyone who is not staff of the announcement's organization.
-- The return type changes, so both functions are dropped and created again with their grants
-- and comments.
-- Touches: private.announcement_seen_by, public.announcement_seen_by (same argument, returns
-- table).

-- =============================================================================================
-- public functions (dropped first: they depend on nothing, but call the private one)
-- =============================================================================================

drop function public.announcement_seen_by(uuid);

-- =============================================================================================
-- private functions
-- =============================================================================================

drop function private.announcement_seen_by(uuid);

create function private.announcement_seen_by(p_id uuid)
returns table (seen integer, audience integer, readers jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_user();
  select * into v_row from public.announcements a where a.id = announcement_seen_by.p_id and a.deleted_at is null;
  if v_row.id is null or not private.is_staff(v_row.organization_id) then
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  return query
    with audience as (
      select a.user_id from private.announcement_audience(v_row.organization_id, v_row.program_id) a (user_id)
       where a.user_id <> v_row.author_id
    )
    select (select count(*) from public.announcement_reads r
             where r.announcement_id = v_row.id and r.user_id in (select au.user_id from audience au))::integer,
           (select count(*) from audience)::integer,
           coalesce((
             select jsonb_agg(jsonb_build_object('user_id', r.user_id, 'display_name', p.display_name, 'read_at', r.read_at)
                              order by r.read_at desc)
               from public.announcement_reads r
               join public.profiles p on p.id = r.user_id
              where r.announcement_id = v_row.id and r.user_id in (select au.user_id from audience au)), '[]'::jsonb);
end;
$$;

comment on function private.announcement_seen_by(uuid) is
  'Body of announcement_seen_by: how many of the audience (author excluded) read it, and who, newest first.';

revoke all on function private.announcement_seen_by(uuid) from public, anon;
grant execute on function private.announcement_seen_by(uuid) to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.announcement_seen_by(p_id uuid)
returns table (seen integer, audience integer, readers jsonb)
language sql
stable
set search_path = ''
as $$
  select s.seen, s.audience, s.readers from private.announcement_seen_by(announcement_seen_by.p_id) s;
$$;

comment on function public.announcement_seen_by(uuid) is
  'Staff: "seen by N of M" for an announcement, with the readers'' names (author excluded from both). One row: seen, audience, readers [{user_id, display_name, read_at}] newest first.';

revoke all on function public.announcement_seen_by(uuid) from public, anon;
grant execute on function public.announcement_seen_by(uuid) to authenticated, service_role;
