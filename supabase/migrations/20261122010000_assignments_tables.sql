-- Workout assignments and feed posts (seed 004): one dated cell on an athlete's calendar (a
-- workout, a rest day or a note, in a slot of the day), and one broadcast post per feed-mode
-- program. Staff of the organization read and write them, also by plain REST insert, with every
-- invariant enforced by check constraints and triggers here; an athlete reads only their own
-- published, non-deleted cells, and enrolled members read feed posts once they are live.
-- Soft delete only: results keep pointing at deleted assignments. Also adds the foreign key from
-- workout_results.workout_assignment_id and lets members read the workouts assigned to them.
-- Touches: public.workout_assignments, public.workout_feed_posts, public.workout_results (fk),
-- private.readable_workout_ids; type assignment_status.

-- =============================================================================================
-- types
-- =============================================================================================

create type public.assignment_status as enum ('assigned', 'completed', 'skipped');

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.workout_assignments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid references public.programs (id) on delete set null,
  user_id uuid not null references public.profiles (id),
  kind public.assignment_kind not null default 'workout',
  workout_id uuid references public.workouts (id),
  snapshot_workout_id uuid references public.workouts (id),
  note text,
  date date not null,
  sort_order integer not null default 0,
  published boolean not null default false,
  publish_at timestamptz,
  status public.assignment_status not null default 'assigned',
  completed_at timestamptz,
  skip_reason text,
  assigned_by uuid not null default auth.uid() references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  constraint workout_assignments_kind_payload_chk check (
    (kind = 'workout' and workout_id is not null and snapshot_workout_id is not null)
    or (kind = 'rest' and workout_id is null and snapshot_workout_id is null)
    or (kind = 'note' and workout_id is null and snapshot_workout_id is null and note is not null)
  ),
  constraint workout_assignments_note_length_chk
    check (note is null or char_length(btrim(note)) between 1 and 2000),
  constraint workout_assignments_sort_order_chk check (sort_order between 0 and 99),
  constraint workout_assignments_completed_at_chk check ((status = 'completed') = (completed_at is not null)),
  constraint workout_assignments_skip_reason_chk
    check (skip_reason is null or (status = 'skipped' and char_length(skip_reason) between 1 and 500))
);

-- The six indexes of seed 004, by their names.
create index workout_assignments_user_date_idx
  on public.workout_assignments (user_id, date) where deleted_at is null;
create index workout_assignments_program_date_idx
  on public.workout_assignments (program_id, date) where program_id is not null and deleted_at is null;
create index workout_assignments_org_date_idx
  on public.workout_assignments (organization_id, date) where deleted_at is null;
create index workout_assignments_workout_id_idx on public.workout_assignments (workout_id);
create index workout_assignments_snapshot_workout_id_idx on public.workout_assignments (snapshot_workout_id);
create index workout_assignments_user_status_date_idx on public.workout_assignments (user_id, status, date);
-- Foreign keys the six do not cover (cascades and deletes of the parent scan these).
create index workout_assignments_organization_id_idx on public.workout_assignments (organization_id);
create index workout_assignments_program_id_idx on public.workout_assignments (program_id);
create index workout_assignments_assigned_by_idx on public.workout_assignments (assigned_by);
-- The drip publisher's queue: due drafts only.
create index workout_assignments_publish_due_idx
  on public.workout_assignments (publish_at) where not published and publish_at is not null and deleted_at is null;

comment on table public.workout_assignments is
  'One dated cell on an athlete''s calendar: a workout (library pointer + frozen snapshot pointer), a rest day or a note.';
comment on column public.workout_assignments.organization_id is
  'Denormalized: saves a join through the workout on coach-overview and week-grid queries.';
comment on column public.workout_assignments.snapshot_workout_id is
  'FIT-152 lazy-fork pointer: equals workout_id until fork_snapshot_if_needed copies the workout.';
comment on column public.workout_assignments.date is 'The athlete''s local calendar day.';
comment on column public.workout_assignments.publish_at is
  'Morning-of drip target: private.publish_due_assignments flips published at this instant.';

create table public.workout_feed_posts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid not null references public.programs (id) on delete cascade,
  workout_id uuid not null references public.workouts (id),
  snapshot_workout_id uuid references public.workouts (id),
  publish_at timestamptz not null default now(),
  note text,
  created_by uuid default auth.uid() references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  constraint workout_feed_posts_note_length_chk check (note is null or char_length(btrim(note)) between 1 and 2000)
);

create index workout_feed_posts_program_id_idx on public.workout_feed_posts (program_id, publish_at desc)
  where deleted_at is null;
create index workout_feed_posts_publish_at_idx on public.workout_feed_posts (publish_at);
create index workout_feed_posts_program_fk_idx on public.workout_feed_posts (program_id);
create index workout_feed_posts_organization_id_idx on public.workout_feed_posts (organization_id);
create index workout_feed_posts_workout_id_idx on public.workout_feed_posts (workout_id);
create index workout_feed_posts_snapshot_workout_id_idx on public.workout_feed_posts (snapshot_workout_id);
create index workout_feed_posts_created_by_idx on public.workout_feed_posts (created_by);

comment on table public.workout_feed_posts is
  'One broadcast of a workout to a feed-mode program; enrolled members see it once publish_at has passed (no per-member rows).';
comment on column public.workout_feed_posts.organization_id is 'Denormalized from the program for cheap RLS.';

-- workout_results (results migration) left its assignment pointer without a foreign key.
alter table public.workout_results
  add constraint workout_results_workout_assignment_id_fkey
  foreign key (workout_assignment_id) references public.workout_assignments (id);

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger workout_assignments_set_updated_at
  before update on public.workout_assignments
  for each row execute function private.trigger_set_updated_at();
create trigger workout_feed_posts_set_updated_at
  before update on public.workout_feed_posts
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_assignment_consistency()
returns trigger
language plpgsql
-- definer: must read the workout, program and the athlete's membership whatever the caller sees.
security definer
set search_path = ''
as $$
declare
  v_today date := (pg_catalog.now() at time zone 'UTC')::date;
begin
  if tg_op = 'UPDATE' and (new.organization_id <> old.organization_id or new.user_id <> old.user_id) then
    raise exception 'An assignment cannot move to another athlete or organization: delete it and assign again.'
      using errcode = 'PT422', hint = 'assignment_immutable';
  end if;

  if tg_op = 'INSERT' then
    new.assigned_by := coalesce((select auth.uid()), new.assigned_by);
    new.status := coalesce(new.status, 'assigned');
    -- Pointer state: the snapshot is the library workout until the first fork.
    if new.kind = 'workout' and new.snapshot_workout_id is null then
      new.snapshot_workout_id := new.workout_id;
    end if;
  end if;

  if new.kind = 'workout' and new.workout_id is null then
    raise exception 'A workout cell needs a workout.' using errcode = 'PT422', hint = 'workout_required';
  end if;
  if new.kind <> 'workout' and (new.workout_id is not null or new.snapshot_workout_id is not null) then
    raise exception 'A % cell cannot carry a workout.', new.kind
      using errcode = 'PT422', hint = 'workout_not_allowed';
  end if;
  if new.kind = 'note' and nullif(btrim(coalesce(new.note, '')), '') is null then
    raise exception 'A note cell needs a note.' using errcode = 'PT422', hint = 'note_required';
  end if;

  if new.workout_id is not null
     and (tg_op = 'INSERT' or new.workout_id is distinct from old.workout_id)
     and not exists (
       select 1 from public.workouts w
        where w.id = new.workout_id and w.organization_id = new.organization_id and not w.is_snapshot)
  then
    raise exception 'The workout is not in this organization''s library.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  if new.snapshot_workout_id is not null
     and (tg_op = 'INSERT' or new.snapshot_workout_id is distinct from old.snapshot_workout_id)
     and new.snapshot_workout_id is distinct from new.workout_id
     and not exists (
       select 1 from public.workouts w
        where w.id = new.snapshot_workout_id and w.organization_id = new.organization_id
          and w.is_snapshot and w.source_workout_id = new.workout_id)
  then
    raise exception 'The snapshot must be a copy of the assigned workout.'
      using errcode = 'PT422', hint = 'snapshot_mismatch';
  end if;
  if new.program_id is not null
     and (tg_op = 'INSERT' or new.program_id is distinct from old.program_id)
     and not exists (
       select 1 from public.programs p where p.id = new.program_id and p.organization_id = new.organization_id)
  then
    raise exception 'The program belongs to another organization.'
      using errcode = 'PT422', hint = 'program_other_organization';
  end if;
  if tg_op = 'INSERT' and not exists (
    select 1 from public.memberships m
     where m.organization_id = new.organization_id and m.user_id = new.user_id and m.status = 'active')
  then
    raise exception 'Workouts can only be assigned to active members of the organization.'
      using errcode = 'PT422', hint = 'athlete_not_member';
  end if;
  if (tg_op = 'INSERT' or new.date <> old.date)
     and new.date not between v_today - 730 and v_today + 730 then
    raise exception 'The date % is out of range: assign within two years of today.', new.date
      using errcode = 'PT422', hint = 'date_out_of_range';
  end if;

  -- Status bookkeeping, whoever writes the row.
  if new.status = 'completed' then
    new.completed_at := coalesce(new.completed_at, pg_catalog.now());
  else
    new.completed_at := null;
  end if;
  if new.status <> 'skipped' then
    new.skip_reason := null;
  end if;
  if new.published then
    new.publish_at := coalesce(new.publish_at, case when tg_op = 'INSERT' then pg_catalog.now() end);
  end if;
  return new;
end;
$$;

comment on function private.trigger_assignment_consistency() is
  'Invariants of an assignment: same-organization library workout and program, an active member as athlete, a date within two years, the kind''s payload, completed_at/skip_reason following status.';

create trigger workout_assignments_consistency
  before insert or update on public.workout_assignments
  for each row execute function private.trigger_assignment_consistency();

create or replace function private.trigger_feed_post_consistency()
returns trigger
language plpgsql
-- definer: must read the program and workout whatever the caller can see.
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_mode public.program_mode;
begin
  select p.organization_id, p.mode into v_org, v_mode from public.programs p where p.id = new.program_id;
  if tg_op = 'UPDATE' and new.program_id <> old.program_id then
    raise exception 'A feed post cannot move to another program.'
      using errcode = 'PT422', hint = 'feed_post_immutable';
  end if;
  if v_mode is distinct from 'feed' then
    raise exception 'Feed posts go to feed-mode programs only.'
      using errcode = 'PT422', hint = 'program_not_feed';
  end if;
  new.organization_id := v_org;
  if tg_op = 'INSERT' then
    new.created_by := coalesce((select auth.uid()), new.created_by);
    new.snapshot_workout_id := coalesce(new.snapshot_workout_id, new.workout_id);
  end if;
  if not exists (
    select 1 from public.workouts w
     where w.id = new.workout_id and w.organization_id = v_org and not w.is_snapshot)
  then
    raise exception 'The workout is not in this organization''s library.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  if new.snapshot_workout_id is not null and not exists (
    select 1 from public.workouts w where w.id = new.snapshot_workout_id and w.organization_id = v_org)
  then
    raise exception 'The snapshot must be a workout of the same organization.'
      using errcode = 'PT422', hint = 'snapshot_mismatch';
  end if;
  return new;
end;
$$;

comment on function private.trigger_feed_post_consistency() is
  'Feed posts go to feed-mode programs, carry the program''s organization and use its library workouts.';

create trigger workout_feed_posts_consistency
  before insert or update on public.workout_feed_posts
  for each row execute function private.trigger_feed_post_consistency();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.workout_assignments enable row level security;
alter table public.workout_feed_posts enable row level security;

-- Soft delete only: no client deletes rows.
revoke delete, truncate on public.workout_assignments, public.workout_feed_posts from anon, authenticated;
revoke all on public.workout_assignments, public.workout_feed_posts from anon;

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

comment on function private.readable_workout_ids() is
  'Workouts the current user may read: staff see their organizations'' library; others see workouts they logged, their classes run, their published assignments hold and their live feed posts carry.';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Assignments are visible to staff and, once published, the athlete"
  on public.workout_assignments for select to authenticated
  using (
    organization_id in (select private.staff_organization_ids())
    or (user_id = (select auth.uid()) and published and deleted_at is null
        and organization_id in (select private.member_organization_ids()))
  );
create policy "Assignments can be created by staff"
  on public.workout_assignments for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Assignments can be edited by staff"
  on public.workout_assignments for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

create policy "Feed posts are visible to staff and to enrolled members when live"
  on public.workout_feed_posts for select to authenticated
  using (
    organization_id in (select private.staff_organization_ids())
    or (program_id in (select private.enrolled_program_ids())
        and deleted_at is null and publish_at <= (select pg_catalog.now()))
  );
create policy "Feed posts can be created by staff"
  on public.workout_feed_posts for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()));
create policy "Feed posts can be edited by staff"
  on public.workout_feed_posts for update to authenticated
  using (organization_id in (select private.staff_organization_ids()))
  with check (organization_id in (select private.staff_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none here: see the assignments functions migrations)
