-- 760-own-profile-fast-path: the profiles select policy tests "my own row" before it builds the
-- set of everyone I may see (20261209004000). Every actor still reads exactly what the rule
-- allows: their own profile always (even with no organization, even when blocked), others only
-- through a shared organization and never someone who blocked them; and reading one's own row
-- never builds the set (the plan says the subplan was never executed).
begin;
select plan(16);

select tests.create_standard_actors();
create function pg_temp.uid(p text) returns uuid language sql as $f$ select tests.get_user_id(p) $f$;
create function pg_temp.own_read_builds_set(p text) returns boolean language plpgsql as $f$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute format(
    'explain (analyze, costs off, timing off, summary off) select id from public.profiles where id = %L',
    pg_temp.uid(p))
  loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  -- The set's subplan shows "(never executed)" when the first arm of the OR answered.
  return v_plan !~ 'ProjectSet \(never executed\)';
end $f$;
grant execute on all functions in schema pg_temp to public;

-- ============================ everyone reads their own profile =============================
select tests.authenticate_as('owner');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('owner')), 1, 'the owner reads their own profile');
select is(pg_temp.own_read_builds_set('owner'), false, 'without building the set of everyone they may see');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('coach')), 1, 'a coach reads their own profile');
select is(pg_temp.own_read_builds_set('coach'), false, 'without building the set');
select tests.authenticate_as('member');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'a member reads their own profile');
select tests.authenticate_as('outsider');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('outsider')), 1, 'someone in no organization reads their own profile');
select is_empty($$ select * from public.profiles where id <> pg_temp.uid('outsider') $$, 'and nobody else''s');

-- ============================ others: the rule as before ===================================
select tests.authenticate_as('coach');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'the coach sees a member of their organization');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('other_coach') $$, 'but not another organization''s coach');
select is((select count(*)::int from public.profiles where id in (pg_temp.uid('owner'), pg_temp.uid('admin'), pg_temp.uid('coach'), pg_temp.uid('member'), pg_temp.uid('member2'))), 5,
          'a list of their organization holds everyone in it, themselves included');
select tests.authenticate_as('member');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('coach')), 1, 'a member sees the staff');
select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$, 'another organization''s coach does not see the member');

-- ============================ a block hides the blocker, never oneself =====================
select tests.authenticate_as('member');
select public.block_user(tests.get_organization_id('test-gym'), pg_temp.uid('coach'));
select tests.authenticate_as('coach');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$, 'the blocked coach no longer sees the blocker');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('coach')), 1, 'but still reads their own profile');

-- ============================ anon and the service role ====================================
select tests.authenticate_as_anon();
select is_empty($$ select * from public.profiles $$, 'anon reads no profile');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'the service role sees everything');

select * from finish();
rollback;
