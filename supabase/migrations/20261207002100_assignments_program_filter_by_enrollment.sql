-- Bulk filters by program select by enrollment (seed 002, FIT-201: bulk preview "intersects with
-- programEnrollments instead of workoutAssignments.programId", so ad-hoc personal rows on an
-- enrolled member's calendar are covered too). The rule was `program_id = X or (program_id is
-- null and enrolled in X)`: an athlete NOT enrolled in X but with a row tagged X was included,
-- and an enrolled athlete's row tagged with another program was left out. Now a program filter
-- means "the cells of the athletes actively enrolled in X", whatever program tag a row carries;
-- the other keys (dates, athletes, status, kind, ids, cells) still narrow it.
-- Touches: private.bulk_filter_ids, private.publish_filtered_assignments (preview, delete and
-- publish go through these two).

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

create or replace function private.bulk_filter_ids(p_filter jsonb)
returns setof uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  f record;
begin
  select * into f from private.parse_bulk_filter(bulk_filter_ids.p_filter);
  return query
  select a.id from public.workout_assignments a
   where a.organization_id = f.organization_id
     and a.deleted_at is null
     and (f.date_from is null or a.date >= f.date_from)
     and (f.date_to is null or a.date <= f.date_to)
     and (f.program_id is null or a.user_id in (select private.program_member_ids(f.program_id)))
     and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
     and (f.status is null or a.status = f.status)
     and (f.kind is null or a.kind = f.kind)
     and (f.ids is null or a.id = any (f.ids))
     and (f.cell_users is null
          or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)));
end;
$$;

comment on function private.bulk_filter_ids(jsonb) is
  'The live assignments a bulk filter matches (a program means its actively enrolled athletes), after validating it and checking the caller is staff of its organization.';

create or replace function private.publish_filtered_assignments(p_filter jsonb, p_batch_id uuid)
returns uuid[]
language plpgsql
-- definer: announces through private.announce_assignment_rows and audits through
-- private.write_audit, which clients may not call. private.parse_bulk_filter checks first that
-- the caller is staff of the filter's organization, and the update touches that organization only.
security definer
set search_path = ''
set jit = off
as $$
declare
  f record;
  r record;
begin
  select * into f from private.parse_bulk_filter(publish_filtered_assignments.p_filter);
  perform private.lock_assignment_batches(f.organization_id);
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
     where a.organization_id = f.organization_id
       and a.deleted_at is null
       and not a.published
       and (f.date_from is null or a.date >= f.date_from)
       and (f.date_to is null or a.date <= f.date_to)
       and (f.program_id is null or a.user_id in (select private.program_member_ids(f.program_id)))
       and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
       and (f.status is null or a.status = f.status)
       and (f.kind is null or a.kind = f.kind)
       and (f.ids is null or a.id = any (f.ids))
       and (f.cell_users is null
            or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)))
    returning a.id, a.user_id, a.organization_id, a.date, a.kind, a.assigned_by, a.snapshot_workout_id
  )
  select coalesce(array_agg(c.id order by c.id), '{}') as ids, array_agg(c.user_id order by c.id) as users,
         array_agg(c.organization_id order by c.id) as orgs, array_agg(c.date order by c.id) as dates,
         array_agg(c.kind order by c.id) as kinds, array_agg(c.assigned_by order by c.id) as assigners,
         array_agg(c.snapshot_workout_id order by c.id) as snapshots
    into r
    from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  if cardinality(r.ids) > 0 then
    perform private.announce_assignment_rows(r.ids, r.users, r.orgs, r.dates, r.kinds, r.assigners, r.snapshots);
    perform private.write_audit(f.organization_id, 'assignment.bulk_published', 'workout_assignment', null,
      jsonb_build_object('filter', publish_filtered_assignments.p_filter, 'ids', to_jsonb(r.ids),
                         'count', cardinality(r.ids)),
      publish_filtered_assignments.p_batch_id);
  end if;
  return r.ids;
end;
$$;

comment on function private.publish_filtered_assignments(jsonb, uuid) is
  'Body of bulk_publish_assignments: publishes every live draft the filter matches (a program means its enrolled athletes) in one statement, announces them as one batch and writes one audit row; returns the ids published.';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: bulk_preview_assignments, bulk_delete_assignments and bulk_publish_assignments keep
-- their signatures and call the helpers above)
