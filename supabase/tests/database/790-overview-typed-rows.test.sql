-- 790-overview-typed-rows: coach_overview answers typed rows, not a json document: one row per
-- athlete of the page in page order, every row carrying the same page-level figures (as_of, the
-- window, KPIs, chip counts, total, page_limit, page_offset); a page without athletes is one row
-- of those figures with null athlete columns; the sparkline is a jsonb array of the 7 days.
-- Every actor both ways: staff (coach, owner, admin) read it, nobody else does.
-- Frozen p_as_of: 12:00 London time on d0 = current_date - 5; the window is d0-6 .. d0.
begin;
select plan(36);

select tests.create_standard_actors();
select tests.use_ids();
select tests.create_user('zed');
select tests.add_member(tests.get_organization_id('test-gym'), 'zed');
update public.profiles set display_name = i from unnest(array['member', 'member2', 'zed']) i where id = tests.get_user_id(i);
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
create function pg_temp.cell(p_who text, p_day int, p_status public.assignment_status)
returns void language sql as $f$
  insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, status, skip_reason, assigned_by)
  values (tests.get_organization_id('test-gym'), tests.get_user_id(p_who), 'workout', tests.id('fran'),
          current_date - 5 + p_day, true, p_status, case when p_status = 'skipped' then 'Sick' end, tests.get_user_id('coach'))
$f$;
--   member   2 completed                         -> on_track (100%)
--   member2  1 completed, 1 open two days ago    -> overdue (50%)
--   zed      nothing                             -> quiet
select pg_temp.cell('member', -1, 'completed'), pg_temp.cell('member', 0, 'completed');
select pg_temp.cell('member2', -3, 'completed'), pg_temp.cell('member2', -2, 'assigned');
create function pg_temp.ov(p_status text default null, p_limit int default 50, p_offset int default 0, p_search text default null)
returns setof jsonb language sql as $f$
  select to_jsonb(o) from public.coach_overview(tests.get_organization_id('test-gym'),
    ((current_date - 5) + time '12:00') at time zone 'Europe/London',
    p_sort => 'name', p_status => p_status, p_search => p_search, p_limit => p_limit, p_offset => p_offset) o
$f$;

-- ============================ the shape =================================================
select is(pg_get_function_result('public.coach_overview(uuid, timestamptz, text, text, text, integer, integer)'::regprocedure),
          'TABLE(as_of timestamp with time zone, window_from date, window_to date, kpi_active_athletes integer, '
          'kpi_planned integer, kpi_completed integer, kpi_skipped integer, kpi_overdue integer, kpi_overdue_athletes integer, '
          'kpi_compliance_pct integer, count_all integer, count_overdue integer, count_at_risk integer, count_on_track integer, '
          'count_quiet integer, total integer, page_limit integer, page_offset integer, user_id uuid, display_name text, '
          'planned integer, completed integer, skipped integer, overdue integer, compliance_pct integer, status traffic_light, '
          'last_completed_at timestamp with time zone, sparkline jsonb)',
          'coach_overview returns a table of plain typed columns (no json document, no composite)');

select tests.authenticate_as('coach');
create temp table got as
  select * from public.coach_overview(tests.get_organization_id('test-gym'),
    ((current_date - 5) + time '12:00') at time zone 'Europe/London', p_sort => 'name') with ordinality;
select results_eq($$ select display_name, status::text, planned, completed, skipped, overdue, compliance_pct from got order by ordinality $$,
                  $$ values ('member', 'on_track', 2, 2, 0, 0, 100), ('member2', 'overdue', 2, 1, 0, 1, 50),
                            ('zed', 'quiet', 0, 0, 0, 0, null::int) $$,
                  'one row per athlete, in the page''s order, with their own figures');
select results_eq($$ select distinct as_of, window_from, window_to, total, page_limit, page_offset from got $$,
                  $$ values (((current_date - 5) + time '12:00') at time zone 'Europe/London', current_date - 11, current_date - 5, 3, 50, 0) $$,
                  'every row carries the same as_of, window, total and paging');
select results_eq($$ select distinct kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped, kpi_overdue, kpi_overdue_athletes,
                                     kpi_compliance_pct, count_all, count_overdue, count_at_risk, count_on_track, count_quiet from got $$,
                  $$ values (3, 4, 3, 0, 1, 1, 75, 3, 1, 0, 1, 1) $$,
                  'every row carries the same KPIs and chip counts');
select is((select count(*)::int from got where jsonb_typeof(sparkline) = 'array' and jsonb_array_length(sparkline) = 7), 3,
          'each row''s sparkline is a jsonb array of the 7 days');
select is((select jsonb_agg(d -> 'date' order by n) from got, jsonb_array_elements(sparkline) with ordinality s(d, n) where display_name = 'member2'),
          (select jsonb_agg(to_jsonb(current_date - 11 + i) order by i) from generate_series(0, 6) i),
          'the sparkline runs from window_from to window_to, a day per entry');
select is((select sparkline -> 4 from got where display_name = 'member2'),
          jsonb_build_object('date', current_date - 7, 'planned', 1, 'completed', 0, 'skipped', 0),
          'each day says planned, completed and skipped');
select is((select count(*)::int from got where last_completed_at is null), 1, 'last_completed_at is null only for whoever never completed anything');

-- paging and an empty page
select results_eq($$ select r ->> 'display_name', (r ->> 'total')::int from pg_temp.ov(p_limit => 1, p_offset => 1) r $$,
                  $$ values ('member2', 3) $$, 'a page of one from offset 1 is the second athlete; total still counts all');
select results_eq($$ select r ->> 'user_id', (r ->> 'total')::int, (r ->> 'kpi_active_athletes')::int, (r ->> 'count_on_track')::int, (r ->> 'page_offset')::int
                      from pg_temp.ov(p_offset => 10) r $$,
                  $$ values (null::text, 3, 3, 1, 10) $$,
                  'past the last page: one row of the page-level figures, athlete columns null');
select results_eq($$ select r ->> 'user_id', r ->> 'display_name', r ->> 'status', r ->> 'sparkline', (r ->> 'total')::int, (r ->> 'count_all')::int
                      from pg_temp.ov(p_status => 'at_risk') r $$,
                  $$ values (null::text, null::text, null::text, null::text, 0, 3) $$,
                  'a filter nobody matches: one row, the chips still count every light');
select results_eq($$ select r ->> 'user_id', (r ->> 'count_all')::int, (r ->> 'kpi_active_athletes')::int from pg_temp.ov(p_search => 'nobody') r $$,
                  $$ values (null::text, 0, 3) $$, 'a search nobody matches: counts over the search, KPIs over everyone');
select results_eq($$ select r ->> 'display_name' from pg_temp.ov(p_status => 'overdue') r $$,
                  $$ values ('member2') $$, 'the status filter keeps one traffic light');

-- errors keep their hints
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym'), p_sort => 'age') $$), 'invalid_sort', 'an unknown sort: invalid_sort');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym'), p_status => 'sleepy') $$), 'invalid_status', 'an unknown light: invalid_status');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym'), p_limit => 0) $$), 'invalid_limit', 'an empty page size: invalid_limit');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym'), p_offset => -1) $$), 'invalid_offset', 'a negative offset: invalid_offset');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym'), p_search => repeat('a', 101)) $$), 'invalid_search', 'a search over 100 characters: invalid_search');

-- ============================ every actor ================================================
select tests.authenticate_as('owner');
select results_eq($$ select r ->> 'display_name' from pg_temp.ov() r $$, $$ values ('member'), ('member2'), ('zed') $$, 'the owner reads the roster');
select is((select distinct (r ->> 'kpi_planned')::int from pg_temp.ov() r), 4, 'and the same KPIs');
select tests.authenticate_as('admin');
select results_eq($$ select r ->> 'display_name' from pg_temp.ov() r $$, $$ values ('member'), ('member2'), ('zed') $$, 'an admin reads the roster');
select is((select distinct (r ->> 'count_overdue')::int from pg_temp.ov() r), 1, 'and the same chip counts');
select tests.authenticate_as('coach');
select is((select count(*)::int from pg_temp.ov()), 3, 'the coach reads it (above, in full)');

select tests.authenticate_as('member');
select throws_ok($$ select * from pg_temp.ov() $$, 'PT403', 'Only staff of the organization can do this.', 'a member cannot read the overview');
select is(tests.hint_of($$ select * from pg_temp.ov() $$), 'not_staff', 'a member: not_staff');
select tests.authenticate_as('member2');
select throws_ok($$ select * from pg_temp.ov() $$, 'PT403', 'Only staff of the organization can do this.', 'another member cannot either');
select is(tests.hint_of($$ select * from pg_temp.ov() $$), 'not_staff', 'another member: not_staff');
select tests.authenticate_as('outsider');
select throws_ok($$ select * from pg_temp.ov() $$, 'PT403', 'Only staff of the organization can do this.', 'an outsider cannot');
select is(tests.hint_of($$ select * from pg_temp.ov() $$), 'not_staff', 'an outsider: not_staff');
select tests.authenticate_as('other_coach');
select throws_ok($$ select * from pg_temp.ov() $$, 'PT403', 'Only staff of the organization can do this.', 'another organization''s coach cannot read this one');
select is(tests.hint_of($$ select * from pg_temp.ov() $$), 'not_staff', 'another organization''s coach: not_staff');
select results_eq($$ select user_id, kpi_active_athletes, total from public.coach_overview(tests.get_organization_id('other-gym')) $$,
                  $$ values (null::uuid, 0, 0) $$, 'another organization''s coach reads their own (empty) organization: one row of zeros');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$, '42501',
                 'permission denied for function coach_overview', 'anon cannot call coach_overview');
select throws_ok($$ select * from private.coach_overview_for_staff(tests.get_organization_id('test-gym'), now(), 'name', null, null, 50, 0) $$, '42501',
                 null, 'nor its body');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: it is asked to sign in');
select is(tests.hint_of($$ select * from public.coach_overview(tests.get_organization_id('test-gym')) $$), 'not_authenticated', 'the service role: not_authenticated');

select * from finish();
rollback;
