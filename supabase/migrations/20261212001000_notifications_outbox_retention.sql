-- notifications: finished pushes and the scheduler's run log are kept 30 and 14 days, not forever.
-- Every message, comment, publish and announcement leaves a notification_outbox row (sent,
-- skipped with its reason, or failed), and nothing ever deleted one: at 5 M messages the table
-- held millions of rows nobody reads after a few days, each one more entry in its primary key and
-- user index. pg_cron's cron.job_run_details likewise gains a row per job run (1,440 a day for
-- the drip publisher alone) and pg_cron never removes them.
-- A job, purge-finished-records, runs private.purge_finished_records() at 17 minutes past every
-- hour: finished outbox rows older than 30 days (a person can still see why yesterday's push did
-- not come) and run details older than 14 days, in batches of 5,000, at most 50,000 outbox rows
-- a run, so a first run on a large table does not hold one long transaction. Pending and sending
-- rows are the worker's and are never purged, however old.
-- Outbox ids become time-ordered (private.uuid_v7, like messages): new rows land at the right
-- edge of the primary key instead of on a random leaf, and the purge finds the old rows by a
-- range of it, with no index of its own (the send path, which inserts a row per message, gets no
-- extra index to maintain). Rows made before this migration have random ids; those that fall
-- below the range are purged as they age, the rest stay (there is no production data before the
-- first release).
-- Touches: public.notification_outbox (id default), private.uuid_v7_floor (new),
-- private.purge_finished_records (new), cron job purge-finished-records (new).

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.notification_outbox alter column id set default private.uuid_v7();

-- =============================================================================================
-- private helpers
-- =============================================================================================

create function private.uuid_v7_floor(p_at timestamptz)
returns uuid
language sql
immutable
strict
set search_path = ''
as $$
  -- the lowest version 7 uuid of that millisecond: every id made earlier sorts below it
  select (pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.floor(extract(epoch from uuid_v7_floor.p_at) * 1000)::bigint),
                          12, '0')
          || '70008000000000000000')::uuid;
$$;
comment on function private.uuid_v7_floor(timestamptz) is
  'The lowest time-ordered (version 7) uuid of p_at''s millisecond: ids made by private.uuid_v7 before p_at sort below it, so a primary key range finds old rows.';
revoke all on function private.uuid_v7_floor(timestamptz) from public;

create function private.purge_finished_records(p_now timestamptz default now())
returns jsonb
language plpgsql
-- definer: run by the scheduler; deletes rows no client may delete.
security definer
set search_path = ''
as $$
declare
  v_cutoff timestamptz := purge_finished_records.p_now - interval '30 days';
  v_batch integer;
  v_outbox integer := 0;
  v_runs integer := 0;
begin
  -- outbox: finished rows older than 30 days, oldest first, 5,000 at a time, at most 10 batches
  for i in 1 .. 10 loop
    with doomed as (
      select o.id from public.notification_outbox o
       where o.id < private.uuid_v7_floor(v_cutoff)
         and o.created_at < v_cutoff
         and o.status in ('sent', 'skipped', 'failed')
       order by o.id
       limit 5000)
    delete from public.notification_outbox o using doomed d where o.id = d.id;
    get diagnostics v_batch = row_count;
    v_outbox := v_outbox + v_batch;
    exit when v_batch < 5000;
  end loop;

  -- the scheduler's run log: 14 days
  delete from cron.job_run_details r where r.end_time < purge_finished_records.p_now - interval '14 days';
  get diagnostics v_runs = row_count;

  return pg_catalog.jsonb_build_object('notification_outbox', v_outbox, 'job_run_details', v_runs);
end;
$$;
comment on function private.purge_finished_records(timestamptz) is
  'Housekeeping, run hourly by cron job purge-finished-records: deletes finished notification_outbox rows (sent, skipped, failed) older than 30 days, at most 50,000 a run in batches of 5,000, and cron.job_run_details older than 14 days. Pending and sending rows are never purged. Returns how many of each it deleted.';
revoke all on function private.purge_finished_records(timestamptz) from public;

-- =============================================================================================
-- jobs
-- =============================================================================================

select cron.schedule('purge-finished-records', '17 * * * *', 'select private.purge_finished_records()');
