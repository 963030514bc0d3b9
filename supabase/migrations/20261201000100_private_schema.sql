-- private schema: the home of helpers, trigger functions and every security definer function.
-- It is not in the API's exposed schemas, so PostgREST never serves it. Nothing here is granted
-- by default: each helper that RLS policies or invoker functions must call is granted by name.
-- Touches: extensions pg_cron and pgcrypto; schema private; functions
-- private.trigger_set_updated_at, private.is_valid_time_zone, private.uuid_v7.

-- =============================================================================================
-- extensions
-- =============================================================================================

-- Every extension the migrations use is created here, so they apply to a new Supabase project
-- as they are. pg_cron runs the scheduled jobs (the morning-of drip publisher); a new project
-- does not have it enabled, and Supabase requires it in pg_catalog (its functions and tables
-- live in schema cron). These statements are the ones Supabase's pg_cron guide gives.
create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;

-- pgcrypto: gen_random_bytes for invitation tokens. A new project already has it in schema
-- extensions; `if not exists` keeps that one.
create extension if not exists pgcrypto with schema extensions;

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

-- (none)

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

-- Time-ordered ids for append-heavy tables (messages.id): a random id lands on a random leaf of
-- the primary key, so once a table is large every insert reads and dirties a leaf page that is
-- rarely in shared buffers; a time-ordered id always lands on the rightmost leaf. Version 7
-- (RFC 9562): 48 bits of Unix milliseconds, then the version, then random bits, so ids stay
-- unguessable and unique across sessions. plpgsql, not sql: a `language sql` function with a
-- pinned search_path is never inlined and is planned again in every transaction.
create or replace function private.uuid_v7()
returns uuid
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  -- a random (version 4) uuid whose first 48 bits become the Unix time in milliseconds and whose
  -- version nibble becomes 7 (0100 -> 0111: bits 52 and 53 set)
  return pg_catalog.encode(
           pg_catalog.set_bit(pg_catalog.set_bit(
             pg_catalog.overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()),
               pg_catalog.substr(pg_catalog.int8send(
                 pg_catalog.floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint), 3),
               1, 6),
             52, 1), 53, 1),
           'hex')::uuid;
end;
$$;
comment on function private.uuid_v7() is
  'A time-ordered UUID (RFC 9562 version 7: Unix milliseconds, then random bits) for ids of append-heavy tables, so inserts land on the rightmost leaf of the primary key.';
revoke all on function private.uuid_v7() from public, anon;
grant execute on function private.uuid_v7() to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

