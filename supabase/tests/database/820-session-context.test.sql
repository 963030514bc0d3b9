-- 820-session-context: the one read every page starts with (20261210003000). The session is
-- active only while its session row exists and has not ended and its user is neither deleted
-- nor banned; a second factor is due only for aal1 with a verified factor (from the database,
-- whatever the token says about the user); the profile and memberships are the caller's own
-- and nobody else's, for every actor; anon may not ask at all, the service role learns nothing.
begin;
select plan(33);

select tests.create_standard_actors();
select tests.add_member(tests.get_organization_id('other-gym'), 'coach', 'member');
-- A membership that ended is not listed.
update public.memberships set status = 'removed', removed_at = now()
 where user_id = tests.get_user_id('member2');

create function pg_temp.uid(p text) returns uuid language sql as $f$ select tests.get_user_id(p) $f$;

-- A session row as the auth server writes it at sign-in.
create function pg_temp.new_session(p_who text, p_not_after timestamptz default null)
returns uuid language plpgsql as $f$
declare v_id uuid := gen_random_uuid();
begin
  insert into auth.sessions (id, user_id, created_at, updated_at, aal, not_after)
  values (v_id, pg_temp.uid(p_who), now(), now(), 'aal1', p_not_after);
  return v_id;
end $f$;

-- Plays the person with a token carrying this session id (text: a malformed one too) and aal.
create function pg_temp.as_session(p_who text, p_session text, p_aal text default 'aal1')
returns void language plpgsql as $f$
begin
  perform tests.authenticate_as(p_who);
  perform set_config('request.jwt.claims',
    (current_setting('request.jwt.claims')::jsonb
      || jsonb_strip_nulls(jsonb_build_object('session_id', p_session, 'aal', p_aal)))::text, true);
end $f$;
grant execute on all functions in schema pg_temp to public;

select tests.use_ids();
insert into pg_temp.ids (name, id)
select w, pg_temp.new_session(w) from unnest(array['owner', 'coach', 'member', 'member2', 'outsider', 'other_coach']) w;
insert into pg_temp.ids (name, id) values
  ('ended', pg_temp.new_session('member', now() - interval '1 minute')),
  ('ending later', pg_temp.new_session('member', now() + interval '1 hour'));
grant select on pg_temp.ids to public;

-- ============================ an active session: my rows, by organization name =============
select pg_temp.as_session('coach', tests.id('coach')::text);
select results_eq(
  $$ select user_id, session_active, second_factor_due, display_name, organization_slug, membership_role::text
       from public.session_context() $$,
  $$ values (pg_temp.uid('coach'), true, false, 'coach', 'other-gym', 'member'),
            (pg_temp.uid('coach'), true, false, 'coach', 'test-gym', 'coach') $$,
  'a coach in two organizations gets one row per membership, by organization name, with the role in each');
select is((select distinct email from public.session_context()),
          (select email from pg_temp.tests_users where identifier = 'coach'), 'with their email');

select pg_temp.as_session('owner', tests.id('owner')::text);
select results_eq($$ select organization_slug, membership_role::text from public.session_context() $$,
                  $$ values ('test-gym', 'owner') $$, 'the owner sees their organization as owner');
select pg_temp.as_session('member', tests.id('member')::text);
select results_eq($$ select organization_slug, membership_role::text from public.session_context() $$,
                  $$ values ('test-gym', 'member') $$, 'a member sees only their own membership, not the others''');
select pg_temp.as_session('other_coach', tests.id('other_coach')::text);
select results_eq($$ select organization_slug, membership_role::text from public.session_context() $$,
                  $$ values ('other-gym', 'coach') $$, 'another organization''s coach sees only theirs');

select pg_temp.as_session('outsider', tests.id('outsider')::text);
select results_eq(
  $$ select session_active, display_name, organization_id, membership_id from public.session_context() $$,
  $$ values (true, 'outsider', null::uuid, null::uuid) $$,
  'someone in no organization: one row, their profile, no organization');
select pg_temp.as_session('member2', tests.id('member2')::text);
select results_eq(
  $$ select session_active, organization_id from public.session_context() $$,
  $$ values (true, null::uuid) $$, 'a removed membership is not listed');

-- ============================ sessions that no longer count =================================
select pg_temp.as_session('member', tests.id('ending later')::text);
select is((select bool_and(session_active) from public.session_context()), true, 'a session ending later is still active');
select pg_temp.as_session('member', tests.id('ended')::text);
select results_eq(
  $$ select session_active, second_factor_due, display_name, organization_id from public.session_context() $$,
  $$ values (false, false, null::text, null::uuid) $$,
  'an ended session is not active, and returns nothing but that');
select pg_temp.as_session('member', gen_random_uuid()::text);
select is((select session_active from public.session_context()), false, 'a session that does not exist (signed out) is not active');
select pg_temp.as_session('member', tests.id('coach')::text);
select is((select session_active from public.session_context()), false, 'someone else''s session is not active for me');
select pg_temp.as_session('member', 'not-a-uuid');
select is((select session_active from public.session_context()), false, 'a malformed session id is no session, and no error');
select pg_temp.as_session('member', null);
select is((select session_active from public.session_context()), true, 'a token without a session is judged by its user');

select tests.clear_authentication();
update auth.users set banned_until = now() + interval '1 day' where id = pg_temp.uid('member');
select pg_temp.as_session('member', tests.id('member')::text);
select is((select session_active from public.session_context()), false, 'a banned person''s session is not active');
select tests.clear_authentication();
update auth.users set banned_until = now() - interval '1 day' where id = pg_temp.uid('member');
select pg_temp.as_session('member', tests.id('member')::text);
select is((select session_active from public.session_context()), true, 'once the ban is over, it is again');
select tests.clear_authentication();
update auth.users set deleted_at = now() where id = pg_temp.uid('outsider');
select pg_temp.as_session('outsider', tests.id('outsider')::text);
select is((select session_active from public.session_context()), false, 'a deleted user''s session is not active');
select tests.clear_authentication();
delete from auth.sessions where id = tests.id('other_coach');
select pg_temp.as_session('other_coach', tests.id('other_coach')::text);
select is((select session_active from public.session_context()), false, 'signing out (the session row gone) ends it at once');

-- ============================ the second factor =============================================
select tests.clear_authentication();
insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
values (gen_random_uuid(), pg_temp.uid('owner'), 'phone', 'totp', 'unverified', now(), now(), 'x');
select pg_temp.as_session('owner', tests.id('owner')::text, 'aal1');
select is((select bool_or(second_factor_due) from public.session_context()), false, 'an unverified factor asks for nothing');
select tests.clear_authentication();
update auth.mfa_factors set status = 'verified' where user_id = pg_temp.uid('owner');
select pg_temp.as_session('owner', tests.id('owner')::text, 'aal1');
select is((select bool_and(second_factor_due) from public.session_context()), true, 'a password-only session with a verified factor: the code is due');
select is((select bool_and(session_active) from public.session_context()), true, 'while the session itself is active');
select pg_temp.as_session('owner', tests.id('owner')::text, 'aal2');
select is((select bool_or(second_factor_due) from public.session_context()), false, 'after the code (aal2) it is not');
select pg_temp.as_session('owner', tests.id('owner')::text, null);
select is((select bool_and(second_factor_due) from public.session_context()), true, 'a token without aal counts as aal1');
select pg_temp.as_session('coach', tests.id('coach')::text, 'aal1');
select is((select bool_or(second_factor_due) from public.session_context()), false, 'someone else''s factor asks nothing of me');

-- ============================ the profile: mine, as it is now ===============================
select tests.clear_authentication();
update public.profiles set display_name = 'Coach Renamed', time_zone = 'Europe/Paris' where id = pg_temp.uid('coach');
select pg_temp.as_session('coach', tests.id('coach')::text);
select results_eq($$ select distinct display_name, time_zone from public.session_context() $$,
                  $$ values ('Coach Renamed', 'Europe/Paris') $$, 'the profile as it is now');
select is((select count(distinct user_id)::int from public.session_context()), 1, 'every row is about me alone');
select is((select count(*)::int from public.session_context() where user_id <> pg_temp.uid('coach')), 0, 'nobody else''s profile');

-- ============================ anon and the service role =====================================
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.session_context() $$, '42501', null, 'anon may not ask');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.session_context() $$, 'the service role (no user) learns nothing');
select tests.clear_authentication();
select is((select has_function_privilege('authenticated', 'public.session_context()', 'execute')), true, 'signed-in people may ask');
select is((select prosecdef from pg_proc where oid = 'public.session_context()'::regprocedure), false,
          'session_context runs as the caller, under RLS');
select is((select prosecdef from pg_proc where oid = 'private.session_state()'::regprocedure), true,
          'only the auth part is security definer');
select is((select proconfig from pg_proc where oid = 'private.session_state()'::regprocedure), array['search_path=""'], 'with its search_path pinned');
select is((select has_function_privilege('anon', 'private.session_state()', 'execute')), false, 'anon may not run the auth part either');

select * from finish();
rollback;
