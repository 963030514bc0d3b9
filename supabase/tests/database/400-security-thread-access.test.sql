-- 400-security-thread-access: assigned_by belongs to the database (insert stamps the caller, no
-- client may change it, it must be active staff), an athlete's workout comment reaches staff who
-- are members now, and reading messages, comments, attachments, summaries and thread topics
-- requires an active membership now (owner, admin, coach, member, member2, outsider, other_coach,
-- anon, service role; a coach and a member removed, then one re-added).
begin;
select plan(41);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.set_status(p_who text, p_status text) returns void language sql as $f$
  update public.memberships set status = p_status::public.membership_status,
         removed_at = case when p_status = 'removed' then now() end
   where organization_id = tests.get_organization_id('test-gym') and user_id = tests.get_user_id(p_who) $f$;
grant execute on all functions in schema pg_temp to public;

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
-- the storage service's row for an upload by member (bypasses RLS, as the service does)
insert into storage.objects (bucket_id, name, owner_id, metadata)
values ('attachments', tests.get_organization_id('test-gym') || '/' || tests.get_user_id('member') || '/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.jpg',
        tests.get_user_id('member')::text, '{"mimetype": "image/jpeg", "size": 1000}');

-- assigned_by on insert: the caller, whatever the client sends
select tests.authenticate_as('coach');
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date, true,
                   tests.get_user_id('other_coach')) returning id)
insert into ids select 'a1', id from x;
select tests.clear_authentication();
select is((select assigned_by from public.workout_assignments where id = tests.id('a1')), tests.get_user_id('coach'),
          'a coach''s insert naming another organization''s coach as assigned_by records the coach instead');

-- assigned_by on update: no client may change it
select tests.authenticate_as('coach');
select is(tests.hint_of(format($$ update public.workout_assignments set assigned_by = %L where id = %L $$, tests.get_user_id('other_coach'), tests.id('a1'))),
          'assigned_by_managed', 'a coach cannot point assigned_by at someone of another organization');
select is(tests.hint_of(format($$ update public.workout_assignments set assigned_by = %L where id = %L $$, tests.get_user_id('member2'), tests.id('a1'))),
          'assigned_by_managed', 'a coach cannot point assigned_by at another member (member messaging off is not bypassed)');
select tests.authenticate_as('owner');
select is(tests.hint_of(format($$ update public.workout_assignments set assigned_by = %L where id = %L $$, tests.get_user_id('admin'), tests.id('a1'))),
          'assigned_by_managed', 'not even the owner can rewrite assigned_by from a client');
select lives_ok(format($$ update public.workout_assignments set note = null, published = true where id = %L $$, tests.id('a1')),
                'staff still edit other columns of the assignment');
select tests.authenticate_as('member');
select is_empty(format($$ update public.workout_assignments set assigned_by = %L where id = %L returning id $$, tests.get_user_id('member'), tests.id('a1')),
                'the athlete cannot touch the assignment at all (RLS)');
select tests.authenticate_as('other_coach');
select is_empty(format($$ update public.workout_assignments set assigned_by = %L where id = %L returning id $$, tests.get_user_id('other_coach'), tests.id('a1')),
                'another organization''s coach cannot touch it (RLS)');

-- trusted callers may name someone, who must be active staff
select tests.authenticate_as_service_role();
select is(tests.hint_of(format($$ update public.workout_assignments set assigned_by = %L where id = %L $$, tests.get_user_id('other_coach'), tests.id('a1'))),
          'assigned_by_not_staff', 'the service role cannot name someone outside the organization');
select is(tests.hint_of(format($$ insert into public.workout_assignments (organization_id, user_id, kind, note, date, assigned_by) values (%L, %L, 'note', 'x', current_date, %L) $$,
                                 tests.get_organization_id('test-gym'), tests.get_user_id('member'), tests.get_user_id('member2'))),
          'assigned_by_not_staff', 'the service role cannot name a plain member as the one who assigned');
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date + 1, true,
                   tests.get_user_id('admin')) returning id)
insert into ids select 'a2', id from x;
select is((select assigned_by from public.workout_assignments where id = tests.id('a2')), tests.get_user_id('admin'),
          'the service role may name an active admin');
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member2'), 'workout', tests.id('fran'), current_date, true,
                   tests.get_user_id('coach')) returning id)
insert into ids select 'a3', id from x;
select tests.clear_authentication();

-- comments while everybody is a member
select tests.authenticate_as('member');
select is((select recipient_id from public.post_workout_comment(tests.id('a1'), 'knee hurts')), tests.get_user_id('coach'),
          'the athlete''s comment goes to the assigning coach while they are staff');
select lives_ok(format($$ select public.send_message_with_attachments(%L, %L, 'photo', null, array[%L]) $$,
                       tests.get_organization_id('test-gym'), tests.get_user_id('coach'),
                       tests.get_organization_id('test-gym') || '/' || tests.get_user_id('member') || '/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.jpg'),
                'the athlete sends the coach a DM with a photo');
select tests.authenticate_as('member2');
select is((select recipient_id from public.post_workout_comment(tests.id('a3'), 'done')), tests.get_user_id('coach'),
          'another athlete''s comment also goes to the coach');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.messages where sender_id = tests.get_user_id('member')), 2,
          'the coach reads the comment and the DM while a member');
select is((select count(*)::int from public.message_attachments), 1, '... and the attachment row');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 1, '... and the attachment''s object');
select is((select count(*)::int from public.conversation_summaries), 1, '... and the conversation summary');
select ok(private.can_use_realtime_topic('assignment:' || tests.id('a1'), 'broadcast', false), '... and may listen on the thread''s topic');

-- the coach is removed
select tests.clear_authentication();
select pg_temp.set_status('coach', 'removed');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.messages), 0, 'a removed coach reads none of the organization''s messages, even those sent to them');
select is((select count(*)::int from public.message_attachments), 0, 'nor its attachment rows');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 0, 'nor the attachment''s bytes');
select is((select count(*)::int from public.conversation_summaries), 0, 'nor their conversation summaries');
select ok(not private.can_use_realtime_topic('assignment:' || tests.id('a1'), 'broadcast', false), 'nor listen on the thread''s topic');
select is(tests.hint_of(format($$ select public.workout_comments(%L) $$, tests.id('a1'))), 'assignment_not_found', 'nor read the thread through its function');

select tests.authenticate_as('member');
select is((select recipient_id from public.post_workout_comment(tests.id('a1'), 'still hurts')), tests.get_user_id('admin'),
          'the athlete''s next comment goes to their current coach (the admin who assigned them most recently), not the removed one');
select tests.authenticate_as('member2');
select is((select recipient_id from public.post_workout_comment(tests.id('a3'), 'and again')), tests.get_user_id('owner'),
          'an athlete whose only coach left reaches the owner');
select is((select count(*)::int from public.messages where sender_id = tests.get_user_id('member2')), 2, 'the athlete still reads their own thread');
select tests.clear_authentication();
select is((select count(*)::int from public.notification_outbox where user_id = tests.get_user_id('coach') and payload ->> 'preview' = 'still hurts'), 0,
          'the removed coach gets no push for the new comment');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a1')), 2, 'the admin (active staff) reads the whole thread');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.messages where workout_assignment_id is not null), 4, 'the owner reads every workout thread');
select ok(private.can_use_realtime_topic('assignment:' || tests.id('a1'), 'broadcast', false), 'the owner may listen on the thread''s topic');

-- the athlete is removed
select tests.clear_authentication();
select pg_temp.set_status('member', 'removed');
select tests.authenticate_as('member');
select is((select count(*)::int from public.messages), 0, 'a removed member reads none of their own messages there any more');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 0, 'nor even the bytes they uploaded');
select ok(not private.can_use_realtime_topic('assignment:' || tests.id('a1'), 'broadcast', false), 'nor their thread''s topic');
select tests.authenticate_as('owner');
select is(tests.hint_of(format($$ select public.post_workout_comment(%L, 'are you ok?') $$, tests.id('a1'))), 'athlete_not_member',
          'staff cannot write to an athlete who left');

-- others never saw any of it
select tests.authenticate_as('outsider');
select is((select count(*)::int from public.messages), 0, 'an outsider reads nothing');
select tests.authenticate_as('other_coach');
select is((select count(*)::int from public.messages), 0, 'another organization''s coach reads nothing');
select is((select count(*)::int from storage.objects where bucket_id = 'attachments'), 0, '... nor the attachment''s bytes');
select tests.authenticate_as_anon();
select throws_ok('select * from public.messages', '42501', 'permission denied for table messages', 'anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.messages where organization_id = tests.get_organization_id('test-gym')), 5, 'the service role reads everything');

-- re-added: access is back
select tests.clear_authentication();
select pg_temp.set_status('coach', 'active');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.messages where workout_assignment_id is not null), 4, 'a coach re-added reads the threads again');
select tests.clear_authentication();

select * from finish();
rollback;
