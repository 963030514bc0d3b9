-- 510-idle-row-triggers: set-wide writes do not call row triggers that have nothing to do, and
-- every writer still ends with the same managed columns. A library freeze and a bulk publish
-- (definer functions) and a DM send call neither private.trigger_set_updated_at nor
-- private.trigger_stamp_managed_columns for the rows they write, yet those rows carry
-- updated_at = now(); a client (coach) or the service role writing workout_assignments
-- directly is still stamped: updated_at = now() whatever it sends, created_at unchanged.
-- Calls are counted with track_functions (pg_stat_xact_user_functions, this transaction's own).
begin;
select plan(19);

set local track_functions = 'pl';
select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.calls(p_function text) returns bigint language sql as $f$
  select coalesce((select sum(f.calls) from pg_stat_xact_user_functions f
                    where f.schemaname = 'private' and f.funcname = p_function), 0) $f$;
create table pg_temp.counted (name text primary key, set_updated_at bigint, stamp bigint);
create function pg_temp.mark(p_name text) returns void language sql as $f$
  insert into pg_temp.counted values (p_name, pg_temp.calls('trigger_set_updated_at'),
                                      pg_temp.calls('trigger_stamp_managed_columns')) $f$;
create function pg_temp.since(p_name text) returns text language sql as $f$
  select (pg_temp.calls('trigger_set_updated_at') - c.set_updated_at) || ' / '
         || (pg_temp.calls('trigger_stamp_managed_columns') - c.stamp)
    from pg_temp.counted c where c.name = p_name $f$;
-- Everything below runs in one transaction, where now() never moves: rows are first dated in
-- the past (triggers off, as a restore would) so that "updated_at = now()" means "was bumped".
create function pg_temp.backdate(p_table regclass) returns void language plpgsql as $f$
begin
  set local session_replication_role = replica;
  execute format('update %s set updated_at = %L', p_table, '2020-01-01T00:00:00Z');
  set local session_replication_role = origin;
end $f$;
grant execute on all functions in schema pg_temp to public;
grant all on pg_temp.counted to public;

-- a workout given to member and member2 (published) and drafted for both on two later days
select tests.authenticate_as('coach');
insert into ids select 'w', public.create_workout(tests.get_organization_id('test-gym'), 'Squats', null,
  '[{"title": "Strength", "movements": [{"name": "Back squat", "sets": 3, "reps": 21}]}]'::jsonb);
select count(*) from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member'), tests.get_user_id('member2')], current_date, 'workout', tests.id('w'));
select count(*) from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member'), tests.get_user_id('member2')], current_date + 1, 'workout', tests.id('w'),
  null, 0, null, 'draft');
select count(*) from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member'), tests.get_user_id('member2')], current_date + 2, 'workout', tests.id('w'),
  null, 0, null, 'draft');
select tests.clear_authentication();
select pg_temp.backdate('public.workout_assignments');

-- ============================ the counters see a call when there is one ============================
select pg_temp.mark('control');
update public.workout_assignments set sort_order = 1
 where workout_id = tests.id('w') and user_id = tests.get_user_id('member') and date = current_date;
select is(pg_temp.since('control'), '1 / 0',
          'control: an update that leaves updated_at in the past calls the updated_at trigger (once), a trusted writer no stamp');
select pg_temp.backdate('public.workout_assignments');
select pg_temp.backdate('public.workout_movements');

-- ============================ the library freeze ============================
select tests.authenticate_as('coach');
select pg_temp.mark('freeze');
update public.workout_movements set reps = 15 where workout_id = tests.id('w');
select tests.clear_authentication();
select is((select count(*)::int from public.workout_assignments
            where workout_id = tests.id('w') and published and snapshot_workout_id <> workout_id), 2,
          'the direct edit froze both given cells');
select is(pg_temp.since('freeze'), '1 / 1',
          'each trigger ran once, for the coach''s own movement row: not per cell, not for the frozen copy''s rows');
select is((select count(*)::int from public.workout_assignments
            where workout_id = tests.id('w') and published and updated_at = now()), 2,
          'both frozen cells still show as changed now (updated_at bumped)');
select is((select count(*)::int from public.workout_assignments
            where workout_id = tests.id('w') and not published and updated_at = now()), 0,
          'the drafts were not touched');

-- ============================ bulk publish ============================
select tests.authenticate_as('coach');
select pg_temp.mark('publish');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
            'date_from', current_date + 1, 'date_to', current_date + 2))), 4,
          'a bulk publish of four drafts publishes four');
select is(pg_temp.since('publish'), '0 / 0', '... without calling either trigger for them');
select tests.clear_authentication();
select is((select count(*)::int from public.workout_assignments
            where workout_id = tests.id('w') and date > current_date and published and updated_at = now()), 4,
          '... and each published cell has updated_at = now()');
select is((select count(*)::int from realtime.messages where event = 'assignment_published'
            and (payload ->> 'assignment_id')::uuid in (select id from public.workout_assignments
                                                         where workout_id = tests.id('w') and date > current_date)), 4,
          'each published cell is still broadcast to its athlete');

-- the batch's push payloads are the ones private.assignment_group_push_payload describes
-- (several cells: member's two; one cell: a draft published alone below)
select is((select payload from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'workoutAssigned' and payload ? 'assignment_ids'),
          (select private.assignment_group_push_payload(array_agg(a.id order by a.id), a.organization_id,
                    array_agg(a.date order by a.id), array_agg(a.kind order by a.id), tests.get_user_id('coach'),
                    array_agg(w.title order by a.id))
             from public.workout_assignments a join public.workouts w on w.id = a.snapshot_workout_id
            where a.workout_id = tests.id('w') and a.user_id = tests.get_user_id('member') and a.date > current_date
            group by a.organization_id),
          'an athlete with several new cells gets the grouped payload (count, days, week link)');
select tests.authenticate_as('coach');
insert into ids select 'alone', id from public.assign_personal(tests.get_organization_id('test-gym'),
  array[tests.get_user_id('member2')], current_date + 3, 'rest', null, null, 0, null, 'draft');
select is((select count from public.bulk_publish_assignments(jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
            'date_from', current_date + 3, 'date_to', current_date + 3))), 1,
          'a bulk publish of one rest day publishes it');
select tests.clear_authentication();
select is((select payload from public.notification_outbox
            where user_id = tests.get_user_id('member2') and category = 'workoutAssigned'
              and payload ->> 'assignment_id' = tests.id('alone')::text),
          private.assignment_group_push_payload(array[tests.id('alone')], tests.get_organization_id('test-gym'),
            array[current_date + 3], array['rest'::public.assignment_kind], tests.get_user_id('coach'), array[null::text]),
          'an athlete with one new cell gets that cell''s own payload (Rest day, link to the cell)');

-- ============================ a client writing directly is still stamped ============================
select tests.clear_authentication();
set local session_replication_role = replica;
update public.workout_assignments set created_at = '2020-01-01T00:00:00Z' where workout_id = tests.id('w');
set local session_replication_role = origin;
select tests.authenticate_as('coach');
update public.workout_assignments set note = 'Go heavy', updated_at = '2001-01-01', created_at = '2001-01-01'
 where workout_id = tests.id('w') and user_id = tests.get_user_id('member') and date = current_date + 1;
select tests.clear_authentication();
select is((select (updated_at = now())::text || ' ' || created_at::date::text from public.workout_assignments
            where workout_id = tests.id('w') and user_id = tests.get_user_id('member') and date = current_date + 1),
          'true 2020-01-01', 'a coach sending updated_at and created_at gets updated_at = now() and created_at unchanged');

select tests.authenticate_as_service_role();
update public.workout_assignments set note = 'Easy', updated_at = '2001-01-01'
 where workout_id = tests.id('w') and user_id = tests.get_user_id('member2') and date = current_date + 1;
select tests.clear_authentication();
select is((select updated_at = now() from public.workout_assignments
            where workout_id = tests.id('w') and user_id = tests.get_user_id('member2') and date = current_date + 1),
          true, 'the service role sending updated_at = 2001 still gets now()');

-- ============================ a DM send ============================
-- the member has a device, so the push is queued (and collapses) rather than skipped (pgTAP 740)
insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
values (tests.get_user_id('member'), 'https://fcm.googleapis.com/fcm/send/510-member', 'p256', 'authkey');
select tests.authenticate_as('coach');
select ok((public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'First')).id is not null,
          'the coach writes to the member');
select tests.clear_authentication();
select pg_temp.backdate('public.conversation_summaries');
select tests.authenticate_as('coach');
select pg_temp.mark('send');
select ok((public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'Second')).id is not null,
          'and again, updating both existing conversation summaries');
select is(pg_temp.since('send'), '0 / 0',
          'the send called neither trigger (message, two summaries, the push outbox row)');
select tests.clear_authentication();
select is((select count(*)::int from public.conversation_summaries
            where organization_id = tests.get_organization_id('test-gym') and updated_at = now()
              and last_message_preview = 'Second'
              and ((owner_id = tests.get_user_id('coach') and other_user_id = tests.get_user_id('member') and unread_count = 0)
                or (owner_id = tests.get_user_id('member') and other_user_id = tests.get_user_id('coach') and unread_count = 2))), 2,
          'both summaries took the message, the member has two unread, and updated_at = now()');
select is((select count(*)::int from public.notification_outbox
            where user_id = tests.get_user_id('member') and category = 'newMessage'), 1,
          'the member''s push is queued (the second collapses into the first)');

select * from finish();
rollback;
