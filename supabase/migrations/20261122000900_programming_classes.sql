-- Classes: class types (CrossFit, Olympic lifting...), scheduled class sessions (optionally of a
-- schedule-mode program) and the workouts each session runs. Staff manage them; members see
-- class types of their organizations and the sessions that are open to everyone or belong to a
-- program they are enrolled in.
-- Touches: public.class_types, public.class_sessions, public.class_session_workouts.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.class_types (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null,
  description text,
  color text,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint class_types_name_length_chk check (char_length(btrim(name)) between 1 and 80),
  constraint class_types_description_length_chk check (description is null or char_length(description) <= 2000),
  constraint class_types_color_chk check (color is null or color ~ '^#[0-9a-f]{6}$')
);

create index class_types_organization_id_idx on public.class_types (organization_id);

comment on table public.class_types is 'Kinds of class an organization runs.';

create table public.class_sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  class_type_id uuid references public.class_types (id) on delete set null,
  program_id uuid references public.programs (id) on delete set null,
  coach_id uuid references public.profiles (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  capacity integer,
  location text,
  notes text,
  created_by uuid references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint class_sessions_time_chk check (ends_at > starts_at and ends_at <= starts_at + interval '24 hours'),
  constraint class_sessions_capacity_chk check (capacity is null or capacity between 1 and 1000),
  constraint class_sessions_location_length_chk check (location is null or char_length(location) <= 120),
  constraint class_sessions_notes_length_chk check (notes is null or char_length(notes) <= 2000)
);

create index class_sessions_organization_starts_idx on public.class_sessions (organization_id, starts_at);
create index class_sessions_class_type_id_idx on public.class_sessions (class_type_id);
create index class_sessions_program_id_idx on public.class_sessions (program_id, starts_at);
create index class_sessions_coach_id_idx on public.class_sessions (coach_id);
create index class_sessions_created_by_idx on public.class_sessions (created_by);

comment on table public.class_sessions is 'One scheduled class: when, which type, which schedule program, who coaches.';

create table public.class_session_workouts (
  id uuid primary key default gen_random_uuid(),
  class_session_id uuid not null references public.class_sessions (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workout_id uuid not null references public.workouts (id),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint class_session_workouts_position_key unique (class_session_id, position) deferrable initially deferred,
  constraint class_session_workouts_position_chk check (position >= 0)
);

create index class_session_workouts_organization_id_idx on public.class_session_workouts (organization_id);
create index class_session_workouts_workout_id_idx on public.class_session_workouts (workout_id);

comment on table public.class_session_workouts is 'The workouts a class session runs, in order.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger class_types_set_updated_at
  before update on public.class_types
  for each row execute function private.trigger_set_updated_at();
create trigger class_sessions_set_updated_at
  before update on public.class_sessions
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_class_session_consistency()
returns trigger
language plpgsql
-- definer: must read the class type, program and coach whatever the caller can see.
security definer
set search_path = ''
as $$
begin
  if new.class_type_id is not null and not exists (
    select 1 from public.class_types t where t.id = new.class_type_id and t.organization_id = new.organization_id
  ) then
    raise exception 'The class type belongs to another organization.'
      using errcode = 'PT422', hint = 'class_type_other_organization';
  end if;
  if new.program_id is not null and not exists (
    select 1 from public.programs p
     where p.id = new.program_id and p.organization_id = new.organization_id and p.mode = 'schedule'
  ) then
    raise exception 'Class sessions can only belong to a schedule program of the same organization.'
      using errcode = 'PT422', hint = 'program_not_schedule';
  end if;
  if new.coach_id is not null and not exists (
    select 1 from public.memberships m
     where m.organization_id = new.organization_id and m.user_id = new.coach_id
       and m.status = 'active' and m.role in ('owner', 'admin', 'coach')
  ) then
    raise exception 'The coach of a class must be staff of the organization.'
      using errcode = 'PT422', hint = 'coach_not_staff';
  end if;
  return new;
end;
$$;

comment on function private.trigger_class_session_consistency() is
  'A session''s class type, program (schedule mode) and coach all belong to its organization.';

create trigger class_sessions_consistency
  before insert or update on public.class_sessions
  for each row execute function private.trigger_class_session_consistency();

create or replace function private.trigger_class_session_workout_consistency()
returns trigger
language plpgsql
-- definer: must read the session and workout whatever the caller can see.
security definer
set search_path = ''
as $$
begin
  select s.organization_id into new.organization_id from public.class_sessions s where s.id = new.class_session_id;
  if not exists (
    select 1 from public.workouts w where w.id = new.workout_id and w.organization_id = new.organization_id
  ) then
    raise exception 'A class can only run workouts of its organization.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  return new;
end;
$$;

comment on function private.trigger_class_session_workout_consistency() is
  'Session workouts carry the session''s organization and use that organization''s workouts.';

create trigger class_session_workouts_consistency
  before insert or update on public.class_session_workouts
  for each row execute function private.trigger_class_session_workout_consistency();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.class_types enable row level security;
alter table public.class_sessions enable row level security;
alter table public.class_session_workouts enable row level security;

revoke truncate on public.class_types, public.class_sessions, public.class_session_workouts from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.readable_class_session_ids()
returns setof uuid
language sql
stable
-- definer: reads sessions, memberships and enrollments without recursing into their RLS.
security definer
set search_path = ''
as $$
  select s.id from public.class_sessions s
   where s.organization_id in (select private.staff_organization_ids())
      or (s.organization_id in (select private.member_organization_ids())
          and (s.program_id is null or s.program_id in (select private.enrolled_program_ids())));
$$;

comment on function private.readable_class_session_ids() is
  'Class sessions the current user may see: all of the organizations they staff; open classes and their schedule programs'' classes otherwise.';

grant execute on function private.readable_class_session_ids() to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Class types are visible to the organization's members"
  on public.class_types for select to authenticated
  using (organization_id in (select private.member_organization_ids()));
create policy "Class types can be created by staff"
  on public.class_types for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class types can be edited by staff"
  on public.class_types for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class types can be deleted by staff"
  on public.class_types for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Class sessions are visible to staff and to their members"
  on public.class_sessions for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or id in (select private.readable_class_session_ids()));
create policy "Class sessions can be created by staff"
  on public.class_sessions for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class sessions can be edited by staff"
  on public.class_sessions for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class sessions can be deleted by staff"
  on public.class_sessions for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Class session workouts are visible with their session"
  on public.class_session_workouts for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or class_session_id in (select private.readable_class_session_ids()));
create policy "Class session workouts can be created by staff"
  on public.class_session_workouts for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class session workouts can be edited by staff"
  on public.class_session_workouts for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Class session workouts can be deleted by staff"
  on public.class_session_workouts for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: plain table access under RLS)
