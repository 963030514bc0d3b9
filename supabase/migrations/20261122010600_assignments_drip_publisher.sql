-- Morning-of drip publishing (the seed's "TODO: verify the publisher job"): one function
-- publishes every due draft (publish_at <= now, not deleted) and the pg_cron job
-- `publish-due-assignments` calls it every minute. Pushes and broadcasts follow from the
-- publish trigger. Rows are claimed with FOR UPDATE SKIP LOCKED, so two overlapping runs never
-- publish (or notify) the same row twice, and a second run finds nothing left: idempotent.
-- Touches: public.workout_assignments; cron job publish-due-assignments.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.publish_due_assignments(p_now timestamptz default now())
returns integer
language plpgsql
-- definer: run by pg_cron for every organization; no person is behind it.
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  with due as (
    select a.id from public.workout_assignments a
     where not a.published and a.publish_at is not null
       and a.publish_at <= coalesce(publish_due_assignments.p_now, pg_catalog.now())
       and a.deleted_at is null
     order by a.publish_at
     for update skip locked
  )
  update public.workout_assignments a set published = true
    from due where a.id = due.id and not a.published;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

comment on function private.publish_due_assignments(timestamptz) is
  'The drip publisher: publishes every due draft (publish_at <= p_now); safe when runs overlap (skip locked) and idempotent. Called every minute by cron job publish-due-assignments.';

revoke all on function private.publish_due_assignments(timestamptz) from public, anon, authenticated;
grant execute on function private.publish_due_assignments(timestamptz) to service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: the job calls one private function)

select cron.schedule('publish-due-assignments', '* * * * *', 'select private.publish_due_assignments()');
