-- 010-test-helpers: the helpers from 000-setup behave as the other files rely on.
begin;
select plan(17);

select tests.create_user('helper_user', 'helper@example.com');
select ok(tests.get_user_id('helper_user') is not null, 'create_user remembers the identifier');
select is((select display_name from public.profiles where id = tests.get_user_id('helper_user')), 'helper_user',
          'the profile trigger takes the display name from user metadata');
select is((select aud || ' ' || role || ' ' || confirmation_token || '|' || (raw_app_meta_data ->> 'provider')
             from auth.users where id = tests.get_user_id('helper_user')),
          'authenticated authenticated |email', 'the auth user looks like one GoTrue wrote');
select is((select display_name from public.profiles where id = (
            select id from auth.users where email = 'helper@example.com')), 'helper_user', 'the explicit email is used');

select tests.authenticate_as('helper_user');
select is(current_user::text, 'authenticated', 'authenticate_as switches to the authenticated role');
select is(auth.uid(), tests.get_user_id('helper_user'), 'and sets the claims auth.uid() reads');
select is(auth.jwt() ->> 'email', 'helper@example.com', 'the claims carry the email');
select tests.authenticate_as_anon();
select is(current_user::text || ' ' || coalesce(auth.uid()::text, 'no user'), 'anon no user', 'authenticate_as_anon acts as anon');
select tests.authenticate_as_service_role();
select is(current_user::text, 'service_role', 'authenticate_as_service_role acts as service_role');
select tests.clear_authentication();
select is(current_user::text, 'postgres', 'clear_authentication returns to the session user');

select tests.freeze_time('2026-01-15 09:00+00');
select is(now(), '2026-01-15 09:00+00'::timestamptz, 'freeze_time makes now() return the frozen instant');
select tests.unfreeze_time();
select isnt(now(), '2026-01-15 09:00+00'::timestamptz, 'unfreeze_time gives now() back');

select tests.use_ids();
insert into ids values ('helper', tests.get_user_id('helper_user'));
select tests.authenticate_as('helper_user');
select is(tests.id('helper'), tests.get_user_id('helper_user'), 'tests.id reads a named id, also as an authenticated user');
select lives_ok($$ insert into ids values ('added_as_user', gen_random_uuid()) $$, 'the role a test plays may add named ids');
select is(tests.id('nobody'), null, 'an unknown name reads as null');
select is(tests.hint_of($$ select public.create_organization('', 'x') $$), 'invalid_name',
          'hint_of returns the HINT of the error the statement raised, as the current role');
select is(tests.hint_of($$ select 1 $$), null, 'hint_of returns null when the statement succeeds');
select tests.clear_authentication();

select * from finish();
rollback;
