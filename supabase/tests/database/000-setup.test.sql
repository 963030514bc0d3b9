-- 000-setup: the helpers every other test file uses. pg_prove runs each file in its own
-- session, so these are created WITHOUT begin/rollback (committed) and idempotently; later
-- files start with `begin; select plan(n);` and roll back their own data.
--
-- tests.create_user(identifier, email)   an auth.users row as GoTrue writes it (the profile
--                                         follows by trigger); identifier -> id kept per session
-- tests.get_user_id(identifier)
-- tests.authenticate_as(identifier)       set local role authenticated + request.jwt.claims
-- tests.authenticate_as_anon() / tests.authenticate_as_service_role() / tests.clear_authentication()
-- tests.freeze_time(ts) / tests.unfreeze_time()
--     put tests_overrides.now() first in search_path. Functions declared with
--     `set search_path = ''` (all of ours) ignore it and call pg_catalog.now(): business
--     functions that need time therefore take an explicit `p_now timestamptz default now()`.
-- tests.rls_enabled(schema)               a pgTAP assertion: every table in the schema has RLS
-- tests.use_ids() / tests.id(name)        a file's named ids: use_ids() creates the session's
--                                         temp table `ids` (name -> id, readable by every role a
--                                         test plays; rolled back with the file), id() reads it
-- tests.hint_of(sql)                      runs a statement as the current role and returns the
--                                         HINT (our stable error code) it raised, or null

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
create schema if not exists tests_overrides;
grant usage on schema tests, tests_overrides to anon, authenticated, service_role;

create or replace function tests.create_user(identifier text, email text default null)
returns uuid
language plpgsql
-- definer: writes auth.users, which only the platform roles may write.
security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
  v_email text := coalesce(
    create_user.email,
    lower(regexp_replace(create_user.identifier, '[^a-zA-Z0-9]+', '', 'g')) || '.'
      || substr(md5(random()::text), 1, 8) || '@test.coachline.dev');
begin
  create temp table if not exists tests_users (identifier text primary key, id uuid not null, email text not null);
  -- authenticate_as runs as whichever role the test currently plays
  grant select on pg_temp.tests_users to public;
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    confirmation_token, recovery_token, email_change_token_new, email_change,
    email_change_token_current, phone_change, phone_change_token, reauthentication_token,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  ) values (
    '00000000-0000-0000-0000-000000000000', v_id, 'authenticated', 'authenticated', v_email,
    extensions.crypt('password', extensions.gen_salt('bf')), now(),
    '', '', '', '', '', '', '', '',
    '{"provider":"email","providers":["email"]}'::jsonb,
    jsonb_build_object('display_name', create_user.identifier), now(), now()
  );
  insert into pg_temp.tests_users (identifier, id, email) values (create_user.identifier, v_id, v_email);
  return v_id;
end;
$$;

create or replace function tests.get_user_id(identifier text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select u.id into v_id from pg_temp.tests_users u where u.identifier = get_user_id.identifier;
  if v_id is null then
    raise exception 'tests: no user "%" (call tests.create_user first)', get_user_id.identifier;
  end if;
  return v_id;
end;
$$;

create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_id uuid;
  v_email text;
begin
  select u.id, u.email into v_id, v_email from pg_temp.tests_users u where u.identifier = authenticate_as.identifier;
  if v_id is null then
    raise exception 'tests: no user "%" (call tests.create_user first)', authenticate_as.identifier;
  end if;
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims',
    json_build_object('sub', v_id, 'email', v_email, 'role', 'authenticated', 'aud', 'authenticated')::text, true);
end;
$$;

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims', '{"role":"anon"}', true);
end;
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims', '{"role":"service_role"}', true);
end;
$$;

create or replace function tests.clear_authentication()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims', '', true);
end;
$$;

create or replace function tests_overrides.now()
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('tests.frozen_now', true), '')::timestamptz, pg_catalog.now());
$$;

-- No pinned search_path here on purpose: these change search_path for the rest of the transaction.
create or replace function tests.freeze_time(frozen_time timestamptz)
returns void
language plpgsql
security invoker
as $$
begin
  perform set_config('tests.frozen_now', frozen_time::text, true);
  perform set_config('search_path', 'tests_overrides, pg_catalog, "$user", public, extensions', true);
end;
$$;

create or replace function tests.unfreeze_time()
returns void
language plpgsql
security invoker
as $$
begin
  perform set_config('tests.frozen_now', '', true);
  perform set_config('search_path', '"$user", public, extensions', true);
end;
$$;

create or replace function tests.rls_enabled(schema_name text)
returns text
language sql
security invoker
-- pgTAP's own functions call each other unqualified
set search_path = extensions, pg_catalog
as $$
  select extensions.is(
    (select array_agg(c.relname::text order by c.relname)
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = rls_enabled.schema_name and c.relkind in ('r', 'p') and not c.relrowsecurity),
    null::text[],
    format('every table in schema %s has row level security enabled', rls_enabled.schema_name));
$$;

create or replace function tests.get_organization_id(slug text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select o.id from public.organizations o where o.slug = get_organization_id.slug;
$$;

create or replace function tests.add_member(organization_id uuid, identifier text, role text default 'member')
returns uuid
language plpgsql
-- definer: memberships are written only by functions; tests set them up directly.
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.memberships (organization_id, user_id, role)
  values (add_member.organization_id, tests.get_user_id(add_member.identifier), add_member.role::public.membership_role)
  returning id into v_id;
  return v_id;
end;
$$;

create or replace function tests.get_membership_id(slug text, identifier text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.memberships m
   where m.organization_id = tests.get_organization_id(get_membership_id.slug)
     and m.user_id = tests.get_user_id(get_membership_id.identifier) and m.status = 'active';
$$;

-- The cast of every test file: organization "test-gym" with owner, admin, coach, member and
-- member2; organization "other-gym" with other_owner and other_coach; outsider belongs nowhere.
create or replace function tests.create_standard_actors()
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_gym uuid;
  v_other uuid;
begin
  perform tests.create_user(i) from unnest(array['owner', 'admin', 'coach', 'member', 'member2', 'outsider',
                                                 'other_owner', 'other_coach']) i;
  insert into public.organizations (name, slug, time_zone, created_by)
  values ('Test Gym', 'test-gym', 'Europe/London', tests.get_user_id('owner')) returning id into v_gym;
  insert into public.organizations (name, slug, time_zone, created_by)
  values ('Other Gym', 'other-gym', 'America/New_York', tests.get_user_id('other_owner')) returning id into v_other;
  perform tests.add_member(v_gym, 'owner', 'owner');
  perform tests.add_member(v_gym, 'admin', 'admin');
  perform tests.add_member(v_gym, 'coach', 'coach');
  perform tests.add_member(v_gym, 'member', 'member');
  perform tests.add_member(v_gym, 'member2', 'member');
  perform tests.add_member(v_other, 'other_owner', 'owner');
  perform tests.add_member(v_other, 'other_coach', 'coach');
end;
$$;

-- A file's named ids. The table is temporary (each pg_prove file is its own session) and made
-- inside the file's transaction, so its rows go with the rollback; every role a test plays may
-- read and add to it. plpgsql: the table does not exist when these are created.
create or replace function tests.use_ids()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  create temp table if not exists ids (name text primary key, id uuid);
  grant all on pg_temp.ids to public;
end;
$$;

create or replace function tests.id(name text)
returns uuid
language plpgsql
-- volatile: a name added earlier in the same statement's caller is seen at once
security invoker
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select i.id into v_id from pg_temp.ids i where i.name = id.name;
  return v_id;
end;
$$;

-- No pinned search_path on purpose: the statement runs as the test wrote it, with the session's
-- search_path (pgTAP, pg_temp tables), as the role the test currently plays.
create or replace function tests.hint_of(sql text)
returns text
language plpgsql
security invoker
as $$
declare
  v_hint text;
begin
  execute hint_of.sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
grant execute on all functions in schema tests_overrides to anon, authenticated, service_role;

select plan(16);

select has_function('tests', 'create_user', array['text', 'text'], 'tests.create_user(identifier, email) exists');
select has_function('tests', 'get_user_id', array['text'], 'tests.get_user_id(identifier) exists');
select has_function('tests', 'authenticate_as', array['text'], 'tests.authenticate_as(identifier) exists');
select has_function('tests', 'authenticate_as_anon', 'tests.authenticate_as_anon() exists');
select has_function('tests', 'authenticate_as_service_role', 'tests.authenticate_as_service_role() exists');
select has_function('tests', 'clear_authentication', 'tests.clear_authentication() exists');
select has_function('tests', 'freeze_time', array['timestamp with time zone'], 'tests.freeze_time(timestamptz) exists');
select has_function('tests', 'unfreeze_time', 'tests.unfreeze_time() exists');
select has_function('tests', 'rls_enabled', array['text'], 'tests.rls_enabled(schema) exists');

select has_function('tests', 'get_organization_id', array['text'], 'tests.get_organization_id(slug) exists');
select has_function('tests', 'add_member', array['uuid', 'text', 'text'], 'tests.add_member(organization, identifier, role) exists');
select has_function('tests', 'get_membership_id', array['text', 'text'], 'tests.get_membership_id(slug, identifier) exists');
select has_function('tests', 'create_standard_actors', 'tests.create_standard_actors() exists');
select has_function('tests', 'use_ids', 'tests.use_ids() exists');
select has_function('tests', 'id', array['text'], 'tests.id(name) exists');
select has_function('tests', 'hint_of', array['text'], 'tests.hint_of(sql) exists');

select * from finish();
