-- messaging blocks (story 6.5): block, unblock and list my blocks. A block applies in every
-- organization: the blocked person can no longer message the blocker (refused like any other
-- refusal), and the blocker no longer sees their messages, conversation, unread counts or live
-- events (RLS on messages and conversation_summaries, checks in the side-effect triggers).
-- When a member blocks (or unblocks) a staff member, a safety entry goes to audit_logs; a
-- restrictive policy keeps those entries to the organization's owners and admins and away from
-- the blocked person, whatever role they hold (the audit table's own policy shows entries to
-- all staff, which would include a blocked coach).
-- Touches: public.user_blocks, public.audit_logs (entries and one restrictive select policy).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (user_blocks: see the messaging tables migration)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.block_user(p_organization_id uuid, p_user_id uuid)
returns public.user_blocks
language plpgsql
-- definer: user_blocks has no client insert grant, and the check reads the other person's
-- membership; the audit entry goes through private.write_audit.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_my_role public.membership_role;
  v_their_role public.membership_role;
  v_block public.user_blocks;
begin
  select m.role into v_my_role from public.memberships m
   where m.organization_id = block_user.p_organization_id and m.user_id = v_user_id and m.status = 'active';
  if v_my_role is null then
    perform private.raise_messaging_refusal('not_a_member');
  end if;
  if block_user.p_user_id = v_user_id then
    raise exception 'You cannot block yourself.' using errcode = 'PT422', hint = 'cannot_block_self';
  end if;
  select m.role into v_their_role from public.memberships m
   where m.organization_id = block_user.p_organization_id and m.user_id = block_user.p_user_id and m.status = 'active';
  if v_their_role is null then
    raise exception 'That person is not in this organization.' using errcode = 'PT404', hint = 'user_not_found';
  end if;

  insert into public.user_blocks (blocker_id, blocked_id, organization_id)
  values (v_user_id, block_user.p_user_id, block_user.p_organization_id)
  on conflict (blocker_id, blocked_id) do nothing
  returning * into v_block;
  if v_block.id is null then
    select * into v_block from public.user_blocks b where b.blocker_id = v_user_id and b.blocked_id = block_user.p_user_id;
    return v_block;
  end if;

  if v_my_role = 'member' and v_their_role <> 'member' then
    perform private.write_audit(block_user.p_organization_id, 'messaging.staff_blocked', 'user_block', v_block.id,
      jsonb_build_object('blocker_id', v_user_id, 'blocked_id', block_user.p_user_id, 'blocked_role', v_their_role));
  end if;
  return v_block;
end;
$$;

comment on function private.block_user(uuid, uuid) is
  'Body of public.block_user: adds to the caller''s private block list (idempotent); a member blocking staff is audited for owners and admins.';

create or replace function private.unblock_user(p_user_id uuid)
returns boolean
language plpgsql
-- definer: user_blocks has no client delete grant; the audit entry goes through private.write_audit.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_block public.user_blocks;
  v_my_role public.membership_role;
  v_their_role public.membership_role;
begin
  delete from public.user_blocks b
   where b.blocker_id = v_user_id and b.blocked_id = unblock_user.p_user_id
  returning * into v_block;
  if v_block.id is null then
    return false;
  end if;
  select m.role into v_my_role from public.memberships m
   where m.organization_id = v_block.organization_id and m.user_id = v_user_id and m.status = 'active';
  select m.role into v_their_role from public.memberships m
   where m.organization_id = v_block.organization_id and m.user_id = unblock_user.p_user_id and m.status = 'active';
  if v_my_role = 'member' and v_their_role <> 'member' then
    perform private.write_audit(v_block.organization_id, 'messaging.staff_unblocked', 'user_block', v_block.id,
      jsonb_build_object('blocker_id', v_user_id, 'blocked_id', unblock_user.p_user_id, 'blocked_role', v_their_role));
  end if;
  return true;
end;
$$;

comment on function private.unblock_user(uuid) is
  'Body of public.unblock_user: removes a person from the caller''s block list; true if they were on it.';

revoke all on function private.block_user(uuid, uuid), private.unblock_user(uuid) from public, anon, authenticated;
grant execute on function private.block_user(uuid, uuid), private.unblock_user(uuid) to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Block entries are limited to admins who are not the blocked"
  on public.audit_logs
  as restrictive
  for select
  to authenticated
  using (
    entity_type <> 'user_block'
    or (organization_id in (select private.admin_organization_ids())
        and (details ->> 'blocked_id') is distinct from (select auth.uid())::text)
  );

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.block_user(p_organization_id uuid, p_user_id uuid)
returns public.user_blocks
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.block_user(block_user.p_organization_id, block_user.p_user_id);
$$;

comment on function public.block_user(uuid, uuid) is
  'Blocks a person of the organization everywhere (idempotent); the block list is private. Errors: not_a_member (PT403), user_not_found (PT404), cannot_block_self (PT422).';

create or replace function public.unblock_user(p_user_id uuid)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.unblock_user(unblock_user.p_user_id);
$$;

comment on function public.unblock_user(uuid) is 'Unblocks a person; true if they were blocked, false otherwise.';

create or replace function public.list_my_blocks()
returns table (
  blocked_id uuid,
  display_name text,
  avatar_path text,
  organization_id uuid,
  created_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select b.blocked_id, p.display_name, p.avatar_path, b.organization_id, b.created_at
    from public.user_blocks b
    left join public.profiles p on p.id = b.blocked_id
   where b.blocker_id = (select auth.uid())
   order by b.created_at desc;
$$;

comment on function public.list_my_blocks() is 'The people I blocked, newest first (nobody else can read this list).';

revoke all on function public.block_user(uuid, uuid), public.unblock_user(uuid), public.list_my_blocks()
  from public, anon, authenticated;
grant execute on function public.block_user(uuid, uuid), public.unblock_user(uuid), public.list_my_blocks()
  to authenticated;
