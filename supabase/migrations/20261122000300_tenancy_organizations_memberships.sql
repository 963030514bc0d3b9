-- organizations and memberships: the tenancy every other table hangs from. A person belongs to
-- an organization through one active membership with a role (owner/admin/coach/member; staff =
-- owner, admin, coach); an organization always keeps at least one active owner. The membership
-- helpers here are the single gate every RLS policy in the schema goes through.
-- Touches: public.organizations, public.memberships; select policy on public.profiles.

-- =============================================================================================
-- types
-- =============================================================================================

create type public.membership_role as enum ('owner', 'admin', 'coach', 'member');
create type public.membership_status as enum ('active', 'removed');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  time_zone text not null default 'UTC',
  member_dm_enabled boolean not null default false,
  created_by uuid references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_slug_key unique (slug),
  constraint organizations_name_length_chk check (char_length(btrim(name)) between 1 and 120),
  constraint organizations_slug_format_chk
    check (slug ~ '^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$'),
  constraint organizations_time_zone_chk
    check (private.is_valid_time_zone(time_zone))
);

create index organizations_created_by_idx on public.organizations (created_by);

comment on table public.organizations is 'A coaching business, gym or team: the tenant.';
comment on column public.organizations.member_dm_enabled is
  'When true, members may message each other (staff can always message and be messaged).';

create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id),
  role public.membership_role not null default 'member',
  status public.membership_status not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  removed_at timestamptz,
  removed_by uuid references public.profiles (id),
  constraint memberships_removed_chk
    check ((status = 'removed') = (removed_at is not null))
);

create unique index memberships_one_active_per_person_idx
  on public.memberships (organization_id, user_id) where status = 'active';
create index memberships_org_role_active_idx on public.memberships (organization_id, role) where status = 'active';
create index memberships_org_fk_idx on public.memberships (organization_id);
create index memberships_user_id_idx on public.memberships (user_id, organization_id);
create index memberships_removed_by_idx on public.memberships (removed_by);

comment on table public.memberships is
  'Who belongs to which organization, with which role. Removal keeps the row (status removed).';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger organizations_set_updated_at
  before update on public.organizations
  for each row execute function private.trigger_set_updated_at();

create trigger memberships_set_updated_at
  before update on public.memberships
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_keep_an_owner()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if old.role <> 'owner' or old.status <> 'active' then
    return coalesce(new, old);
  end if;
  if tg_op = 'UPDATE' and new.role = 'owner' and new.status = 'active'
     and new.organization_id = old.organization_id then
    return new;
  end if;
  -- The organization itself is being deleted (cascade): nothing to keep.
  if not exists (select 1 from public.organizations o where o.id = old.organization_id) then
    return coalesce(new, old);
  end if;
  if not exists (
    select 1 from public.memberships m
     where m.organization_id = old.organization_id
       and m.role = 'owner' and m.status = 'active' and m.id <> old.id
  ) then
    raise exception 'An organization must keep at least one owner: make someone else owner first.'
      using errcode = 'PT409', hint = 'last_owner';
  end if;
  return coalesce(new, old);
end;
$$;

comment on function private.trigger_keep_an_owner() is
  'Invariant: every organization keeps at least one active owner, whoever changes memberships.';

create trigger memberships_keep_an_owner
  before update or delete on public.memberships
  for each row execute function private.trigger_keep_an_owner();

create or replace function private.trigger_memberships_immutable_keys()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.organization_id <> old.organization_id or new.user_id <> old.user_id then
    raise exception 'A membership cannot move to another person or organization.'
      using errcode = 'PT422', hint = 'membership_immutable';
  end if;
  return new;
end;
$$;

comment on function private.trigger_memberships_immutable_keys() is
  'A membership row is about one person in one organization for its whole life.';

create trigger memberships_immutable_keys
  before update on public.memberships
  for each row execute function private.trigger_memberships_immutable_keys();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.organizations enable row level security;
alter table public.memberships enable row level security;

-- Organizations are created by create_organization(); admins may edit these columns only.
revoke insert, update, delete, truncate on public.organizations from anon, authenticated;
grant update (name, slug, time_zone, member_dm_enabled) on public.organizations to authenticated;
-- Memberships change only through functions (invitations, role changes, removal).
revoke insert, update, delete, truncate on public.memberships from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.organization_ids_for(p_roles public.membership_role[])
returns setof uuid
language sql
stable
-- definer: reads memberships without recursing into memberships' own RLS policies.
security definer
set search_path = ''
as $$
  select m.organization_id
    from public.memberships m
   where m.user_id = (select auth.uid())
     and m.status = 'active'
     and m.role = any (organization_ids_for.p_roles);
$$;

comment on function private.organization_ids_for(public.membership_role[]) is
  'The organizations where the current user holds one of the given roles: the one gate of every tenant policy.';

create or replace function private.member_organization_ids()
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select private.organization_ids_for(array['owner', 'admin', 'coach', 'member']::public.membership_role[]);
$$;

comment on function private.member_organization_ids() is 'Organizations the current user actively belongs to.';

create or replace function private.staff_organization_ids()
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select private.organization_ids_for(array['owner', 'admin', 'coach']::public.membership_role[]);
$$;

comment on function private.staff_organization_ids() is 'Organizations where the current user is staff (owner, admin or coach).';

create or replace function private.admin_organization_ids()
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select private.organization_ids_for(array['owner', 'admin']::public.membership_role[]);
$$;

comment on function private.admin_organization_ids() is 'Organizations the current user administers (owner or admin).';

create or replace function private.is_member(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select is_member.p_organization_id in (select private.member_organization_ids());
$$;

comment on function private.is_member(uuid) is 'Whether the current user actively belongs to the organization.';

create or replace function private.is_staff(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select is_staff.p_organization_id in (select private.staff_organization_ids());
$$;

comment on function private.is_staff(uuid) is 'Whether the current user is owner, admin or coach of the organization.';

create or replace function private.is_admin(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select is_admin.p_organization_id in (select private.admin_organization_ids());
$$;

comment on function private.is_admin(uuid) is 'Whether the current user is owner or admin of the organization.';

create or replace function private.visible_profile_ids()
returns setof uuid
language sql
stable
-- definer: reads other people's memberships, which the caller's own RLS would hide.
security definer
set search_path = ''
as $$
  -- oneself
  select (select auth.uid())
  union
  -- everyone active in an organization where I am staff, or where members may talk to each other
  select them.user_id
    from public.memberships me
    join public.organizations o on o.id = me.organization_id
    join public.memberships them on them.organization_id = me.organization_id and them.status = 'active'
   where me.user_id = (select auth.uid()) and me.status = 'active'
     and (me.role in ('owner', 'admin', 'coach') or o.member_dm_enabled
          or them.role in ('owner', 'admin', 'coach'));
$$;

comment on function private.visible_profile_ids() is
  'Profiles the current user may see: their own, the staff of their organizations, everyone in organizations they staff or where member messaging is on.';

create or replace function private.visible_membership_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.organization_id
    from public.memberships m
    join public.organizations o on o.id = m.organization_id
   where m.user_id = (select auth.uid()) and m.status = 'active'
     and (m.role in ('owner', 'admin', 'coach') or o.member_dm_enabled);
$$;

comment on function private.visible_membership_organization_ids() is
  'Organizations whose whole member list the current user may read: those they staff, and those with member messaging on.';

grant execute on function
  private.organization_ids_for(public.membership_role[]),
  private.member_organization_ids(),
  private.staff_organization_ids(),
  private.admin_organization_ids(),
  private.is_member(uuid),
  private.is_staff(uuid),
  private.is_admin(uuid),
  private.visible_profile_ids(),
  private.visible_membership_organization_ids()
  to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Profiles are visible to the people who share an organization"
  on public.profiles
  for select
  to authenticated
  using (id in (select private.visible_profile_ids()));

create policy "Organizations are visible to their members"
  on public.organizations
  for select
  to authenticated
  using (id in (select private.member_organization_ids()));

create policy "Organizations can be edited by owners and admins"
  on public.organizations
  for update
  to authenticated
  using (id in (select private.admin_organization_ids()))
  with check (id in (select private.admin_organization_ids()));

create policy "Memberships are visible to the person, staff and colleagues"
  on public.memberships
  for select
  to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.visible_membership_organization_ids())
    or (status = 'active' and role in ('owner', 'admin', 'coach')
        and organization_id in (select private.member_organization_ids()))
  );

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (create_organization and membership changes: see the membership functions migration)
