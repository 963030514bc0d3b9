-- 100-assignments-tables: workout_assignments (one dated cell on an athlete's calendar: a
-- workout, a rest day or a note) and workout_feed_posts (one broadcast of a workout to a
-- feed-mode program, seen by its members once publish_at has passed), their constraints and triggers, and RLS from both sides for every actor (owner, coach,
-- member, member2, outsider, other_coach, anon, service_role), including plain REST-style inserts.
begin;
select plan(44);

select tests.create_standard_actors();
select tests.use_ids();


-- fixtures (as postgres)
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('other-gym'), 'Other Fran', tests.get_user_id('other_coach')) returning id)
insert into ids select 'other_fran', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'coaching', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Feed', 'feed') returning id)
insert into ids select 'feed', id from x;
insert into public.program_enrollments (program_id, user_id) values ((select id from ids where name = 'feed'), tests.get_user_id('member'));

-- structure
select has_table('public', 'workout_assignments', 'workout_assignments exists');
select has_table('public', 'workout_feed_posts', 'workout_feed_posts exists');
select has_index('public', 'workout_assignments', 'workout_assignments_user_date_idx', 'seed index user_date exists');
select has_index('public', 'workout_assignments', 'workout_assignments_program_date_idx', 'seed index program_date exists');
select has_index('public', 'workout_assignments', 'workout_assignments_org_date_idx', 'seed index org_date exists');
select has_index('public', 'workout_assignments', 'workout_assignments_workout_id_idx', 'seed index workout_id exists');
select has_index('public', 'workout_assignments', 'workout_assignments_snapshot_workout_id_idx', 'seed index snapshot_workout_id exists');
select has_index('public', 'workout_assignments', 'workout_assignments_user_status_date_idx', 'seed index user_status_date exists');
select col_default_is('public', 'workout_assignments', 'kind', 'workout'::public.assignment_kind, 'kind defaults to workout');
select col_default_is('public', 'workout_assignments', 'status', 'assigned'::public.assignment_status, 'status defaults to assigned');
select col_default_is('public', 'workout_assignments', 'published', false, 'published defaults to false');
select enum_has_labels('public', 'assignment_status', array['assigned', 'completed', 'skipped'], 'assignment_status is assigned/completed/skipped');
select fk_ok('public', 'workout_results', 'workout_assignment_id', 'public', 'workout_assignments', 'id',
             'workout_results.workout_assignment_id references workout_assignments');

-- staff: plain inserts (what the REST API runs), with every rule enforced
select tests.authenticate_as('coach');
select lives_ok($$ insert into public.workout_assignments (organization_id, user_id, workout_id, date, published)
                   values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'fran'), current_date, true) $$,
                'a coach assigns a published workout with a plain insert');
insert into ids select 'published', id from public.workout_assignments where published;
select is((select snapshot_workout_id = workout_id and assigned_by = tests.get_user_id('coach') from public.workout_assignments where id = (select id from ids where name = 'published')),
          true, 'the snapshot pointer starts at the library workout and assigned_by is the caller');
with x as (insert into public.workout_assignments (organization_id, user_id, workout_id, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'fran'), current_date + 1) returning id)
insert into ids select 'draft', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, workout_id, date, published) values (tests.get_organization_id('test-gym'), tests.get_user_id('member2'), (select id from ids where name = 'fran'), current_date, true) returning id)
insert into ids select 'member2_row', id from x;
select throws_ok($$ insert into public.workout_assignments (organization_id, user_id, workout_id, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'other_fran'), current_date) $$,
                 'PT422', 'The workout is not in this organization''s library.', 'a workout of another organization is refused');
select throws_ok($$ insert into public.workout_assignments (organization_id, user_id, workout_id, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('outsider'), (select id from ids where name = 'fran'), current_date) $$,
                 'PT422', 'Workouts can only be assigned to active members of the organization.', 'an athlete outside the organization is refused');
select is(tests.hint_of($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'note', current_date) $$),
          'note_required', 'a note cell without a note is refused (note_required)');
select is(tests.hint_of($$ insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', (select id from ids where name = 'fran'), current_date) $$),
          'workout_not_allowed', 'a rest cell with a workout is refused (workout_not_allowed)');
select is(tests.hint_of($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', current_date) $$),
          'workout_required', 'a workout cell without a workout is refused (workout_required)');
select is(tests.hint_of($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', current_date + 800) $$),
          'date_out_of_range', 'a date more than two years away is refused (date_out_of_range)');
select throws_ok($$ update public.workout_assignments set user_id = tests.get_user_id('member2') where id = (select id from ids where name = 'draft') $$,
                 'PT422', 'An assignment cannot move to another athlete or organization: delete it and assign again.', 'an assignment cannot change athlete');
select lives_ok($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', current_date + 2) $$,
                'a rest cell needs no payload');
select throws_ok($$ delete from public.workout_assignments where id = (select id from ids where name = 'draft') $$,
                 '42501', 'permission denied for table workout_assignments', 'nobody hard-deletes assignments (soft delete only)');
select is((select count(*)::int from public.workout_assignments), 4, 'the coach sees every row of the organization, drafts included');

-- the owner is staff too
select tests.authenticate_as('owner');
select is((select count(*)::int from public.workout_assignments), 4, 'the owner sees every row of the organization');

-- the athlete: own published rows only, no writes
select tests.authenticate_as('member');
select results_eq($$ select id from public.workout_assignments $$, $$ select id from ids where name = 'published' $$,
                  'the athlete sees only their own published row (not the draft, not member2''s)');
select throws_ok($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', current_date) $$,
                 '42501', 'new row violates row-level security policy for table "workout_assignments"', 'an athlete cannot create assignments');
update public.workout_assignments set note = 'hacked', kind = 'note', workout_id = null, snapshot_workout_id = null where id = (select id from ids where name = 'published');
select is((select kind::text from public.workout_assignments where id = (select id from ids where name = 'published')), 'workout', 'an athlete cannot rewrite their assignment by update');
select ok((select count(*) = 1 from public.workouts where id = (select id from ids where name = 'fran')), 'the athlete can read the workout assigned to them');

select tests.authenticate_as('member2');
select results_eq($$ select id from public.workout_assignments $$, $$ select id from ids where name = 'member2_row' $$,
                  'another member sees only their own row');

select tests.authenticate_as('outsider');
select is_empty($$ select 1 from public.workout_assignments $$, 'an outsider sees no assignments');

select tests.authenticate_as('other_coach');
select is_empty($$ select 1 from public.workout_assignments $$, 'another organization''s coach sees no assignments');
select throws_ok($$ insert into public.workout_assignments (organization_id, user_id, kind, date) values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', current_date) $$,
                 '42501', 'new row violates row-level security policy for table "workout_assignments"', 'another organization''s coach cannot assign here');
update public.workout_assignments set deleted_at = now() where id = (select id from ids where name = 'draft');

select tests.authenticate_as_anon();
select throws_ok($$ select 1 from public.workout_assignments $$, '42501', 'permission denied for table workout_assignments', 'anon cannot read assignments');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workout_assignments), 4, 'the service role sees every row');

select tests.clear_authentication();
select is((select deleted_at from public.workout_assignments where id = (select id from ids where name = 'draft')), null, 'another organization''s coach could not soft-delete');
select is((select count(*)::int from public.notification_outbox where user_id = tests.get_user_id('member') and category = 'workoutAssigned'),
          1, 'the published insert queued one workoutAssigned push for the athlete, the draft none');

-- feed posts
select tests.authenticate_as('coach');
select throws_ok($$ insert into public.workout_feed_posts (program_id, workout_id) values ((select id from ids where name = 'coaching'), (select id from ids where name = 'fran')) $$,
                 'PT422', 'Feed posts go to feed-mode programs only.', 'feed posts go to feed programs only');
select lives_ok($$ insert into public.workout_feed_posts (program_id, workout_id, publish_at) values ((select id from ids where name = 'feed'), (select id from ids where name = 'fran'), now() - interval '1 hour'),
                                                                                                      ((select id from ids where name = 'feed'), (select id from ids where name = 'fran'), now() + interval '1 day') $$,
                'a coach posts to a feed program (one live, one future)');
select tests.authenticate_as('member');
select is((select count(*)::int from public.workout_feed_posts), 1, 'an enrolled member sees the live post only');
select tests.authenticate_as('member2');
select is_empty($$ select 1 from public.workout_feed_posts $$, 'a member not enrolled sees no feed posts');
select throws_ok($$ insert into public.workout_feed_posts (program_id, workout_id) values ((select id from ids where name = 'feed'), (select id from ids where name = 'fran')) $$,
                 '42501', 'new row violates row-level security policy for table "workout_feed_posts"', 'members cannot post to feeds');
select tests.authenticate_as('other_coach');
select is_empty($$ select 1 from public.workout_feed_posts $$, 'another organization''s coach sees no feed posts');

select * from finish();
rollback;
