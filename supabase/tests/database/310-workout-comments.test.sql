-- 310-workout-comments: workout-anchored threads on messages: who may write and read (athlete,
-- another athlete, coach, owner, admin, outsider, other organization's coach, anon, service role),
-- the recipient rule, idempotency, the newComment push, live events, unread counts per program,
-- the recent-comments feed, and the hard delete with the assignment.
begin;
select plan(40);

select tests.create_standard_actors();
select tests.use_ids();

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('other-gym'), 'Other', tests.get_user_id('other_coach')) returning id)
insert into ids select 'other_w', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'prog', id from x;
with x as (insert into public.workout_assignments (organization_id, program_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.id('prog'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'a_member', id from x;
with x as (insert into public.workout_assignments (organization_id, program_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.id('prog'), tests.get_user_id('member2'), 'workout', tests.id('fran'), current_date, false, tests.get_user_id('coach')) returning id)
insert into ids select 'a_draft', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('other-gym'), tests.get_user_id('other_coach'), 'workout', tests.id('other_w'), current_date, true, tests.get_user_id('other_owner')) returning id)
insert into ids select 'a_other', id from x;

-- schema
select has_function('public', 'post_workout_comment', array['uuid', 'text', 'uuid', 'text[]'], 'post_workout_comment exists');
select fk_ok('public', 'messages', 'workout_assignment_id', 'public', 'workout_assignments', 'id', 'comments point at their assignment');
select is((select confdeltype::text from pg_constraint where conname = 'messages_workout_assignment_id_fkey'), 'c',
          'the assignment foreign key cascades (comments are hard-deleted with it)');
select tests.rls_enabled('public');

-- the athlete writes: recipient is the assigning coach
select tests.authenticate_as('member');
select is((select recipient_id from public.post_workout_comment(tests.id('a_member'), 'Shoulder felt tight', '00000000-0000-0000-0000-0000000000c1')),
          tests.get_user_id('coach'), 'the athlete comments; the recipient is the assigning coach');
select is((select sender_role::text from public.messages where client_id = '00000000-0000-0000-0000-0000000000c1'), 'member', 'sender_role snapshot is member');
select is((select count(*)::int from public.post_workout_comment(tests.id('a_member'), 'Shoulder felt tight', '00000000-0000-0000-0000-0000000000c1')), 1, 'a retry with the same client id succeeds');
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member')), 1, '... and adds no second row');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_other'), 'hi', '00000000-0000-0000-0000-0000000000c1') $$),
          'client_id_reused', 'a client id reused for another thread is refused');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_member'), '   ') $$), 'message_empty', 'an empty comment is refused');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_member'), repeat('x', 5001)) $$), 'message_too_long', 'a too long comment is refused');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_other'), 'sneaky') $$), 'assignment_not_found', 'a comment on another organization''s assignment is refused');

-- the push and the live events
select tests.clear_authentication();
select is((select collapse_key from public.notification_outbox where user_id = tests.get_user_id('coach') and category = 'newComment'),
          'assignment:' || tests.id('a_member'), 'the coach gets one newComment push collapsed per assignment');
select is((select count(*)::int from realtime.messages where topic in ('user:' || tests.get_user_id('coach'), 'user:' || tests.get_user_id('member')) and event = 'comment_created'),
          2, 'comment_created goes to user:<recipient> and user:<sender>');
select is((select unread from public.program_comment_unreads u cross join lateral (select u.unread_count as unread) x where u.user_id = tests.get_user_id('coach')), 1,
          'the coach has one unread comment in the program');

-- another athlete
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_member'), 'me too') $$), 'assignment_not_found', 'another athlete cannot comment on someone else''s workout');
select is(tests.hint_of($$ select public.workout_comments(tests.id('a_member')) $$), 'assignment_not_found', 'another athlete cannot read the thread');
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member')), 0, 'nor see its rows');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_draft'), 'early') $$), 'assignment_not_found', 'an athlete cannot comment on a draft of their own');

-- staff
select tests.authenticate_as('admin');
select is((select recipient_id from public.post_workout_comment(tests.id('a_member'), 'Scale the load')), tests.get_user_id('member'),
          'staff comment; the recipient is the athlete');
select is((select sender_role::text from public.messages where workout_assignment_id = tests.id('a_member') and sender_id = tests.get_user_id('admin')), 'admin', 'an admin''s role snapshot is admin');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.workout_comments(tests.id('a_member'))), 2, 'the owner reads the whole thread');
select lives_ok($$ select public.post_workout_comment(tests.id('a_draft'), 'Prepared this one for you') $$, 'staff may comment on a draft');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member')), 2, 'staff see every comment of the thread under RLS');
select is((select unread from public.program_comment_unread_counts(tests.get_organization_id('test-gym')) where program_id = tests.id('prog')), 1,
          'program_comment_unread_counts: the coach has 1 unread');
select is(public.mark_workout_comments_read(tests.id('a_member')), 1, 'marking the thread read reads one comment');
select is((select count(*)::int from public.program_comment_unread_counts(tests.get_organization_id('test-gym'))), 0, 'and the program has nothing unread');
select is((select count(*)::int from public.program_recent_comments(tests.id('prog'))), 3, 'the recent-comments feed lists the program''s comments');
select is((select content from public.program_recent_comments(tests.id('prog'), 1)), 'Prepared this one for you', 'newest first');

-- the athlete's side
select tests.authenticate_as('member');
select is((select count(*)::int from public.workout_comments(tests.id('a_member'))), 2, 'the athlete reads their thread');
select is(public.mark_workout_comments_read(tests.id('a_member')), 1, 'the athlete reads the admin''s comment');
select is(tests.hint_of($$ select public.program_comment_unread_counts(tests.get_organization_id('test-gym')) $$), 'not_staff', 'members have no program counts');
select is(tests.hint_of($$ select public.program_recent_comments(tests.id('prog')) $$), 'program_not_found', 'members have no program feed');

-- outsiders
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.post_workout_comment(tests.id('a_member'), 'hi') $$), 'assignment_not_found', 'an outsider cannot comment');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.workout_comments(tests.id('a_member')) $$), 'assignment_not_found', 'another organization''s coach cannot read the thread');
select is(tests.hint_of($$ select public.program_recent_comments(tests.id('prog')) $$), 'program_not_found', 'nor the program feed');
select tests.authenticate_as_anon();
select throws_ok($$ select public.post_workout_comment(gen_random_uuid(), 'hi') $$, '42501', 'permission denied for function post_workout_comment', 'anon cannot comment');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member')), 2, 'the service role sees the thread (bypasses RLS)');

-- hard delete with the assignment
select tests.clear_authentication();
delete from public.workout_assignments where id = tests.id('a_member');
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member')), 0, 'deleting the assignment hard-deletes its comments');
select is((select count(*)::int from public.program_comments where workout_assignment_id = tests.id('a_member')), 0, 'and their feed entries');

select * from finish();
rollback;
