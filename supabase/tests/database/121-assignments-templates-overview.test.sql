-- 121-assignments-templates-overview: apply_program_template (drafts in pointer state by
-- default; with p_publish, published rows with workoutAssigned pushes and broadcasts) and
-- coach_overview (KPIs, roster, 7-day sparklines and the four traffic lights) on a small
-- arranged data set with a frozen p_as_of; both from both sides for every actor.
begin;
select plan(42);

select tests.create_standard_actors();
select tests.use_ids();
create temp table got (name text primary key, val jsonb);
grant all on got to public;

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'coaching', id from x;
with x as (insert into public.program_templates (organization_id, program_id, name, length_days) values (tests.get_organization_id('test-gym'), tests.id('coaching'), 'Base week', 3) returning id)
insert into ids select 'template', id from x;
insert into public.program_template_cells (template_id, organization_id, day_offset, sort_order, kind, workout_id, note) values
  (tests.id('template'), tests.get_organization_id('test-gym'), 0, 0, 'workout', tests.id('fran'), null),
  (tests.id('template'), tests.get_organization_id('test-gym'), 1, 0, 'rest', null, null),
  (tests.id('template'), tests.get_organization_id('test-gym'), 2, 0, 'note', null, 'Mobility 20 min');

-- ============================ apply_program_template: drafts ==============================
select tests.authenticate_as('coach');
select is((select count(*)::int from public.apply_program_template(tests.id('template'),
             array[tests.get_user_id('member'), tests.get_user_id('member2')], current_date + 7)),
          6, 'a coach applies a three-cell template to two athletes: six cells');
select is((select count(*)::int from public.workout_assignments
            where date between current_date + 7 and current_date + 9 and not published and publish_at is null),
          6, 'by default every cell is a draft with no publish time');
select is((select bool_and(workout_id = snapshot_workout_id) from public.workout_assignments where kind = 'workout'),
          true, 'workout cells are in pointer state: snapshot_workout_id = workout_id');
select results_eq($$ select kind::text, date - current_date, program_id, coalesce(note, '') from public.workout_assignments
                      where user_id = tests.get_user_id('member') order by date $$,
                  $$ values ('workout', 7, tests.id('coaching'), ''), ('rest', 8, tests.id('coaching'), ''),
                            ('note', 9, tests.id('coaching'), 'Mobility 20 min') $$,
                  'cells land at start + day offset, with the template''s program and note');
select is((select count(*)::int from public.workout_assignments where assigned_by = tests.get_user_id('coach')), 6,
          'assigned_by is the coach who applied the template');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox where category = 'workoutAssigned' and user_id in (tests.get_user_id('member'), tests.get_user_id('member2'))), 0,
          'drafts queue no push');
select is((select count(*)::int from realtime.messages where event = 'assignment_published' and topic in ('user:' || tests.get_user_id('member'), 'user:' || tests.get_user_id('member2'))), 0,
          'drafts broadcast nothing');
select tests.authenticate_as('member');
select is_empty($$ select id from public.my_week(current_date + 7) $$, 'the athlete cannot see the drafts');

-- ============================ apply_program_template: publish at once =====================
select tests.authenticate_as('owner');
select is((select count(*)::int from public.apply_program_template(tests.id('template'),
             array[tests.get_user_id('member')], current_date + 14, true)),
          3, 'the owner applies and publishes at once');
select is((select count(*)::int from public.workout_assignments where date >= current_date + 14 and published and publish_at is not null),
          3, 'published cells carry a publish time');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox o
            where o.category = 'workoutAssigned' and o.user_id = tests.get_user_id('member')),
          1, 'the athlete gets ONE workoutAssigned push for the whole template, not one per cell');
select is((select jsonb_array_length(o.payload -> 'assignment_ids') from public.notification_outbox o
            where o.category = 'workoutAssigned' and o.user_id = tests.get_user_id('member')),
          3, 'it names the three published cells');
select ok((select o.payload ->> 'body' like '%Fran%' from public.notification_outbox o
            where o.category = 'workoutAssigned' and o.user_id = tests.get_user_id('member')),
          'the push lists the days with the workout''s title');
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.get_user_id('member') and event = 'assignment_published'),
          3, 'each published cell broadcast assignment_published on user:<athlete>');
select tests.authenticate_as('member');
select is((select count(*)::int from public.my_week(current_date + 14)), 3, 'the athlete sees the published cells in their week');

-- ============================ apply_program_template: denied ===============================
select tests.authenticate_as('coach');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('outsider')], current_date) $$,
                 'PT422', '1 of the chosen athletes are not active members of the organization.', 'an athlete outside the organization is refused');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[]::uuid[], current_date) $$,
                 'PT422', 'Choose at least one athlete.', 'applying needs athletes');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date + 729) $$,
                 'PT422', format('The date %s is out of range: assign within two years of today.', current_date + 731),
                 'a template whose last day falls beyond two years is refused');
select throws_ok($$ select public.apply_program_template(gen_random_uuid(), array[tests.get_user_id('member')], current_date) $$,
                 'PT404', 'Template not found.', 'an unknown template reads as not found');
select tests.authenticate_as('member');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 'PT404', 'Template not found.', 'a member cannot see or apply templates');
select tests.authenticate_as('member2');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 'PT404', 'Template not found.', 'another member cannot apply it to a peer');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 'PT404', 'Template not found.', 'an outsider cannot apply it');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 'PT404', 'Template not found.', 'another organization''s coach cannot apply it');
select tests.authenticate_as_anon();
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 '42501', 'permission denied for function apply_program_template', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.apply_program_template(tests.id('template'), array[tests.get_user_id('member')], current_date) $$,
                 'PT403', 'Sign in first.', 'the service role is no person: it is asked to sign in');
select tests.clear_authentication();
select is((select count(*)::int from public.workout_assignments where organization_id = tests.get_organization_id('test-gym')), 9, 'no refused call wrote a cell');

-- ============================ coach_overview ===============================================
-- A fresh arrangement: the template cells go, and day d0 = current_date - 20 is "today" for a
-- frozen p_as_of of 12:00 London time on d0; the window is d0-6 .. d0.
--   member   4 workouts, all completed                                  -> on_track (100%)
--   member2  2 completed, 1 skipped, 1 open today (not due yet: 2 of 3) -> at_risk (50%)
--   late     1 completed, 2 open on earlier days                        -> overdue
--   almost   4 completed, 1 open yesterday (80%, one overdue)           -> overdue
--   quiet    nothing in the window                                      -> quiet
-- Not counted: a draft, a rest day, a deleted cell, a cell outside the window, other-gym rows.
update public.workout_assignments set deleted_at = now() where organization_id = tests.get_organization_id('test-gym');
select tests.create_user('late');
select tests.create_user('almost');
select tests.create_user('quiet');
select tests.add_member(tests.get_organization_id('test-gym'), 'late');
select tests.add_member(tests.get_organization_id('test-gym'), 'almost');
select tests.add_member(tests.get_organization_id('test-gym'), 'quiet');
update public.profiles set display_name = i from unnest(array['member', 'member2', 'late', 'almost', 'quiet']) i where id = tests.get_user_id(i);
create function pg_temp.cell(p_who text, p_day int, p_status public.assignment_status, p_published boolean default true,
                             p_kind public.assignment_kind default 'workout')
returns void language sql as $f$
  insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, status, skip_reason, assigned_by)
  values (tests.get_organization_id('test-gym'), tests.get_user_id(p_who), p_kind,
          case when p_kind = 'workout' then tests.id('fran') end, current_date - 20 + p_day, p_published, p_status,
          case when p_status = 'skipped' then 'Sick' end, tests.get_user_id('coach'))
$f$;
select pg_temp.cell('member', d, 'completed') from generate_series(-3, 0) d;
select pg_temp.cell('member2', -3, 'completed'), pg_temp.cell('member2', -2, 'completed'),
       pg_temp.cell('member2', -1, 'skipped'), pg_temp.cell('member2', 0, 'assigned');
select pg_temp.cell('late', -4, 'completed'), pg_temp.cell('late', -2, 'assigned'), pg_temp.cell('late', -1, 'assigned');
select pg_temp.cell('almost', d, 'completed') from generate_series(-6, -3) d;
select pg_temp.cell('almost', -1, 'assigned');
select pg_temp.cell('member', -1, 'assigned', false);
select pg_temp.cell('member', -2, 'assigned', true, 'rest');
select pg_temp.cell('quiet', -7, 'assigned');
select pg_temp.cell('quiet', 1, 'assigned');
select pg_temp.cell('quiet', -2, 'assigned');
update public.workout_assignments set deleted_at = now() where user_id = tests.get_user_id('quiet') and date = current_date - 22;

select tests.authenticate_as('coach');
-- the rows as the coach reads them, in the function's order (one per athlete of the page)
create temp table ov as
  select * from public.coach_overview(tests.get_organization_id('test-gym'),
    ((current_date - 20) + time '12:00') at time zone 'Europe/London') with ordinality;
select is((select as_of from ov where ordinality = 1), ((current_date - 20) + time '12:00') at time zone 'Europe/London',
          'the overview says what time it is as of');
select results_eq($$ select distinct window_from, window_to from ov $$,
                  $$ values (current_date - 26, current_date - 20) $$,
                  'the window is the 7 days ending today in the organization''s zone');
select results_eq($$ select distinct kpi_active_athletes, kpi_planned, kpi_completed, kpi_skipped, kpi_overdue,
                                     kpi_overdue_athletes, kpi_compliance_pct from ov $$,
                  $$ values (5, 16, 11, 1, 3, 2, 69) $$,
                  'KPIs (the same on every row): five athletes, 16 planned, 11 completed, 1 skipped, 3 overdue workouts of 2 athletes, 69% compliance');
select results_eq($$ select display_name, status::text, compliance_pct, overdue from ov order by ordinality $$,
                  $$ values ('almost', 'overdue', 80, 1), ('late', 'overdue', 33, 2), ('member', 'on_track', 100, 0),
                            ('member2', 'at_risk', 50, 0), ('quiet', 'quiet', null::int, 0) $$,
                  'the roster rates each athlete: any overdue cell is overdue, under 70% of the due cells is at_risk, nothing planned is quiet');
select is((select jsonb_path_query_array(sparkline, '$[*].planned') from ov where display_name = 'member2'),
          '[0, 0, 0, 1, 1, 1, 1]'::jsonb, 'the sparkline has one entry per day, oldest first, with the planned count');
select is((select sparkline -> 5 from ov where display_name = 'member2'),
          jsonb_build_object('date', current_date - 21, 'planned', 1, 'completed', 0, 'skipped', 1),
          'the sparkline separates completed from skipped');
select is((select last_completed_at is not null from ov where display_name = 'member'),
          true, 'the roster shows when the athlete last completed something');
select tests.authenticate_as('owner');
select is((select kpi_planned from public.coach_overview(tests.get_organization_id('test-gym'), ((current_date - 20) + time '12:00') at time zone 'Europe/London') limit 1),
          16, 'the owner reads the same overview');
select is((select kpi_planned from public.coach_overview(tests.get_organization_id('test-gym'), ((current_date - 25) + time '12:00') at time zone 'Europe/London') limit 1),
          3, 'moving p_as_of back moves the window');

select tests.authenticate_as('member');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'a member cannot read the overview');
select tests.authenticate_as('member2');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'another member cannot read it either');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'an outsider cannot read the overview');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'another organization''s coach cannot read this overview');
select is((select kpi_active_athletes from public.coach_overview(tests.get_organization_id('other-gym'))), 0,
          'another organization''s coach sees only their own (empty) organization');
select tests.authenticate_as_anon();
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, '42501',
                 'permission denied for function coach_overview', 'anon cannot call coach_overview');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.coach_overview(tests.get_organization_id('test-gym')) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: it is asked to sign in');

select * from finish();
rollback;
