-- 503-skip-reason-optional: an athlete skips their own published cell with or without a reason
-- (blank and null mean none); a reason, when given, is kept and shown; nobody else can skip it.
begin;
select plan(12);

select tests.create_standard_actors();
select tests.use_ids();
grant execute on all functions in schema pg_temp to public;

select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Run', null,
  '[{"title": "Main", "movements": [{"name": "Run", "distance_meters": 5000}]}]'::jsonb);
insert into ids select 'd' || (row_number() over ())::text, id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date, 'workout', tests.id('w'));
insert into ids select 'e' || (row_number() over ())::text, id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('w'));
insert into ids select 'f' || (row_number() over ())::text, id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 2, 'workout', tests.id('w'));
insert into ids select 'g' || (row_number() over ())::text, id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member')], current_date + 3, 'workout', tests.id('w'));

-- ============================ allowed ======================================================
select tests.authenticate_as('member');
select results_eq($$ select status::text, skip_reason from public.skip_assignment(tests.id('d1'), '') $$,
                  $$ values ('skipped', null::text) $$, 'an empty reason skips the cell with no reason');
select results_eq($$ select status::text, skip_reason from public.skip_assignment(tests.id('e1'), null) $$,
                  $$ values ('skipped', null::text) $$, 'a null reason skips it too');
select results_eq($$ select status::text, skip_reason from public.skip_assignment(tests.id('f1')) $$,
                  $$ values ('skipped', null::text) $$, 'and so does leaving the reason out');
select results_eq($$ select status::text, skip_reason from public.skip_assignment(tests.id('g1'), '  Knee sore  ') $$,
                  $$ values ('skipped', 'Knee sore') $$, 'a given reason is kept, trimmed');
select is((select (g.assignment).skip_reason from public.get_assignment(tests.id('g1')) g), 'Knee sore', 'the athlete reads the reason back');
select tests.authenticate_as('coach');
select is((select (g.assignment).skip_reason from public.get_assignment(tests.id('g1')) g), 'Knee sore', 'the coach sees the reason');
select is((select (g.assignment).status::text from public.get_assignment(tests.id('d1')) g), 'skipped', 'the coach sees the reasonless skip as skipped');

-- ============================ denied =======================================================
select tests.authenticate_as('member');
select public.reopen_assignment(tests.id('d1'));
select is(tests.hint_of(format($$ select public.skip_assignment(%L, %L) $$, tests.id('d1'), repeat('x', 501))),
          'skip_reason_too_long', 'a reason over 500 characters is refused');
select tests.authenticate_as('member2');
select is(tests.hint_of(format($$ select public.skip_assignment(%L, '') $$, tests.id('d1'))), 'assignment_not_found',
          'another member cannot skip the athlete''s cell');
select tests.authenticate_as('coach');
select is(tests.hint_of(format($$ select public.skip_assignment(%L) $$, tests.id('d1'))), 'not_your_assignment',
          'the coach cannot skip for the athlete');
select tests.authenticate_as('other_coach');
select is(tests.hint_of(format($$ select public.skip_assignment(%L) $$, tests.id('d1'))), 'assignment_not_found',
          'another organization''s coach cannot see it to skip it');
select tests.authenticate_as_anon();
select throws_ok(format($$ select public.skip_assignment(%L) $$, tests.id('d1')), '42501', null, 'anon cannot skip');

select * from finish();
rollback;
