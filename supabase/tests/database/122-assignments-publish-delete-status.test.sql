-- 122-assignments-publish-delete-status: set_assignments_published (publish / unpublish a list,
-- one audit row per batch, pushes and the realtime broadcast on user:<athlete>),
-- delete_assignment (soft delete, audited with the actor, idempotent) and the status guard of
-- migration 20261201000800_assignments (status, completed_at and skip_reason change only through
-- complete/skip/reopen and auto-completion, never by a plain REST write); every actor.
begin;
select plan(54);

select tests.create_standard_actors();
select tests.use_ids();

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('other-gym'), 'Other', tests.get_user_id('other_coach')) returning id)
insert into ids select 'other_w', id from x;

select tests.authenticate_as('coach');
insert into ids select 'draft_a', id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date, 'workout', tests.id('fran'), null, 0, null, 'draft');
insert into ids select 'draft_b', id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date + 1, 'workout', tests.id('fran'), null, 0, null, 'draft');
insert into ids select 'draft_m2', id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member2')], current_date, 'note', null, 'Deload week', 0, null, 'draft');
select tests.authenticate_as('other_coach');
insert into ids select 'other_row', id from public.assign_personal(tests.get_organization_id('other-gym'), array[tests.get_user_id('other_coach')], current_date, 'workout', tests.id('other_w'), null, 0, null, 'draft');

-- ============================ realtime broadcast on publish ================================
select tests.clear_authentication();
select is_empty($$ select id from realtime.messages where event = 'assignment_published' and topic in ('user:' || tests.get_user_id('member'), 'user:' || tests.get_user_id('member2')) $$,
                'drafts broadcast nothing');
select tests.authenticate_as('coach');
insert into ids select 'live', id from public.assign_personal(tests.get_organization_id('test-gym'), array[tests.get_user_id('member')], current_date + 2, 'workout', tests.id('fran'));
select tests.clear_authentication();
select results_eq($$ select topic, event, private, (payload ->> 'assignment_id')::uuid, (payload ->> 'date')::date
                      from realtime.messages where event = 'assignment_published' and topic in ('user:' || tests.get_user_id('member'), 'user:' || tests.get_user_id('member2')) $$,
                  $$ values ('user:' || tests.get_user_id('member'), 'assignment_published', true, tests.id('live'), current_date + 2) $$,
                  'publishing an assignment writes one private realtime message on user:<athlete>, event assignment_published, naming the row and its date');

-- ============================ set_assignments_published: allowed ===========================
select tests.authenticate_as('coach');
select is(public.set_assignments_published(array[tests.id('draft_a'), tests.id('draft_b'), tests.id('draft_m2'), tests.id('draft_a')], true), 3,
          'a coach publishes three drafts (the repeated id counts once)');
select is((select count(*)::int from public.workout_assignments where id in (tests.id('draft_a'), tests.id('draft_b'), tests.id('draft_m2')) and published and publish_at is not null),
          3, 'they are published with a publish time');
select is((select count(*)::int from public.audit_logs where action = 'assignment.published' and actor_id = tests.get_user_id('coach')
              and (details -> 'ids') @> to_jsonb(array[tests.id('draft_a'), tests.id('draft_b'), tests.id('draft_m2')])
              and (details ->> 'count')::int = 3 and batch_id is not null),
          1, 'one audit row for the batch, with the actor, the batch id and the three ids');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox where category = 'workoutAssigned'
            and (payload ->> 'assignment_id')::uuid in (tests.id('draft_a'), tests.id('draft_b'), tests.id('draft_m2'))),
          1, 'the athlete who got one cell has one push for it');
select is((select payload -> 'assignment_ids' @> to_jsonb(array[tests.id('draft_a'), tests.id('draft_b')])
                  and (payload ->> 'count')::int = 2
             from public.notification_outbox where category = 'workoutAssigned' and user_id = tests.get_user_id('member')
              and payload ? 'assignment_ids'),
          true, 'the athlete who got two cells has ONE push naming both (not one buzz per cell)');
select is((select count(*)::int from realtime.messages where event = 'assignment_published'
            and topic = 'user:' || tests.get_user_id('member2') and (payload ->> 'assignment_id')::uuid = tests.id('draft_m2')),
          1, 'and broadcast to its own athlete''s topic');
select tests.authenticate_as('owner');
select is(public.set_assignments_published(array[tests.id('draft_a'), tests.id('live')], true), 0,
          're-publishing published rows is a clean no-op');
select is((select count(*)::int from public.audit_logs where action = 'assignment.published' and organization_id = tests.get_organization_id('test-gym')), 1, 'a no-op writes no audit row');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where event = 'assignment_published' and topic in ('user:' || tests.get_user_id('member'), 'user:' || tests.get_user_id('member2'))), 4, 'a no-op broadcasts nothing more');
select tests.authenticate_as('member');
select is((select count(*)::int from public.my_week(current_date)), 3, 'the athlete sees their published rows');
select tests.authenticate_as('owner');
select is(public.set_assignments_published(array[tests.id('draft_b')], false), 1, 'the owner unpublishes one row');
select is((select count(*)::int from public.audit_logs where action = 'assignment.unpublished' and actor_id = tests.get_user_id('owner')), 1,
          'unpublishing is audited with the actor');
select tests.authenticate_as('member');
select is_empty($$ select id from public.workout_assignments where id = tests.id('draft_b') $$, 'the athlete no longer sees the unpublished row');

-- ============================ set_assignments_published: denied ============================
select tests.authenticate_as('coach');
select throws_ok($$ select public.set_assignments_published(array[]::uuid[], true) $$, 'PT422',
                 'Choose some assignments and whether to publish them.', 'an empty list is refused');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], null) $$, 'PT422',
                 'Choose some assignments and whether to publish them.', 'publish must be true or false');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a'), gen_random_uuid()], true) $$, 'PT404',
                 'Some assignments were not found.', 'an unknown id fails the whole list');
select throws_ok($$ select public.set_assignments_published(array[tests.id('other_row')], true) $$, 'PT404',
                 'Some assignments were not found.', 'another organization''s row is invisible to the coach');
select tests.authenticate_as('member');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, 'PT403',
                 'Only staff of the organization can do this.', 'an athlete cannot unpublish their own row');
select tests.authenticate_as('member2');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, 'PT404',
                 'Some assignments were not found.', 'another member cannot even see the row');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, 'PT404',
                 'Some assignments were not found.', 'an outsider cannot touch it');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, 'PT404',
                 'Some assignments were not found.', 'another organization''s coach cannot touch it');
select tests.authenticate_as_anon();
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, '42501',
                 'permission denied for function set_assignments_published', 'anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.set_assignments_published(array[tests.id('draft_a')], false) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: it is asked to sign in');
select tests.clear_authentication();
select is((select published from public.workout_assignments where id = tests.id('draft_a')), true, 'no refused call unpublished the row');

-- ============================ delete_assignment ============================================
select tests.authenticate_as('member');
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, 'PT403',
                 'Only staff of the organization can do this.', 'an athlete cannot delete their own assignment');
select tests.authenticate_as('member2');
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, 'PT404',
                 'Assignment not found.', 'another member cannot delete it (it is invisible to them)');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, 'PT404',
                 'Assignment not found.', 'an outsider cannot delete it');
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, 'PT404',
                 'Assignment not found.', 'another organization''s coach cannot delete it');
select tests.authenticate_as_anon();
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, '42501',
                 'permission denied for function delete_assignment', 'anon cannot call delete_assignment');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.delete_assignment(tests.id('draft_a')) $$, 'PT403',
                 'Sign in first.', 'the service role is no person: it is asked to sign in');
select tests.authenticate_as('coach');
select throws_ok($$ select public.delete_assignment(gen_random_uuid()) $$, 'PT404', 'Assignment not found.', 'an unknown id reads as not found');
select is((select deleted_at is not null from public.delete_assignment(tests.id('draft_a'))), true, 'a coach soft-deletes one assignment');
select is((select count(*)::int from public.audit_logs where action = 'assignment.deleted' and entity_id = tests.id('draft_a')
              and actor_id = tests.get_user_id('coach')),
          1, 'the delete is audited with the actor');
select is((select deleted_at from public.delete_assignment(tests.id('draft_a'))),
          (select deleted_at from public.workout_assignments where id = tests.id('draft_a')), 'deleting it again is a no-op');
select is((select count(*)::int from public.audit_logs where action = 'assignment.deleted' and organization_id = tests.get_organization_id('test-gym')), 1, 'the no-op writes no second audit row');
select tests.authenticate_as('owner');
select is((select deleted_at is not null from public.delete_assignment(tests.id('draft_m2'))), true, 'the owner deletes too');
select tests.authenticate_as('member');
select is_empty($$ select id from public.workout_assignments where id = tests.id('draft_a') $$, 'the athlete no longer sees a deleted row');
select throws_ok($$ select public.complete_assignment(tests.id('draft_a')) $$, 'PT404', 'Assignment not found.',
                 'a deleted assignment cannot be completed');
select tests.clear_authentication();
select is((select count(*)::int from public.workout_assignments where id = tests.id('draft_a')), 1, 'soft delete keeps the row');

-- ============================ status only through the functions ============================
select tests.authenticate_as('coach');
select throws_ok($$ update public.workout_assignments set status = 'completed' where id = tests.id('live') $$, 'PT403',
                 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.',
                 'staff cannot complete a cell with a plain update');
select throws_ok($$ update public.workout_assignments set status = 'skipped', skip_reason = 'Lazy' where id = tests.id('live') $$, 'PT403',
                 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.',
                 'staff cannot skip a cell with a plain update');
select throws_ok($$ insert into public.workout_assignments (organization_id, user_id, workout_id, date, status)
                    values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('fran'), current_date, 'completed') $$, 'PT403',
                 'A new assignment starts open: complete or skip it with complete_assignment or skip_assignment.',
                 'staff cannot insert an already completed cell');
select lives_ok($$ update public.workout_assignments set date = current_date + 3, note = 'Go heavy', sort_order = 1 where id = tests.id('live') $$,
                'staff still edit the prescription with a plain update');
select tests.authenticate_as('member');
select is((select status::text || ':' || (completed_at is not null)::text from public.complete_assignment(tests.id('live'))), 'completed:true',
          'the athlete completes through the function');
select tests.authenticate_as('coach');
select throws_ok($$ update public.workout_assignments set completed_at = now() - interval '1 day' where id = tests.id('live') $$, 'PT403',
                 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.',
                 'staff cannot backdate completed_at');
select throws_ok($$ update public.workout_assignments set status = 'assigned' where id = tests.id('live') $$, 'PT403',
                 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.',
                 'staff cannot reopen with a plain update');
select is((select status::text from public.reopen_assignment(tests.id('live'))), 'assigned', 'staff reopen through the function');
select tests.authenticate_as('member');
update public.workout_assignments set status = 'completed' where id = tests.id('live');
select is((select status::text from public.workout_assignments where id = tests.id('live')), 'assigned',
          'an athlete''s plain update changes nothing (no update policy)');
select is((select status::text from public.skip_assignment(tests.id('live'), 'Travelling')), 'skipped', 'the athlete skips through the function');
select lives_ok($$ insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score)
                   values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.id('fran'), tests.id('live'), '3:59') $$,
                'the athlete logs a result against the skipped cell');
select is((select status::text || ':' || (skip_reason is null)::text from public.workout_assignments where id = tests.id('live')), 'completed:true',
          'auto-completion by a result still moves the cell to completed');
select tests.authenticate_as_service_role();
select lives_ok($$ update public.workout_assignments set status = 'assigned' where id = tests.id('live') $$,
                'the service role (trusted workers, admin scripts) is not limited by the guard');

select * from finish();
rollback;
