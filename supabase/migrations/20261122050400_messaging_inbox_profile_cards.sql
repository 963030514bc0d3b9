-- The inbox's names and avatars without the profile policy's full scan (issue 7 benchmark: the
-- first inbox page took 36 ms in SQL for a coach of 2,000 athletes; target 10 ms, and the same at
-- 50,000 and 5,000,000 messages). list_conversations reads 30 summaries through
-- conversation_summaries_inbox_idx, but its join to profiles went through the profiles SELECT
-- policy, `id in (select private.visible_profile_ids())`, which first builds the set of every
-- profile the caller may see: 2,000+ ids for a coach, on every inbox page. The page now asks the
-- same visibility rule of its 30 partners only, in one call (private.profile_cards: a probe of
-- the caller's memberships and one of each partner's). Rows, order, columns and paging are
-- unchanged; a partner the caller may no longer see still has a null name and avatar, as under
-- the policy.
-- Touches: private.profile_cards, public.list_conversations.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

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

create or replace function private.profile_cards(p_profile_ids uuid[])
returns table (id uuid, display_name text, avatar_path text)
language sql
stable
-- definer: reads a page of profiles and the memberships that decide whether the caller may see
-- them, without the profiles policy's whole-set scan. It applies that policy's rule itself
-- (private.visible_profile_ids: oneself, or an active member of an organization where the caller
-- is active and staff, or members may message each other, or that member is staff), so it shows
-- nothing the policy would hide.
security definer
set search_path = ''
as $$
  select p.id, p.display_name, p.avatar_path
    from public.profiles p
   where p.id = any (profile_cards.p_profile_ids)
     and (p.id = (select auth.uid())
          or exists (
               select 1
                 from public.memberships me
                 join public.organizations o on o.id = me.organization_id
                 join public.memberships them
                   on them.organization_id = me.organization_id and them.user_id = p.id and them.status = 'active'
                where me.user_id = (select auth.uid()) and me.status = 'active'
                  and (me.role in ('owner', 'admin', 'coach') or o.member_dm_enabled
                       or them.role in ('owner', 'admin', 'coach'))));
$$;

comment on function private.profile_cards(uuid[]) is
  'Names and avatars of the listed people the caller may see (the profiles policy''s rule, asked of these ids only): for pages of a few people.';

revoke all on function private.profile_cards(uuid[]) from public, anon;
grant execute on function private.profile_cards(uuid[]) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.list_conversations(
  p_organization_id uuid,
  p_before timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 30
)
returns table (
  conversation_id uuid,
  organization_id uuid,
  other_user_id uuid,
  other_display_name text,
  other_avatar_path text,
  last_message_id uuid,
  last_message_sender_id uuid,
  last_message_preview text,
  last_message_deleted boolean,
  last_message_at timestamptz,
  last_activity_at timestamptz,
  unread_count integer,
  last_read_at timestamptz,
  muted boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  with page as (
    select s.* from public.conversation_summaries s
     where s.owner_id = (select auth.uid())
       and s.organization_id = list_conversations.p_organization_id
       and not s.hidden
       and (list_conversations.p_before is null
            or (s.last_activity_at, s.id) < (list_conversations.p_before,
                  coalesce(list_conversations.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
     order by s.last_activity_at desc, s.id desc
     limit least(greatest(coalesce(list_conversations.p_limit, 30), 1), 100)
  )
  select s.id, s.organization_id, s.other_user_id, card.display_name, card.avatar_path, s.last_message_id,
         s.last_message_sender_id, s.last_message_preview, s.last_message_deleted, s.last_message_at,
         s.last_activity_at, s.unread_count, s.last_read_at, s.muted
    from page s
    left join private.profile_cards((select array_agg(p.other_user_id) from page p)) card
      on card.id = s.other_user_id
   order by s.last_activity_at desc, s.id desc;
$$;

comment on function public.list_conversations(uuid, timestamptz, uuid, integer) is
  'The inbox: my conversations in an organization, newest activity first, from conversation_summaries only. Next page: p_before = last row''s last_activity_at, p_before_id = its conversation_id. Blocked people''s conversations are left out.';
