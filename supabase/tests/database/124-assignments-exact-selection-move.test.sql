-- 124-assignments-exact-selection-move: migration 20261201000800_assignments. The bulk filter's cells and
-- ids keys touch exactly what was selected (a scattered selection is not widened to the
-- rectangle around it), with readable errors for malformed lists; move_assignment moves a cell
-- to another day for staff of its organization only, keeps completed cells where they were
-- done, moves a morning-of draft's drip time with it and tells the athlete's open screens.
begin;
select plan(28);

select tests.create_standard_actors();
select tests.use_ids();
update public.profiles set time_zone = 'Pacific/Auckland' where id = tests.get_user_id('member2');

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;

-- member: drafts on d+1, d+2, d+3, d+4; member2: drafts on d+1 and d+4
select tests.authenticate_as('coach');
insert into ids select 'm_' || g, (select id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')],
                                    current_date + g, 'workout', tests.id('fran'), null, 0, null, 'draft'))
  from generate_series(1, 4) g;
insert into ids select 'm2_' || g, (select id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')],
                                     current_date + g, 'workout', tests.id('fran'), null, 0, null, 'draft'))
  from unnest(array[1, 4]) g;

-- ============================ exact cells ==================================================
select is((select count from public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
             'cells', jsonb_build_array(jsonb_build_object('athlete_id', tests.get_user_id('member'), 'date', current_date + 1),
                                        jsonb_build_object('athlete_id', tests.get_user_id('member2'), 'date', current_date + 4))))),
          2, 'a scattered selection (member on day 1, member2 on day 4) previews exactly two cells, not the six in the rectangle around them');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
             'cells', jsonb_build_array(jsonb_build_object('athlete_id', tests.get_user_id('member'), 'date', current_date + 1),
                                        jsonb_build_object('athlete_id', tests.get_user_id('member2'), 'date', current_date + 4))))),
          2, 'publishing that selection publishes those two');
select results_eq($$ select published from public.workout_assignments where id in (tests.id('m_1'), tests.id('m2_4'), tests.id('m_2'), tests.id('m_4'), tests.id('m2_1'))
                     order by published desc, id $$,
                  $$ values (true), (true), (false), (false), (false) $$,
                  'the cells between them stay drafts');
select is((select count from public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
             'cells', jsonb_build_array(jsonb_build_object('athlete_id', tests.get_user_id('member'), 'date', current_date + 2))))), 1, 'deleting one selected day deletes that day only');
select is((select count(*)::int from public.workout_assignments where organization_id = tests.get_organization_id('test-gym') and deleted_at is null),
          5, 'five live cells remain');
select is((select count from public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
             'ids', jsonb_build_array(tests.id('m_3'), tests.id('m2_1')), 'athlete_ids', jsonb_build_array(tests.get_user_id('member'))))),
          1, 'ids combine with the other keys: two ids AND one athlete is one cell');
select is(tests.hint_of($$ select public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'cells', '[{"athlete_id": "x"}]'::jsonb)) $$),
          'invalid_filter', 'a cell without a date is refused');
select throws_ok($$ select public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'cells', '"yes"'::jsonb)) $$,
                 'PT422', 'cells must be a list of at most 5,000 {athlete_id, date} pairs.', 'cells that are not a list are refused with a readable message');
select throws_ok($$ select public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'ids', (select jsonb_agg(gen_random_uuid()) from generate_series(1, 5001)))) $$,
                 'PT422', 'ids must be a list of at most 5,000 assignment ids.', 'more than 5,000 ids are refused');
select is(tests.hint_of($$ select public.bulk_preview_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'ids', '["not-a-uuid"]'::jsonb)) $$),
          'invalid_filter', 'a malformed id is refused');
select is((select count from public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'cells', '[]'::jsonb))),
          0, 'an empty selection is a clean no-op');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'ids', jsonb_build_array(tests.id('m_3')))) $$),
          'not_staff', 'another organization''s coach cannot delete by id here');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.bulk_delete_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'), 'ids', jsonb_build_array(tests.id('m_3')))) $$),
          'not_staff', 'a member cannot delete by id');

-- ============================ move_assignment =============================================
select tests.authenticate_as('coach');
select is((public.move_assignment(tests.id('m_3'), current_date + 6)).date, current_date + 6, 'the coach moves a draft to another day');
select is((public.move_assignment(tests.id('m_3'), current_date + 6, 3)).sort_order, 3, 'and to another slot of that day');
select is((public.move_assignment(tests.id('m_3'), current_date + 6)).sort_order, 3, 'moving to where it is changes nothing');
-- a morning-of draft for member2 (Auckland)
insert into ids select 'drip', id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')],
  current_date + 5, 'workout', tests.id('fran'), null, 0, null, 'morning_of');
select is((public.move_assignment(tests.id('drip'), current_date + 8)).publish_at,
          ((current_date + 8) + time '05:00') at time zone 'Pacific/Auckland',
          'a morning-of draft drips at 05:00 of its new day in the athlete''s zone');
select tests.clear_authentication();
delete from realtime.messages;
select tests.authenticate_as('coach');
select is((public.move_assignment(tests.id('m_1'), current_date + 7)).date, current_date + 7, 'the coach moves a published cell');
select tests.clear_authentication();
select results_eq($$ select topic, event, (payload ->> 'from')::date, (payload ->> 'date')::date from realtime.messages where event = 'assignment_moved' $$,
                  $$ values ('user:' || tests.get_user_id('member'), 'assignment_moved', current_date + 1, current_date + 7) $$,
                  'the athlete''s open screens hear that it moved, from when to when');
select is((select count(*)::int from realtime.messages where event = 'assignment_moved'), 1, 'moving drafts told nobody');
select tests.authenticate_as('member');
select is((select count(*)::int from public.my_week(current_date + 7)), 1, 'the athlete finds it on its new day');

select tests.authenticate_as('coach');
select throws_ok($$ select public.move_assignment(tests.id('m_3'), current_date + 900) $$, 'PT422', null,
                 'a day beyond the range is refused');
select is(tests.hint_of($$ select public.move_assignment(tests.id('m_3'), null) $$), 'invalid_date', 'a move needs a day');
select is(tests.hint_of($$ select public.move_assignment(tests.id('m_3'), current_date, 100) $$), 'invalid_sort_order', 'slots are 0 to 99');
select tests.authenticate_as('member');
select public.complete_assignment(tests.id('m_1'));
select tests.authenticate_as('coach');
select throws_ok($$ select public.move_assignment(tests.id('m_1'), current_date + 2) $$, 'PT409',
                 'A completed workout stays on the day it was done; reopen it first.', 'a completed workout is not moved');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.move_assignment(tests.id('m_4'), current_date + 2) $$), 'assignment_not_found',
          'the athlete cannot move their own cell: it reads as not found');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.move_assignment(tests.id('m_4'), current_date + 2) $$), 'assignment_not_found',
          'another organization''s coach cannot move it either');
select tests.authenticate_as_anon();
select throws_ok($$ select public.move_assignment(tests.id('m_4'), current_date + 2) $$, '42501',
                 'permission denied for function move_assignment', 'anon cannot call it');

select * from finish();
rollback;
