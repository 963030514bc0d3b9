-- Result cards without per-card RLS: the set-based private.result_cards (20261207003300) still ran
-- as the caller, and RLS on workout_movements, workout_sections, workouts and profiles made the
-- planner filter those tables whole before joining (security-barrier quals are applied first),
-- so each card hashed ~6,000 movements and the caller's visible profiles: 1.3 s for 20 cards on
-- a 2,000-athlete organization. Now result_cards is security definer and applies the
-- workout_results select rule (own result, or staff of its organization) once to the set; the
-- rest is primary-key joins (movements probed per logged movement, not hashed per card). The public readers (results_feed, athlete_profile,
-- assignment_results) stay security invoker and keep their own checks (require_staff once).
-- Touches: private.result_cards (now security definer; same signature and card shape).

create or replace function private.result_cards(p_result_ids uuid[])
returns jsonb
language sql
stable
-- definer: under the caller's RLS the planner cannot use the join keys inside the per-card
-- lookups (movements, sections, workouts are filtered by security-barrier quals first), so every
-- card hashed whole tables (20 cards: 1.2 s on 50k results). The caller's right to the results
-- is checked once below with the same rule as the workout_results select policy; what hangs off
-- a visible result (its assignment, workout, program, athlete's name, movements, records) is
-- shown as staff of its organization or the athlete themself would see it.
security definer
set search_path = ''
as $$
  -- One query for all cards: every lookup is a join on a primary key or an indexed foreign key.
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', r.id,
           'user_id', r.user_id,
           'display_name', p.display_name,
           'workout_id', r.workout_id,
           'workout_title', w.title,
           'assignment_id', r.workout_assignment_id,
           'assignment_date', a.date,
           'program_id', a.program_id,
           'program_name', pg.name,
           'performed_at', r.performed_at,
           'score', r.score,
           'notes', r.notes,
           'rpe', r.rpe,
           'movements', mv.movements,
           -- The records this result holds now, as the database keeps them.
           'records', rc.records)
         order by r.performed_at desc, r.id desc), '[]'::jsonb)
    from public.workout_results r
    left join public.workout_assignments a on a.id = r.workout_assignment_id
    left join public.programs pg on pg.id = a.program_id
    left join public.workouts w on w.id = r.workout_id
    left join public.profiles p on p.id = r.user_id
    cross join lateral (
      select coalesce(jsonb_agg(jsonb_build_object(
                 'movement_id', m.id, 'name', m.name,
                 'load_unit', coalesce(e ->> 'load_unit', m.load_unit::text),
                 'load', e -> 'load', 'reps', e -> 'reps', 'notes', e -> 'notes',
                 'set_results', coalesce(e -> 'set_results', '[]'::jsonb))
               order by s.position, m.position), '[]'::jsonb) as movements
        from jsonb_array_elements(r.movement_results) e
        -- offset 0 keeps this a primary-key probe per logged movement: flattened, the planner
        -- guesses 100 elements and hashes every movement of the organization for each card.
        cross join lateral (
          select wm.id, wm.name, wm.load_unit, wm.position, wm.section_id
            from public.workout_movements wm
           where wm.id = (e ->> 'movement_id')::uuid
          offset 0) m
        join public.workout_sections s on s.id = m.section_id) mv
    cross join lateral (
      select coalesce(jsonb_agg(jsonb_build_object('movement_name', pr.movement_name, 'load_unit', pr.load_unit,
                                                   'best_load', pr.best_load, 'reps', pr.reps)
                                order by pr.movement_name), '[]'::jsonb) as records
        from public.personal_records pr
       where pr.workout_result_id = r.id) rc
   where r.id = any(result_cards.p_result_ids)
     -- The workout_results select policy, evaluated once for the whole set.
     and (r.user_id = (select auth.uid())
          or r.organization_id in (select private.staff_organization_ids()));
$$;

comment on function private.result_cards(uuid[]) is
  'The cards of a set of results (newest first) in one query: who, which workout and day, per-movement and per-set numbers, and the records each holds. Same card shape as private.result_card.';

revoke all on function private.result_cards(uuid[]) from public, anon;
grant execute on function private.result_cards(uuid[]) to authenticated, service_role;
