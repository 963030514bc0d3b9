-- Roles as Supabase's image leaves them (supabase/postgres init scripts and migrations).
-- Applied once to a fresh cluster by stack/, never from supabase/migrations. Local passwords are
-- all 'postgres', as with the Supabase CLI.

create role anon nologin noinherit;
alter role anon inherit;
create role authenticated nologin noinherit;
alter role authenticated inherit;
create role service_role nologin noinherit bypassrls;
alter role service_role inherit;

create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;

create role supabase_admin superuser createdb createrole replication bypassrls login password 'postgres';
create role supabase_auth_admin login noinherit noreplication nocreaterole password 'postgres';
create role supabase_storage_admin login noinherit createrole noreplication password 'postgres';
grant authenticator to supabase_storage_admin;
create role supabase_realtime_admin login noinherit createrole replication password 'postgres';
grant anon, authenticated, service_role to supabase_realtime_admin;
create role dashboard_user nologin nosuperuser createdb createrole replication;
create role supabase_replication_admin login replication password 'postgres';
create role supabase_read_only_user login bypassrls password 'postgres';
grant pg_read_all_data to supabase_read_only_user;

-- postgres stays superuser here (plain PG15 has no supautils to grant it what hosted grants), but
-- carries the memberships it has on hosted so `set role authenticated` works in tests.
grant anon, authenticated, service_role to postgres;
alter role postgres set search_path = "$user", public, extensions;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;
alter role supabase_realtime_admin set search_path = public, extensions, realtime;
alter role supabase_admin set search_path = "$user", public, auth, extensions;
