-- The workout library: workouts -> workout_sections -> workout_movements, ordered, with a
-- validated prescription per movement. The same tables hold snapshot copies (is_snapshot, with
-- source_workout_id naming the library workout they copy) that assignments fork later.
-- Staff read and change their organization's library; members read only workouts that reach
-- them (private.readable_workout_ids(), widened by later migrations as assignments arrive).
-- Touches: public.workouts, public.workout_sections, public.workout_movements.

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
-- definer: reads workouts across the caller's organizations without recursing into RLS.
security definer
set search_path = ''
as $$
  -- staff: every workout of the organizations they staff
  select w.id from public.workouts w
   where w.organization_id in (select private.staff_organization_ids());
$$;

comment on function private.readable_workout_ids() is
  'Workouts the current user may read. Staff: their organizations'' workouts. Later migrations add what reaches members (results, class sessions, assignments).';

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

grant execute on function private.readable_workout_ids(), private.can_read_workout(uuid)
  to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

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

-- (none: the library is plain table access under RLS)
