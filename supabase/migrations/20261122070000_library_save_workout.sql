-- Saving a workout from the builder in one transaction, without losing what hangs from it.
-- public.save_workout updates the title and description, then upserts sections and movements BY
-- ID: an element that carries the id of an existing section/movement of this workout updates that
-- row (so its exercise comments, which cascade from the movement, survive), an element without
-- an id is inserted, positions follow the array order, and only the sections/movements missing
-- from the payload are deleted. public.create_workout inserts the workout and saves its content
-- the same way. Both are security invoker: the table policies decide (staff of the workout's
-- organization), with readable errors raised first. A refused element aborts the whole call.
-- An empty description is stored as null.
-- Payload (p_sections): [{ id?, title, notes?, movements: [{ id?, name, sets?, reps?,
-- rep_scheme?, load?, load_unit?, time_seconds?, distance_meters?, notes? }] }].
-- Errors (HINT): not_authenticated, not_staff (PT403), workout_not_found, section_not_found,
-- movement_not_found (PT404), sections_invalid, section_invalid, movement_invalid,
-- too_many_sections, too_many_movements, duplicate_section, duplicate_movement (PT422);
-- check constraints (23514) as they come.
-- Touches: public.workouts, public.workout_sections, public.workout_movements.

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

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none: the existing workout, section and movement policies apply, the functions are invokers)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.save_workout(
  p_workout_id uuid,
  p_title text,
  p_description text,
  p_sections jsonb
)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_organization_id uuid;
  v_section jsonb;
  v_section_position integer;
  v_section_id uuid;
  v_movement jsonb;
  v_movement_position integer;
  v_movement_id uuid;
  v_row public.workout_movements;
  v_kept_sections uuid[] := '{}';
  v_kept_movements uuid[] := '{}';
begin
  perform private.require_user();

  -- RLS hides other organizations' workouts: they read as missing.
  select w.organization_id into v_organization_id
    from public.workouts w where w.id = save_workout.p_workout_id;
  if v_organization_id is null then
    raise exception 'This workout does not exist or was deleted.' using errcode = 'PT404', hint = 'workout_not_found';
  end if;
  if not private.is_staff(v_organization_id) then
    raise exception 'Only the organization''s staff can edit its workouts.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  -- Two saves of one workout run one after the other, never interleaved.
  perform 1 from public.workouts w where w.id = save_workout.p_workout_id for update;

  if jsonb_typeof(coalesce(save_workout.p_sections, '[]'::jsonb)) <> 'array' then
    raise exception 'The sections could not be read.' using errcode = 'PT422', hint = 'sections_invalid';
  end if;
  if jsonb_array_length(coalesce(save_workout.p_sections, '[]'::jsonb)) > 30 then
    raise exception 'A workout has at most 30 sections.' using errcode = 'PT422', hint = 'too_many_sections';
  end if;

  update public.workouts w
     set title = save_workout.p_title, description = nullif(save_workout.p_description, '')
   where w.id = save_workout.p_workout_id;

  for v_section, v_section_position in
    select e.value, e.ordinality - 1
      from jsonb_array_elements(coalesce(save_workout.p_sections, '[]'::jsonb)) with ordinality e
  loop
    if jsonb_typeof(v_section) <> 'object'
       or jsonb_typeof(coalesce(v_section -> 'movements', '[]'::jsonb)) <> 'array' then
      raise exception 'Section % could not be read.', v_section_position + 1
        using errcode = 'PT422', hint = 'section_invalid';
    end if;
    if jsonb_array_length(coalesce(v_section -> 'movements', '[]'::jsonb)) > 100 then
      raise exception 'Section % has more than 100 movements.', v_section_position + 1
        using errcode = 'PT422', hint = 'too_many_movements';
    end if;

    begin
      v_section_id := nullif(v_section ->> 'id', '')::uuid;
    exception when invalid_text_representation then
      raise exception 'Section % could not be read.', v_section_position + 1
        using errcode = 'PT422', hint = 'section_invalid';
    end;

    if v_section_id is null then
      insert into public.workout_sections (workout_id, position, title, notes)
      values (save_workout.p_workout_id, v_section_position, v_section ->> 'title', nullif(v_section ->> 'notes', ''))
      returning id into v_section_id;
    else
      if v_section_id = any (v_kept_sections) then
        raise exception 'Section % appears twice.', v_section_position + 1
          using errcode = 'PT422', hint = 'duplicate_section';
      end if;
      -- Positions are unique per workout but deferred: a reorder swaps them freely here.
      update public.workout_sections s
         set position = v_section_position,
             title = v_section ->> 'title',
             notes = nullif(v_section ->> 'notes', '')
       where s.id = v_section_id and s.workout_id = save_workout.p_workout_id;
      if not found then
        raise exception 'Section % no longer exists: reload the workout.', v_section_position + 1
          using errcode = 'PT404', hint = 'section_not_found';
      end if;
    end if;
    v_kept_sections := v_kept_sections || v_section_id;

    for v_movement, v_movement_position in
      select e.value, e.ordinality - 1
        from jsonb_array_elements(coalesce(v_section -> 'movements', '[]'::jsonb)) with ordinality e
    loop
      if jsonb_typeof(v_movement) <> 'object' then
        raise exception 'Movement % of section % could not be read.', v_movement_position + 1, v_section_position + 1
          using errcode = 'PT422', hint = 'movement_invalid';
      end if;
      begin
        v_movement_id := nullif(v_movement ->> 'id', '')::uuid;
        v_row.name := v_movement ->> 'name';
        v_row.sets := (v_movement ->> 'sets')::integer;
        v_row.reps := (v_movement ->> 'reps')::integer;
        v_row.rep_scheme := nullif(v_movement ->> 'rep_scheme', '');
        v_row.load := (v_movement ->> 'load')::numeric;
        v_row.load_unit := nullif(v_movement ->> 'load_unit', '')::public.load_unit;
        v_row.time_seconds := (v_movement ->> 'time_seconds')::integer;
        v_row.distance_meters := (v_movement ->> 'distance_meters')::numeric;
        v_row.notes := nullif(v_movement ->> 'notes', '');
      exception when invalid_text_representation or numeric_value_out_of_range then
        raise exception 'Movement % of section % could not be read.', v_movement_position + 1, v_section_position + 1
          using errcode = 'PT422', hint = 'movement_invalid';
      end;

      if v_movement_id is null then
        insert into public.workout_movements
          (section_id, position, name, sets, reps, rep_scheme, load, load_unit, time_seconds, distance_meters, notes)
        values
          (v_section_id, v_movement_position, v_row.name, v_row.sets, v_row.reps, v_row.rep_scheme, v_row.load,
           v_row.load_unit, v_row.time_seconds, v_row.distance_meters, v_row.notes)
        returning id into v_movement_id;
      else
        if v_movement_id = any (v_kept_movements) then
          raise exception 'Movement % of section % appears twice.', v_movement_position + 1, v_section_position + 1
            using errcode = 'PT422', hint = 'duplicate_movement';
        end if;
        -- A movement may change section within its workout; it keeps its id and its comments.
        update public.workout_movements m
           set section_id = v_section_id,
               position = v_movement_position,
               name = v_row.name,
               sets = v_row.sets,
               reps = v_row.reps,
               rep_scheme = v_row.rep_scheme,
               load = v_row.load,
               load_unit = v_row.load_unit,
               time_seconds = v_row.time_seconds,
               distance_meters = v_row.distance_meters,
               notes = v_row.notes
         where m.id = v_movement_id and m.workout_id = save_workout.p_workout_id;
        if not found then
          raise exception 'Movement % of section % no longer exists: reload the workout.',
            v_movement_position + 1, v_section_position + 1
            using errcode = 'PT404', hint = 'movement_not_found';
        end if;
      end if;
      v_kept_movements := v_kept_movements || v_movement_id;
    end loop;
  end loop;

  -- Only now, after kept movements may have left them: what the builder removed goes.
  delete from public.workout_movements m
   where m.workout_id = save_workout.p_workout_id and m.id <> all (v_kept_movements);
  delete from public.workout_sections s
   where s.workout_id = save_workout.p_workout_id and s.id <> all (v_kept_sections);

  return save_workout.p_workout_id;
end;
$$;

comment on function public.save_workout(uuid, text, text, jsonb) is
  'Saves the builder''s version of a workout atomically: sections and movements upserted by id (kept rows keep their exercise comments), removed ones deleted, positions from the array order.';

create or replace function public.create_workout(
  p_organization_id uuid,
  p_title text,
  p_description text,
  p_sections jsonb
)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_workout_id uuid;
begin
  if not private.is_staff(create_workout.p_organization_id) then
    raise exception 'Only the organization''s staff can create workouts.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  insert into public.workouts (organization_id, created_by, title, description)
  values (create_workout.p_organization_id, v_user_id, create_workout.p_title,
          nullif(create_workout.p_description, ''))
  returning id into v_workout_id;
  return public.save_workout(v_workout_id, create_workout.p_title, create_workout.p_description,
                             create_workout.p_sections);
end;
$$;

comment on function public.create_workout(uuid, text, text, jsonb) is
  'Creates a library workout with its sections and movements in one transaction (no half-built workout).';

revoke all on function
  public.save_workout(uuid, text, text, jsonb),
  public.create_workout(uuid, text, text, jsonb)
  from public, anon;
grant execute on function
  public.save_workout(uuid, text, text, jsonb),
  public.create_workout(uuid, text, text, jsonb)
  to authenticated, service_role;
