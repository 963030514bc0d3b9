-- profiles: one row per auth user, created by a trigger on auth.users. Every user foreign key in
-- the schema points here, not at auth.users, so a profile outlives its login: when the auth user
-- is deleted the profile becomes a tombstone ("Deleted user") that keeps its id, and history
-- (results, messages, audit entries) keeps pointing at something.
-- Touches: public.profiles; triggers on auth.users (insert, delete).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

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
  constraint profiles_time_zone_chk
    check (private.is_valid_time_zone(time_zone)),
  constraint profiles_tombstone_chk
    check (deleted_at is null or (display_name = 'Deleted user' and avatar_path is null))
);

comment on table public.profiles is
  'One per auth user (id = auth.users.id, no foreign key so it survives erasure as a tombstone).';
comment on column public.profiles.time_zone is
  'IANA zone; null means use the organization''s zone, else UTC.';

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

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.profiles enable row level security;

-- Only these columns are the person's to edit; deleted_at and ids are not.
revoke insert, update, delete, truncate on public.profiles from anon, authenticated;
grant update (display_name, avatar_path, time_zone, read_receipts_enabled) on public.profiles to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (the profile visibility helper needs memberships: see the memberships migration)

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Profiles can be edited by their owner"
  on public.profiles
  for update
  to authenticated
  using (id = (select auth.uid()) and deleted_at is null)
  with check (id = (select auth.uid()) and deleted_at is null);

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
