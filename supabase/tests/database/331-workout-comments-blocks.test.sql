-- 331-workout-comments-blocks: a block mutes the blocked person in workout threads without erasing
-- or refusing anything. Both sides of a member blocking their coach and of a coach blocking an
-- athlete: who may still comment, who reads what, pushes, live events, unread counts (thread and
-- program, recounted on block and unblock), read receipts, catch-up, and that the blocked person
-- sees no difference. Other staff (owner, admin) keep the whole record.
begin;
select plan(50);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.uid(p_name text) returns uuid language sql as $f$ select tests.get_user_id(p_name) $f$;
-- live events of one kind for one person about one comment
create function pg_temp.events(p_user text, p_event text, p_message uuid) returns integer language sql as $f$
  select count(*)::int from realtime.messages
   where topic = 'user:' || tests.get_user_id(p_user) and event = p_event and payload ->> 'message_id' = p_message::text $f$;
-- queued pushes carrying one comment (a newer event replaces a pending one with the same
-- collapse key, assignment:<id>, whatever its category)
create function pg_temp.pushes(p_user text, p_message uuid) returns integer language sql as $f$
  select count(*)::int from public.notification_outbox
   where user_id = tests.get_user_id(p_user) and payload ->> 'message_id' = p_message::text $f$;
create function pg_temp.unread(p_user text, p_assignment uuid) returns integer language sql as $f$
  select coalesce((select unread_count from public.workout_comment_reads
                    where user_id = tests.get_user_id(p_user) and workout_assignment_id = p_assignment), 0) $f$;
create function pg_temp.program_unread(p_user text) returns integer language sql as $f$
  select coalesce(sum(unread_count), 0)::int from public.program_comment_unreads where user_id = tests.get_user_id(p_user) $f$;

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', pg_temp.uid('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Coaching', 'coaching') returning id)
insert into ids select 'prog', id from x;
-- member's and member2's workouts, both assigned (and so answered) by the coach
with x as (insert into public.workout_assignments (organization_id, program_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.id('prog'), pg_temp.uid('member'), 'workout', tests.id('fran'), current_date, true, pg_temp.uid('coach')) returning id)
insert into ids select 'a_member', id from x;
with x as (insert into public.workout_assignments (organization_id, program_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.id('prog'), pg_temp.uid('member2'), 'workout', tests.id('fran'), current_date, true, pg_temp.uid('coach')) returning id)
insert into ids select 'a_member2', id from x;

-- ---------------------------------------------------------------------------------------------
-- a member blocks their coach
-- ---------------------------------------------------------------------------------------------

select tests.authenticate_as('coach');
insert into ids select 'c_before', id from public.post_workout_comment(tests.id('a_member'), 'Before the block');
select tests.clear_authentication();
select is(pg_temp.unread('member', tests.id('a_member')), 1, 'before the block the member has the coach''s comment unread');

select tests.authenticate_as('member');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), pg_temp.uid('coach')),
                'the member blocks the coach');
select tests.clear_authentication();
select is(pg_temp.unread('member', tests.id('a_member')), 0, 'blocking recounts: the blocked coach''s comment is no longer unread');
select is(pg_temp.program_unread('member'), 0, '... nor counted for the member''s program');

-- the blocked coach: nothing refused, nothing different
select tests.authenticate_as('coach');
select is((select recipient_id from public.post_workout_comment(tests.id('a_member'), 'Scale the load', '00000000-0000-0000-0000-0000000003c1')),
          pg_temp.uid('member'), 'the blocked coach still comments on the athlete''s workout (the coaching record)');
insert into ids select 'c_muted', id from public.messages where client_id = '00000000-0000-0000-0000-0000000003c1';
select is_empty($$ select 1 from public.user_blocks $$, 'the coach cannot see the block');
select is((select count(*)::int from public.workout_comments(tests.id('a_member'))), 2, 'the coach (staff) reads the whole thread');
select tests.clear_authentication();
select is(pg_temp.events('coach', 'comment_created', tests.id('c_muted')), 1, 'the coach''s own devices hear their comment');

-- the blocker hears nothing from the blocked coach
select is(pg_temp.pushes('member', tests.id('c_muted')), 0, 'no newComment push to the member from the coach they blocked');
select is(pg_temp.events('member', 'comment_created', tests.id('c_muted')), 0, 'no comment_created to the member');
select is(pg_temp.unread('member', tests.id('a_member')), 0, 'and no unread for it');
select is(pg_temp.program_unread('member'), 0, 'nor in the program count');

select tests.authenticate_as('member');
select is((select array_agg(content order by created_at) from public.workout_comments(tests.id('a_member'))), null::text[],
          'the member does not see the blocked coach''s comments in their thread');
select is_empty(format('select 1 from public.messages_since(%L) where sender_id = %L', now() - interval '1 day', pg_temp.uid('coach')),
                'nor in catch-up');
-- the member still talks about their training: to the coach, who hears it as always
select is((select recipient_id from public.post_workout_comment(tests.id('a_member'), 'Knee feels sore', '00000000-0000-0000-0000-0000000003c2')),
          pg_temp.uid('coach'), 'the member still comments on their own workout; the recipient is still the coach');
insert into ids select 'c_athlete', id from public.messages where client_id = '00000000-0000-0000-0000-0000000003c2';
select is(public.mark_workout_comments_read(tests.id('a_member')), 0, 'marking the thread read finds nothing unread');
select tests.clear_authentication();
select is((select read_at from public.messages where id = tests.id('c_muted')), null::timestamptz,
          'the blocker''s reading leaves no receipt on the blocked coach''s comment');
select is((select count(*)::int from realtime.messages where topic = 'user:' || pg_temp.uid('coach') and event = 'comment_read'
            and payload ->> 'reader_id' = pg_temp.uid('member')::text), 0, 'and sends the coach no comment_read');
select is(pg_temp.pushes('coach', tests.id('c_athlete')), 1, 'the blocked coach gets the member''s comment pushed as before');
select is(pg_temp.events('coach', 'comment_created', tests.id('c_athlete')), 1, 'and live');
select is(pg_temp.unread('coach', tests.id('a_member')), 1, 'and unread');

-- the coach edits and deletes: still only their own devices hear it
select tests.authenticate_as('coach');
select lives_ok(format('select public.edit_message(%L, %L)', tests.id('c_muted'), 'Scale the load to 60%'), 'the blocked coach edits their comment');
select lives_ok(format('select public.delete_message(%L)', tests.id('c_before')), 'and deletes the older one');
select tests.clear_authentication();
select is(pg_temp.events('member', 'comment_updated', tests.id('c_muted')), 0, 'no comment_updated to the member');
select is(pg_temp.events('coach', 'comment_updated', tests.id('c_muted')), 1, 'comment_updated to the coach');
select is(pg_temp.events('member', 'comment_deleted', tests.id('c_before')), 0, 'no comment_deleted to the member');

-- the rest of the staff keep the whole record
select tests.authenticate_as('owner');
select is((select count(*)::int from public.workout_comments(tests.id('a_member'))), 3, 'the owner reads every comment of the thread');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.program_recent_comments(tests.id('prog'))), 2,
          'the admin''s program feed still lists the coach''s and the member''s live comments');

-- the block lifted: the comment after the member's watermark counts again
select tests.authenticate_as('member');
select ok(public.unblock_user(pg_temp.uid('coach')), 'the member unblocks the coach');
select tests.clear_authentication();
select is(pg_temp.unread('member', tests.id('a_member')), 0, 'comments before the member read the thread stay read');
select tests.authenticate_as('coach');
insert into ids select 'c_after', id from public.post_workout_comment(tests.id('a_member'), 'After the unblock');
select tests.clear_authentication();
select is(pg_temp.unread('member', tests.id('a_member')), 1, 'after the unblock the coach''s new comment is unread again');
select is(pg_temp.pushes('member', tests.id('c_after')), 1, 'and pushed');

-- ---------------------------------------------------------------------------------------------
-- a coach blocks an athlete
-- ---------------------------------------------------------------------------------------------

select tests.authenticate_as('member2');
insert into ids select 'c_m2_before', id from public.post_workout_comment(tests.id('a_member2'), 'Done, felt heavy');
select tests.clear_authentication();
select is(pg_temp.unread('coach', tests.id('a_member2')), 1, 'the coach has member2''s comment unread');
select tests.authenticate_as('coach');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('test-gym'), pg_temp.uid('member2')),
                'the coach blocks member2');
select tests.clear_authentication();
select is(pg_temp.unread('coach', tests.id('a_member2')), 0, 'blocking recounts the coach''s thread to 0');
select is(pg_temp.program_unread('coach'), 0, '... and the coach''s program count with it');

select tests.authenticate_as('member2');
select is((select recipient_id from public.post_workout_comment(tests.id('a_member2'), 'Can I swap the rower?', '00000000-0000-0000-0000-0000000003c3')),
          pg_temp.uid('coach'), 'the blocked athlete still comments on their workout, to the coach');
insert into ids select 'c_m2', id from public.messages where client_id = '00000000-0000-0000-0000-0000000003c3';
select tests.clear_authentication();
select is(pg_temp.pushes('coach', tests.id('c_m2')), 0, 'no push to the coach who blocked them');
select is(pg_temp.events('coach', 'comment_created', tests.id('c_m2')), 0, 'no comment_created to the coach');
select is(pg_temp.events('member2', 'comment_created', tests.id('c_m2')), 1, 'member2''s own devices hear it');
select is(pg_temp.unread('coach', tests.id('a_member2')), 0, 'no unread for the coach');

select tests.authenticate_as('coach');
select is((select count(*)::int from public.workout_comments(tests.id('a_member2'))), 2,
          'the coach (staff) still reads the blocked athlete''s comments: the record stays whole');
select is_empty(format('select 1 from public.messages_since(%L) where sender_id = %L', now() - interval '1 day', pg_temp.uid('member2')),
                'catch-up replays nothing from the blocked athlete');
select is((select recipient_id from public.post_workout_comment(tests.id('a_member2'), 'Yes, swap it', '00000000-0000-0000-0000-0000000003c4')),
          pg_temp.uid('member2'), 'the blocking coach may still coach: their comment goes to the athlete');
insert into ids select 'c_coach', id from public.messages where client_id = '00000000-0000-0000-0000-0000000003c4';
select is(public.mark_workout_comments_read(tests.id('a_member2')), 0, 'the coach reads the thread (nothing was unread)');
select tests.clear_authentication();
select is((select count(*)::int from public.messages where workout_assignment_id = tests.id('a_member2')
            and sender_id = pg_temp.uid('member2') and read_at is not null), 0,
          'the blocked athlete''s comments get no receipt from the coach');

-- the blocked athlete sees no difference
select is(pg_temp.pushes('member2', tests.id('c_coach')) + pg_temp.events('member2', 'comment_created', tests.id('c_coach'))
          + pg_temp.unread('member2', tests.id('a_member2')), 3, 'member2 gets the coach''s comment pushed, live and unread');
select tests.authenticate_as('member2');
select is(public.mark_workout_comments_read(tests.id('a_member2')), 1, 'member2 reads it');
select tests.clear_authentication();
select isnt((select read_at from public.messages where id = tests.id('c_coach')), null::timestamptz,
            'member2''s receipt is stamped as usual');
select is((select count(*)::int from realtime.messages where topic = 'user:' || pg_temp.uid('coach') and event = 'comment_read'
            and payload ->> 'reader_id' = pg_temp.uid('member2')::text), 0,
          'but the coach who blocked member2 gets no comment_read from them');

select * from finish();
rollback;
