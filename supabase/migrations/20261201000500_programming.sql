-- Programs and templates: a program (coaching = personal calendars, feed = broadcast posts,
-- schedule = class sessions) has enrollments (who follows it) and templates whose cells lay out
-- days of workouts, rest and notes to apply to calendars later. Staff manage them; members see
-- the programs they are enrolled in and their own enrollments; templates are staff-only.
-- Touches: public.programs, public.program_enrollments, public.program_templates,
-- public.program_template_cells; types program_mode, assignment_kind.
--
-- Classes: class types (CrossFit, Olympic lifting...), scheduled class sessions (optionally of a
-- schedule-mode program) and the workouts each session runs. Staff manage them; members see
-- class types of their organizations and the sessions that are open to everyone or belong to a
-- program they are enrolled in.
-- Touches: public.class_types, public.class_sessions, public.class_session_workouts.

-- =============================================================================================
-- types
-- =============================================================================================

create type public.program_mode as enum ('coaching', 'feed', 'schedule');

-- Reused by workout_assignments (seed 004: workout / rest / note).
create type public.assignment_kind as enum ('workout', 'rest', 'note');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.programs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null,
  mode public.program_mode not null default 'coaching',
  description text,
  created_by uuid references public.profiles (id),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint programs_name_length_chk check (char_length(btrim(name)) between 1 and 120),
  constraint programs_description_length_chk check (description is null or char_length(description) <= 5000)
);

create index programs_organization_id_idx on public.programs (organization_id);

create index programs_created_by_idx on public.programs (created_by);

comment on table public.programs is 'A line of programming in one of three modes: coaching, feed or schedule.';

create table public.program_enrollments (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  user_id uuid not null references public.profiles (id),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  enrolled_at timestamptz not null default now(),
  ended_at timestamptz,
  created_by uuid references public.profiles (id),
  constraint program_enrollments_dates_chk check (ended_at is null or ended_at >= enrolled_at)
);

create unique index program_enrollments_one_active_idx
  on public.program_enrollments (program_id, user_id) where ended_at is null;

create index program_enrollments_program_id_idx on public.program_enrollments (program_id);

create index program_enrollments_user_id_idx on public.program_enrollments (user_id, organization_id);

create index program_enrollments_organization_id_idx on public.program_enrollments (organization_id);

create index program_enrollments_created_by_idx on public.program_enrollments (created_by);

comment on table public.program_enrollments is
  'Who follows which program; ending an enrollment keeps the row (ended_at).';

create table public.program_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid references public.programs (id) on delete set null,
  name text not null,
  length_days integer not null default 7,
  created_by uuid references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint program_templates_name_length_chk check (char_length(btrim(name)) between 1 and 120),
  constraint program_templates_length_chk check (length_days between 1 and 366)
);

create index program_templates_organization_id_idx on public.program_templates (organization_id);

create index program_templates_program_id_idx on public.program_templates (program_id);

create index program_templates_created_by_idx on public.program_templates (created_by);

comment on table public.program_templates is 'A reusable block of days (cells) applied to calendars in bulk.';

create table public.program_template_cells (
  id uuid primary key default gen_random_uuid(),
  template_id uuid not null references public.program_templates (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  day_offset integer not null,
  sort_order integer not null default 0,
  kind public.assignment_kind not null default 'workout',
  workout_id uuid references public.workouts (id),
  note text,
  created_at timestamptz not null default now(),
  constraint program_template_cells_slot_key unique (template_id, day_offset, sort_order) deferrable initially deferred,
  constraint program_template_cells_day_offset_chk check (day_offset between 0 and 365),
  constraint program_template_cells_sort_order_chk check (sort_order >= 0),
  constraint program_template_cells_note_length_chk check (note is null or char_length(note) between 1 and 2000),
  constraint program_template_cells_kind_payload_chk check (
    (kind = 'workout' and workout_id is not null)
    or (kind = 'rest' and workout_id is null)
    or (kind = 'note' and workout_id is null and note is not null)
  )
);

create index program_template_cells_organization_id_idx on public.program_template_cells (organization_id);

create index program_template_cells_workout_id_idx on public.program_template_cells (workout_id);

comment on table public.program_template_cells is
  'One slot of a template: day offset from the start, order within the day, and a workout, rest or note.';

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

create trigger programs_set_updated_at
  before update on public.programs
  for each row execute function private.trigger_set_updated_at();

create trigger program_templates_set_updated_at
  before update on public.program_templates
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_enrollment_consistency()
returns trigger
language plpgsql
-- definer: must read the program and the person's membership whatever the caller can see.
security definer
set search_path = ''
as $$
begin
  select p.organization_id into new.organization_id from public.programs p where p.id = new.program_id;
  if tg_op = 'INSERT' or new.user_id <> old.user_id or new.program_id <> old.program_id then
    if not exists (
      select 1 from public.memberships m
       where m.organization_id = new.organization_id and m.user_id = new.user_id and m.status = 'active'
    ) then
      raise exception 'Only active members of the organization can be enrolled.'
        using errcode = 'PT422', hint = 'enrollee_not_member';
    end if;
  end if;
  return new;
end;
$$;
comment on function private.trigger_enrollment_consistency() is
  'Enrollments carry their program''s organization and only enroll that organization''s active members.';

create trigger program_enrollments_consistency
  before insert or update on public.program_enrollments
  for each row execute function private.trigger_enrollment_consistency();

create or replace function private.trigger_template_consistency()
returns trigger
language plpgsql
-- definer: must read the program whatever the caller can see.
security definer
set search_path = ''
as $$
begin
  if new.program_id is not null and not exists (
    select 1 from public.programs p where p.id = new.program_id and p.organization_id = new.organization_id
  ) then
    raise exception 'A template can only belong to a program of its organization.'
      using errcode = 'PT422', hint = 'program_other_organization';
  end if;
  if tg_op = 'UPDATE' and new.length_days < old.length_days and exists (
    select 1 from public.program_template_cells c where c.template_id = new.id and c.day_offset >= new.length_days
  ) then
    raise exception 'Some cells lie beyond the new length: move or delete them first.'
      using errcode = 'PT422', hint = 'day_offset_out_of_range';
  end if;
  return new;
end;
$$;
comment on function private.trigger_template_consistency() is
  'Templates stay inside their organization and never shrink under their own cells.';

create trigger program_templates_consistency
  before insert or update on public.program_templates
  for each row execute function private.trigger_template_consistency();

create or replace function private.trigger_template_cell_consistency()
returns trigger
language plpgsql
-- definer: must read the template and workout whatever the caller can see.
security definer
set search_path = ''
as $$
declare
  v_length integer;
begin
  select t.organization_id, t.length_days into new.organization_id, v_length
    from public.program_templates t where t.id = new.template_id;
  if new.day_offset >= v_length then
    raise exception 'Day % is beyond the template''s % days.', new.day_offset + 1, v_length
      using errcode = 'PT422', hint = 'day_offset_out_of_range';
  end if;
  if new.workout_id is not null and not exists (
    select 1 from public.workouts w where w.id = new.workout_id and w.organization_id = new.organization_id
  ) then
    raise exception 'A template can only use workouts of its organization.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  return new;
end;
$$;
comment on function private.trigger_template_cell_consistency() is
  'Cells carry their template''s organization, stay within its length and use that organization''s workouts.';

create trigger program_template_cells_consistency
  before insert or update on public.program_template_cells
  for each row execute function private.trigger_template_cell_consistency();

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

alter table public.programs enable row level security;

alter table public.program_enrollments enable row level security;

alter table public.program_templates enable row level security;

alter table public.program_template_cells enable row level security;

revoke truncate on public.programs, public.program_enrollments, public.program_templates,
  public.program_template_cells from anon, authenticated;

alter table public.class_types enable row level security;

alter table public.class_sessions enable row level security;

alter table public.class_session_workouts enable row level security;

revoke truncate on public.class_types, public.class_sessions, public.class_session_workouts from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.enrolled_program_ids()
returns setof uuid
language sql
stable
-- definer: reads enrollments and memberships without recursing into their RLS.
security definer
set search_path = ''
as $$
  select e.program_id
    from public.program_enrollments e
    join public.memberships m
      on m.organization_id = e.organization_id and m.user_id = e.user_id and m.status = 'active'
   where e.user_id = (select auth.uid()) and e.ended_at is null;
$$;
comment on function private.enrolled_program_ids() is
  'Programs the current user actively follows, in organizations they still belong to.';
grant execute on function private.enrolled_program_ids() to authenticated, service_role;

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

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Programs are visible to staff and enrolled members"
  on public.programs for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or id in (select private.enrolled_program_ids()));

create policy "Programs can be created by staff"
  on public.programs for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Programs can be edited by staff"
  on public.programs for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Programs can be deleted by staff"
  on public.programs for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Enrollments are visible to staff and to the enrolled person"
  on public.program_enrollments for select to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or (user_id = (select auth.uid()) and organization_id in (select private.member_organization_ids())));

create policy "Enrollments can be created by staff"
  on public.program_enrollments for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Enrollments can be edited by staff"
  on public.program_enrollments for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Enrollments can be deleted by staff"
  on public.program_enrollments for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Program templates are visible to staff"
  on public.program_templates for select to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Program templates can be created by staff"
  on public.program_templates for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Program templates can be edited by staff"
  on public.program_templates for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Program templates can be deleted by staff"
  on public.program_templates for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Template cells are visible to staff"
  on public.program_template_cells for select to authenticated
  using (organization_id in (select private.staff_organization_ids()));

create policy "Template cells can be created by staff"
  on public.program_template_cells for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Template cells can be edited by staff"
  on public.program_template_cells for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Template cells can be deleted by staff"
  on public.program_template_cells for delete to authenticated
  using (organization_id in (select private.staff_organization_ids()));

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

-- (none)

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

