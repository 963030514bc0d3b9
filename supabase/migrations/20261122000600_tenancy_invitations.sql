-- invitations: owners and admins invite an email address with a role; the invited person signs
-- in and accepts with the token from the link (the link is shown on screen: no mail is sent
-- locally). The token is a bearer secret: whoever holds it and is signed in may accept it.
-- Invitations expire (7 days by default) and can be revoked; each is used at most once.
-- Touches: public.invitations, public.memberships, public.audit_logs.

-- =============================================================================================
-- types
-- =============================================================================================

-- (membership_role is reused)

-- =============================================================================================
-- tables
-- =============================================================================================

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

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.invitations enable row level security;

-- Invitations change only through invite_member, revoke_invitation and accept_invitation.
revoke insert, update, delete, truncate on public.invitations from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

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

revoke all on function
  private.invite_member(uuid, text, public.membership_role),
  private.revoke_invitation(uuid),
  private.find_invitation(text),
  private.get_invitation(text),
  private.accept_invitation(text)
  from public, anon;
grant execute on function
  private.invite_member(uuid, text, public.membership_role),
  private.revoke_invitation(uuid),
  private.get_invitation(text),
  private.accept_invitation(text)
  to authenticated;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Invitations are visible to owners and admins"
  on public.invitations
  for select
  to authenticated
  using (organization_id in (select private.admin_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

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

revoke all on function
  public.invite_member(uuid, text, public.membership_role),
  public.revoke_invitation(uuid),
  public.get_invitation(text),
  public.accept_invitation(text)
  from public, anon;
grant execute on function
  public.invite_member(uuid, text, public.membership_role),
  public.revoke_invitation(uuid),
  public.get_invitation(text),
  public.accept_invitation(text)
  to authenticated;
