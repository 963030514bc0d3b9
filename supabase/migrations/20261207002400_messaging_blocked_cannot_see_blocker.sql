-- Blocked people cannot see the blocker's profile (seed 003: "Blocked users cannot send messages
-- or see blocker's profile"; "the blocked user doesn't know they're blocked"). Until now a block
-- hid messages and conversations from the blocker, but the person blocked still read the
-- blocker's name and avatar. Now, for the person blocked, the blocker is answered exactly like
-- someone they may not see at all (say, a member of another organization): absent from the
-- profiles table, from the profile cards behind the inbox, and from member lists (their
-- membership row too, so no nameless row betrays a block). Nothing else changes for anyone else,
-- and the blocker still sees the person they blocked (to unblock them).
-- Operational views that name an athlete to the staff coaching them (week grid, overview) are
-- definer functions outside these paths and keep naming them: see README, "How the coaching
-- screens decide things".
-- Touches: private.blocker_ids (new), private.visible_profile_ids, private.profile_cards,
-- select policy on public.memberships (recreated).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none: user_blocks_blocked_id_idx (blocked_id, blocker_id) serves the lookups below)

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.blocker_ids()
returns setof uuid
language sql
stable
-- definer: the person blocked has no read access to the blocks against them (the block list is
-- private), yet their own visibility must leave the blockers out.
security definer
set search_path = ''
as $$
  select b.blocker_id from public.user_blocks b where b.blocked_id = (select auth.uid());
$$;

comment on function private.blocker_ids() is
  'The people who blocked the current user: their profiles and memberships read as absent to them.';

create or replace function private.visible_profile_ids()
returns setof uuid
language sql
stable
-- definer: reads other people's memberships and blocks, which the caller's own RLS would hide.
security definer
set search_path = ''
as $$
  -- oneself
  select (select auth.uid())
  union
  -- everyone active in an organization where I am staff, or where members may talk to each other,
  -- except the people who blocked me
  select them.user_id
    from public.memberships me
    join public.organizations o on o.id = me.organization_id
    join public.memberships them on them.organization_id = me.organization_id and them.status = 'active'
   where me.user_id = (select auth.uid()) and me.status = 'active'
     and (me.role in ('owner', 'admin', 'coach') or o.member_dm_enabled
          or them.role in ('owner', 'admin', 'coach'))
     and not exists (select 1 from public.user_blocks b
                      where b.blocker_id = them.user_id and b.blocked_id = (select auth.uid()));
$$;

comment on function private.visible_profile_ids() is
  'Profiles the current user may see: their own, the staff of their organizations, everyone in organizations they staff or where member messaging is on; never someone who blocked them.';

create or replace function private.profile_cards(p_profile_ids uuid[])
returns table (id uuid, display_name text, avatar_path text)
language sql
stable
-- definer: reads a page of profiles, the memberships and the blocks that decide whether the
-- caller may see them, without the profiles policy's whole-set scan. It applies that policy's
-- rule itself (private.visible_profile_ids), so it shows nothing the policy would hide.
security definer
set search_path = ''
as $$
  select p.id, p.display_name, p.avatar_path
    from public.profiles p
   where p.id = any (profile_cards.p_profile_ids)
     and (p.id = (select auth.uid())
          or (exists (
                select 1
                  from public.memberships me
                  join public.organizations o on o.id = me.organization_id
                  join public.memberships them
                    on them.organization_id = me.organization_id and them.user_id = p.id and them.status = 'active'
                 where me.user_id = (select auth.uid()) and me.status = 'active'
                   and (me.role in ('owner', 'admin', 'coach') or o.member_dm_enabled
                        or them.role in ('owner', 'admin', 'coach')))
              and not exists (select 1 from public.user_blocks b
                               where b.blocker_id = p.id and b.blocked_id = (select auth.uid()))));
$$;

comment on function private.profile_cards(uuid[]) is
  'Names and avatars of the listed people the caller may see (the profiles policy''s rule, blocks included, asked of these ids only): for pages of a few people.';

grant execute on function private.blocker_ids(), private.visible_profile_ids() to authenticated, service_role;
revoke all on function private.profile_cards(uuid[]) from public, anon;
grant execute on function private.profile_cards(uuid[]) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

drop policy "Memberships are visible to the person, staff and colleagues" on public.memberships;
create policy "Memberships are visible to the person, staff and colleagues"
  on public.memberships
  for select
  to authenticated
  using (
    user_id = (select auth.uid())
    or ((organization_id in (select private.visible_membership_organization_ids())
         or (status = 'active' and role in ('owner', 'admin', 'coach')
             and organization_id in (select private.member_organization_ids())))
        and user_id not in (select private.blocker_ids()))
  );

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
