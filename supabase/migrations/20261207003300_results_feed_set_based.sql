-- Result cards built set-based. The first readers of results (20261207003100) built every card
-- with private.result_card, one function call per result: each call planned and ran its own
-- sub-selects, re-checking row level security for every table per card, so a 40-card feed page
-- took over a second. Now each reader checks once that the caller is staff (same PT403/PT404
-- errors as before), finds the page of result ids on a keyset index, and builds all cards of the
-- page in one query (results -> assignments -> workouts/programs -> movements -> profiles ->
-- personal_records). Readers stay security invoker: RLS still decides what each caller sees, but
-- its checks run once per query instead of once per card. The JSON returned is unchanged.
-- Touches: private.result_cards (new), public.assignment_results, public.results_feed,
-- public.athlete_profile (same signatures), two keyset indexes on workout_results.
-- private.result_card stays for compatibility of anything calling it; no reader here uses it.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- Keyset paging orders by (performed_at, id): with both in the index a page (or the page after
-- a cursor) is an index range read of exactly the rows returned, for the whole organization or
-- for one athlete, instead of sorting every result of equal performed_at.
create index workout_results_org_performed_id_idx
  on public.workout_results (organization_id, performed_at, id);
create index workout_results_org_user_performed_id_idx
  on public.workout_results (organization_id, user_id, performed_at, id);

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.result_cards(p_result_ids uuid[])
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  -- One query for all cards: every lookup is a join on a primary key or an indexed foreign key,
  -- so RLS quals are evaluated once per query, not per card.
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
        join public.workout_movements m on m.id = (e ->> 'movement_id')::uuid
        join public.workout_sections s on s.id = m.section_id) mv
    cross join lateral (
      select coalesce(jsonb_agg(jsonb_build_object('movement_name', pr.movement_name, 'load_unit', pr.load_unit,
                                                   'best_load', pr.best_load, 'reps', pr.reps)
                                order by pr.movement_name), '[]'::jsonb) as records
        from public.personal_records pr
       where pr.workout_result_id = r.id) rc
   where r.id = any(result_cards.p_result_ids);
$$;

comment on function private.result_cards(uuid[]) is
  'The cards of a set of results (newest first) in one query: who, which workout and day, per-movement and per-set numbers, and the records each holds. Same card shape as private.result_card.';

revoke all on function private.result_cards(uuid[]) from public, anon;
grant execute on function private.result_cards(uuid[]) to authenticated, service_role;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (unchanged)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.assignment_results(p_assignment_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
begin
  perform private.require_user();
  select * into v_assignment from public.workout_assignments a
   where a.id = assignment_results.p_assignment_id and a.deleted_at is null;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  return jsonb_build_object(
    'results', private.result_cards(array(
      select r.id from public.workout_results r where r.workout_assignment_id = v_assignment.id)),
    -- Per movement of this workout: what the athlete logged for the same exercise last time
    -- (same normalized name, any other workout), to prefill the form.
    'previous', coalesce((
      select jsonb_object_agg(m.id, prev.entry)
        from public.workout_movements m
        cross join lateral (
          select jsonb_build_object('performed_at', r.performed_at,
                                    'load_unit', coalesce(e ->> 'load_unit', pm.load_unit::text),
                                    'load', e -> 'load', 'reps', e -> 'reps',
                                    'set_results', coalesce(e -> 'set_results', '[]'::jsonb)) as entry
            from public.workout_results r
            cross join lateral jsonb_array_elements(r.movement_results) e
            join public.workout_movements pm on pm.id = (e ->> 'movement_id')::uuid
           where r.user_id = v_assignment.user_id
             and r.organization_id = v_assignment.organization_id
             and r.workout_assignment_id is distinct from v_assignment.id
             and private.normalize_movement_name(pm.name) = private.normalize_movement_name(m.name)
           order by r.performed_at desc
           limit 1) prev
       where m.workout_id = v_assignment.snapshot_workout_id), '{}'::jsonb));
end;
$$;

comment on function public.assignment_results(uuid) is
  'The results logged against one assignment (cards, newest first) and, per movement, the athlete''s previous numbers for that exercise.';

revoke all on function public.assignment_results(uuid) from public, anon;
grant execute on function public.assignment_results(uuid) to authenticated;

create or replace function public.results_feed(
  p_organization_id uuid,
  p_program_id uuid default null,
  p_user_id uuid default null,
  p_before_at timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 20
)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(results_feed.p_limit, 20), 1), 50);
  v_ids uuid[];
  v_rows jsonb;
  v_last jsonb;
begin
  -- Authorized once; everything below is one index read for the page and one card query.
  perform private.require_staff(results_feed.p_organization_id);
  -- One row more than asked tells whether there is a next page. The keyset condition is a row
  -- comparison, so it is a range bound on (organization_id[, user_id], performed_at, id).
  v_ids := array(
    select r.id from public.workout_results r
     where r.organization_id = results_feed.p_organization_id
       and (results_feed.p_user_id is null or r.user_id = results_feed.p_user_id)
       and (results_feed.p_program_id is null
            or exists (select 1 from public.workout_assignments a
                        where a.id = r.workout_assignment_id and a.program_id = results_feed.p_program_id))
       and (results_feed.p_before_at is null
            or (r.performed_at, r.id) < (results_feed.p_before_at,
                                         coalesce(results_feed.p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
     order by r.performed_at desc, r.id desc
     limit v_limit + 1);
  v_rows := private.result_cards(v_ids[1:v_limit]);
  if pg_catalog.cardinality(v_ids) > v_limit then
    v_last := v_rows -> (v_limit - 1);
  end if;
  return jsonb_build_object(
    'results', v_rows,
    'next', case when v_last is null then null
                 else jsonb_build_object('before_at', v_last -> 'performed_at', 'before_id', v_last -> 'id') end);
end;
$$;

comment on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) is
  'Staff''s feed of logged results across the organization, newest first, optionally for one program or athlete, keyset-paged by (performed_at, id).';

revoke all on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) to authenticated;

create or replace function public.athlete_profile(
  p_organization_id uuid,
  p_user_id uuid,
  p_weeks integer default 12,
  p_as_of timestamptz default null
)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_weeks integer := least(greatest(coalesce(athlete_profile.p_weeks, 12), 1), 52);
  v_athlete jsonb;
  v_zone text;
  v_today date;
  v_week date;
begin
  perform private.require_staff(athlete_profile.p_organization_id);
  select jsonb_build_object('user_id', p.id, 'display_name', p.display_name, 'avatar_path', p.avatar_path,
                            'role', m.role, 'member_since', m.created_at,
                            'time_zone', coalesce(p.time_zone, o.time_zone)),
         coalesce(p.time_zone, o.time_zone, 'UTC')
    into v_athlete, v_zone
    from public.memberships m
    join public.profiles p on p.id = m.user_id
    join public.organizations o on o.id = m.organization_id
   where m.organization_id = athlete_profile.p_organization_id
     and m.user_id = athlete_profile.p_user_id
     and m.status = 'active';
  if v_athlete is null then
    raise exception 'This person is not an athlete of the organization.'
      using errcode = 'PT404', hint = 'athlete_not_found';
  end if;
  -- The athlete's own today decides what is due and what is coming.
  v_today := (coalesce(athlete_profile.p_as_of, pg_catalog.now()) at time zone v_zone)::date;
  v_week := pg_catalog.date_trunc('week', v_today::timestamp)::date;

  return jsonb_build_object(
    'athlete', v_athlete,
    'today', v_today,
    -- Per week: published workouts that are due (dated before today, or already answered).
    'compliance', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'week_start', wk.d::date, 'due', c.due, 'completed', c.completed, 'skipped', c.skipped,
               'pct', case when c.due > 0 then round(100.0 * c.completed / c.due) end)
             order by wk.d), '[]'::jsonb)
        from generate_series(v_week - 7 * (v_weeks - 1), v_week, interval '7 days') wk(d)
        cross join lateral (
          select count(*) filter (where a.date < v_today or a.status <> 'assigned') as due,
                 count(*) filter (where a.status = 'completed') as completed,
                 count(*) filter (where a.status = 'skipped') as skipped
            from public.workout_assignments a
           where a.user_id = athlete_profile.p_user_id
             and a.organization_id = athlete_profile.p_organization_id
             and a.deleted_at is null and a.published and a.kind = 'workout'
             and a.date >= wk.d::date and a.date < wk.d::date + 7) c),
    'recent_results', (
      -- One set-based card query for the ten newest, found on the keyset index.
      select private.result_cards(array(
        select r.id from public.workout_results r
         where r.organization_id = athlete_profile.p_organization_id
           and r.user_id = athlete_profile.p_user_id
         order by r.performed_at desc, r.id desc limit 10))),
    'records', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'movement_name', pr.movement_name, 'load_unit', pr.load_unit, 'best_load', pr.best_load,
               'reps', pr.reps, 'achieved_at', pr.achieved_at, 'workout_result_id', pr.workout_result_id)
             order by pr.movement_name, pr.load_unit), '[]'::jsonb)
        from public.personal_records pr
       where pr.organization_id = athlete_profile.p_organization_id
         and pr.user_id = athlete_profile.p_user_id),
    'comments', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', x.id, 'body', x.body, 'created_at', x.created_at, 'movement_name', x.movement_name,
               'workout_title', x.workout_title, 'assignment_id', x.assignment_id)
             order by x.created_at desc), '[]'::jsonb)
        from (select ec.id, ec.body, ec.created_at, wm.name as movement_name, w.title as workout_title,
                     (select a.id from public.workout_assignments a
                       where a.snapshot_workout_id = wm.workout_id and a.user_id = athlete_profile.p_user_id
                         and a.deleted_at is null
                       order by a.date desc limit 1) as assignment_id
                from public.exercise_comments ec
                join public.workout_movements wm on wm.id = ec.workout_movement_id
                join public.workouts w on w.id = wm.workout_id
               where ec.organization_id = athlete_profile.p_organization_id
                 and ec.author_id = athlete_profile.p_user_id
                 and ec.deleted_at is null
               order by ec.created_at desc limit 20) x),
    -- What the athlete wrote about their training: result notes and skip reasons.
    'notes', (
      select coalesce(jsonb_agg(to_jsonb(x) order by x.at desc), '[]'::jsonb)
        from (
          (select 'result' as kind, r.notes as text, r.performed_at as at, r.workout_assignment_id as assignment_id,
                  (select w.title from public.workouts w where w.id = r.workout_id) as title
             from public.workout_results r
            where r.organization_id = athlete_profile.p_organization_id
              and r.user_id = athlete_profile.p_user_id and r.notes is not null
            order by r.performed_at desc limit 20)
          union all
          (select 'skip', a.skip_reason, a.updated_at, a.id,
                  (select w.title from public.workouts w where w.id = a.snapshot_workout_id)
             from public.workout_assignments a
            where a.organization_id = athlete_profile.p_organization_id
              and a.user_id = athlete_profile.p_user_id
              and a.deleted_at is null and a.skip_reason is not null
            order by a.updated_at desc limit 20)) x),
    'upcoming', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', a.id, 'date', a.date, 'kind', a.kind, 'status', a.status, 'published', a.published,
               'note', a.note, 'title', (select w.title from public.workouts w where w.id = a.snapshot_workout_id))
             order by a.date, a.sort_order), '[]'::jsonb)
        from public.workout_assignments a
       where a.organization_id = athlete_profile.p_organization_id
         and a.user_id = athlete_profile.p_user_id
         and a.deleted_at is null
         and a.date >= v_today and a.date < v_week + 21),
    'programs', (
      select coalesce(jsonb_agg(jsonb_build_object('id', pg.id, 'name', pg.name) order by pg.name), '[]'::jsonb)
        from public.program_enrollments e
        join public.programs pg on pg.id = e.program_id
       where e.organization_id = athlete_profile.p_organization_id
         and e.user_id = athlete_profile.p_user_id and e.ended_at is null));
end;
$$;

comment on function public.athlete_profile(uuid, uuid, integer, timestamptz) is
  'Everything the staff page of one athlete shows, in one call: weekly compliance, recent results, records, their exercise comments and notes, the coming weeks and programs. p_as_of (default now) fixes "today" for tests and reports.';

revoke all on function public.athlete_profile(uuid, uuid, integer, timestamptz) from public, anon;
grant execute on function public.athlete_profile(uuid, uuid, integer, timestamptz) to authenticated;
