-- profiles: one row per auth user, created by a trigger on auth.users. Every user foreign key in
-- the schema points here, not at auth.users, so a profile outlives its login: when the auth user
-- is deleted the profile becomes a tombstone ("Deleted user") that keeps its id, and history
-- (results, messages, audit entries) keeps pointing at something.
-- Touches: public.profiles; triggers on auth.users (insert, delete).
--
-- organizations and memberships: the tenancy every other table hangs from. A person belongs to
-- an organization through one active membership with a role (owner/admin/coach/member; staff =
-- owner, admin, coach); an organization always keeps at least one active owner. The membership
-- helpers here are the single gate every RLS policy in the schema goes through.
-- Touches: public.organizations, public.memberships; select policy on public.profiles.
--
-- The tenancy RPCs: anyone signed in creates an organization and becomes its owner; owners and
-- admins change roles and remove people; anyone may leave. Each public function is security
-- invoker and calls one private definer that checks the caller's rights itself, then writes an
-- audit entry. Errors: readable message, snake_case code in HINT, SQLSTATE PT403/PT404/PT409/PT422.
-- Touches: public.organizations, public.memberships, public.audit_logs.
--
-- invitations: owners and admins invite an email address with a role; the invited person signs
-- in and accepts with the token from the link (the link is shown on screen: no mail is sent
-- locally). The token is a bearer secret: whoever holds it and is signed in may accept it.
-- Invitations expire (7 days by default) and can be revoked; each is used at most once.
-- Touches: public.invitations, public.memberships, public.audit_logs.

-- =============================================================================================
-- types
-- =============================================================================================

create type public.membership_role as enum ('owner', 'admin', 'coach', 'member');

create type public.membership_status as enum ('active', 'removed');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.profiles (
  id uuid primary key,
  display_name text not null,
  avatar_path text,
  time_zone text,
  read_receipts_enabled boolean not null default true,
  deleted_at timestamptz,
  is_tombstone boolean not null generated always as (deleted_at is not null) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_display_name_length_chk
    check (char_length(btrim(display_name)) between 1 and 80),
  constraint profiles_avatar_path_length_chk
    check (avatar_path is null or char_length(avatar_path) between 1 and 512),
  constraint profiles_avatar_path_own_folder_chk
    check (avatar_path is null or avatar_path ~ ('^' || id::text || '/[^/]+$')),
  constraint profiles_time_zone_chk
    check (private.is_valid_time_zone(time_zone)),
  constraint profiles_tombstone_chk
    check (deleted_at is null or (display_name = 'Deleted user' and avatar_path is null))
);

comment on table public.profiles is
  'One per auth user (id = auth.users.id, no foreign key so it survives erasure as a tombstone).';

comment on column public.profiles.avatar_path is
  'storage.objects.name of the profile picture in the public bucket avatars: <profile id>/<file>.';

comment on column public.profiles.time_zone is
  'IANA zone; null means use the organization''s zone, else UTC.';

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

create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null,
  role public.membership_role not null default 'member',
  token text not null default encode(extensions.gen_random_bytes(24), 'hex'),
  invited_by uuid not null references public.profiles (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default (now() + interval '7 days'),
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id),
  revoked_at timestamptz,
  constraint invitations_token_key unique (token),
  constraint invitations_email_format_chk
    check (email = lower(btrim(email)) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and char_length(email) <= 320),
  constraint invitations_accepted_chk check ((accepted_at is null) = (accepted_by is null)),
  constraint invitations_used_once_chk check (accepted_at is null or revoked_at is null),
  constraint invitations_expiry_chk check (expires_at > created_at)
);

create unique index invitations_one_pending_per_email_idx
  on public.invitations (organization_id, email) where accepted_at is null and revoked_at is null;

create index invitations_organization_id_idx on public.invitations (organization_id, created_at desc);

create index invitations_invited_by_idx on public.invitations (invited_by);

create index invitations_accepted_by_idx on public.invitations (accepted_by);

comment on table public.invitations is
  'Pending, accepted, revoked and expired invitations to an organization.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_create_profile()
returns trigger
language plpgsql
-- definer: runs as the auth service's role when GoTrue inserts a user, which has no rights on public.
security definer
set search_path = ''
as $$
declare
  v_name text;
begin
  v_name := nullif(btrim(new.raw_user_meta_data ->> 'display_name'), '');
  if v_name is null then
    v_name := nullif(btrim(pg_catalog.split_part(coalesce(new.email, ''), '@', 1)), '');
  end if;
  v_name := pg_catalog.left(coalesce(v_name, 'New user'), 80);

  insert into public.profiles (id, display_name, time_zone)
  values (
    new.id,
    v_name,
    case when private.is_valid_time_zone(new.raw_user_meta_data ->> 'time_zone')
         then new.raw_user_meta_data ->> 'time_zone' end
  )
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.trigger_create_profile() is
  'Creates the profile of a new auth user: display_name from user metadata, else the email''s local part.';

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.trigger_create_profile();

create or replace function private.trigger_tombstone_profile()
returns trigger
language plpgsql
-- definer: runs as the auth service's role when an auth user is deleted.
security definer
set search_path = ''
as $$
begin
  update public.profiles
     set display_name = 'Deleted user',
         avatar_path = null,
         time_zone = null,
         deleted_at = coalesce(deleted_at, pg_catalog.now())
   where id = old.id;
  return old;
end;
$$;
comment on function private.trigger_tombstone_profile() is
  'Erasure: when the login goes, the profile stays as "Deleted user" with the same id, so history keeps its shape.';

create trigger on_auth_user_deleted
  after delete on auth.users
  for each row execute function private.trigger_tombstone_profile();

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

alter table public.profiles enable row level security;

-- Only these columns are the person's to edit; deleted_at and ids are not.
revoke insert, update, delete, truncate on public.profiles from anon, authenticated;

grant update (display_name, avatar_path, time_zone, read_receipts_enabled) on public.profiles to authenticated;

alter table public.organizations enable row level security;

alter table public.memberships enable row level security;

-- Organizations are created by create_organization(); admins may edit these columns only.
revoke insert, update, delete, truncate on public.organizations from anon, authenticated;

grant update (name, slug, time_zone, member_dm_enabled) on public.organizations to authenticated;

-- Memberships change only through functions (invitations, role changes, removal).
revoke insert, update, delete, truncate on public.memberships from anon, authenticated;

alter table public.invitations enable row level security;

-- Invitations change only through invite_member, revoke_invitation and accept_invitation.
revoke insert, update, delete, truncate on public.invitations from anon, authenticated;

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
grant execute on function private.organization_ids_for(public.membership_role[]) to authenticated, service_role;

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
grant execute on function private.member_organization_ids() to authenticated, service_role;

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
grant execute on function private.staff_organization_ids() to authenticated, service_role;

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
grant execute on function private.admin_organization_ids() to authenticated, service_role;

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
grant execute on function private.is_member(uuid) to authenticated, service_role;

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
grant execute on function private.is_staff(uuid) to authenticated, service_role;

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
grant execute on function private.is_admin(uuid) to authenticated, service_role;

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
grant execute on function private.visible_profile_ids() to authenticated, service_role;

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
grant execute on function private.visible_membership_organization_ids() to authenticated, service_role;

create or replace function private.require_user()
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
begin
  if v_user_id is null then
    raise exception 'Sign in first.' using errcode = 'PT403', hint = 'not_authenticated';
  end if;
  return v_user_id;
end;
$$;
comment on function private.require_user() is 'The signed-in user''s id, or a readable PT403 error for anonymous callers.';
grant execute on function private.require_user() to authenticated, service_role;

create or replace function private.create_organization(p_name text, p_slug text, p_time_zone text)
returns public.organizations
language plpgsql
-- definer: inserts the organization and the caller's owner membership, which clients cannot insert.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_name text := btrim(coalesce(create_organization.p_name, ''));
  v_slug text := lower(btrim(coalesce(create_organization.p_slug, '')));
  v_time_zone text := coalesce(nullif(btrim(create_organization.p_time_zone), ''), 'UTC');
  v_org public.organizations;
begin
  if char_length(v_name) not between 1 and 120 then
    raise exception 'The organization name must be 1 to 120 characters.'
      using errcode = 'PT422', hint = 'invalid_name';
  end if;
  if v_slug !~ '^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$' then
    raise exception 'The address must be 3 to 48 lowercase letters, digits or hyphens, not starting or ending with a hyphen.'
      using errcode = 'PT422', hint = 'invalid_slug';
  end if;
  if not private.is_valid_time_zone(v_time_zone) then
    raise exception 'Unknown time zone "%": use a name such as Europe/London.', v_time_zone
      using errcode = 'PT422', hint = 'invalid_time_zone';
  end if;
  if not exists (select 1 from public.profiles p where p.id = v_user_id and p.deleted_at is null) then
    raise exception 'Your profile is missing or deleted.' using errcode = 'PT403', hint = 'profile_missing';
  end if;

  begin
    insert into public.organizations (name, slug, time_zone, created_by)
    values (v_name, v_slug, v_time_zone, v_user_id)
    returning * into v_org;
  exception when unique_violation then
    raise exception 'The address "%" is already taken: choose another.', v_slug
      using errcode = 'PT409', hint = 'slug_taken';
  end;

  insert into public.memberships (organization_id, user_id, role)
  values (v_org.id, v_user_id, 'owner');

  perform private.write_audit(v_org.id, 'organization.created', 'organization', v_org.id,
                              jsonb_build_object('name', v_org.name, 'slug', v_org.slug));
  return v_org;
end;
$$;
comment on function private.create_organization(text, text, text) is
  'Body of public.create_organization: validates, creates the organization and makes the caller its owner.';
revoke all on function private.create_organization(text, text, text) from public, anon;
grant execute on function private.create_organization(text, text, text) to authenticated;

create or replace function private.change_member_role(p_membership_id uuid, p_role public.membership_role)
returns public.memberships
language plpgsql
-- definer: memberships have no client update policy; this function checks the caller's role itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_membership public.memberships;
  v_caller_role public.membership_role;
begin
  select * into v_membership from public.memberships m
   where m.id = change_member_role.p_membership_id and m.status = 'active'
   for update;
  select m.role into v_caller_role from public.memberships m
   where m.organization_id = v_membership.organization_id and m.user_id = v_user_id and m.status = 'active';

  if v_membership.id is null or v_caller_role is null then
    raise exception 'That membership does not exist or is not yours to see.'
      using errcode = 'PT404', hint = 'membership_not_found';
  end if;
  if change_member_role.p_role is null then
    raise exception 'Choose a role.' using errcode = 'PT422', hint = 'invalid_role';
  end if;
  if v_caller_role not in ('owner', 'admin') then
    raise exception 'Only owners and admins can change roles.'
      using errcode = 'PT403', hint = 'not_admin';
  end if;
  if (v_membership.role = 'owner' or change_member_role.p_role = 'owner') and v_caller_role <> 'owner' then
    raise exception 'Only an owner can make or unmake owners.'
      using errcode = 'PT403', hint = 'owner_required';
  end if;
  if v_membership.role = change_member_role.p_role then
    return v_membership;
  end if;

  update public.memberships m set role = change_member_role.p_role
   where m.id = v_membership.id
   returning * into v_membership;

  perform private.write_audit(v_membership.organization_id, 'membership.role_changed', 'membership',
                              v_membership.id,
                              jsonb_build_object('user_id', v_membership.user_id,
                                                 'role', change_member_role.p_role));
  return v_membership;
end;
$$;
comment on function private.change_member_role(uuid, public.membership_role) is
  'Body of public.change_member_role: owners/admins change roles; only owners touch the owner role.';
revoke all on function private.change_member_role(uuid, public.membership_role) from public, anon;
grant execute on function private.change_member_role(uuid, public.membership_role) to authenticated;

create or replace function private.remove_member(p_membership_id uuid)
returns public.memberships
language plpgsql
-- definer: memberships have no client update policy; this function checks the caller's role itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_membership public.memberships;
  v_caller_role public.membership_role;
begin
  select * into v_membership from public.memberships m
   where m.id = remove_member.p_membership_id and m.status = 'active'
   for update;
  select m.role into v_caller_role from public.memberships m
   where m.organization_id = v_membership.organization_id and m.user_id = v_user_id and m.status = 'active';

  if v_membership.id is null or v_caller_role is null then
    raise exception 'That membership does not exist or is not yours to see.'
      using errcode = 'PT404', hint = 'membership_not_found';
  end if;
  if v_membership.user_id <> v_user_id then
    if v_caller_role not in ('owner', 'admin') then
      raise exception 'Only owners and admins can remove people.'
        using errcode = 'PT403', hint = 'not_admin';
    end if;
    if v_membership.role = 'owner' and v_caller_role <> 'owner' then
      raise exception 'Only an owner can remove an owner.'
        using errcode = 'PT403', hint = 'owner_required';
    end if;
  end if;

  update public.memberships m
     set status = 'removed', removed_at = pg_catalog.now(), removed_by = v_user_id
   where m.id = v_membership.id
   returning * into v_membership;

  perform private.write_audit(v_membership.organization_id,
                              case when v_membership.user_id = v_user_id then 'membership.left'
                                   else 'membership.removed' end,
                              'membership', v_membership.id,
                              jsonb_build_object('user_id', v_membership.user_id, 'role', v_membership.role));
  return v_membership;
end;
$$;
comment on function private.remove_member(uuid) is
  'Body of public.remove_member: owners/admins remove people (only owners remove owners); anyone may remove themselves.';
revoke all on function private.remove_member(uuid) from public, anon;
grant execute on function private.remove_member(uuid) to authenticated;

create or replace function private.invite_member(
  p_organization_id uuid,
  p_email text,
  p_role public.membership_role
)
returns public.invitations
language plpgsql
-- definer: invitations have no client insert policy; this function checks the caller's role itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_caller_role public.membership_role;
  v_email text := lower(btrim(coalesce(invite_member.p_email, '')));
  v_role public.membership_role := coalesce(invite_member.p_role, 'member');
  v_invitation public.invitations;
begin
  select m.role into v_caller_role from public.memberships m
   where m.organization_id = invite_member.p_organization_id and m.user_id = v_user_id and m.status = 'active';
  if v_caller_role is null then
    raise exception 'That organization does not exist or you are not in it.'
      using errcode = 'PT404', hint = 'organization_not_found';
  end if;
  if v_caller_role not in ('owner', 'admin') then
    raise exception 'Only owners and admins can invite people.' using errcode = 'PT403', hint = 'not_admin';
  end if;
  if v_role = 'owner' and v_caller_role <> 'owner' then
    raise exception 'Only an owner can invite another owner.' using errcode = 'PT403', hint = 'owner_required';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(v_email) > 320 then
    raise exception 'Enter a valid email address.' using errcode = 'PT422', hint = 'invalid_email';
  end if;
  if exists (
    select 1 from public.memberships m join auth.users u on u.id = m.user_id
     where m.organization_id = invite_member.p_organization_id and m.status = 'active'
       and lower(u.email) = v_email
  ) then
    raise exception '% is already a member of this organization.', v_email
      using errcode = 'PT409', hint = 'already_member';
  end if;

  -- Inviting again replaces the pending invitation: the old link stops working.
  update public.invitations i set revoked_at = pg_catalog.now()
   where i.organization_id = invite_member.p_organization_id and i.email = v_email
     and i.accepted_at is null and i.revoked_at is null;

  insert into public.invitations (organization_id, email, role, invited_by)
  values (invite_member.p_organization_id, v_email, v_role, v_user_id)
  returning * into v_invitation;

  perform private.write_audit(v_invitation.organization_id, 'invitation.created', 'invitation',
                              v_invitation.id, jsonb_build_object('email', v_email, 'role', v_role));
  return v_invitation;
end;
$$;
comment on function private.invite_member(uuid, text, public.membership_role) is
  'Body of public.invite_member: owners/admins invite an email with a role; a repeated invitation replaces the pending one.';
revoke all on function private.invite_member(uuid, text, public.membership_role) from public, anon;
grant execute on function private.invite_member(uuid, text, public.membership_role) to authenticated;

create or replace function private.revoke_invitation(p_invitation_id uuid)
returns public.invitations
language plpgsql
-- definer: invitations have no client update policy; this function checks the caller's role itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_invitation public.invitations;
begin
  select * into v_invitation from public.invitations i
   where i.id = revoke_invitation.p_invitation_id for update;
  if v_invitation.id is null or not exists (
    select 1 from public.memberships m
     where m.organization_id = v_invitation.organization_id and m.user_id = v_user_id
       and m.status = 'active' and m.role in ('owner', 'admin')
  ) then
    raise exception 'That invitation does not exist or is not yours to manage.'
      using errcode = 'PT404', hint = 'invitation_not_found';
  end if;
  if v_invitation.accepted_at is not null then
    raise exception 'That invitation has already been accepted.'
      using errcode = 'PT409', hint = 'invitation_used';
  end if;
  if v_invitation.revoked_at is not null then
    return v_invitation;
  end if;

  update public.invitations i set revoked_at = pg_catalog.now()
   where i.id = v_invitation.id returning * into v_invitation;
  perform private.write_audit(v_invitation.organization_id, 'invitation.revoked', 'invitation',
                              v_invitation.id, jsonb_build_object('email', v_invitation.email));
  return v_invitation;
end;
$$;
comment on function private.revoke_invitation(uuid) is
  'Body of public.revoke_invitation: owners/admins withdraw a pending invitation.';
revoke all on function private.revoke_invitation(uuid) from public, anon;
grant execute on function private.revoke_invitation(uuid) to authenticated;

create or replace function private.find_invitation(p_token text)
returns public.invitations
language plpgsql
stable
-- definer: the invited person is not yet a member and cannot read the invitation through RLS.
security definer
set search_path = ''
as $$
declare
  v_invitation public.invitations;
begin
  select * into v_invitation from public.invitations i where i.token = find_invitation.p_token;
  if v_invitation.id is null then
    raise exception 'This invitation link is not valid.' using errcode = 'PT404', hint = 'invitation_not_found';
  end if;
  return v_invitation;
end;
$$;
comment on function private.find_invitation(text) is 'The invitation with this token, or a readable PT404.';
revoke all on function private.find_invitation(text) from public, anon;

create or replace function private.get_invitation(p_token text)
returns table (
  organization_id uuid,
  organization_name text,
  email text,
  role public.membership_role,
  expires_at timestamptz,
  status text
)
language plpgsql
stable
-- definer: shows the invited person what they are about to join before they are a member.
security definer
set search_path = ''
as $$
declare
  v_invitation public.invitations;
begin
  perform private.require_user();
  v_invitation := private.find_invitation(get_invitation.p_token);
  return query
    select o.id, o.name, v_invitation.email, v_invitation.role, v_invitation.expires_at,
           case when v_invitation.accepted_at is not null then 'accepted'
                when v_invitation.revoked_at is not null then 'revoked'
                when v_invitation.expires_at <= pg_catalog.now() then 'expired'
                else 'pending' end
      from public.organizations o where o.id = v_invitation.organization_id;
end;
$$;
comment on function private.get_invitation(text) is
  'Body of public.get_invitation: the organization, role and state behind an invitation link.';
revoke all on function private.get_invitation(text) from public, anon;
grant execute on function private.get_invitation(text) to authenticated;

create or replace function private.accept_invitation(p_token text)
returns public.memberships
language plpgsql
-- definer: the invited person is not yet a member, so cannot insert their own membership.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_invitation public.invitations;
  v_membership public.memberships;
begin
  select * into v_invitation from public.invitations i
   where i.token = accept_invitation.p_token for update;
  if v_invitation.id is null then
    raise exception 'This invitation link is not valid.' using errcode = 'PT404', hint = 'invitation_not_found';
  end if;
  if v_invitation.revoked_at is not null then
    raise exception 'This invitation was withdrawn: ask for a new one.'
      using errcode = 'PT409', hint = 'invitation_revoked';
  end if;
  if v_invitation.accepted_at is not null then
    raise exception 'This invitation has already been used.' using errcode = 'PT409', hint = 'invitation_used';
  end if;
  if v_invitation.expires_at <= pg_catalog.now() then
    raise exception 'This invitation has expired: ask for a new one.'
      using errcode = 'PT409', hint = 'invitation_expired';
  end if;
  if exists (
    select 1 from public.memberships m
     where m.organization_id = v_invitation.organization_id and m.user_id = v_user_id and m.status = 'active'
  ) then
    raise exception 'You are already a member of this organization.'
      using errcode = 'PT409', hint = 'already_member';
  end if;

  insert into public.memberships (organization_id, user_id, role)
  values (v_invitation.organization_id, v_user_id, v_invitation.role)
  returning * into v_membership;

  update public.invitations i set accepted_at = pg_catalog.now(), accepted_by = v_user_id
   where i.id = v_invitation.id;

  perform private.write_audit(v_invitation.organization_id, 'invitation.accepted', 'invitation',
                              v_invitation.id,
                              jsonb_build_object('user_id', v_user_id, 'role', v_invitation.role));
  return v_membership;
end;
$$;
comment on function private.accept_invitation(text) is
  'Body of public.accept_invitation: turns a valid token into an active membership, once.';
revoke all on function private.accept_invitation(text) from public, anon;
grant execute on function private.accept_invitation(text) to authenticated;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Profiles can be edited by their owner"
  on public.profiles
  for update
  to authenticated
  using (id = (select auth.uid()) and deleted_at is null)
  with check (id = (select auth.uid()) and deleted_at is null);

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

create policy "Invitations are visible to owners and admins"
  on public.invitations
  for select
  to authenticated
  using (organization_id in (select private.admin_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.create_organization(p_name text, p_slug text, p_time_zone text default 'UTC')
returns public.organizations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.create_organization(create_organization.p_name, create_organization.p_slug,
                                            create_organization.p_time_zone);
$$;
comment on function public.create_organization(text, text, text) is
  'Creates an organization; the caller becomes its owner. Errors: invalid_name, invalid_slug, invalid_time_zone (PT422), slug_taken (PT409).';
revoke all on function public.create_organization(text, text, text) from public, anon;
grant execute on function public.create_organization(text, text, text) to authenticated;

create or replace function public.change_member_role(p_membership_id uuid, p_role public.membership_role)
returns public.memberships
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.change_member_role(change_member_role.p_membership_id, change_member_role.p_role);
$$;
comment on function public.change_member_role(uuid, public.membership_role) is
  'Changes a member''s role. Errors: membership_not_found (PT404), not_admin/owner_required (PT403), last_owner (PT409).';
revoke all on function public.change_member_role(uuid, public.membership_role) from public, anon;
grant execute on function public.change_member_role(uuid, public.membership_role) to authenticated;

create or replace function public.remove_member(p_membership_id uuid)
returns public.memberships
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.remove_member(remove_member.p_membership_id);
$$;
comment on function public.remove_member(uuid) is
  'Removes someone from an organization, or lets a person leave. Errors: membership_not_found (PT404), not_admin/owner_required (PT403), last_owner (PT409).';
revoke all on function public.remove_member(uuid) from public, anon;
grant execute on function public.remove_member(uuid) to authenticated;

create or replace function public.invite_member(
  p_organization_id uuid,
  p_email text,
  p_role public.membership_role default 'member'
)
returns public.invitations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.invite_member(invite_member.p_organization_id, invite_member.p_email, invite_member.p_role);
$$;
comment on function public.invite_member(uuid, text, public.membership_role) is
  'Invites an email with a role. Errors: organization_not_found (PT404), not_admin/owner_required (PT403), invalid_email (PT422), already_member (PT409).';
revoke all on function public.invite_member(uuid, text, public.membership_role) from public, anon;
grant execute on function public.invite_member(uuid, text, public.membership_role) to authenticated;

create or replace function public.revoke_invitation(p_invitation_id uuid)
returns public.invitations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.revoke_invitation(revoke_invitation.p_invitation_id);
$$;
comment on function public.revoke_invitation(uuid) is
  'Withdraws a pending invitation. Errors: invitation_not_found (PT404), invitation_used (PT409).';
revoke all on function public.revoke_invitation(uuid) from public, anon;
grant execute on function public.revoke_invitation(uuid) to authenticated;

create or replace function public.get_invitation(p_token text)
returns table (
  organization_id uuid,
  organization_name text,
  email text,
  role public.membership_role,
  expires_at timestamptz,
  status text
)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.get_invitation(get_invitation.p_token);
$$;
comment on function public.get_invitation(text) is
  'What an invitation link leads to (organization, role, pending/accepted/revoked/expired). Errors: invitation_not_found (PT404).';
revoke all on function public.get_invitation(text) from public, anon;
grant execute on function public.get_invitation(text) to authenticated;

create or replace function public.accept_invitation(p_token text)
returns public.memberships
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.accept_invitation(accept_invitation.p_token);
$$;
comment on function public.accept_invitation(text) is
  'Joins the organization of an invitation. Errors: invitation_not_found (PT404), invitation_revoked, invitation_used, invitation_expired, already_member (PT409).';
revoke all on function public.accept_invitation(text) from public, anon;
grant execute on function public.accept_invitation(text) to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

