-- Today's newest unread reads each audience on its own index. 20261208002200 bounded the walk to
-- each audience's newest 100 announcements, but every audience was read from the organization's
-- index with a program filter, so a program with few announcements scanned thousands of
-- organization rows to find its 100 (6,670 rows removed by filter in the bench's plan). Now
-- organization-wide rows come from announcements_org_wide_feed_idx and each program's from
-- announcements_program_feed_idx, as the feed reads them. Same rule, same columns.
-- Touches: private.latest_unread_announcement.

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
