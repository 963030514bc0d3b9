-- 850-outbox-retention: migration 20261212001000_notifications_outbox_retention. Finished pushes
-- (sent, skipped, failed) older than 30 days and the scheduler's run log older than 14 days are
-- purged by an hourly job; pending and sending rows (the worker's) never are; new outbox ids are
-- time-ordered, so the purge reads a range of the primary key. Nobody but the scheduler runs it.
begin;
select plan(14);

select tests.create_standard_actors();

-- an outbox row made p_age ago, with the time-ordered id it would have got then (n keeps it unique)
create function pg_temp.outbox(p_age interval, p_status public.notification_status, n integer) returns uuid
language sql as $f$
  insert into public.notification_outbox (id, user_id, category, status, skip_reason, created_at, not_before)
  values ((left(private.uuid_v7_floor(now() - p_age)::text, 24) || lpad(n::text, 12, '0'))::uuid,
          tests.get_user_id('member'), 'newMessage', p_status,
          case when p_status = 'skipped' then 'no_subscription' end, now() - p_age, now() - p_age)
  returning id $f$;

-- ids
select ok((select private.uuid_v7() > private.uuid_v7_floor(now() - interval '1 second')
              and private.uuid_v7() < private.uuid_v7_floor(now() + interval '1 second')),
          'an id made now sorts between the floors of a second ago and a second ahead');
select tests.authenticate_as('coach');
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'time-ordered push');
select tests.clear_authentication();
select is((select substr(o.id::text, 15, 1) from public.notification_outbox o
            where o.user_id = tests.get_user_id('member') and o.payload ->> 'preview' = 'time-ordered push'),
          '7', 'a push queued by a send gets a time-ordered (version 7) id');

-- a month and more ago, and lately
select pg_temp.outbox('40 days', 'sent', 1) as old_sent \gset
select pg_temp.outbox('40 days', 'skipped', 2) as old_skipped \gset
select pg_temp.outbox('31 days', 'failed', 3) as old_failed \gset
select pg_temp.outbox('40 days', 'pending', 4) as old_pending \gset
select pg_temp.outbox('40 days', 'sending', 5) as old_sending \gset
select pg_temp.outbox('29 days', 'sent', 6) as recent_sent \gset
select pg_temp.outbox('1 day', 'skipped', 7) as yesterday_skipped \gset
-- 12,000 more finished a year ago: more than two batches
insert into public.notification_outbox (id, user_id, category, status, created_at, not_before)
select (left(private.uuid_v7_floor(now() - interval '1 year')::text, 24) || lpad(g::text, 12, '0'))::uuid,
       tests.get_user_id('member2'), 'workoutAssigned', 'sent', now() - interval '1 year', now() - interval '1 year'
  from generate_series(1, 12000) g;
-- the scheduler's run log
insert into cron.job_run_details (jobid, status, start_time, end_time, username, command)
values (1, 'succeeded', now() - interval '20 days', now() - interval '20 days', current_user, 'old run'),
       (1, 'succeeded', now() - interval '1 day', now() - interval '1 day', current_user, 'recent run');

select count(*)::int as due from public.notification_outbox o
 where o.created_at < now() - interval '30 days' and o.status in ('sent', 'skipped', 'failed') \gset

-- clients cannot run it
select tests.authenticate_as('owner');
select throws_ok($$ select private.purge_finished_records() $$, '42501', null, 'an owner cannot run the purge');
select tests.authenticate_as_service_role();
select throws_ok($$ select private.purge_finished_records() $$, '42501', null, 'nor can the service role');
select tests.clear_authentication();

select is((select (r ->> 'notification_outbox')::int from private.purge_finished_records() r), :due,
          'one run purges every finished push older than 30 days, in batches');
select is((select count(*)::int from public.notification_outbox o where o.id in (:'old_sent', :'old_skipped', :'old_failed')), 0,
          'sent, skipped and failed pushes over 30 days old are gone');
select is((select count(*)::int from public.notification_outbox o where o.user_id = tests.get_user_id('member2')
            and o.created_at < now() - interval '300 days'), 0, 'all 12,000 of a year ago are gone');
select is((select array_agg(o.status::text order by o.status::text) from public.notification_outbox o
            where o.id in (:'old_pending', :'old_sending')), array['pending', 'sending'],
          'a pending or sending push is the worker''s and stays, however old');
select is((select count(*)::int from public.notification_outbox o where o.id in (:'recent_sent', :'yesterday_skipped')), 2,
          'finished pushes younger than 30 days stay (a person can still see why yesterday''s did not come)');
select is((select count(*)::int from public.notification_outbox o
            where o.user_id = tests.get_user_id('member') and o.payload ->> 'preview' = 'time-ordered push'), 1,
          'so does the one queued a moment ago');
select is((select array_agg(r.command order by r.command) from cron.job_run_details r where r.command in ('old run', 'recent run')),
          array['recent run'], 'scheduler runs are kept 14 days');
select is((select (r ->> 'notification_outbox')::int from private.purge_finished_records() r), 0,
          'a second run finds nothing left to purge');

-- the job
select is((select j.schedule || ' ' || j.command from cron.job j where j.jobname = 'purge-finished-records'),
          '17 * * * * select private.purge_finished_records()', 'the scheduler runs it at 17 minutes past every hour');
select ok((select j.active from cron.job j where j.jobname = 'purge-finished-records'), 'and the job is active');

select * from finish();
rollback;
