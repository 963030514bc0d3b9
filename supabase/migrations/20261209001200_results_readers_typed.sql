-- The staff results readers answered with one jsonb document each, so the app declared their
-- shapes by hand and cast them. They now return typed rows, so the generated types describe them:
--   * private.result_card_rows: the result card as a row (one per result, newest first). The
--     per-movement numbers stay jsonb (they are the athlete's logged movement_results, which the
--     app reads defensively anyway); the records the result holds are personal_records rows.
--     private.result_cards (the jsonb list athlete_profile embeds) is now built from it, so the
--     card is defined once.
--   * results_feed: one row per card of the page, and has_more on each row saying whether a next
--     page exists (the caller pages on with the last row's performed_at and id, as before).
--   * assignment_results: one row per card logged against the assignment. Last time's numbers
--     per movement ("previous") come from assignment_previous_results, one row per movement of
--     the assignment's workout; the app asks both at once.
--   * athlete_profile: one row; the athlete, today and the records as typed columns, the other
--     lists (compliance, recent results, comments, notes, coming weeks, programs) as jsonb arrays
--     of the same objects as before, which the app validates.
-- Authorization, errors (athlete_not_found, assignment_not_found, not_staff), ordering and figures
-- are unchanged. The return types change, so the functions are dropped and created again with
-- their grants and comments.
-- Touches: private.result_card_rows (new), private.result_cards, public.results_feed,
-- public.assignment_results, public.assignment_previous_results (new), public.athlete_profile.

-- =============================================================================================
-- private functions
-- =============================================================================================

create function private.result_card_rows(p_result_ids uuid[])
returns table (
  id uuid, user_id uuid, display_name text, workout_id uuid, workout_title text,
  assignment_id uuid, assignment_date date, program_id uuid, program_name text,
  performed_at timestamptz, score text, notes text, rpe integer,
  movements jsonb, records public.personal_records[])
language sql
stable
security definer
set search_path = ''
as $$
  -- One query for all cards: every lookup is a join on a primary key or an indexed foreign key.
  select r.id, r.user_id, p.display_name, r.workout_id, w.title, r.workout_assignment_id, a.date,
         a.program_id, pg.name, r.performed_at, r.score, r.notes, r.rpe, mv.movements,
         -- The records this result holds now, as the database keeps them.
         array(select pr from public.personal_records pr
                where pr.workout_result_id = r.id
                order by pr.movement_name)
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
   where r.id = any (result_card_rows.p_result_ids)
     -- The workout_results select policy, evaluated once for the whole set.
     and (r.user_id = (select auth.uid())
          or r.organization_id in (select private.staff_organization_ids()))
   order by r.performed_at desc, r.id desc;
$$;

comment on function private.result_card_rows(uuid[]) is
  'The cards of a set of results (newest first) as rows, in one query: who, which workout and day, per-movement and per-set numbers (jsonb), and the personal_records rows each holds. Only results the caller may read.';

revoke all on function private.result_card_rows(uuid[]) from public, anon;
grant execute on function private.result_card_rows(uuid[]) to authenticated, service_role;

create or replace function private.result_cards(p_result_ids uuid[])
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(to_jsonb(c) order by c.performed_at desc, c.id desc), '[]'::jsonb)
    from private.result_card_rows(result_cards.p_result_ids) c;
$$;

comment on function private.result_cards(uuid[]) is
  'The cards of private.result_card_rows as one jsonb array (newest first), for readers that embed them in a larger document.';

-- =============================================================================================
-- public functions
-- =============================================================================================

drop function public.assignment_results(uuid);

create function public.assignment_results(p_assignment_id uuid)
returns table (
  id uuid, user_id uuid, display_name text, workout_id uuid, workout_title text,
  assignment_id uuid, assignment_date date, program_id uuid, program_name text,
  performed_at timestamptz, score text, notes text, rpe integer,
  movements jsonb, records public.personal_records[])
language plpgsql
stable
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
  return query
    select c.* from private.result_card_rows(array(
      select r.id from public.workout_results r where r.workout_assignment_id = v_assignment.id)) c;
end;
$$;

comment on function public.assignment_results(uuid) is
  'The results logged against one assignment, as cards (newest first). Last time''s numbers per movement: assignment_previous_results.';

revoke all on function public.assignment_results(uuid) from public, anon;
grant execute on function public.assignment_results(uuid) to authenticated, service_role;

create function public.assignment_previous_results(p_assignment_id uuid)
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
  -- Per movement of this workout: what the athlete logged for the same exercise last time (same
  -- normalized name, any other workout), to prefill the form. Movements never logged before have
  -- no row.
  return query
    select m.id, prev.performed_at, prev.load_unit, prev.load, prev.reps, prev.set_results
      from public.workout_movements m
      cross join lateral (
        select r.performed_at,
               coalesce(e ->> 'load_unit', pm.load_unit::text) as load_unit,
               (e ->> 'load')::numeric as load,
               (e ->> 'reps')::numeric as reps,
               coalesce(e -> 'set_results', '[]'::jsonb) as set_results
          from public.workout_results r
          cross join lateral jsonb_array_elements(r.movement_results) e
          join public.workout_movements pm on pm.id = (e ->> 'movement_id')::uuid
         where r.user_id = v_assignment.user_id
           and r.organization_id = v_assignment.organization_id
           and r.workout_assignment_id is distinct from v_assignment.id
           and private.normalize_movement_name(pm.name) = private.normalize_movement_name(m.name)
         order by r.performed_at desc
         limit 1) prev
     where m.workout_id = v_assignment.snapshot_workout_id;
end;
$$;

comment on function public.assignment_previous_results(uuid) is
  'Per movement of an assignment''s workout, what the athlete logged for that exercise last time (any other workout, same normalized name): one row per movement logged before.';

revoke all on function public.assignment_previous_results(uuid) from public, anon;
grant execute on function public.assignment_previous_results(uuid) to authenticated, service_role;

drop function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer);

create function public.results_feed(
  p_organization_id uuid,
  p_program_id uuid default null,
  p_user_id uuid default null,
  p_before_at timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 20)
returns table (
  id uuid, user_id uuid, display_name text, workout_id uuid, workout_title text,
  assignment_id uuid, assignment_date date, program_id uuid, program_name text,
  performed_at timestamptz, score text, notes text, rpe integer,
  movements jsonb, records public.personal_records[], has_more boolean)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(results_feed.p_limit, 20), 1), 50);
  v_ids uuid[];
begin
  -- Authorized once; everything below is one index read for the page and one card query.
  perform private.require_staff(results_feed.p_organization_id);
  -- One row more than asked tells whether there is a next page. The keyset condition is a row
  -- comparison, so it is a range bound on the index's (performed_at, id).
  -- One program is its own statement: inside plpgsql the plan is generic, and an optional
  -- "p_program_id is null or r.program_id = p_program_id" would keep the organization's index
  -- (walking every other program's results); an equality reads the program's index directly.
  if results_feed.p_program_id is not null then
    v_ids := array(
      select r.id from public.workout_results r
       where r.program_id = results_feed.p_program_id
         and r.organization_id = results_feed.p_organization_id
         and (results_feed.p_user_id is null or r.user_id = results_feed.p_user_id)
         and (results_feed.p_before_at is null
              or (r.performed_at, r.id) < (results_feed.p_before_at,
                                           coalesce(results_feed.p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
       order by r.performed_at desc, r.id desc
       limit v_limit + 1);
  else
    v_ids := array(
      select r.id from public.workout_results r
       where r.organization_id = results_feed.p_organization_id
         and (results_feed.p_user_id is null or r.user_id = results_feed.p_user_id)
         and (results_feed.p_before_at is null
              or (r.performed_at, r.id) < (results_feed.p_before_at,
                                           coalesce(results_feed.p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
       order by r.performed_at desc, r.id desc
       limit v_limit + 1);
  end if;
  return query
    select c.*, pg_catalog.cardinality(v_ids) > v_limit
      from private.result_card_rows(v_ids[1:v_limit]) c;
end;
$$;

comment on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) is
  'Staff''s feed of logged results across the organization, newest first, optionally for one program or athlete, keyset-paged by (performed_at, id): one card per row; has_more says a next page exists (pass the last row''s performed_at and id).';

revoke all on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) to authenticated, service_role;

drop function public.athlete_profile(uuid, uuid, integer, timestamptz);

create function public.athlete_profile(
  p_organization_id uuid,
  p_user_id uuid,
  p_weeks integer default 12,
  p_as_of timestamptz default null)
returns table (
  user_id uuid, display_name text, avatar_path text, role public.membership_role,
  member_since timestamptz, time_zone text, today date,
  compliance jsonb, recent_results jsonb, records public.personal_records[], comments jsonb,
  notes jsonb, upcoming jsonb, programs jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_weeks integer := least(greatest(coalesce(athlete_profile.p_weeks, 12), 1), 52);
  v_user_id uuid;
  v_display_name text;
  v_avatar_path text;
  v_role public.membership_role;
  v_member_since timestamptz;
  v_athlete_zone text;
  v_zone text;
  v_today date;
  v_week date;
begin
  perform private.require_staff(athlete_profile.p_organization_id);
  select p.id, p.display_name, p.avatar_path, m.role, m.created_at, coalesce(p.time_zone, o.time_zone),
         coalesce(p.time_zone, o.time_zone, 'UTC')
    into v_user_id, v_display_name, v_avatar_path, v_role, v_member_since, v_athlete_zone, v_zone
    from public.memberships m
    join public.profiles p on p.id = m.user_id
    join public.organizations o on o.id = m.organization_id
   where m.organization_id = athlete_profile.p_organization_id
     and m.user_id = athlete_profile.p_user_id
     and m.status = 'active';
  if v_user_id is null then
    raise exception 'This person is not an athlete of the organization.'
      using errcode = 'PT404', hint = 'athlete_not_found';
  end if;
  -- The athlete's own today decides what is due and what is coming.
  v_today := (coalesce(athlete_profile.p_as_of, pg_catalog.now()) at time zone v_zone)::date;
  v_week := pg_catalog.date_trunc('week', v_today::timestamp)::date;

  return query select
    v_user_id, v_display_name, v_avatar_path, v_role, v_member_since, v_athlete_zone, v_today,
    -- Per week: published workouts that are due (dated before today, or already answered).
    (select coalesce(jsonb_agg(jsonb_build_object(
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
    -- One set-based card query for the ten newest, found on the keyset index.
    private.result_cards(array(
      select r.id from public.workout_results r
       where r.organization_id = athlete_profile.p_organization_id
         and r.user_id = athlete_profile.p_user_id
       order by r.performed_at desc, r.id desc limit 10)),
    array(select pr from public.personal_records pr
           where pr.organization_id = athlete_profile.p_organization_id
             and pr.user_id = athlete_profile.p_user_id
           order by pr.movement_name, pr.load_unit),
    (select coalesce(jsonb_agg(jsonb_build_object(
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
    (select coalesce(jsonb_agg(to_jsonb(x) order by x.at desc), '[]'::jsonb)
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
    (select coalesce(jsonb_agg(jsonb_build_object(
              'id', a.id, 'date', a.date, 'kind', a.kind, 'status', a.status, 'published', a.published,
              'note', a.note, 'title', (select w.title from public.workouts w where w.id = a.snapshot_workout_id))
            order by a.date, a.sort_order), '[]'::jsonb)
       from public.workout_assignments a
      where a.organization_id = athlete_profile.p_organization_id
        and a.user_id = athlete_profile.p_user_id
        and a.deleted_at is null
        and a.date >= v_today and a.date < v_week + 21),
    (select coalesce(jsonb_agg(jsonb_build_object('id', pg.id, 'name', pg.name) order by pg.name), '[]'::jsonb)
       from public.program_enrollments e
       join public.programs pg on pg.id = e.program_id
      where e.organization_id = athlete_profile.p_organization_id
        and e.user_id = athlete_profile.p_user_id and e.ended_at is null);
end;
$$;

comment on function public.athlete_profile(uuid, uuid, integer, timestamptz) is
  'Everything the staff page of one athlete shows, in one call (one row): the athlete, their today, weekly compliance, recent results, records, their exercise comments and notes, the coming weeks and programs. p_as_of (default now) fixes "today" for tests and reports.';

revoke all on function public.athlete_profile(uuid, uuid, integer, timestamptz) from public, anon;
grant execute on function public.athlete_profile(uuid, uuid, integer, timestamptz) to authenticated, service_role;
