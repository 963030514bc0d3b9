-- tenancy: an invitation addressed to an email is for that email's account only.
-- accept_invitation refuses a signed-in account whose email differs (case-insensitive) with a
-- message naming both sides ("This invitation is for a…@example.com; you are signed in as …"),
-- and get_invitation tells the page whether the invitation is addressed to the caller, showing
-- the invited address masked to anyone else. Invitations without an email ("anyone with the
-- link") remain possible, but only made deliberately through create_invitation_link, and they
-- expire within 7 days like every invitation.
-- Errors (HINT): invitation_other_email (PT403); create_invitation_link: organization_not_found
-- (PT404), not_admin, owner_required (PT403), invalid_validity (PT422).
-- Touches: public.invitations (email nullable, link expiry check), private/public
-- accept_invitation, get_invitation (replaced: new columns), create_invitation_link (new).

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.invitations alter column email drop not null;

alter table public.invitations
  add constraint invitations_link_expiry_chk
  check (email is not null or expires_at <= created_at + interval '7 days');

comment on column public.invitations.email is
  'Who the invitation is for: only the account with this email (case-insensitive) may accept it. Null for a link invitation (anyone holding the link, made with create_invitation_link).';

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.mask_email(p_email text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
           when mask_email.p_email is null then null
           when pg_catalog.strpos(mask_email.p_email, '@') < 2 then '…' || mask_email.p_email
           else pg_catalog.left(mask_email.p_email, 1) || '…'
                || pg_catalog.substr(mask_email.p_email, pg_catalog.strpos(mask_email.p_email, '@'))
         end;
$$;

comment on function private.mask_email(text) is
  'An email shown to someone it does not belong to: its first letter and its domain (a…@example.com).';

create or replace function private.caller_email()
returns text
language sql
stable
-- definer: reads the caller's own row in auth.users.
security definer
set search_path = ''
as $$
  select pg_catalog.lower(u.email) from auth.users u where u.id = (select auth.uid());
$$;

comment on function private.caller_email() is
  'The signed-in account''s email, lowercased (from auth.users, not from the token).';

revoke all on function private.mask_email(text), private.caller_email() from public, anon;
grant execute on function private.mask_email(text), private.caller_email() to authenticated, service_role;

create or replace function private.accept_invitation(p_token text)
returns public.memberships
language plpgsql
-- definer: invitations and memberships have no client write grants; checks everything itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_email text := private.caller_email();
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
  -- An invitation sent to an address is for that address's account, not for whoever holds the link.
  if v_invitation.email is not null and v_invitation.email is distinct from v_email then
    raise exception 'This invitation is for %; you are signed in as %. Sign in with the invited email, or ask for an invitation to yours.',
                    private.mask_email(v_invitation.email), coalesce(v_email, 'an account without an email')
      using errcode = 'PT403', hint = 'invitation_other_email';
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
  'Body of public.accept_invitation: a valid, pending, unexpired invitation, for the caller''s email when it names one.';

drop function public.get_invitation(text);
drop function private.get_invitation(text);

create function private.get_invitation(p_token text)
returns table (
  organization_id uuid,
  organization_name text,
  email text,
  role public.membership_role,
  expires_at timestamptz,
  status text,
  for_you boolean,
  signed_in_as text
)
language plpgsql
stable
-- definer: the token holder is not yet a member and cannot read invitations or the organization.
security definer
set search_path = ''
as $$
declare
  v_email text;
  v_invitation public.invitations;
begin
  perform private.require_user();
  v_email := private.caller_email();
  v_invitation := private.find_invitation(get_invitation.p_token);
  return query
    select o.id, o.name,
           case when v_invitation.email = v_email then v_invitation.email
                else private.mask_email(v_invitation.email) end,
           v_invitation.role, v_invitation.expires_at,
           case when v_invitation.accepted_at is not null then 'accepted'
                when v_invitation.revoked_at is not null then 'revoked'
                when v_invitation.expires_at <= pg_catalog.now() then 'expired'
                else 'pending' end,
           v_invitation.email is null or v_invitation.email = v_email,
           v_email
      from public.organizations o where o.id = v_invitation.organization_id;
end;
$$;

comment on function private.get_invitation(text) is
  'Body of public.get_invitation: what a token invites to; the invited email in full only to its owner.';

create or replace function private.create_invitation_link(
  p_organization_id uuid,
  p_role public.membership_role,
  p_valid_for interval
)
returns public.invitations
language plpgsql
-- definer: invitations have no client insert grant; checks the caller is owner or admin itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_caller_role public.membership_role;
  v_role public.membership_role := coalesce(create_invitation_link.p_role, 'member');
  v_valid_for interval := coalesce(create_invitation_link.p_valid_for, interval '7 days');
  v_invitation public.invitations;
begin
  select m.role into v_caller_role from public.memberships m
   where m.organization_id = create_invitation_link.p_organization_id and m.user_id = v_user_id and m.status = 'active';
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
  if v_valid_for < interval '1 hour' or v_valid_for > interval '7 days' then
    raise exception 'A link invitation is valid for between 1 hour and 7 days.'
      using errcode = 'PT422', hint = 'invalid_validity';
  end if;

  insert into public.invitations (organization_id, email, role, invited_by, expires_at)
  values (create_invitation_link.p_organization_id, null, v_role, v_user_id, pg_catalog.now() + v_valid_for)
  returning * into v_invitation;

  perform private.write_audit(v_invitation.organization_id, 'invitation.created', 'invitation',
                              v_invitation.id, jsonb_build_object('email', null, 'role', v_role, 'link', true,
                                                                  'expires_at', v_invitation.expires_at));
  return v_invitation;
end;
$$;

comment on function private.create_invitation_link(uuid, public.membership_role, interval) is
  'Body of public.create_invitation_link: an invitation anyone holding the link may accept, owner/admin only, valid 1 hour to 7 days.';

revoke all on function private.get_invitation(text), private.create_invitation_link(uuid, public.membership_role, interval)
  from public, anon, authenticated;
grant execute on function private.get_invitation(text), private.create_invitation_link(uuid, public.membership_role, interval)
  to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.get_invitation(p_token text)
returns table (
  organization_id uuid,
  organization_name text,
  email text,
  role public.membership_role,
  expires_at timestamptz,
  status text,
  for_you boolean,
  signed_in_as text
)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.get_invitation(get_invitation.p_token);
$$;

comment on function public.get_invitation(text) is
  'What an invitation token invites to, for a signed-in person: organization, role, expiry, status, whether it is addressed to them (for_you) and the email they are signed in as. Errors: not_authenticated (PT403), invitation_not_found (PT404).';

revoke all on function public.get_invitation(text) from public, anon;
grant execute on function public.get_invitation(text) to authenticated;

create or replace function public.create_invitation_link(
  p_organization_id uuid,
  p_role public.membership_role default 'member',
  p_valid_for interval default interval '7 days'
)
returns public.invitations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.create_invitation_link(create_invitation_link.p_organization_id,
                                               create_invitation_link.p_role, create_invitation_link.p_valid_for);
$$;

comment on function public.create_invitation_link(uuid, public.membership_role, interval) is
  'Makes a link invitation for nobody in particular: whoever holds the link may join with the role until it expires (1 hour to 7 days). Owners and admins only. Errors: organization_not_found (PT404), not_admin, owner_required (PT403), invalid_validity (PT422).';

revoke all on function public.create_invitation_link(uuid, public.membership_role, interval) from public, anon;
grant execute on function public.create_invitation_link(uuid, public.membership_role, interval) to authenticated;
