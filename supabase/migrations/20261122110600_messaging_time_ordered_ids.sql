-- Messages get time-ordered ids (UUID version 7) instead of random ones (issue 7 benchmark: sends
-- per second fell from 1,209/s at 50,000 messages to 539/s at 5,000,000). A random id lands on a
-- random leaf of the primary key, so once the table is large every send reads and dirties a leaf
-- page that is rarely in shared buffers; a time-ordered id always lands on the rightmost leaf,
-- like created_at in the other indexes. The ids stay UUIDs (same column type, same API, same
-- client handling); only the default changes, so ids already stored keep their value. Version 7
-- (RFC 9562): 48 bits of Unix milliseconds, then the version, then random bits, so ids are still
-- unguessable and unique across sessions.
-- Touches: private.uuid_v7 (new), public.messages.id default.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (default changed below, once the function exists)

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

create or replace function private.uuid_v7()
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
  -- a random (version 4) uuid whose first 48 bits become the Unix time in milliseconds and whose
  -- version nibble becomes 7 (0100 -> 0111: bits 52 and 53 set)
  select pg_catalog.encode(
           pg_catalog.set_bit(pg_catalog.set_bit(
             pg_catalog.overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()),
               pg_catalog.substr(pg_catalog.int8send(
                 pg_catalog.floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint), 3),
               1, 6),
             52, 1), 53, 1),
           'hex')::uuid;
$$;

comment on function private.uuid_v7() is
  'A time-ordered UUID (RFC 9562 version 7: Unix milliseconds, then random bits) for ids of append-heavy tables, so inserts land on the rightmost leaf of the primary key.';

revoke all on function private.uuid_v7() from public, anon;
grant execute on function private.uuid_v7() to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

alter table public.messages alter column id set default private.uuid_v7();

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
