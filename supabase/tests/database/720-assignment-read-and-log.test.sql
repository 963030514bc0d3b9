-- 720-assignment-read-and-log: get_assignment (checked once, typed row) shows a cell and its
-- frozen workout to whoever may read the cell and to nobody else; log_workout_result logs the
-- caller's result on a cell they may read, completes it, and refuses everything else with the
-- errors the page shows.
begin;
select plan(39);

select tests.create_standard_actors();
select tests.use_ids();
grant execute on all functions in schema pg_temp to public;

select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Fran', null,
  '[{"title": "Warm-up", "movements": [{"name": "Row", "distance_meters": 500}]},
    {"title": "Main", "movements": [{"name": "Thruster", "reps": 21, "load": 43, "load_unit": "kg"},
                                    {"name": "Pull-up", "reps": 21}]}]'::jsonb);
insert into ids select 'pub', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date, 'workout', tests.id('w'));
insert into ids select 'draft', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('w'), p_mode => 'draft');
insert into ids select 'rest', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 2, 'rest');
insert into ids select 'gone', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 3, 'workout', tests.id('w'));
select public.delete_assignment(tests.id('gone'));
insert into ids select 'other', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member2')], current_date, 'workout', tests.id('w'));

-- ============================ get_assignment: allowed ======================================
select tests.authenticate_as('member');
select is((select (g.assignment).id from public.get_assignment(tests.id('pub')) g), tests.id('pub'),
          'the athlete reads their published cell');
select is((select (g.workout).title from public.get_assignment(tests.id('pub')) g), 'Fran',
          'with the title of the workout it shows');
select results_eq($$ select s.title from public.get_assignment(tests.id('pub')) g, unnest(g.sections) s $$,
                  $$ values ('Warm-up'), ('Main') $$, 'its sections come in their order');
select results_eq($$ select m.name from public.get_assignment(tests.id('pub')) g, unnest(g.movements) m $$,
                  $$ values ('Row'), ('Thruster'), ('Pull-up') $$, 'its movements come by section, then position');
select is((select (g.movements[2]).reps from public.get_assignment(tests.id('pub')) g), 21,
          'a movement carries its prescription');
select ok((select bool_and(m.workout_id = (g.workout).id) from public.get_assignment(tests.id('pub')) g, unnest(g.movements) m),
          'every movement belongs to the workout shown');
select tests.authenticate_as('coach');
select is((select (g.assignment).status::text from public.get_assignment(tests.id('draft')) g), 'assigned',
          'the coach reads a draft');
select is((select (g.workout).title from public.get_assignment(tests.id('gone')) g), 'Fran',
          'staff read a removed cell (the page says it was removed)');
select is((select (g.workout).id from public.get_assignment(tests.id('rest')) g), null,
          'a rest day has no workout');
select is((select cardinality(g.sections) from public.get_assignment(tests.id('rest')) g), 0,
          'nor sections');
select tests.authenticate_as('owner');
select is((select (g.assignment).user_id from public.get_assignment(tests.id('pub')) g), tests.get_user_id('member'),
          'the owner reads the cell');
select tests.authenticate_as('admin');
select is((select (g.workout).title from public.get_assignment(tests.id('pub')) g), 'Fran', 'and so does an admin');

-- ============================ get_assignment: denied =======================================
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.get_assignment(tests.id('draft')) $$), 'assignment_not_found',
          'a draft is invisible to its athlete');
select is(tests.hint_of($$ select public.get_assignment(tests.id('gone')) $$), 'assignment_not_found',
          'a removed cell is invisible to its athlete');
select is(tests.hint_of($$ select public.get_assignment(tests.id('other')) $$), 'assignment_not_found',
          'a member cannot read another member''s cell');
select is(tests.hint_of($$ select public.get_assignment(gen_random_uuid()) $$), 'assignment_not_found',
          'a cell that does not exist reads the same');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.get_assignment(tests.id('pub')) $$), 'assignment_not_found',
          'an outsider cannot read it');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.get_assignment(tests.id('pub')) $$), 'assignment_not_found',
          'another organization''s coach cannot read it');
select tests.authenticate_as_anon();
select throws_ok($$ select public.get_assignment(tests.id('pub')) $$, '42501',
                 'permission denied for function get_assignment', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.get_assignment(tests.id('pub')) $$, 'PT403', 'Sign in first.',
                 'the service role is no person: it is asked to sign in');
-- An athlete who left the organization no longer reads their cells.
select tests.clear_authentication();
update public.memberships set status = 'removed', removed_at = now()
 where user_id = tests.get_user_id('member2') and organization_id = tests.get_organization_id('test-gym');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.get_assignment(tests.id('other')) $$), 'assignment_not_found',
          'a removed member cannot read their old cell');

-- ============================ log_workout_result: allowed ==================================
select tests.authenticate_as('member');
select ok(public.log_workout_result(tests.id('pub'), '12:00', 'Felt good.', 7) is not null,
          'the athlete logs a result on their published cell');
select is((select (g.assignment).status::text from public.get_assignment(tests.id('pub')) g), 'completed',
          'which completes the cell');
select results_eq($$ select r.user_id, r.organization_id, r.workout_id, r.score, r.rpe from public.workout_results r
                      where r.workout_assignment_id = tests.id('pub') $$,
                  $$ select tests.get_user_id('member'), tests.get_organization_id('test-gym'), tests.id('w'),
                            '12:00'::text, 7 $$,
                  'the result is the caller''s, in the cell''s organization, for the workout the cell showed');
insert into ids values ('client', gen_random_uuid());
select is(public.log_workout_result(tests.id('pub'), p_score => '11:30', p_id => tests.id('client')), tests.id('client'),
          'a client-chosen id is kept');
select is(public.log_workout_result(tests.id('pub'), p_score => '11:30', p_id => tests.id('client')), tests.id('client'),
          'and sent again');
select is((select count(*)::int from public.workout_results r where r.id = tests.id('client')), 1,
          'is stored once');
select is((select count(*)::int from public.workout_results r where r.workout_assignment_id = tests.id('pub')), 2,
          'the athlete''s results on the cell: the first and the replayed one');
select is(public.log_workout_result(tests.id('pub'),
            p_movement_results => jsonb_build_array(jsonb_build_object(
              'movement_id', (select (g.movements[2]).id from public.get_assignment(tests.id('pub')) g),
              'set_results', jsonb_build_array(jsonb_build_object('reps', 21, 'load', 45))))) is not null, true,
          'a result per set of a movement of the workout is logged');

-- ============================ log_workout_result: denied ===================================
select is(tests.hint_of($$ select public.log_workout_result(tests.id('draft'), '10:00') $$), 'assignment_not_found',
          'an athlete cannot log on a draft');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('other'), '10:00') $$), 'assignment_not_found',
          'nor on another member''s cell');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('pub'), '10:00', p_organization_slug => 'other-gym') $$),
          'assignment_not_found', 'nor from a page of another organization');
select ok(public.log_workout_result(tests.id('pub'), '10:00', p_organization_slug => 'test-gym') is not null,
          'from a page of the cell''s own organization it is logged');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('pub'),
            p_movement_results => jsonb_build_array(jsonb_build_object('movement_id', gen_random_uuid(),
              'set_results', jsonb_build_array(jsonb_build_object('reps', 5))))) $$),
          'movement_not_in_workout', 'a movement of another workout is refused by the table''s check');
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('rest'), '10:00') $$), 'not_a_workout',
          'a rest day takes no result');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('pub'), '10:00') $$), 'assignment_mismatch',
          'staff cannot log their own result on an athlete''s cell');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('pub'), '10:00') $$), 'assignment_not_found',
          'an outsider cannot log on it');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.log_workout_result(tests.id('pub'), '10:00') $$), 'assignment_not_found',
          'nor can another organization''s coach');
select tests.authenticate_as_anon();
select throws_ok($$ select public.log_workout_result(tests.id('pub'), '10:00') $$, '42501',
                 'permission denied for function log_workout_result', 'anon cannot call it');

select * from finish();
rollback;
