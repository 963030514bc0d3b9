-- PKCE flow state as GoTrue keeps it (auth.flow_state): a sign-in started with a code challenge
-- (a magic link, a password reset, a signup confirmation, an email change) gets a row; the
-- mailed link, once verified, issues its auth_code, which the client redeems once with the code
-- verifier (POST /token?grant_type=pkce). Names and columns as on hosted Supabase, owned by
-- supabase_auth_admin like the other auth tables.

create type auth.code_challenge_method as enum ('s256', 'plain');

create table auth.flow_state (
  id uuid not null primary key,
  user_id uuid,
  auth_code text not null,
  code_challenge_method auth.code_challenge_method not null,
  code_challenge text not null,
  provider_type text not null,
  provider_access_token text,
  provider_refresh_token text,
  created_at timestamptz,
  updated_at timestamptz,
  authentication_method text not null,
  auth_code_issued_at timestamptz
);
comment on table auth.flow_state is 'stores metadata for pkce logins';
create index idx_auth_code on auth.flow_state (auth_code);
create index idx_user_id_auth_method on auth.flow_state (user_id, authentication_method);
create index flow_state_created_at_idx on auth.flow_state (created_at desc);

alter table auth.flow_state enable row level security;
alter table auth.flow_state owner to supabase_auth_admin;
alter type auth.code_challenge_method owner to supabase_auth_admin;
grant all on auth.flow_state to postgres, dashboard_user;
