-- Creating assignments: the three publish surfaces of seed 002 (personal cells for N athletes,
-- one feed post, class sessions with their workouts) and applying a program template to a group.
-- All security invoker: staff may insert these rows under RLS, and the table triggers enforce the
-- invariants; the functions check first only to give one readable error per bad input.
-- Errors (HINT): not_authenticated, not_staff, invalid_mode, athletes_required, workout_required,
-- workout_not_allowed, note_required, workout_other_organization, date_out_of_range,
-- athlete_not_member, program_not_found, program_not_feed, program_other_organization,
-- sessions_required, invalid_session, template_not_found.
-- Touches: public.workout_assignments, public.workout_feed_posts, public.class_sessions,
-- public.class_session_workouts.

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

create or replace function private.require_staff(p_organization_id uuid)
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
begin
  if require_staff.p_organization_id is null or not private.is_staff(require_staff.p_organization_id) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return v_user_id;
end;
$$;

comment on function private.require_staff(uuid) is
  'The signed-in user''s id if they are staff of the organization, else a readable PT403 (not_staff).';

create or replace function private.check_assignment_payload(
  p_organization_id uuid,
  p_kind public.assignment_kind,
  p_workout_id uuid,
  p_note text,
  p_date date,
  p_program_id uuid
)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_today date := (pg_catalog.now() at time zone 'UTC')::date;
begin
  if check_assignment_payload.p_kind is null then
    raise exception 'Choose a workout, rest or note cell.' using errcode = 'PT422', hint = 'invalid_kind';
  end if;
  if check_assignment_payload.p_kind = 'workout' and check_assignment_payload.p_workout_id is null then
    raise exception 'A workout cell needs a workout.' using errcode = 'PT422', hint = 'workout_required';
  end if;
  if check_assignment_payload.p_kind <> 'workout' and check_assignment_payload.p_workout_id is not null then
    raise exception 'A % cell cannot carry a workout.', check_assignment_payload.p_kind
      using errcode = 'PT422', hint = 'workout_not_allowed';
  end if;
  if check_assignment_payload.p_kind = 'note' and nullif(btrim(coalesce(check_assignment_payload.p_note, '')), '') is null then
    raise exception 'A note cell needs a note.' using errcode = 'PT422', hint = 'note_required';
  end if;
  if check_assignment_payload.p_workout_id is not null and not exists (
    select 1 from public.workouts w
     where w.id = check_assignment_payload.p_workout_id
       and w.organization_id = check_assignment_payload.p_organization_id and not w.is_snapshot)
  then
    raise exception 'The workout is not in this organization''s library.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  if check_assignment_payload.p_program_id is not null and not exists (
    select 1 from public.programs p
     where p.id = check_assignment_payload.p_program_id and p.organization_id = check_assignment_payload.p_organization_id)
  then
    raise exception 'The program belongs to another organization.'
      using errcode = 'PT422', hint = 'program_other_organization';
  end if;
  if check_assignment_payload.p_date is null
     or check_assignment_payload.p_date not between v_today - 730 and v_today + 730 then
    raise exception 'The date % is out of range: assign within two years of today.', coalesce(check_assignment_payload.p_date::text, '(none)')
      using errcode = 'PT422', hint = 'date_out_of_range';
  end if;
end;
$$;

comment on function private.check_assignment_payload(uuid, public.assignment_kind, uuid, text, date, uuid) is
  'Readable errors for one cell''s payload before any insert (the table trigger enforces the same).';

create or replace function private.check_athletes(p_organization_id uuid, p_athlete_ids uuid[])
returns uuid[]
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_missing integer;
begin
  select array_agg(distinct i) into v_ids from unnest(check_athletes.p_athlete_ids) i where i is not null;
  if coalesce(cardinality(v_ids), 0) = 0 then
    raise exception 'Choose at least one athlete.' using errcode = 'PT422', hint = 'athletes_required';
  end if;
  if cardinality(v_ids) > 2000 then
    raise exception 'At most 2000 athletes at once.' using errcode = 'PT422', hint = 'too_many_athletes';
  end if;
  select count(*) into v_missing from unnest(v_ids) i
   where not exists (select 1 from public.memberships m
                      where m.organization_id = check_athletes.p_organization_id and m.user_id = i
                        and m.status = 'active');
  if v_missing > 0 then
    raise exception '% of the chosen athletes are not active members of the organization.', v_missing
      using errcode = 'PT422', hint = 'athlete_not_member';
  end if;
  return v_ids;
end;
$$;

comment on function private.check_athletes(uuid, uuid[]) is
  'The distinct athlete ids, after checking each is an active member of the organization (staff can read those memberships).';

grant execute on function private.require_staff(uuid),
  private.check_assignment_payload(uuid, public.assignment_kind, uuid, text, date, uuid),
  private.check_athletes(uuid, uuid[])
  to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.assign_personal(
  p_organization_id uuid,
  p_athlete_ids uuid[],
  p_date date,
  p_kind public.assignment_kind default 'workout',
  p_workout_id uuid default null,
  p_note text default null,
  p_sort_order integer default 0,
  p_program_id uuid default null,
  p_mode text default 'publish'
)
returns setof public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.require_staff(assign_personal.p_organization_id);
  if assign_personal.p_mode is null or assign_personal.p_mode not in ('publish', 'draft', 'morning_of') then
    raise exception 'Choose publish, draft or morning_of.' using errcode = 'PT422', hint = 'invalid_mode';
  end if;
  perform private.check_assignment_payload(assign_personal.p_organization_id, assign_personal.p_kind,
    assign_personal.p_workout_id, assign_personal.p_note, assign_personal.p_date, assign_personal.p_program_id);
  if assign_personal.p_sort_order is null or assign_personal.p_sort_order not between 0 and 99 then
    raise exception 'The slot must be between 0 and 99.' using errcode = 'PT422', hint = 'invalid_sort_order';
  end if;
  v_ids := private.check_athletes(assign_personal.p_organization_id, assign_personal.p_athlete_ids);

  return query
  insert into public.workout_assignments as a
    (organization_id, program_id, user_id, kind, workout_id, snapshot_workout_id, note, date, sort_order,
     published, publish_at)
  select assign_personal.p_organization_id, assign_personal.p_program_id, athlete.id, assign_personal.p_kind,
         assign_personal.p_workout_id, assign_personal.p_workout_id, nullif(btrim(assign_personal.p_note), ''),
         assign_personal.p_date, assign_personal.p_sort_order,
         assign_personal.p_mode = 'publish',
         case assign_personal.p_mode
           when 'morning_of' then
             (assign_personal.p_date + time '05:00')
               at time zone private.athlete_time_zone(athlete.id, assign_personal.p_organization_id)
           when 'publish' then pg_catalog.now()
         end
    from unnest(v_ids) as athlete(id)
  returning a.*;
end;
$$;

comment on function public.assign_personal(uuid, uuid[], date, public.assignment_kind, uuid, text, integer, uuid, text) is
  'Assigns a workout, rest day or note to N athletes on a date and slot: published now (push + broadcast), kept as a draft, or dripped at 05:00 of that date in each athlete''s time zone (morning_of).';

revoke all on function public.assign_personal(uuid, uuid[], date, public.assignment_kind, uuid, text, integer, uuid, text) from public, anon;
grant execute on function public.assign_personal(uuid, uuid[], date, public.assignment_kind, uuid, text, integer, uuid, text) to authenticated;

create or replace function public.assign_feed(
  p_program_id uuid,
  p_workout_id uuid,
  p_publish_at timestamptz default now(),
  p_note text default null
)
returns public.workout_feed_posts
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_program public.programs;
  v_post public.workout_feed_posts;
begin
  perform private.require_user();
  select * into v_program from public.programs p where p.id = assign_feed.p_program_id;
  if v_program.id is null then
    raise exception 'Program not found.' using errcode = 'PT404', hint = 'program_not_found';
  end if;
  perform private.require_staff(v_program.organization_id);
  if v_program.mode <> 'feed' then
    raise exception 'Feed posts go to feed-mode programs only.' using errcode = 'PT422', hint = 'program_not_feed';
  end if;
  if assign_feed.p_workout_id is null then
    raise exception 'A feed post needs a workout.' using errcode = 'PT422', hint = 'workout_required';
  end if;
  perform private.check_assignment_payload(v_program.organization_id, 'workout', assign_feed.p_workout_id,
    null, (coalesce(assign_feed.p_publish_at, pg_catalog.now()) at time zone 'UTC')::date, null);

  insert into public.workout_feed_posts (organization_id, program_id, workout_id, publish_at, note)
  values (v_program.organization_id, v_program.id, assign_feed.p_workout_id,
          coalesce(assign_feed.p_publish_at, pg_catalog.now()), nullif(btrim(assign_feed.p_note), ''))
  returning * into v_post;
  return v_post;
end;
$$;

comment on function public.assign_feed(uuid, uuid, timestamptz, text) is
  'Posts a workout to a feed-mode program: one workout_feed_posts row that enrolled members see once publish_at has passed.';

revoke all on function public.assign_feed(uuid, uuid, timestamptz, text) from public, anon;
grant execute on function public.assign_feed(uuid, uuid, timestamptz, text) to authenticated;

create or replace function public.assign_schedule(
  p_organization_id uuid,
  p_workout_ids uuid[],
  p_sessions jsonb
)
returns setof public.class_sessions
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_session jsonb;
  v_row public.class_sessions;
  v_workout_id uuid;
  v_position integer;
begin
  perform private.require_staff(assign_schedule.p_organization_id);
  if coalesce(cardinality(assign_schedule.p_workout_ids), 0) = 0 then
    raise exception 'Choose at least one workout.' using errcode = 'PT422', hint = 'workout_required';
  end if;
  foreach v_workout_id in array assign_schedule.p_workout_ids loop
    perform private.check_assignment_payload(assign_schedule.p_organization_id, 'workout', v_workout_id,
      null, (pg_catalog.now() at time zone 'UTC')::date, null);
  end loop;
  if assign_schedule.p_sessions is null or jsonb_typeof(assign_schedule.p_sessions) <> 'array'
     or jsonb_array_length(assign_schedule.p_sessions) = 0 then
    raise exception 'Choose at least one class slot.' using errcode = 'PT422', hint = 'sessions_required';
  end if;
  if jsonb_array_length(assign_schedule.p_sessions) > 500 then
    raise exception 'At most 500 class slots at once.' using errcode = 'PT422', hint = 'too_many_sessions';
  end if;

  for v_session in select s from jsonb_array_elements(assign_schedule.p_sessions) s loop
    if jsonb_typeof(v_session) <> 'object' or v_session ->> 'starts_at' is null or v_session ->> 'ends_at' is null then
      raise exception 'Each class slot needs starts_at and ends_at.' using errcode = 'PT422', hint = 'invalid_session';
    end if;
    begin
      insert into public.class_sessions (organization_id, class_type_id, program_id, coach_id, starts_at, ends_at,
                                         capacity, location, notes, created_by)
      values (assign_schedule.p_organization_id,
              (v_session ->> 'class_type_id')::uuid, (v_session ->> 'program_id')::uuid,
              (v_session ->> 'coach_id')::uuid, (v_session ->> 'starts_at')::timestamptz,
              (v_session ->> 'ends_at')::timestamptz, (v_session ->> 'capacity')::integer,
              v_session ->> 'location', v_session ->> 'notes', (select auth.uid()))
      returning * into v_row;
    exception
      when invalid_text_representation or invalid_datetime_format or datetime_field_overflow then
        raise exception 'A class slot has a malformed id, time or capacity.'
          using errcode = 'PT422', hint = 'invalid_session';
      when check_violation then
        raise exception 'A class slot must end after it starts, within 24 hours, with a capacity of 1 to 1000.'
          using errcode = 'PT422', hint = 'invalid_session';
    end;
    v_position := 0;
    foreach v_workout_id in array assign_schedule.p_workout_ids loop
      insert into public.class_session_workouts (class_session_id, organization_id, workout_id, position)
      values (v_row.id, assign_schedule.p_organization_id, v_workout_id, v_position);
      v_position := v_position + 1;
    end loop;
    return next v_row;
  end loop;
end;
$$;

comment on function public.assign_schedule(uuid, uuid[], jsonb) is
  'Adds workouts to class-schedule slots: class_sessions plus their class_session_workouts, all or nothing. p_sessions: [{starts_at, ends_at, class_type_id?, program_id?, coach_id?, capacity?, location?, notes?}].';

revoke all on function public.assign_schedule(uuid, uuid[], jsonb) from public, anon;
grant execute on function public.assign_schedule(uuid, uuid[], jsonb) to authenticated;

create or replace function public.apply_program_template(
  p_template_id uuid,
  p_athlete_ids uuid[],
  p_start_date date,
  p_publish boolean default false
)
returns setof public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_template public.program_templates;
  v_ids uuid[];
  v_last integer;
begin
  perform private.require_user();
  select * into v_template from public.program_templates t where t.id = apply_program_template.p_template_id;
  if v_template.id is null then
    raise exception 'Template not found.' using errcode = 'PT404', hint = 'template_not_found';
  end if;
  perform private.require_staff(v_template.organization_id);
  select coalesce(max(c.day_offset), 0) into v_last
    from public.program_template_cells c where c.template_id = v_template.id;
  perform private.check_assignment_payload(v_template.organization_id, 'rest', null, null,
    apply_program_template.p_start_date, null);
  perform private.check_assignment_payload(v_template.organization_id, 'rest', null, null,
    apply_program_template.p_start_date + v_last, null);
  v_ids := private.check_athletes(v_template.organization_id, apply_program_template.p_athlete_ids);

  return query
  insert into public.workout_assignments as a
    (organization_id, program_id, user_id, kind, workout_id, snapshot_workout_id, note, date, sort_order,
     published, publish_at)
  select v_template.organization_id, v_template.program_id, athlete.id, c.kind, c.workout_id, c.workout_id,
         c.note, apply_program_template.p_start_date + c.day_offset, c.sort_order,
         coalesce(apply_program_template.p_publish, false),
         case when coalesce(apply_program_template.p_publish, false) then pg_catalog.now() end
    from unnest(v_ids) as athlete(id)
    cross join public.program_template_cells c
   where c.template_id = v_template.id
   order by athlete.id, c.day_offset, c.sort_order
  returning a.*;
end;
$$;

comment on function public.apply_program_template(uuid, uuid[], date, boolean) is
  'Materializes a template''s cells on athletes'' calendars from a start date in pointer state: drafts by default, or published at once with pushes (closing the seed''s "template apply does not push").';

revoke all on function public.apply_program_template(uuid, uuid[], date, boolean) from public, anon;
grant execute on function public.apply_program_template(uuid, uuid[], date, boolean) to authenticated;
