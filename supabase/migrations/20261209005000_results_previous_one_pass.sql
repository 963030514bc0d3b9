-- Last time's numbers in one pass over the athlete's results.
--
-- assignment_previous_results ran, for every movement of the workout, a scan of all of the
-- athlete's results, unnesting each result's per-movement entries and reading each entry's
-- movement under RLS (the readable-workouts set rebuilt per statement): 550-720 ms for an athlete
-- with 190 results and 12 movements, on the workout page every athlete opens.
--
-- Now the public function still finds the assignment under the caller's RLS (same visibility,
-- same error), and a private helper reads the athlete's results once: each entry's movement name
-- normalized once, the newest entry per name kept. It runs as its owner because the caller has
-- already been shown to see the assignment, and whoever sees it (its athlete, or staff of its
-- organization) sees every result it reads here (the results policy: own results, or staff of
-- the organization). Only numbers from the athlete's own results come back, keyed by the
-- movements of the workout the caller was allowed to open; no name of another workout leaves.

create function private.previous_movement_results(
  p_user_id uuid, p_organization_id uuid, p_exclude_assignment_id uuid, p_workout_id uuid)
returns table (movement_id uuid, performed_at timestamptz, load_unit text, load numeric, reps numeric,
               set_results jsonb)
language sql
stable
security definer
set search_path = ''
as $$
  -- Each step is materialized on purpose: the name normalization is a function call (it cannot be
  -- inlined), and left to itself the planner normalized every movement of every workout to hash
  -- them (245 ms of 280 for 6,000 movements). Here it runs on the workout's own movements and on
  -- the distinct names the athlete logged, a few dozen.
  with wanted as materialized (
    select m.id, private.normalize_movement_name(m.name) as name_key
      from public.workout_movements m
     where m.workout_id = previous_movement_results.p_workout_id
  ), entries as materialized (
    -- Every entry the athlete logged, with its movement read by primary key (offset 0 keeps the
    -- lookup a per-entry index probe instead of a hash of every movement).
    select r.id as result_id, r.performed_at, e.entry, e.n, pm.name, pm.load_unit
      from public.workout_results r
     cross join lateral jsonb_array_elements(r.movement_results) with ordinality as e(entry, n)
     cross join lateral (
       select x.name, x.load_unit from public.workout_movements x
        where x.id = (e.entry ->> 'movement_id')::uuid offset 0) pm
     where r.user_id = previous_movement_results.p_user_id
       and r.organization_id = previous_movement_results.p_organization_id
       and r.workout_assignment_id is distinct from previous_movement_results.p_exclude_assignment_id
  ), names as materialized (
    select d.name, private.normalize_movement_name(d.name) as name_key
      from (select distinct x.name from entries x) d
  ), latest as (
    -- Newest first per name; within one result the entry's own order breaks a tie.
    select distinct on (nm.name_key)
           nm.name_key, x.performed_at,
           coalesce(x.entry ->> 'load_unit', x.load_unit::text) as load_unit,
           (x.entry ->> 'load')::numeric as load,
           (x.entry ->> 'reps')::numeric as reps,
           coalesce(x.entry -> 'set_results', '[]'::jsonb) as set_results
      from entries x
      join names nm on nm.name = x.name
     where nm.name_key in (select w.name_key from wanted w)
     order by nm.name_key, x.performed_at desc, x.result_id desc, x.n
  )
  select w.id, l.performed_at, l.load_unit, l.load, l.reps, l.set_results
    from wanted w
    join latest l on l.name_key = w.name_key;
$$;
comment on function private.previous_movement_results(uuid, uuid, uuid, uuid) is
  'For assignment_previous_results only, after it has found the assignment under the caller''s RLS: per movement of the workout, the athlete''s newest logged entry for the same normalized name (one pass over their results).';
revoke all on function private.previous_movement_results(uuid, uuid, uuid, uuid) from public, anon;
grant execute on function private.previous_movement_results(uuid, uuid, uuid, uuid) to authenticated, service_role;

create or replace function public.assignment_previous_results(p_assignment_id uuid)
returns table (movement_id uuid, performed_at timestamptz, load_unit text, load numeric, reps numeric,
               set_results jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
begin
  perform private.require_user();
  -- The same visibility and error as assignment_results: the caller must see the assignment.
  select * into v_assignment from public.workout_assignments a
   where a.id = assignment_previous_results.p_assignment_id and a.deleted_at is null;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  -- Movements never logged before have no row.
  return query
    select p.movement_id, p.performed_at, p.load_unit, p.load, p.reps, p.set_results
      from private.previous_movement_results(v_assignment.user_id, v_assignment.organization_id,
                                             v_assignment.id, v_assignment.snapshot_workout_id) p;
end;
$$;
