-- The tenancy RPCs: anyone signed in creates an organization and becomes its owner; owners and
-- admins change roles and remove people; anyone may leave. Each public function is security
-- invoker and calls one private definer that checks the caller's rights itself, then writes an
-- audit entry. Errors: readable message, snake_case code in HINT, SQLSTATE PT403/PT404/PT409/PT422.
-- Touches: public.organizations, public.memberships, public.audit_logs.

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

revoke all on function
  private.create_organization(text, text, text),
  private.change_member_role(uuid, public.membership_role),
  private.remove_member(uuid)
  from public, anon;
grant execute on function
  private.create_organization(text, text, text),
  private.change_member_role(uuid, public.membership_role),
  private.remove_member(uuid)
  to authenticated;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

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

revoke all on function
  public.create_organization(text, text, text),
  public.change_member_role(uuid, public.membership_role),
  public.remove_member(uuid)
  from public, anon;
grant execute on function
  public.create_organization(text, text, text),
  public.change_member_role(uuid, public.membership_role),
  public.remove_member(uuid)
  to authenticated;
