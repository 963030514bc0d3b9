-- The workout library: workouts -> workout_sections -> workout_movements, ordered, with a
-- validated prescription per movement. The same tables hold snapshot copies (is_snapshot, with
-- source_workout_id naming the library workout they copy) that assignments fork later.
-- Staff read and change their organization's library; members read only workouts that reach
-- them (private.readable_workout_ids(): the workouts of their results, classes, assignments and
-- feed posts, tables the later domain migrations create).
-- Touches: public.workouts, public.workout_sections, public.workout_movements.
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
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

-- readable_workout_ids is `language sql`, whose body Postgres checks at creation by default; it
-- reads tables of later domains (results, classes, assignments), so this file's bodies are
-- checked when first called instead. `local`: the setting ends with this migration's transaction.
set local check_function_bodies = off;

-- =============================================================================================
-- types
-- =============================================================================================

create type public.load_unit as enum ('kg', 'lb', 'percent_1rm', 'bodyweight');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.workouts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  title text not null,
  description text,
  is_snapshot boolean not null default false,
  source_workout_id uuid references public.workouts (id) on delete set null,
  created_by uuid references public.profiles (id),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workouts_title_length_chk check (char_length(btrim(title)) between 1 and 120),
  constraint workouts_description_length_chk check (description is null or char_length(description) <= 10000),
  constraint workouts_source_not_self_chk check (source_workout_id is distinct from id)
);

create index workouts_organization_id_idx on public.workouts (organization_id, title) where not is_snapshot;

create index workouts_organization_fk_idx on public.workouts (organization_id);

create index workouts_source_workout_id_idx on public.workouts (source_workout_id);

create index workouts_created_by_idx on public.workouts (created_by);

comment on table public.workouts is
  'Library workouts (is_snapshot false) and the snapshot copies assignments point at (is_snapshot true).';

comment on column public.workouts.source_workout_id is 'For a snapshot: the library workout it was copied from.';

create table public.workout_sections (
  id uuid primary key default gen_random_uuid(),
  workout_id uuid not null references public.workouts (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  position integer not null default 0,
  title text not null,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workout_sections_position_key unique (workout_id, position) deferrable initially deferred,
  constraint workout_sections_position_chk check (position >= 0),
  constraint workout_sections_title_length_chk check (char_length(btrim(title)) between 1 and 120),
  constraint workout_sections_notes_length_chk check (notes is null or char_length(notes) <= 2000)
);

create index workout_sections_organization_id_idx on public.workout_sections (organization_id);

comment on table public.workout_sections is 'Ordered parts of a workout (warm-up, strength, metcon...).';

create table public.workout_movements (
  id uuid primary key default gen_random_uuid(),
  section_id uuid not null references public.workout_sections (id) on delete cascade,
  workout_id uuid not null references public.workouts (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  position integer not null default 0,
  name text not null,
  sets integer,
  reps integer,
  rep_scheme text,
  load numeric(7, 2),
  load_unit public.load_unit,
  time_seconds integer,
  distance_meters numeric(9, 2),
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workout_movements_position_key unique (section_id, position) deferrable initially deferred,
  constraint workout_movements_position_chk check (position >= 0),
  constraint workout_movements_name_length_chk check (char_length(btrim(name)) between 1 and 120),
  constraint workout_movements_sets_chk check (sets is null or sets between 1 and 100),
  constraint workout_movements_reps_chk check (reps is null or reps between 1 and 1000),
  constraint workout_movements_rep_scheme_chk check (rep_scheme is null or char_length(rep_scheme) between 1 and 60),
  constraint workout_movements_load_chk check (load is null or load between 0 and 10000),
  constraint workout_movements_load_unit_chk
    check ((load is null or load_unit is not null)
           and (load_unit is distinct from 'percent_1rm' or load <= 200)),
  constraint workout_movements_time_chk check (time_seconds is null or time_seconds between 1 and 86400),
  constraint workout_movements_distance_chk check (distance_meters is null or distance_meters > 0 and distance_meters <= 1000000),
  constraint workout_movements_notes_length_chk check (notes is null or char_length(notes) <= 2000)
);

create index workout_movements_workout_id_idx on public.workout_movements (workout_id);

create index workout_movements_organization_id_idx on public.workout_movements (organization_id);

create index workout_movements_name_idx on public.workout_movements (organization_id, lower(name));

comment on table public.workout_movements is
  'Ordered movements of a section with their prescription: sets x reps (or a rep scheme like 21-15-9), load and unit, time, distance, notes.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger workouts_set_updated_at
  before update on public.workouts
  for each row execute function private.trigger_set_updated_at();

create trigger workout_sections_set_updated_at
  before update on public.workout_sections
  for each row execute function private.trigger_set_updated_at();

create trigger workout_movements_set_updated_at
  before update on public.workout_movements
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_workout_source_same_organization()
returns trigger
language plpgsql
-- definer: the check must see the source workout even where the caller's RLS would not.
security definer
set search_path = ''
as $$
begin
  if new.source_workout_id is not null and not exists (
    select 1 from public.workouts w
     where w.id = new.source_workout_id and w.organization_id = new.organization_id
  ) then
    raise exception 'A workout can only be copied within its organization.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  return new;
end;
$$;
comment on function private.trigger_workout_source_same_organization() is
  'Keeps snapshot copies inside the organization of the workout they copy.';

create trigger workouts_source_same_organization
  before insert or update of source_workout_id, organization_id on public.workouts
  for each row execute function private.trigger_workout_source_same_organization();

create or replace function private.trigger_inherit_workout_organization()
returns trigger
language plpgsql
-- definer: fills the denormalized keys from the parent row whatever the caller can see; RLS
-- then refuses the row if that organization is not the caller's.
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'workout_sections' then
    select w.organization_id into new.organization_id from public.workouts w where w.id = new.workout_id;
  else
    select s.workout_id, s.organization_id into new.workout_id, new.organization_id
      from public.workout_sections s where s.id = new.section_id;
  end if;
  return new;
end;
$$;
comment on function private.trigger_inherit_workout_organization() is
  'Sections and movements carry their workout''s organization (and movements their workout) for cheap RLS.';

create trigger workout_sections_inherit_organization
  before insert or update on public.workout_sections
  for each row execute function private.trigger_inherit_workout_organization();

create trigger workout_movements_inherit_organization
  before insert or update on public.workout_movements
  for each row execute function private.trigger_inherit_workout_organization();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.workouts enable row level security;

alter table public.workout_sections enable row level security;

alter table public.workout_movements enable row level security;

revoke truncate on public.workouts, public.workout_sections, public.workout_movements from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.readable_workout_ids()
returns setof uuid
language sql
stable
-- definer: reads workouts, results, classes, assignments and feed posts without RLS recursion.
security definer
set search_path = ''
as $$
  -- staff: every workout of the organizations they staff
  select w.id from public.workouts w
   where w.organization_id in (select private.staff_organization_ids())
  union
  -- anyone: workouts they have logged results for, in organizations they belong to
  select r.workout_id from public.workout_results r
   where r.user_id = (select auth.uid())
     and r.organization_id in (select private.member_organization_ids())
  union
  -- anyone: workouts run by the classes they can see
  select csw.workout_id from public.class_session_workouts csw
   where csw.class_session_id in (select private.readable_class_session_ids())
  union
  -- athletes: the library and frozen workouts of their own published assignments
  select x.workout_id
    from public.workout_assignments a
    cross join lateral (values (a.workout_id), (a.snapshot_workout_id)) x (workout_id)
   where a.user_id = (select auth.uid()) and a.published and a.deleted_at is null
     and a.organization_id in (select private.member_organization_ids())
     and x.workout_id is not null
  union
  -- enrolled members: the workouts of live feed posts
  select x.workout_id
    from public.workout_feed_posts f
    cross join lateral (values (f.workout_id), (f.snapshot_workout_id)) x (workout_id)
   where f.program_id in (select private.enrolled_program_ids())
     and f.deleted_at is null and f.publish_at <= pg_catalog.now()
     and x.workout_id is not null;
$$;
grant execute on function private.readable_workout_ids() to authenticated, service_role;
comment on function private.readable_workout_ids() is
  'Workouts the current user may read: staff see their organizations'' library; others see workouts they logged, their classes run, their published assignments hold and their live feed posts carry.';

create or replace function private.can_read_workout(p_workout_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select can_read_workout.p_workout_id in (select private.readable_workout_ids());
$$;
comment on function private.can_read_workout(uuid) is 'Whether the current user may read this workout (see readable_workout_ids).';
grant execute on function private.can_read_workout(uuid) to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Workouts are visible to staff and to the people they reach"
  on public.workouts for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or id in (select private.readable_workout_ids()));

create policy "Workouts can be created by staff"
  on public.workouts for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()) and created_by = (select auth.uid()));

create policy "Workouts can be edited by staff"
  on public.workouts for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Workouts can be deleted by staff"
  on public.workouts for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Workout sections are visible with their workout"
  on public.workout_sections for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or workout_id in (select private.readable_workout_ids()));

create policy "Workout sections can be created by staff"
  on public.workout_sections for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Workout sections can be edited by staff"
  on public.workout_sections for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Workout sections can be deleted by staff"
  on public.workout_sections for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Workout movements are visible with their workout"
  on public.workout_movements for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or workout_id in (select private.readable_workout_ids()));

create policy "Workout movements can be created by staff"
  on public.workout_movements for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Workout movements can be edited by staff"
  on public.workout_movements for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Workout movements can be deleted by staff"
  on public.workout_movements for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

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
revoke all on function public.save_workout(uuid, text, text, jsonb) from public, anon;
grant execute on function public.save_workout(uuid, text, text, jsonb) to authenticated, service_role;

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
revoke all on function public.create_workout(uuid, text, text, jsonb) from public, anon;
grant execute on function public.create_workout(uuid, text, text, jsonb) to authenticated, service_role;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

