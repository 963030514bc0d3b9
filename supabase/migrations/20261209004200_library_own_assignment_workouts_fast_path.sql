-- An athlete reading the workouts of their own published assignments no longer computes every
-- workout they may read. Today and Week embed each cell's frozen workout (its title) and the
-- workouts select policy answered with `id in (select private.readable_workout_ids())`: the
-- whole set (every workout of every published assignment, result, class and feed post of the
-- athlete, ~750 buffer reads in the 2,000-athlete bench organization) built to name 1 to 7 cells,
-- on the two pages athletes open most.
-- The rule is unchanged: "the frozen workout of my own published, live assignment in an
-- organization I belong to" is one of the branches of that set; the policy now asks it of the
-- row first, with one index probe, and builds the set only for rows that branch does not cover
-- (staff still answer by their first arm, before either).
-- The probe needs (snapshot_workout_id, user_id): the existing index on snapshot_workout_id
-- gains user_id as its second column under the same name (it still serves the foreign key), so
-- writes maintain no extra index.
-- Touches: index workout_assignments_snapshot_workout_id_idx (recreated with user_id), select
-- policy on public.workouts (recreated).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

drop index public.workout_assignments_snapshot_workout_id_idx;
create index workout_assignments_snapshot_workout_id_idx
  on public.workout_assignments (snapshot_workout_id, user_id);

-- =============================================================================================
-- policies
-- =============================================================================================

drop policy "Workouts are visible to staff and to the people they reach" on public.workouts;
create policy "Workouts are visible to staff and to the people they reach"
  on public.workouts
  for select
  to authenticated
  using (
    organization_id in (select private.staff_organization_ids())
    or exists (select 1
                 from public.workout_assignments a
                where a.snapshot_workout_id = workouts.id
                  and a.user_id = (select auth.uid())
                  and a.published and a.deleted_at is null
                  and a.organization_id in (select private.member_organization_ids()))
    or id in (select private.readable_workout_ids())
  );

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
