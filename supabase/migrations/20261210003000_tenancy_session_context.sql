-- Every page of the app starts with the same questions: is this session still good, is a second
-- factor due, who am I (name, avatar, time zone) and which organizations am I in with which
-- role. The app asked them in four requests per page: the auth server's /user (which verified
-- the token, looked the session up and listed the factors), then profiles and memberships twice
-- (the shell's list and the organization page's own row). session_context answers all of them
-- in one call, from the token the API has already verified:
--   * session_active: the token's session (its session_id claim) still exists and has not
--     ended (signed out here or elsewhere, or expired by the auth server's not_after), and its
--     user exists, is not deleted and not banned. The same checks the auth server's /user makes
--     (it answers session_not_found for an ended session), and a ban on top: a banned person
--     cannot refresh, so their pages end with the token they hold, not an hour later.
--   * second_factor_due: the session is aal1 and the person has a verified factor, from
--     auth.mfa_factors: never from the session cookie's copy of the user, which anyone can write.
--   * the profile, and one row per active membership with its organization (none: one row whose
--     organization columns are null). Nothing is returned beyond the session row when the
--     session is not active.
-- The auth schema part is private.session_state (security definer: only it reads auth.*, and
-- only about the caller); session_context itself runs as the caller, under RLS.
-- Touches: private.session_state (new), public.session_context (new).

-- =============================================================================================
-- private functions
-- =============================================================================================

create function private.session_state()
returns table (user_id uuid, email text, aal text, active boolean, second_factor_due boolean)
language plpgsql
stable
security definer
-- One row at most: the planner of the caller's joins needs to know.
rows 1
set search_path = ''
as $$
begin
  -- plpgsql, so its plan is cached per connection: every page of the app runs this first.
  return query
  with claims as (
    select (select auth.uid()) as uid, auth.jwt() as jwt
  ), caller as (
    -- The cast only where the text is a uuid (a CASE, so it is never tried on anything else): a
    -- malformed session id is no session, not an error.
    select c.uid, c.jwt,
           c.jwt ->> 'session_id' as session_claim,
           case when c.jwt ->> 'session_id'
                       ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                then (c.jwt ->> 'session_id')::uuid end as session_id
      from claims c
  ), checked as (
    select c.uid,
           u.email::text as email,
           coalesce(c.jwt ->> 'aal', 'aal1') as aal,
           u.id is not null
             and u.deleted_at is null
             and (u.banned_until is null or u.banned_until <= now())
             -- A token without a session (minted by a server, not a sign-in) is judged by its
             -- user alone, as the auth server does.
             and (c.session_claim is null
                  or exists (
                       select 1 from auth.sessions s
                        where s.id = c.session_id
                          and s.user_id = c.uid
                          and (s.not_after is null or s.not_after > now())))
             as active
      from caller c
      left join auth.users u on u.id = c.uid
     where c.uid is not null
  )
  select k.uid, k.email, k.aal, k.active,
         k.active and k.aal = 'aal1'
           and exists (select 1 from auth.mfa_factors f
                        where f.user_id = k.uid and f.status = 'verified')
    from checked k;
end;
$$;

comment on function private.session_state() is
  'The caller''s session as the auth schema sees it: active (the token''s session exists and has not ended; the user exists, not deleted, not banned) and second_factor_due (aal1 with a verified factor). No row without a signed-in caller.';

revoke all on function private.session_state() from public, anon;
grant execute on function private.session_state() to authenticated, service_role;

-- =============================================================================================
-- public functions
-- =============================================================================================

create function public.session_context()
returns table (
  user_id uuid, email text, aal text, session_active boolean, second_factor_due boolean,
  display_name text, avatar_path text, time_zone text, read_receipts_enabled boolean,
  profile_deleted_at timestamptz, profile_is_tombstone boolean,
  profile_created_at timestamptz, profile_updated_at timestamptz,
  organization_id uuid, organization_name text, organization_slug text,
  organization_time_zone text, organization_member_dm_enabled boolean,
  organization_created_by uuid, organization_created_at timestamptz,
  organization_updated_at timestamptz,
  membership_id uuid, membership_role public.membership_role)
language plpgsql
stable
set search_path = ''
as $$
begin
  -- The profile and memberships as the caller reads them (RLS: one's own profile and
  -- memberships, and the organizations one is a member of), only while the session is active.
  -- plpgsql, so the plan (RLS included) is cached per connection instead of made per call.
  return query
  select k.user_id, k.email, k.aal, k.active, k.second_factor_due,
         p.display_name, p.avatar_path, p.time_zone, p.read_receipts_enabled,
         p.deleted_at, p.is_tombstone, p.created_at, p.updated_at,
         o.id, o.name, o.slug, o.time_zone, o.member_dm_enabled, o.created_by, o.created_at,
         o.updated_at, m.id, m.role
    from private.session_state() k
    left join public.profiles p on k.active and p.id = k.user_id
    left join public.memberships m
      on k.active and m.user_id = k.user_id and m.status = 'active'
    left join public.organizations o on o.id = m.organization_id
   order by o.name, o.id;
end;
$$;

comment on function public.session_context() is
  'The signed-in session in one call: whether it is still active (its session not ended, its user not deleted or banned), whether a second factor is due (aal1 with a verified factor), the caller''s profile, and one row per active membership with its organization (a single row with null organization columns when there is none).';

revoke all on function public.session_context() from public, anon;
grant execute on function public.session_context() to authenticated, service_role;
