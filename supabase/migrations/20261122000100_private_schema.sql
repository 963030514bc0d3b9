-- private schema: the home of helpers, trigger functions and every security definer function.
-- It is not in the API's exposed schemas, so PostgREST never serves it. Nothing here is granted
-- by default: each helper that RLS policies or invoker functions must call is granted by name.
-- Touches: schema private; functions private.trigger_set_updated_at, private.is_valid_time_zone.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create schema if not exists private;

revoke all on schema private from public;
revoke all on schema private from anon, authenticated;

-- Policies run as the querying role, so `authenticated` needs to reach the helpers they call;
-- `usage` alone lets it call only functions that are granted to it by name below and later.
grant usage on schema private to authenticated, service_role;

-- Functions are executable by PUBLIC by default, and a per-schema default privilege can only
-- add grants, never take PUBLIC's away. So every migration that creates private functions ends
-- its helpers section with `revoke execute on all functions in schema private from public, anon`
-- and grants what clients need by name.

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_set_updated_at()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;

comment on function private.trigger_set_updated_at() is
  'Keeps updated_at honest on every update, whatever the client sends.';

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.is_valid_time_zone(p_time_zone text)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select p_time_zone is null
      or exists (select 1 from pg_catalog.pg_timezone_names z where z.name = is_valid_time_zone.p_time_zone);
$$;

comment on function private.is_valid_time_zone(text) is
  'True for IANA zone names Postgres knows (Europe/London), false for abbreviations or typos; used by check constraints on every time_zone column.';

grant execute on function private.is_valid_time_zone(text) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
