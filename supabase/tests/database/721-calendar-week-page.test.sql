-- 721-calendar-week-page: coach_calendar_week gives the week grid's page of athletes with their
-- cells in one call: everyone by name (with a null cell for an athlete without any), paged and
-- searched; with a program, its enrolled athletes and holders of its cells, showing its cells and
-- the ad-hoc cells of its enrolled athletes; staff only.
begin;
select plan(24);

select tests.create_standard_actors();
select tests.create_user('member3');
select tests.add_member(tests.get_organization_id('test-gym'), 'member3');
update public.profiles set display_name = d.name
  from (values ('member', 'Ann'), ('member2', 'Bob'), ('member3', 'Cy_x')) d (who, name)
 where id = tests.get_user_id(d.who);
select tests.use_ids();
grant execute on all functions in schema pg_temp to public;
-- Monday of some week, far from today so nothing else lands there
create function pg_temp.wk() returns date language sql as $f$ select date_trunc('week', current_date + 70)::date $f$;
create function pg_temp.grid(p_program uuid default null, p_search text default null, p_offset int default 0, p_limit int default 51)
returns table (who text, title text, day int) language sql as $f$
  select p.display_name, g.title, (g.cell).date - pg_temp.wk()
    from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk(), p_program, p_search, p_offset, p_limit) g
    join public.profiles p on p.id = g.user_id
$f$;

select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Fran', null,
  '[{"title": "Main", "movements": [{"name": "Thruster", "reps": 21}]}]'::jsonb);
with x as (insert into public.programs (organization_id, name, mode)
           values (tests.get_organization_id('test-gym'), 'Strength', 'coaching') returning id)
insert into ids select 'prog', id from x;
insert into public.program_enrollments (program_id, user_id) values (tests.id('prog'), tests.get_user_id('member'));
-- Ann: a program cell on day 0 and an ad-hoc draft on day 2; Bob: a program cell on day 1 (not
-- enrolled); Cy: nothing that week; someone else's organization: a cell the grid never shows.
select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  pg_temp.wk(), 'workout', tests.id('w'), p_program_id => tests.id('prog'));
select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
  pg_temp.wk() + 2, 'note', p_note => 'Sleep well', p_mode => 'draft');
select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')],
  pg_temp.wk() + 1, 'workout', tests.id('w'), p_program_id => tests.id('prog'));
insert into ids select 'gone', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member3')], pg_temp.wk() + 3, 'workout', tests.id('w'));
select public.delete_assignment(tests.id('gone'));
select public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member3')],
  pg_temp.wk() + 8, 'rest');

-- ============================ everyone =====================================================
select results_eq($$ select who, title, day from pg_temp.grid() $$,
                  $$ values ('Ann', 'Fran', 0), ('Ann', null, 2), ('Bob', 'Fran', 1), ('Cy_x', null::text, null::int) $$,
                  'every athlete by name, each cell of the week by day (drafts included, a note has no title), a null cell for none');
select is((select count(*)::int from pg_temp.grid() where day = 3), 0, 'a removed cell is not on the grid');
select is((select count(*)::int from pg_temp.grid() where day = 8), 0, 'nor is a cell of the next week');
select ok(not exists (select 1 from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) g
                       where g.user_id in (tests.get_user_id('coach'), tests.get_user_id('owner'), tests.get_user_id('admin'))),
          'staff are not rows of the grid');
select is((select (g.cell).published from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) g
            where (g.cell).kind = 'note'), false, 'a cell comes as its whole row (here a draft)');

-- ============================ paging and search ============================================
select results_eq($$ select distinct who from pg_temp.grid(p_limit => 2) order by 1 $$, $$ values ('Ann'), ('Bob') $$,
                  'a page holds p_limit athletes');
select results_eq($$ select distinct who from pg_temp.grid(p_offset => 2, p_limit => 2) $$, $$ values ('Cy_x') $$,
                  'the next page starts after them');
select results_eq($$ select distinct who from pg_temp.grid(p_search => 'b') $$, $$ values ('Bob') $$,
                  'the search keeps names holding the text, in any case');
select results_eq($$ select distinct who from pg_temp.grid(p_search => '_') $$, $$ values ('Cy_x') $$,
                  'an underscore matches itself, not any character');
select is((select count(*)::int from pg_temp.grid(p_search => '%')), 0, 'and so does a percent sign');

-- ============================ a program ====================================================
select results_eq($$ select who, title, day from pg_temp.grid(tests.id('prog')) $$,
                  $$ values ('Ann', 'Fran', 0), ('Ann', null, 2), ('Bob', 'Fran', 1) $$,
                  'a program: its enrolled athletes (with their ad-hoc cells) and whoever holds its cells that week');

-- ============================ who may read =================================================
select tests.authenticate_as('owner');
select is((select count(distinct user_id)::int from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk())), 3,
          'the owner reads the grid');
select tests.authenticate_as('admin');
select is((select count(distinct user_id)::int from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk())), 3,
          'an admin reads the grid');
select tests.authenticate_as('member');
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 'PT403', 'Only staff of the organization can do this.', 'an athlete cannot read the grid');
select tests.authenticate_as('member2');
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 'PT403', 'Only staff of the organization can do this.', 'nor can another athlete');
select tests.authenticate_as('outsider');
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 'PT403', 'Only staff of the organization can do this.', 'nor an outsider');
select tests.authenticate_as('other_coach');
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 'PT403', 'Only staff of the organization can do this.', 'nor another organization''s coach');
select is((select count(*)::int from public.coach_calendar_week(tests.get_organization_id('other-gym'), pg_temp.wk())), 0,
          'who reads their own organization''s empty grid');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 '42501', 'permission denied for function coach_calendar_week', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), pg_temp.wk()) $$,
                 'PT403', 'Sign in first.', 'the service role is no person: it is asked to sign in');

-- ============================ bad input ====================================================
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), null) $$),
          'invalid_week', 'a week is required');
select is(tests.hint_of($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), current_date, p_limit => 0) $$),
          'invalid_limit', 'a page holds at least one athlete');
select is(tests.hint_of($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), current_date, p_offset => -1) $$),
          'invalid_offset', 'the offset cannot be negative');
select is(tests.hint_of(format($$ select * from public.coach_calendar_week(tests.get_organization_id('test-gym'), current_date, p_search => %L) $$, repeat('x', 101))),
          'invalid_search', 'a search is at most 100 characters');

select * from finish();
rollback;
