-- 001-platform: what our migrations assume of the platform (stack/platform here, Supabase's
-- image in production): roles, default privileges, auth helpers, realtime, storage, pg_cron.
begin;
select plan(22);

-- roles and attributes
select ok(exists (select 1 from pg_roles where rolname = 'anon' and not rolcanlogin), 'anon exists and cannot log in');
select ok(exists (select 1 from pg_roles where rolname = 'authenticated' and not rolcanlogin), 'authenticated exists and cannot log in');
select ok(exists (select 1 from pg_roles where rolname = 'service_role' and not rolcanlogin and rolbypassrls), 'service_role cannot log in and bypasses RLS');
select ok(exists (select 1 from pg_roles where rolname = 'authenticator' and rolcanlogin and not rolinherit), 'authenticator logs in and does not inherit');
select ok(pg_has_role('authenticator', 'anon', 'member') and pg_has_role('authenticator', 'authenticated', 'member')
          and pg_has_role('authenticator', 'service_role', 'member'), 'authenticator can switch to anon, authenticated and service_role');
select ok(not exists (select 1 from pg_roles where rolname in ('anon', 'authenticated') and rolbypassrls), 'anon and authenticated never bypass RLS');

-- default privileges: a table postgres creates in public is granted to the API roles
create table public.tests_default_privileges (id int);
select ok(has_table_privilege('anon', 'public.tests_default_privileges', 'select, insert, update, delete'),
          'a new public table is granted select/insert/update/delete to anon (RLS is the guard)');
select ok(has_table_privilege('authenticated', 'public.tests_default_privileges', 'select, insert, update, delete'),
          'a new public table is granted select/insert/update/delete to authenticated');
select ok(has_schema_privilege('authenticated', 'public', 'usage'), 'authenticated may use schema public');

-- auth helpers under simulated claims
select is(auth.uid(), null::uuid, 'auth.uid() is null without claims');
select set_config('request.jwt.claims', '{"sub":"11111111-1111-1111-1111-111111111111","role":"authenticated","email":"a@b.dev"}', true);
select is(auth.uid(), '11111111-1111-1111-1111-111111111111'::uuid, 'auth.uid() reads sub from request.jwt.claims');
select is(auth.jwt() ->> 'email', 'a@b.dev', 'auth.jwt() returns the claims');
select is(auth.role(), 'authenticated', 'auth.role() reads the role claim');
select set_config('request.jwt.claims', '', true);

-- realtime
select lives_ok($$ select realtime.send('{"hello":"world"}'::jsonb, 'greeting', 'tests:platform', true) $$,
                'realtime.send() accepts a broadcast');
select is((select count(*)::int from realtime.messages where topic = 'tests:platform' and event = 'greeting'
           and payload ->> 'hello' = 'world' and private), 1, 'realtime.send() writes one private row into realtime.messages');
select ok(exists (select 1 from pg_publication where pubname = 'supabase_realtime'), 'publication supabase_realtime exists');

-- storage helpers
select is(storage.foldername('a/b/c.png'), array['a', 'b'], 'storage.foldername splits the folders');
select is(storage.filename('a/b/c.png'), 'c.png', 'storage.filename returns the last part');
select is(storage.extension('a/b/c.png'), 'png', 'storage.extension returns the extension');
insert into storage.buckets (id, name) values ('tests-bucket', 'tests-bucket');
insert into storage.objects (bucket_id, name) values ('tests-bucket', 'a/b/c.png');
select throws_ok($$ delete from storage.objects where bucket_id = 'tests-bucket' $$, '42501',
                 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
                 'deleting storage objects with SQL is refused');

-- pg_cron and pgtap
select ok(exists (select 1 from pg_extension where extname = 'pg_cron'), 'pg_cron is installed');
select ok(exists (select 1 from pg_extension e join pg_namespace n on n.oid = e.extnamespace
                   where e.extname = 'pgtap' and n.nspname = 'extensions'), 'pgtap lives in the extensions schema');

select * from finish();
rollback;
