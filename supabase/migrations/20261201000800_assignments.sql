-- Workout assignments and feed posts (seed 004): one dated cell on an athlete's calendar (a
-- workout, a rest day or a note, in a slot of the day), and one broadcast post per feed-mode
-- program. Staff of the organization read and write them, also by plain REST insert, with every
-- invariant enforced by check constraints and triggers here; an athlete reads only their own
-- published, non-deleted cells, and enrolled members read feed posts once they are live.
-- Soft delete only: results keep pointing at deleted assignments. Also adds the foreign key from
-- workout_results.workout_assignment_id and lets members read the workouts assigned to them.
-- Touches: public.workout_assignments, public.workout_feed_posts, public.workout_results (fk),
-- private.readable_workout_ids; type assignment_status.
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- Side effects of an assignment becoming visible or going away, whoever causes it (an RPC, a
-- plain REST insert or update by staff, the drip publisher, a template apply): a published,
-- non-deleted row queues a `workoutAssigned` push in the outbox and broadcasts
-- `assignment_published` on the athlete's private topic `user:<athlete>`; a staff soft delete or
-- (un)publish leaves an audit row with the actor. Batch operations write ONE audit row
-- themselves and mark the transaction (setting coachline.assignment_batch_id) so rows are not
-- audited twice.
--
-- Creating assignments: the three publish surfaces of seed 002 (personal cells for N athletes,
-- one feed post, class sessions with their workouts) and applying a program template to a group.
-- All security invoker: staff may insert these rows under RLS, and the table triggers enforce the
-- invariants; the functions check first only to give one readable error per bad input.
-- Errors (HINT): not_authenticated, not_staff, invalid_mode, athletes_required, workout_required,
-- workout_not_allowed, note_required, workout_other_organization, date_out_of_range,
-- athlete_not_member, program_not_found, program_not_feed, program_other_organization,
-- sessions_required, invalid_session, template_not_found.
--
-- Reading assignments: the coach's week grid (by program or athlete), the athlete's week and
-- today, one assignment with its full frozen workout in a single call, and the coach overview
-- (KPIs, a roster with 7-day sparklines and traffic lights). All security invoker: RLS already
-- shows staff their organization's rows and athletes only their own published, non-deleted ones.
-- Errors (HINT): not_authenticated, not_staff, invalid_week, assignment_not_found.
--
-- Changing assignments: the athlete completes, skips (with a reason) or reopens their own cell
-- (reopen is the seed's missing undo; staff may reopen too); staff soft-delete one cell, set
-- published on a list of ids, and run filter-driven bulk preview / delete / publish. A bulk
-- filter names the organization (required) and optionally date_from, date_to, program_id
-- (resolved through program_enrollments, FIT-201: the program's rows plus ad-hoc rows on its
-- enrolled members' calendars), athlete_ids, status, kind. Bulk operations are atomic and write
-- ONE audit row with a batch_id and the ids; a filter that matches nothing is a clean no-op.
-- Errors (HINT): not_authenticated, not_staff, assignment_not_found, not_your_assignment,
-- assignment_deleted, already_open, skip_reason_required, invalid_filter, ids_required.
--
-- Lazy fork (FIT-152) and auto-completion. fork_snapshot_if_needed is the single deep-copy entry
-- point: under SELECT ... FOR UPDATE on the assignment it copies the library workout with its
-- sections and movements into a snapshot row (is_snapshot, source_workout_id) and points
-- snapshot_workout_id at it, once; later calls return the same snapshot. Staff call it for
-- "edit this athlete's copy"; a result logged against an assignment forks it and completes the
-- assignment, so later library edits never change the athlete's frozen prescription.
-- The copy takes the movements' exercise comments with it, threads remapped (the comments
-- migration creates that table; plpgsql bodies are resolved when first run).
-- Errors (HINT): not_authenticated, not_staff, assignment_not_found, not_a_workout,
-- assignment_mismatch.
--
-- Morning-of drip publishing (the seed's "TODO: verify the publisher job"): one function
-- publishes every due draft (publish_at <= now, not deleted) and the pg_cron job
-- `publish-due-assignments` calls it every minute. Pushes and broadcasts follow from the
-- publish trigger. Rows are claimed with FOR UPDATE SKIP LOCKED, so two overlapping runs never
-- publish (or notify) the same row twice, and a second run finds nothing left: idempotent.
--
-- Status only through the functions: staff have an update policy on workout_assignments (for
-- the prescription: date, slot, workout, note, published), which also let a plain REST update
-- rewrite status, completed_at and skip_reason, i.e. complete or skip a cell for the athlete.
-- A trigger now refuses any change of those three columns by a client role (authenticated,
-- anon), and refuses a client insert that is not an open cell. complete/skip/reopen_assignment
-- (through private.set_assignment_status) and auto-completion by a result run as the functions'
-- owner, so they keep working; service_role (trusted workers, admin scripts) is not limited.
--
-- Batch speed for the large-organization benchmark (issue 5/6: 2,000 athletes x 180 days).
-- (1) Publishing 10,000 drafts took ~25 s: every row fired the announce trigger, i.e. one
--     enqueue_notification and one realtime.send each, and `a.id = any (v_ids)` with a
--     10,000-element array scanned the table. Batches (bulk publish, set published, the drip
--     publisher) now mark the transaction `coachline.assignment_announce_deferred`, update
--     through a join on the id list, and announce all their rows at once through
--     private.announce_published_assignments: one set-based insert into the outbox and one into
--     realtime.messages, one pg_notify to wake the push worker. Recipients whose push needs the
--     full rules (notification preferences, mutes, a pending push with the same collapse key, a
--     deleted profile) still go one by one through private.enqueue_notification, so no rule is
--     written twice: the set-based path is exactly enqueue_notification's "nothing applies" case.
-- (2) coach_overview took ~1-2.5 s: profile and membership RLS per roster row and a per-athlete
--     scan for the last completion. Its body moves to a private definer function that checks
--     staff first, aggregates per day before joining the roster, and finds the last completion
--     with one probe of a new partial index.
-- (3) bulk_delete_assignments updated through `= any (v_ids)` too: now a join.
--
-- Batch speed, part 2 (issue 6 benchmark: bulk publish of 10,000 drafts took 2.0-2.6 s in SQL).
-- Publishing a batch called five row triggers per row even though, for a row whose only change is
-- published/publish_at, three do nothing (consistency, status guard: nothing they check changed)
-- and two return at once (announce: the batch announces itself; audit: the batch audits itself).
-- Each call of a plpgsql function with a pinned search_path costs tens of microseconds, so
-- 10,000 rows spent most of the statement in trigger calls that returned without effect.
-- The same triggers now carry WHEN conditions that say exactly when their function has work,
-- so the function is not called (and no after-trigger event is queued) otherwise:
--   consistency: on insert always; on update only when a column it checks or normalizes changed;
--   status guard: on insert always; on update only when status, completed_at or skip_reason
--     changed (after consistency normalized them: WHEN sees the row earlier triggers returned);
--   announce: only for a row becoming live (published, not deleted) outside a deferred batch;
--   audit: only for a soft delete or an (un)publish outside a batch.
-- A WHEN condition cannot mention OLD in an insert trigger, hence one trigger per event where
-- the function serves both. Trigger order (by name) is unchanged: consistency, guard, updated_at.
-- The trigger functions themselves are unchanged. The workout_assignments_organization_id_idx
-- index goes: workout_assignments_org_date_idx and workout_assignments_last_completed_idx lead
-- with organization_id (the foreign key stays indexed for the catalog lint), and each index
-- costs every non-HOT update of a batch.
--
-- Bulk publish in one pass (issue 6 benchmark: 10,000 drafts in <= 1 s). bulk_publish_assignments
-- visited every matched row four times: the filter's ids (drafts and published alike), a
-- `for update` pass over them in id order, the staff check of publish_assignment_ids, the update,
-- and the per-id organization check of audit_assignment_batch. Now the filter is parsed and the
-- caller checked once (private.parse_bulk_filter, which bulk_filter_ids uses too, so the rules
-- are written once), and a single UPDATE with the filter's conditions publishes the matching
-- drafts of that organization, announces them as one batch and writes the one audit row.
-- The `for update` pass existed so two overlapping batches could not lock rows in opposite
-- orders; batches of one organization now take a transaction-level advisory lock instead
-- (bulk publish and bulk delete), which also keeps the single UPDATE's scan order harmless.
-- Behaviour is unchanged: same filter keys and errors, drafts only, already published rows a
-- clean no-op (count 0, no audit), one audit row with the batch id, ids and filter.
--
-- Coach overview within 100 ms (issue 6 benchmark: 297 ms in SQL, 375 ms through REST for 2,000
-- athletes). The answer is ~1.4 MB: a roster row with a 7-day sparkline per athlete. Most of the
-- time went to building it as jsonb (each nested jsonb_build_object/jsonb_agg re-encodes its
-- children; building the same document as json text is 3-4x cheaper), to a per-athlete
-- jsonb_object_agg that spilled to disk, and to a jsonb lookup per sparkline day. The
-- aggregation is unchanged (one pass over the week's published workout cells through
-- workout_assignments_org_date_idx, one index-only probe per athlete for the last completion);
-- the per-day counts are now carried as small arrays and the document is built as json.
-- A pre-aggregated per-athlete daily stats table kept by triggers was considered and left out:
-- the aggregation is ~15 ms of the total, and its triggers would tax every write, bulk publish
-- included.
-- The result keeps its shape and keys (as_of, window, kpis, roster with sparkline entries
-- {date, planned, completed, skipped}); only its SQL type changes from jsonb to json, so callers
-- reading it in SQL with jsonb-only functions cast it (`::jsonb`). Thresholds: see the comment on
-- public.coach_overview, unchanged.
--
-- The coach's week grid by pages of athletes (issue 6 benchmark: a whole organization's week is
-- ~14,000 cells, 457 ms in SQL, mostly the client decoding them, 55 ms through REST). The grid
-- is athletes x 7 days and a screen shows a page of athletes, so coach_week now returns the cells
-- of one page: the next p_athletes athletes (default 50, at most 200) in display-name order
-- (keyset: display name, then id) after p_after_athlete_id, counting only athletes who have a
-- live cell that week in the filter. Every athlete of a page has a row, so the next page starts
-- after the last row's user_id; a page with fewer than p_athletes athletes is the last one.
-- The athletes come from the organization's memberships (any role or status, so a removed
-- member's remaining cells still show); each is checked with one probe of
-- workout_assignments_user_date_idx and its cells read with another, so a page costs the same
-- whatever the organization's size. The page of athletes is chosen by a definer helper after the
-- staff check, so the memberships and profiles policies are not evaluated for the whole roster
-- (the profiles policy alone builds the set of every visible profile: 2,000+ ids). Rows come
-- ordered by athlete name, then date, slot and creation (before: by user id). Calls without the new parameters behave as before for any
-- organization of at most 50 athletes with cells that week.
--
-- The workoutAssigned push opened /app/assignments/<id>, a screen that does not exist: the app's
-- screens live under /org/<organization>/…, and the app sends an organization id on to its slug.
--
-- Coach overview by pages of athletes (issue 6 benchmark: p95 <= 100 ms for 2,000 athletes; it
-- was 161 ms in SQL and 175 ms through REST, most of it spent building and shipping a ~1.5 MB
-- document with a roster row and a 7-day sparkline for every athlete, which no screen shows at
-- once and which a phone should not download). The aggregation stays a single pass over the
-- window's published workout cells (workout_assignments_org_date_idx); what changes is what is
-- built from it:
--   - KPIs over the whole roster, as before;
--   - counts per traffic light over the roster that matches the search (for the filter chips);
--   - one page of roster rows (default 50, at most 200) after sorting and filtering in SQL, each
--     with its sparkline and last completion (one index-only probe of
--     workout_assignments_last_completed_idx per row of the page, not per athlete).
-- Sorts: 'status' (overdue, at_risk, on_track, quiet, then name), 'compliance' (lowest first,
-- nothing planned last, then name) and 'name'; always ending in the athlete id so pages never
-- overlap. Filter: one traffic light. Search: a case-insensitive part of the display name.
-- Result keys: as_of, window, kpis (unchanged), counts {all, overdue, at_risk, on_track, quiet},
-- total (rows matching search and filter), limit, offset, roster (the page; rows as before).
-- Thresholds: unchanged, see the comment on public.coach_overview.
--
-- The coach's week grid within 30 ms through REST (issue 6 benchmark: one page of 50 athletes
-- was 18.9 ms p95 in SQL but 49.6 ms through REST, and a program's page 25 / 38 ms). Two plans
-- were wasteful:
--   - the page's cells were read by a bitmap scan of the whole organization's week
--     (workout_assignments_org_date_idx, ~14,000 cells for 2,000 athletes) hashed against the 50
--     athletes of the page, because the planner took the page function for 1,000 rows. The page
--     function now says it returns at most 200 rows (ROWS 50) and the cells are read per athlete
--     through workout_assignments_user_date_idx (50 probes of ~7 cells);
--   - a program's page sorted the whole organization's roster by name and probed athletes until 50
--     had a cell of the program, ~200 probes for a program with a quarter of the roster. The
--     candidates are now the program's enrolled members plus whoever has a cell of the program that
--     week (workout_assignments_program_date_idx), so only they are sorted and probed.
-- Behaviour is unchanged: the same rows in the same order, the same errors.
--
-- Bulk publish of 10,000 drafts within 1 s (issue 6 benchmark: 1.3-1.5 s). Of that time the
-- UPDATE itself was about a quarter; the rest was announcing the batch:
--   - the announcer read every published row back by primary key (10,000 probes) although the
--     UPDATE had just returned them;
--   - every recipient with a notification preference or mute row went through
--     private.enqueue_notification one call at a time (a plpgsql call, four lookups and an insert
--     each); in a real organization that is most athletes, since turning on quiet hours or
--     switching a category off writes that row;
--   - the push payload came from a SQL function with a pinned search_path, which Postgres cannot
--     inline, once per row.
-- Now:
--   - private.enqueue_notifications applies the rules of private.enqueue_notification (category
--     switches, snooze, mutes by person or conversation, quiet hours in the person's zone, collapse
--     onto a waiting push with the same key, one wake-up) to a whole batch in set-based
--     statements. Both are kept: the single-row function is the cheapest path for one message;
--     pgTAP 123 runs the same cases through both and compares every outcome.
--   - a batch sends each athlete ONE push for what they got in it (private.
--     assignment_group_push_payload): a coach publishing five days to an athlete made their phone
--     buzz five times; now it says "5 new workouts" with the days and titles as the body and a
--     link to the week (one cell: as before, its title and a link to it). That is also 2,000
--     outbox rows instead of 10,000 for the benchmark's batch. The per-row trigger's
--     private.assignment_push_payload now calls it, so the payload is written once.
--   - private.announce_assignment_rows takes the rows as arrays (what the UPDATE returned) and
--     queues the pushes and the broadcasts; private.announce_published_assignments(ids) reads the
--     rows and calls it (template apply, set published by ids), and bulk publish passes the
--     UPDATE's RETURNING straight in.
-- Otherwise behaviour is unchanged: the same rules (pending, skipped with the same reasons,
-- deferred by quiet hours, collapsed), one broadcast per cell, one audit row.
--
-- Exact selections for bulk operations, and moving a cell to another day (issue 6 leftovers).
-- The bulk filter knew athletes and a date range only, so a scattered selection on the coach's
-- calendar (Ann on Monday, Ben on Thursday) became the rectangle around it (both athletes,
-- Monday to Thursday) and a bulk delete could remove cells the coach never selected; the preview
-- warned, but the right thing is to do what was selected. Two keys join the filter:
--   - cells: a list of {athlete_id, date} pairs (the days selected on the grid);
--   - ids: a list of assignment ids.
-- Both combine with the other keys (AND) and hold at most 5,000 entries.
-- move_assignment moves one cell to another day (and slot): staff of its organization only; a
-- completed or skipped cell stays on the day it was done (reopen it first); a morning-of draft's
-- drip time moves to 05:00 of the new day in the athlete's zone; a published cell's athlete gets
-- assignment_moved on user:<athlete> so open screens re-read.
--
-- Applying a template with "publish at once" sends each athlete one push (issue 6: the pushes of
-- a batch are grouped per athlete since 20261122110200, but a template inserted its cells already
-- published, so the per-row trigger sent one push per cell: a four-week template buzzed twelve
-- times). The cells are now inserted as drafts and published right after through
-- private.publish_assignment_ids, the batch path bulk publish and "publish these" use: one push per
-- athlete listing the days, one broadcast per cell, publish_at set. Drafts (p_publish false) are
-- unchanged. The function returns the same rows in the same order.

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

-- The coach overview's "last completed" per athlete: one probe instead of a scan.
create index workout_assignments_last_completed_idx
  on public.workout_assignments (organization_id, user_id, completed_at desc)
  where status = 'completed' and deleted_at is null;

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
  before insert on public.workout_assignments
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

create or replace function private.trigger_announce_published_assignment()
returns trigger
language plpgsql
-- definer: queues the athlete's push in the outbox, which no client role may write.
security definer
set search_path = ''
as $$
declare
  v_title text;
begin
  if not new.published or new.deleted_at is not null then
    return new;
  end if;
  if tg_op = 'UPDATE' and old.published and old.deleted_at is null then
    return new;
  end if;
  -- A batch announces its rows itself, once, after its update.
  if coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') = 'on' then
    return new;
  end if;
  select w.title into v_title from public.workouts w where w.id = new.snapshot_workout_id;
  perform private.enqueue_notification(
    new.user_id,
    'workoutAssigned',
    private.assignment_push_payload(new.id, new.organization_id, new.date, new.kind, new.assigned_by, v_title),
    'assignment:' || new.id::text
  );
  perform realtime.send(
    jsonb_build_object('assignment_id', new.id, 'date', new.date),
    'assignment_published',
    'user:' || new.user_id::text,
    true
  );
  return new;
end;
$$;
comment on function private.trigger_announce_published_assignment() is
  'When an assignment becomes published (insert or flip): queue a workoutAssigned push and broadcast assignment_published to user:<athlete>; batches defer to private.announce_published_assignments.';

create trigger workout_assignments_announce_published
  after insert on public.workout_assignments
  for each row
  when (new.published and new.deleted_at is null
        and coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') <> 'on')
  execute function private.trigger_announce_published_assignment();

create or replace function private.trigger_audit_assignment_change()
returns trigger
language plpgsql
-- definer: appends to audit_logs through private.write_audit, which clients cannot call.
security definer
set search_path = ''
as $$
begin
  -- Only people are audited here (the drip publisher runs without a user), and batch
  -- operations write their own single row.
  if (select auth.uid()) is null
     or coalesce(pg_catalog.current_setting('coachline.assignment_batch_id', true), '') <> '' then
    return new;
  end if;
  if old.deleted_at is null and new.deleted_at is not null then
    perform private.write_audit(new.organization_id, 'assignment.deleted', 'workout_assignment', new.id,
      jsonb_build_object('user_id', new.user_id, 'date', new.date));
  elsif old.published is distinct from new.published and new.deleted_at is null then
    perform private.write_audit(new.organization_id,
      case when new.published then 'assignment.published' else 'assignment.unpublished' end,
      'workout_assignment', new.id, jsonb_build_object('user_id', new.user_id, 'date', new.date));
  end if;
  return new;
end;
$$;
comment on function private.trigger_audit_assignment_change() is
  'Audits a person''s soft delete or (un)publish of one assignment; batch operations audit themselves once.';

create trigger workout_assignments_audit_change
  after update of published, deleted_at on public.workout_assignments
  for each row
  when (((old.deleted_at is null and new.deleted_at is not null)
         or (old.published is distinct from new.published and new.deleted_at is null))
        and coalesce(pg_catalog.current_setting('coachline.assignment_batch_id', true), '') = '')
  execute function private.trigger_audit_assignment_change();

-- The lazy fork: workout, sections, movements and their exercise comments.
create or replace function private.fork_snapshot(p_assignment_id uuid)
returns uuid
language plpgsql
-- definer: copies workouts the athlete may not write (called by the result trigger for them).
-- Not granted to clients: public.fork_snapshot_if_needed checks staff first.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_snapshot_id uuid;
  v_section record;
  v_new_section_id uuid;
begin
  select * into v_assignment from public.workout_assignments a
   where a.id = fork_snapshot.p_assignment_id for update;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_assignment.kind <> 'workout' then
    raise exception 'Only workout cells have a workout to copy.' using errcode = 'PT422', hint = 'not_a_workout';
  end if;
  if v_assignment.snapshot_workout_id is distinct from v_assignment.workout_id then
    return v_assignment.snapshot_workout_id;
  end if;

  insert into public.workouts (organization_id, title, description, is_snapshot, source_workout_id, created_by)
  select w.organization_id, w.title, w.description, true, w.id, coalesce((select auth.uid()), v_assignment.assigned_by)
    from public.workouts w where w.id = v_assignment.workout_id
  returning id into v_snapshot_id;

  for v_section in
    select s.id, s.position, s.title, s.notes from public.workout_sections s
     where s.workout_id = v_assignment.workout_id order by s.position
  loop
    insert into public.workout_sections (workout_id, organization_id, position, title, notes)
    values (v_snapshot_id, v_assignment.organization_id, v_section.position, v_section.title, v_section.notes)
    returning id into v_new_section_id;
    insert into public.workout_movements (section_id, workout_id, organization_id, position, name, sets, reps,
                                          rep_scheme, load, load_unit, time_seconds, distance_meters, notes)
    select v_new_section_id, v_snapshot_id, m.organization_id, m.position, m.name, m.sets, m.reps, m.rep_scheme,
           m.load, m.load_unit, m.time_seconds, m.distance_meters, m.notes
      from public.workout_movements m where m.section_id = v_section.id order by m.position;
  end loop;

  -- Exercise comments follow their movement (matched by section and movement position), each
  -- with a new id and its parent link remapped to the copy of its parent.
  with movement_map as (
    select om.id as old_id, nm.id as new_id
      from public.workout_movements om
      join public.workout_sections os on os.id = om.section_id
      join public.workout_sections ns on ns.workout_id = v_snapshot_id and ns.position = os.position
      join public.workout_movements nm on nm.section_id = ns.id and nm.position = om.position
     where om.workout_id = v_assignment.workout_id
  ), copies as (
    select c.*, mm.new_id as new_movement_id, gen_random_uuid() as new_id
      from public.exercise_comments c
      join movement_map mm on mm.old_id = c.workout_movement_id
  )
  insert into public.exercise_comments (id, workout_movement_id, organization_id, author_id, body, parent_comment_id,
                                        created_at, updated_at, deleted_at)
  select c.new_id, c.new_movement_id, c.organization_id, c.author_id, c.body, p.new_id,
         c.created_at, c.updated_at, c.deleted_at
    from copies c
    left join copies p on p.id = c.parent_comment_id;

  update public.workout_assignments a set snapshot_workout_id = v_snapshot_id where a.id = v_assignment.id;
  return v_snapshot_id;
end;
$$;
revoke all on function private.fork_snapshot(uuid) from public, anon, authenticated;
grant execute on function private.fork_snapshot(uuid) to service_role;
comment on function private.fork_snapshot(uuid) is
  'The deep copy behind fork_snapshot_if_needed: workout, sections, movements and their exercise comments (threads remapped) into a snapshot, once per assignment (row lock makes it safe under concurrency).';

create or replace function private.trigger_result_completes_assignment()
returns trigger
language plpgsql
-- definer: the athlete logging a result may neither fork workouts nor update the assignment row.
security definer
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
begin
  if new.workout_assignment_id is null then
    return new;
  end if;
  if tg_op = 'UPDATE' and new.workout_assignment_id is not distinct from old.workout_assignment_id then
    return new;
  end if;
  select * into v_assignment from public.workout_assignments a where a.id = new.workout_assignment_id;
  if v_assignment.id is null or v_assignment.user_id <> new.user_id
     or v_assignment.organization_id <> new.organization_id or v_assignment.kind <> 'workout'
     or v_assignment.deleted_at is not null
     or (not v_assignment.published and not private.is_staff(v_assignment.organization_id)) then
    raise exception 'A result can only complete a live workout assignment of the same athlete.'
      using errcode = 'PT422', hint = 'assignment_mismatch';
  end if;
  perform private.fork_snapshot(v_assignment.id);
  update public.workout_assignments a
     set status = 'completed', completed_at = coalesce(a.completed_at, pg_catalog.now()), skip_reason = null
   where a.id = v_assignment.id and a.status <> 'completed';
  return new;
end;
$$;
comment on function private.trigger_result_completes_assignment() is
  'Auto-completion: a result logged against an assignment forks its snapshot and moves it to completed.';

create trigger workout_results_complete_assignment
  after insert or update of workout_assignment_id on public.workout_results
  for each row execute function private.trigger_result_completes_assignment();

create or replace function private.trigger_guard_assignment_status()
returns trigger
language plpgsql
-- invoker on purpose: current_user must be the role that ran the statement (a client role for
-- a REST write, the owner inside the security definer status functions).
security invoker
set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.status <> 'assigned' or new.completed_at is not null or new.skip_reason is not null then
      raise exception 'A new assignment starts open: complete or skip it with complete_assignment or skip_assignment.'
        using errcode = 'PT403', hint = 'status_through_functions';
    end if;
  elsif new.status is distinct from old.status
     or new.completed_at is distinct from old.completed_at
     or new.skip_reason is distinct from old.skip_reason then
    raise exception 'Status changes go through complete_assignment, skip_assignment or reopen_assignment.'
      using errcode = 'PT403', hint = 'status_through_functions';
  end if;
  return new;
end;
$$;
comment on function private.trigger_guard_assignment_status() is
  'Client roles cannot write status, completed_at or skip_reason directly: only the athlete''s complete/skip/reopen functions and auto-completion by a result change them.';

-- Fires after workout_assignments_consistency (triggers run in name order), so it compares the
-- normalized row: completed_at and skip_reason already follow status there.
create trigger workout_assignments_guard_status
  before insert on public.workout_assignments
  for each row execute function private.trigger_guard_assignment_status();

create trigger workout_assignments_consistency_on_update
  before update on public.workout_assignments
  for each row
  when ((old.organization_id, old.user_id, old.kind, old.workout_id, old.snapshot_workout_id, old.note,
         old.program_id, old.date, old.status, old.completed_at, old.skip_reason)
        is distinct from
        (new.organization_id, new.user_id, new.kind, new.workout_id, new.snapshot_workout_id, new.note,
         new.program_id, new.date, new.status, new.completed_at, new.skip_reason))
  execute function private.trigger_assignment_consistency();

create trigger workout_assignments_guard_status_on_update
  before update on public.workout_assignments
  for each row
  when ((old.status, old.completed_at, old.skip_reason) is distinct from (new.status, new.completed_at, new.skip_reason))
  execute function private.trigger_guard_assignment_status();

create trigger workout_assignments_announce_published_on_update
  after update of published, deleted_at on public.workout_assignments
  for each row
  when (new.published and new.deleted_at is null and not (old.published and old.deleted_at is null)
        and coalesce(pg_catalog.current_setting('coachline.assignment_announce_deferred', true), '') <> 'on')
  execute function private.trigger_announce_published_assignment();

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

create or replace function private.audit_assignment_batch(
  p_organization_id uuid,
  p_action text,
  p_batch_id uuid,
  p_ids uuid[],
  p_details jsonb default '{}'::jsonb
)
returns uuid
language plpgsql
-- definer: writes audit_logs through private.write_audit; it checks the caller is staff itself.
security definer
set search_path = ''
as $$
begin
  if not private.is_staff(audit_assignment_batch.p_organization_id) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  if exists (
    select 1 from unnest(audit_assignment_batch.p_ids) i(id)
     where not exists (select 1 from public.workout_assignments a
                        where a.id = i.id and a.organization_id = audit_assignment_batch.p_organization_id))
  then
    raise exception 'Some assignments are not in this organization.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return private.write_audit(
    audit_assignment_batch.p_organization_id,
    audit_assignment_batch.p_action,
    'workout_assignment',
    null,
    coalesce(audit_assignment_batch.p_details, '{}'::jsonb)
      || jsonb_build_object('ids', to_jsonb(audit_assignment_batch.p_ids),
                            'count', cardinality(audit_assignment_batch.p_ids)),
    audit_assignment_batch.p_batch_id
  );
end;
$$;
comment on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) is
  'One audit row for a batch of assignments (bulk delete/publish, set published): the ids, the count and a batch_id.';
revoke all on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) from public, anon;
grant execute on function private.audit_assignment_batch(uuid, text, uuid, uuid[], jsonb) to authenticated, service_role;

create or replace function private.begin_assignment_batch()
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_batch_id uuid := gen_random_uuid();
begin
  perform pg_catalog.set_config('coachline.assignment_batch_id', v_batch_id::text, true);
  return v_batch_id;
end;
$$;
comment on function private.begin_assignment_batch() is
  'Starts a batch: a new batch_id, and per-row auditing off for the rest of the transaction.';
revoke all on function private.begin_assignment_batch() from public, anon;
grant execute on function private.begin_assignment_batch() to authenticated, service_role;

create or replace function private.end_assignment_batch()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('coachline.assignment_batch_id', '', true);
end;
$$;
comment on function private.end_assignment_batch() is 'Ends a batch: per-row auditing back on.';
revoke all on function private.end_assignment_batch() from public, anon;
grant execute on function private.end_assignment_batch() to authenticated, service_role;

create or replace function private.athlete_time_zone(p_user_id uuid, p_organization_id uuid)
returns text
language sql
stable
-- definer: an athlete's zone decides their drip time even when the caller cannot read the profile.
security definer
set search_path = ''
as $$
  select coalesce(
    (select p.time_zone from public.profiles p where p.id = athlete_time_zone.p_user_id),
    (select o.time_zone from public.organizations o where o.id = athlete_time_zone.p_organization_id),
    'UTC');
$$;
comment on function private.athlete_time_zone(uuid, uuid) is
  'An athlete''s time zone: their profile''s, else the organization''s, else UTC.';
revoke all on function private.athlete_time_zone(uuid, uuid) from public, anon;
grant execute on function private.athlete_time_zone(uuid, uuid) to authenticated, service_role;

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
grant execute on function private.require_staff(uuid) to authenticated, service_role;

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
grant execute on function private.check_assignment_payload(uuid, public.assignment_kind, uuid, text, date, uuid) to authenticated, service_role;

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
grant execute on function private.check_athletes(uuid, uuid[]) to authenticated, service_role;

create or replace function private.program_member_ids(p_program_id uuid)
returns setof uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select e.user_id from public.program_enrollments e
   where e.program_id = program_member_ids.p_program_id and e.ended_at is null;
$$;
comment on function private.program_member_ids(uuid) is
  'Athletes actively enrolled in a program (FIT-201: program filters go through enrollments).';
grant execute on function private.program_member_ids(uuid) to authenticated, service_role;

create or replace function private.set_assignment_status(
  p_id uuid,
  p_status public.assignment_status,
  p_reason text default null
)
returns public.workout_assignments
language plpgsql
-- definer: athletes change the status of their own cells, but have no update policy on the
-- table (that would let them rewrite the prescription); this checks the caller itself.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.workout_assignments;
  v_reason text := nullif(btrim(coalesce(set_assignment_status.p_reason, '')), '');
begin
  select * into v_row from public.workout_assignments a where a.id = set_assignment_status.p_id for update;
  -- Someone else's cell reads as missing unless the caller may see it.
  if v_row.id is null
     or not (private.is_staff(v_row.organization_id)
             or (v_row.user_id = v_user_id and v_row.published and v_row.deleted_at is null
                 and private.is_member(v_row.organization_id))) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'This assignment was deleted.' using errcode = 'PT409', hint = 'assignment_deleted';
  end if;
  if set_assignment_status.p_status <> 'assigned' and v_row.user_id <> v_user_id then
    raise exception 'Only the athlete can complete or skip their own assignment.'
      using errcode = 'PT403', hint = 'not_your_assignment';
  end if;
  if set_assignment_status.p_status = 'skipped' and v_reason is null then
    raise exception 'Say why you are skipping.' using errcode = 'PT422', hint = 'skip_reason_required';
  end if;
  if set_assignment_status.p_status = 'skipped' and char_length(v_reason) > 500 then
    raise exception 'Keep the reason under 500 characters.' using errcode = 'PT422', hint = 'skip_reason_too_long';
  end if;
  if set_assignment_status.p_status = 'assigned' and v_row.status = 'assigned' then
    raise exception 'This assignment is already open.' using errcode = 'PT409', hint = 'already_open';
  end if;

  update public.workout_assignments a
     set status = set_assignment_status.p_status,
         completed_at = case when set_assignment_status.p_status = 'completed'
                             then coalesce(a.completed_at, pg_catalog.now()) end,
         skip_reason = case when set_assignment_status.p_status = 'skipped' then v_reason end
   where a.id = v_row.id
  returning * into v_row;
  return v_row;
end;
$$;
comment on function private.set_assignment_status(uuid, public.assignment_status, text) is
  'Body of complete/skip/reopen: the athlete on their own published cell (staff may reopen).';
revoke all on function private.set_assignment_status(uuid, public.assignment_status, text) from public, anon;
grant execute on function private.set_assignment_status(uuid, public.assignment_status, text) to authenticated, service_role;

create or replace function private.bulk_filter_ids(p_filter jsonb)
returns setof uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  f record;
begin
  select * into f from private.parse_bulk_filter(bulk_filter_ids.p_filter);
  return query
  select a.id from public.workout_assignments a
   where a.organization_id = f.organization_id
     and a.deleted_at is null
     and (f.date_from is null or a.date >= f.date_from)
     and (f.date_to is null or a.date <= f.date_to)
     and (f.program_id is null or a.program_id = f.program_id
          or (a.program_id is null and a.user_id in (select private.program_member_ids(f.program_id))))
     and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
     and (f.status is null or a.status = f.status)
     and (f.kind is null or a.kind = f.kind)
     and (f.ids is null or a.id = any (f.ids))
     and (f.cell_users is null
          or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)));
end;
$$;
grant execute on function private.bulk_filter_ids(jsonb) to authenticated, service_role;
comment on function private.bulk_filter_ids(jsonb) is
  'The live assignments a bulk filter matches, after validating it and checking the caller is staff of its organization.';

create or replace function private.fork_snapshot_for_staff(p_assignment_id uuid)
returns uuid
language plpgsql
-- definer: lets staff reach private.fork_snapshot after checking they staff the assignment's organization.
security definer
set search_path = ''
as $$
declare
  v_org uuid;
begin
  perform private.require_user();
  select a.organization_id into v_org from public.workout_assignments a where a.id = fork_snapshot_for_staff.p_assignment_id;
  if v_org is null or not private.is_staff(v_org) then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  return private.fork_snapshot(fork_snapshot_for_staff.p_assignment_id);
end;
$$;
comment on function private.fork_snapshot_for_staff(uuid) is 'Body of public.fork_snapshot_if_needed: staff only.';
revoke all on function private.fork_snapshot_for_staff(uuid) from public, anon;
grant execute on function private.fork_snapshot_for_staff(uuid) to authenticated, service_role;

create or replace function private.publish_due_assignments(p_now timestamptz default now())
returns integer
language plpgsql
-- definer: run by pg_cron for every organization; no person is behind it.
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with due as (
    select a.id from public.workout_assignments a
     where not a.published and a.publish_at is not null
       and a.publish_at <= coalesce(publish_due_assignments.p_now, pg_catalog.now())
       and a.deleted_at is null
     order by a.publish_at
     for update skip locked
  ),
  changed as (
    update public.workout_assignments a set published = true
      from due where a.id = due.id and not a.published
    returning a.id
  )
  select coalesce(array_agg(c.id), '{}') into v_ids from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  perform private.announce_published_assignments(v_ids);
  return cardinality(v_ids);
end;
$$;
revoke all on function private.publish_due_assignments(timestamptz) from public, anon, authenticated;
grant execute on function private.publish_due_assignments(timestamptz) to service_role;
comment on function private.publish_due_assignments(timestamptz) is
  'The drip publisher: publishes every due draft (publish_at <= p_now) and announces them as one batch; safe when runs overlap (skip locked) and idempotent. Called every minute by cron job publish-due-assignments.';

create or replace function private.assignment_group_push_payload(
  p_ids uuid[],
  p_organization_id uuid,
  p_dates date[],
  p_kinds public.assignment_kind[],
  p_assigned_by uuid,
  p_titles text[]
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  -- one cell: what it is and a link to it; several: how many, which days, a link to the week
  select case when count(*) = 1 then
           jsonb_build_object(
             'assignment_id', min(r.id::text)::uuid,
             'organization_id', assignment_group_push_payload.p_organization_id,
             'date', min(r.date),
             'kind', min(r.kind::text),
             'title', min(coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end)),
             'url', '/org/' || assignment_group_push_payload.p_organization_id::text
                    || '/assignments/' || min(r.id::text),
             'sender_id', assignment_group_push_payload.p_assigned_by)
         else
           jsonb_build_object(
             'assignment_ids', jsonb_agg(r.id order by r.date, r.ord),
             'organization_id', assignment_group_push_payload.p_organization_id,
             'date', min(r.date),
             'date_to', max(r.date),
             'count', count(*),
             'title', case when bool_and(r.kind = 'workout') then count(*) || ' new workouts'
                           else count(*) || ' new on your calendar' end,
             'body', string_agg(to_char(r.date, 'Dy FMDD Mon') || ': '
                                || coalesce(r.title, case r.kind when 'rest' then 'Rest day' else 'Note from your coach' end),
                                ' · ' order by r.date, r.ord),
             'url', '/org/' || assignment_group_push_payload.p_organization_id::text
                    || '/week?week=' || date_trunc('week', min(r.date))::date::text,
             'sender_id', assignment_group_push_payload.p_assigned_by)
         end
    from unnest(assignment_group_push_payload.p_ids, assignment_group_push_payload.p_dates,
                assignment_group_push_payload.p_kinds, assignment_group_push_payload.p_titles)
         with ordinality r (id, date, kind, title, ord);
$$;
comment on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[]) is
  'The workoutAssigned push for the cells one athlete just got in one go: for one cell its title and a link to it (assignment_id, kind, date); for several a count, the days with their titles as the body and a link to the week (assignment_ids, date .. date_to). The one definition of that payload.';
revoke all on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[])
  from public, anon;
grant execute on function private.assignment_group_push_payload(uuid[], uuid, date[], public.assignment_kind[], uuid, text[])
  to authenticated, service_role;

create or replace function private.assignment_push_payload(
  p_id uuid, p_organization_id uuid, p_date date, p_kind public.assignment_kind, p_assigned_by uuid, p_title text
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  select private.assignment_group_push_payload(array[assignment_push_payload.p_id],
           assignment_push_payload.p_organization_id, array[assignment_push_payload.p_date],
           array[assignment_push_payload.p_kind], assignment_push_payload.p_assigned_by,
           array[assignment_push_payload.p_title]);
$$;
comment on function private.assignment_push_payload(uuid, uuid, date, public.assignment_kind, uuid, text) is
  'The workoutAssigned push payload, shared by the per-row trigger and the batch announcer.';
revoke execute on function private.assignment_push_payload(uuid, uuid, date, public.assignment_kind, uuid, text)
  from public, anon;

create or replace function private.announce_published_assignments(p_ids uuid[])
returns integer
language plpgsql
-- definer: reads the rows and announces through private.announce_assignment_rows, which no
-- client may call.
security definer
set search_path = ''
set jit = off
as $$
declare
  r record;
begin
  select array_agg(a.id order by a.id) as ids, array_agg(a.user_id order by a.id) as users,
         array_agg(a.organization_id order by a.id) as orgs, array_agg(a.date order by a.id) as dates,
         array_agg(a.kind order by a.id) as kinds, array_agg(a.assigned_by order by a.id) as assigners,
         array_agg(a.snapshot_workout_id order by a.id) as snapshots
    into r
    from public.workout_assignments a
   where a.id = any (announce_published_assignments.p_ids)
     and a.published and a.deleted_at is null;
  return private.announce_assignment_rows(r.ids, r.users, r.orgs, r.dates, r.kinds, r.assigners, r.snapshots);
end;
$$;
comment on function private.announce_published_assignments(uuid[]) is
  'Batch side effects of publishing: a workoutAssigned push per live row (set-based when no notification rule applies, else through enqueue_notification) and an assignment_published broadcast on user:<athlete>.';
revoke all on function private.announce_published_assignments(uuid[]) from public, anon, authenticated;
grant execute on function private.announce_published_assignments(uuid[]) to service_role;

create or replace function private.publish_assignment_ids(p_ids uuid[])
returns uuid[]
language plpgsql
-- definer: announces through private.announce_published_assignments, which clients may not call;
-- it checks itself that the caller is staff of every row's organization.
security definer
set search_path = ''
as $$
declare
  v_changed uuid[];
begin
  -- The callers checked already; checked again because this one runs as definer.
  if exists (select 1 from public.workout_assignments a
              where a.id in (select unnest(publish_assignment_ids.p_ids))
                and a.organization_id not in (select private.staff_organization_ids())) then
    raise exception 'Only staff of the organization can do this.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
      from (select distinct unnest(publish_assignment_ids.p_ids) as id) i
     where a.id = i.id and not a.published
    returning a.id
  )
  select coalesce(array_agg(c.id), '{}') into v_changed from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  perform private.announce_published_assignments(v_changed);
  return v_changed;
end;
$$;
comment on function private.publish_assignment_ids(uuid[]) is
  'Publishes the listed drafts in one statement and announces them as a batch; returns the ids that changed.';
revoke all on function private.publish_assignment_ids(uuid[]) from public, anon;
grant execute on function private.publish_assignment_ids(uuid[]) to authenticated, service_role;

create function private.coach_overview_for_staff(
  p_organization_id uuid,
  p_as_of timestamptz,
  p_sort text,
  p_status text,
  p_search text,
  p_limit integer,
  p_offset integer
)
returns json
language plpgsql
stable
-- definer: checks the caller is staff of the organization first, then reads its roster and
-- cells without evaluating the profile, membership and assignment policies row by row (staff may
-- read all of them anyway).
security definer
set search_path = ''
as $$
declare
  v_as_of timestamptz := coalesce(coach_overview_for_staff.p_as_of, pg_catalog.now());
  v_sort text := coalesce(coach_overview_for_staff.p_sort, 'name');
  v_status text := nullif(coach_overview_for_staff.p_status, '');
  v_search text := nullif(btrim(coalesce(coach_overview_for_staff.p_search, '')), '');
  v_pattern text;
  v_limit integer := coalesce(coach_overview_for_staff.p_limit, 50);
  v_offset integer := coalesce(coach_overview_for_staff.p_offset, 0);
  v_today date;
  v_from date;
  v_result json;
begin
  perform private.require_staff(coach_overview_for_staff.p_organization_id);
  if v_sort not in ('name', 'status', 'compliance') then
    raise exception 'Sort by name, status or compliance.' using errcode = 'PT422', hint = 'invalid_sort';
  end if;
  if v_status is not null and v_status not in ('on_track', 'at_risk', 'overdue', 'quiet') then
    raise exception 'Filter by on_track, at_risk, overdue or quiet.' using errcode = 'PT422', hint = 'invalid_status';
  end if;
  if v_limit < 1 or v_limit > 200 then
    raise exception 'A page holds 1 to 200 athletes.' using errcode = 'PT422', hint = 'invalid_limit';
  end if;
  if v_offset < 0 then
    raise exception 'The offset cannot be negative.' using errcode = 'PT422', hint = 'invalid_offset';
  end if;
  if v_search is not null then
    if char_length(v_search) > 100 then
      raise exception 'Search with at most 100 characters.' using errcode = 'PT422', hint = 'invalid_search';
    end if;
    -- the person's text matches literally: % _ and \ are not wildcards
    v_pattern := '%' || replace(replace(replace(v_search, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  end if;
  select (v_as_of at time zone o.time_zone)::date into v_today
    from public.organizations o where o.id = coach_overview_for_staff.p_organization_id;
  v_from := v_today - 6;

  with athletes as materialized (
    select m.user_id, coalesce(p.display_name, '') as display_name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_overview_for_staff.p_organization_id and m.status = 'active' and m.role = 'member'
  ),
  per_day as (
    select a.user_id, a.date - v_from as day,
           count(*)::integer as planned,
           (count(*) filter (where a.status = 'completed'))::integer as completed,
           (count(*) filter (where a.status = 'skipped'))::integer as skipped,
           (count(*) filter (where a.status = 'assigned' and a.date < v_today))::integer as overdue
      from public.workout_assignments a
     where a.organization_id = coach_overview_for_staff.p_organization_id
       and a.date between v_from and v_today
       and a.deleted_at is null and a.published and a.kind = 'workout'
     group by a.user_id, a.date
  ),
  per_athlete as (
    -- day i (0 = v_from) of the sparkline is at position array_position(days, i) of p/c/s.
    select d.user_id, sum(d.planned)::integer as planned, sum(d.completed)::integer as completed,
           sum(d.skipped)::integer as skipped, sum(d.overdue)::integer as overdue,
           array_agg(d.day) as days, array_agg(d.planned) as p, array_agg(d.completed) as c,
           array_agg(d.skipped) as s
      from per_day d group by d.user_id
  ),
  rated as materialized (
    select ath.user_id, ath.display_name,
           coalesce(pa.planned, 0) as planned, coalesce(pa.completed, 0) as completed,
           coalesce(pa.skipped, 0) as skipped, coalesce(pa.overdue, 0) as overdue,
           case when coalesce(pa.planned, 0) = 0 then null
                else round(100.0 * pa.completed / pa.planned)::integer end as compliance,
           case
             when coalesce(pa.planned, 0) = 0 then 'quiet'
             when pa.overdue >= 2 then 'overdue'
             when pa.overdue = 1 or 100.0 * pa.completed / pa.planned < 70 then 'at_risk'
             else 'on_track'
           end as light,
           pa.days, pa.p, pa.c, pa.s
      from athletes ath left join per_athlete pa on pa.user_id = ath.user_id
  ),
  searched as (
    select r.* from rated r where v_pattern is null or r.display_name ilike v_pattern
  ),
  page as (
    select s.*,
           pg_catalog.row_number() over (
             order by case when v_sort = 'status' then
                             case s.light when 'overdue' then 0 when 'at_risk' then 1 when 'on_track' then 2 else 3 end
                           end,
                      case when v_sort = 'compliance' then coalesce(s.compliance, 101) end,
                      s.display_name, s.user_id) as ord
      from searched s
     where v_status is null or s.light = v_status
     order by ord
     limit v_limit offset v_offset
  ),
  page_rows as (
    select pg.*,
           (select a.completed_at from public.workout_assignments a
             where a.organization_id = coach_overview_for_staff.p_organization_id and a.user_id = pg.user_id
               and a.status = 'completed' and a.deleted_at is null
             order by a.completed_at desc limit 1) as last_completed_at,
           (select json_agg(json_build_object(
                     'date', v_from + g.i,
                     'planned', coalesce(pg.p[pg_catalog.array_position(pg.days, g.i)], 0),
                     'completed', coalesce(pg.c[pg_catalog.array_position(pg.days, g.i)], 0),
                     'skipped', coalesce(pg.s[pg_catalog.array_position(pg.days, g.i)], 0)) order by g.i)
              from generate_series(0, 6) g (i)) as sparkline
      from page pg
  )
  select json_build_object(
           'as_of', v_as_of,
           'window', json_build_object('from', v_from, 'to', v_today),
           'kpis', (select json_build_object(
                      'active_athletes', count(*),
                      'planned', coalesce(sum(x.planned), 0),
                      'completed', coalesce(sum(x.completed), 0),
                      'skipped', coalesce(sum(x.skipped), 0),
                      'overdue', coalesce(sum(x.overdue), 0),
                      'compliance_pct', case when coalesce(sum(x.planned), 0) = 0 then null
                                             else round(100.0 * sum(x.completed) / sum(x.planned))::integer end)
                      from rated x),
           'counts', (select json_build_object(
                        'all', count(*),
                        'overdue', count(*) filter (where x.light = 'overdue'),
                        'at_risk', count(*) filter (where x.light = 'at_risk'),
                        'on_track', count(*) filter (where x.light = 'on_track'),
                        'quiet', count(*) filter (where x.light = 'quiet'))
                        from searched x),
           'total', (select count(*) from searched x where v_status is null or x.light = v_status),
           'limit', v_limit,
           'offset', v_offset,
           'roster', coalesce((select json_agg(json_build_object(
                        'user_id', r.user_id, 'display_name', r.display_name, 'planned', r.planned,
                        'completed', r.completed, 'skipped', r.skipped, 'overdue', r.overdue,
                        'compliance_pct', r.compliance, 'status', r.light, 'last_completed_at', r.last_completed_at,
                        'sparkline', r.sparkline) order by r.ord)
                        from page_rows r), '[]'::json))
    into v_result;
  return v_result;
end;
$$;
comment on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) is
  'Body of public.coach_overview: staff only (checked first); see that function for the KPIs, paging and traffic-light thresholds.';
revoke all on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function private.coach_overview_for_staff(uuid, timestamptz, text, text, text, integer, integer) to authenticated, service_role;

create function private.parse_bulk_filter(
  p_filter jsonb,
  out organization_id uuid,
  out date_from date,
  out date_to date,
  out program_id uuid,
  out athlete_ids uuid[],
  out status public.assignment_status,
  out kind public.assignment_kind,
  out ids uuid[],
  out cell_users uuid[],
  out cell_dates date[]
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_key text;
begin
  if parse_bulk_filter.p_filter is null or jsonb_typeof(parse_bulk_filter.p_filter) <> 'object' then
    raise exception 'The filter must be an object with an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  for v_key in select jsonb_object_keys(parse_bulk_filter.p_filter) loop
    if v_key not in ('organization_id', 'date_from', 'date_to', 'program_id', 'athlete_ids', 'status', 'kind',
                     'ids', 'cells') then
      raise exception 'Unknown filter "%".', v_key using errcode = 'PT422', hint = 'invalid_filter';
    end if;
  end loop;
  begin
    parse_bulk_filter.organization_id := (parse_bulk_filter.p_filter ->> 'organization_id')::uuid;
    parse_bulk_filter.date_from := (parse_bulk_filter.p_filter ->> 'date_from')::date;
    parse_bulk_filter.date_to := (parse_bulk_filter.p_filter ->> 'date_to')::date;
    parse_bulk_filter.program_id := (parse_bulk_filter.p_filter ->> 'program_id')::uuid;
    parse_bulk_filter.status := (parse_bulk_filter.p_filter ->> 'status')::public.assignment_status;
    parse_bulk_filter.kind := (parse_bulk_filter.p_filter ->> 'kind')::public.assignment_kind;
    if parse_bulk_filter.p_filter ? 'athlete_ids'
       and jsonb_typeof(parse_bulk_filter.p_filter -> 'athlete_ids') <> 'null' then
      select coalesce(array_agg(x::uuid), '{}') into parse_bulk_filter.athlete_ids
        from jsonb_array_elements_text(parse_bulk_filter.p_filter -> 'athlete_ids') x;
    end if;
    if parse_bulk_filter.p_filter ? 'ids' and jsonb_typeof(parse_bulk_filter.p_filter -> 'ids') <> 'null' then
      if jsonb_typeof(parse_bulk_filter.p_filter -> 'ids') <> 'array'
         or jsonb_array_length(parse_bulk_filter.p_filter -> 'ids') > 5000 then
        raise exception 'ids must be a list of at most 5,000 assignment ids.' using errcode = 'PT422', hint = 'invalid_filter';
      end if;
      select coalesce(array_agg(x::uuid), '{}') into parse_bulk_filter.ids
        from jsonb_array_elements_text(parse_bulk_filter.p_filter -> 'ids') x;
    end if;
    if parse_bulk_filter.p_filter ? 'cells' and jsonb_typeof(parse_bulk_filter.p_filter -> 'cells') <> 'null' then
      if jsonb_typeof(parse_bulk_filter.p_filter -> 'cells') <> 'array'
         or jsonb_array_length(parse_bulk_filter.p_filter -> 'cells') > 5000
         or exists (select 1 from jsonb_array_elements(parse_bulk_filter.p_filter -> 'cells') c
                     where jsonb_typeof(c) <> 'object' or not (c ? 'athlete_id' and c ? 'date')) then
        raise exception 'cells must be a list of at most 5,000 {athlete_id, date} pairs.' using errcode = 'PT422', hint = 'invalid_filter';
      end if;
      select coalesce(array_agg((x.c ->> 'athlete_id')::uuid order by x.o), '{}'),
             coalesce(array_agg((x.c ->> 'date')::date order by x.o), '{}')
        into parse_bulk_filter.cell_users, parse_bulk_filter.cell_dates
        from jsonb_array_elements(parse_bulk_filter.p_filter -> 'cells') with ordinality x (c, o);
    end if;
  exception
    when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
      or invalid_parameter_value then
      raise exception 'The filter has a malformed id, date, status or kind.' using errcode = 'PT422', hint = 'invalid_filter';
  end;
  if parse_bulk_filter.organization_id is null then
    raise exception 'The filter needs an organization_id.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  if parse_bulk_filter.date_from is not null and parse_bulk_filter.date_to is not null
     and parse_bulk_filter.date_to < parse_bulk_filter.date_from then
    raise exception 'date_to is before date_from.' using errcode = 'PT422', hint = 'invalid_filter';
  end if;
  perform private.require_staff(parse_bulk_filter.organization_id);
end;
$$;
comment on function private.parse_bulk_filter(jsonb) is
  'Validates a bulk filter (organization_id, date_from, date_to, program_id, athlete_ids, status, kind, ids, cells) and checks the caller is staff of its organization; returns the parsed values (cells as two parallel lists).';
revoke all on function private.parse_bulk_filter(jsonb) from public, anon;
grant execute on function private.parse_bulk_filter(jsonb) to authenticated, service_role;

create or replace function private.lock_assignment_batches(p_organization_id uuid)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('coachline.assignment_batch:' || lock_assignment_batches.p_organization_id::text, 0));
$$;
comment on function private.lock_assignment_batches(uuid) is
  'Serializes the bulk operations of one organization until the transaction ends, so two overlapping batches never wait on each other''s rows in opposite orders.';
grant execute on function private.lock_assignment_batches(uuid) to authenticated, service_role;

create or replace function private.publish_filtered_assignments(p_filter jsonb, p_batch_id uuid)
returns uuid[]
language plpgsql
-- definer: announces through private.announce_assignment_rows and audits through
-- private.write_audit, which clients may not call. private.parse_bulk_filter checks first that
-- the caller is staff of the filter's organization, and the update touches that organization only.
security definer
set search_path = ''
set jit = off
as $$
declare
  f record;
  r record;
begin
  select * into f from private.parse_bulk_filter(publish_filtered_assignments.p_filter);
  perform private.lock_assignment_batches(f.organization_id);
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', 'on', true);
  with changed as (
    update public.workout_assignments a
       set published = true, publish_at = coalesce(a.publish_at, pg_catalog.now())
     where a.organization_id = f.organization_id
       and a.deleted_at is null
       and not a.published
       and (f.date_from is null or a.date >= f.date_from)
       and (f.date_to is null or a.date <= f.date_to)
       and (f.program_id is null or a.program_id = f.program_id
            or (a.program_id is null and a.user_id in (select private.program_member_ids(f.program_id))))
       and (f.athlete_ids is null or a.user_id = any (f.athlete_ids))
       and (f.status is null or a.status = f.status)
       and (f.kind is null or a.kind = f.kind)
       and (f.ids is null or a.id = any (f.ids))
       and (f.cell_users is null
            or (a.user_id, a.date) in (select c.user_id, c.date from unnest(f.cell_users, f.cell_dates) c (user_id, date)))
    returning a.id, a.user_id, a.organization_id, a.date, a.kind, a.assigned_by, a.snapshot_workout_id
  )
  select coalesce(array_agg(c.id order by c.id), '{}') as ids, array_agg(c.user_id order by c.id) as users,
         array_agg(c.organization_id order by c.id) as orgs, array_agg(c.date order by c.id) as dates,
         array_agg(c.kind order by c.id) as kinds, array_agg(c.assigned_by order by c.id) as assigners,
         array_agg(c.snapshot_workout_id order by c.id) as snapshots
    into r
    from changed c;
  perform pg_catalog.set_config('coachline.assignment_announce_deferred', '', true);
  if cardinality(r.ids) > 0 then
    perform private.announce_assignment_rows(r.ids, r.users, r.orgs, r.dates, r.kinds, r.assigners, r.snapshots);
    perform private.write_audit(f.organization_id, 'assignment.bulk_published', 'workout_assignment', null,
      jsonb_build_object('filter', publish_filtered_assignments.p_filter, 'ids', to_jsonb(r.ids),
                         'count', cardinality(r.ids)),
      publish_filtered_assignments.p_batch_id);
  end if;
  return r.ids;
end;
$$;
comment on function private.publish_filtered_assignments(jsonb, uuid) is
  'Body of bulk_publish_assignments: publishes every live draft the filter matches in one statement, announces them as one batch and writes one audit row (batch id, ids, filter); returns the ids published.';
revoke all on function private.publish_filtered_assignments(jsonb, uuid) from public, anon;
grant execute on function private.publish_filtered_assignments(jsonb, uuid) to authenticated, service_role;

create or replace function private.coach_week_athletes(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid,
  p_athlete_id uuid,
  p_after_athlete_id uuid,
  p_limit integer
)
returns table (user_id uuid, name text)
language plpgsql
stable
rows 50
-- definer: checks the caller is staff of the organization first, then orders its whole roster by
-- name without evaluating the membership and profile policies for each of its people (staff may
-- read every cell of the organization; the names come out only as the page's sort key).
security definer
set search_path = ''
as $$
declare
  v_after_name text;
begin
  perform private.require_staff(coach_week_athletes.p_organization_id);
  if coach_week_athletes.p_after_athlete_id is not null then
    select coalesce(p.display_name, '') into v_after_name
      from public.profiles p where p.id = coach_week_athletes.p_after_athlete_id;
    v_after_name := coalesce(v_after_name, '');
  end if;
  return query
  with athletes as materialized (
    -- the organization's people in page order, after the cursor
    select m.user_id, coalesce(p.display_name, '') as name
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.organization_id = coach_week_athletes.p_organization_id
       and (coach_week_athletes.p_athlete_id is null or m.user_id = coach_week_athletes.p_athlete_id)
       -- a program's candidates: its enrolled members and whoever has a cell of it that week
       and (coach_week_athletes.p_program_id is null
            or m.user_id in (
                 select e.user_id from public.program_enrollments e
                  where e.program_id = coach_week_athletes.p_program_id and e.ended_at is null
                 union
                 select a.user_id from public.workout_assignments a
                  where a.program_id = coach_week_athletes.p_program_id
                    and a.date between coach_week_athletes.p_week_start and coach_week_athletes.p_week_start + 6
                    and a.deleted_at is null))
       and (coach_week_athletes.p_after_athlete_id is null
            or (coalesce(p.display_name, ''), m.user_id) > (v_after_name, coach_week_athletes.p_after_athlete_id))
     order by 2, 1
  )
  -- the first p_limit of them with a live cell that week in the filter (the CTE is read in its
  -- order; lateral + limit 1 makes that one index probe per athlete, stopping at a full page)
  select ath.user_id, ath.name
    from athletes ath
    cross join lateral (
      select 1 from public.workout_assignments a
       where a.user_id = ath.user_id
         and a.organization_id = coach_week_athletes.p_organization_id
         and a.date between coach_week_athletes.p_week_start and coach_week_athletes.p_week_start + 6
         and a.deleted_at is null
         and (coach_week_athletes.p_program_id is null
              or a.program_id = coach_week_athletes.p_program_id
              or (a.program_id is null
                  and a.user_id in (select private.program_member_ids(coach_week_athletes.p_program_id))))
       limit 1) hit
   limit coach_week_athletes.p_limit;
end;
$$;
revoke all on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) from public, anon;
grant execute on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) to authenticated, service_role;
comment on function private.coach_week_athletes(uuid, date, uuid, uuid, uuid, integer) is
  'One page of the coach week grid''s athletes (staff only, checked first): the next p_limit people of the organization by display name then id after p_after_athlete_id with a live cell that week in the filter (name is the sort key, not for display).';

create or replace function private.enqueue_notifications(
  p_category text,
  p_user_ids uuid[],
  p_payloads jsonb[],
  p_collapse_keys text[],
  p_now timestamptz default now()
)
returns integer
language plpgsql
-- definer: called by batch bodies of any caller; writes the outbox no client may write.
security definer
set search_path = ''
as $$
declare
  v_uuid constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  v_now timestamptz := coalesce(enqueue_notifications.p_now, pg_catalog.now());
  v_last uuid;
  v_pending integer;
begin
  if enqueue_notifications.p_category is null
     or enqueue_notifications.p_category not in ('newMessage', 'newComment', 'workoutAssigned') then
    raise exception 'Unknown notification category "%".', enqueue_notifications.p_category
      using errcode = 'PT422', hint = 'invalid_category';
  end if;
  if coalesce(cardinality(enqueue_notifications.p_user_ids), 0) = 0 then
    return 0;
  end if;
  if cardinality(enqueue_notifications.p_payloads) is distinct from cardinality(enqueue_notifications.p_user_ids)
     or cardinality(enqueue_notifications.p_collapse_keys) is distinct from cardinality(enqueue_notifications.p_user_ids) then
    raise exception 'Recipients, payloads and collapse keys must be lists of the same length.'
      using errcode = 'PT422', hint = 'invalid_batch';
  end if;

  with input as (
    select u.ord, u.user_id, coalesce(u.payload, '{}'::jsonb) as payload, u.collapse_key,
           coalesce(u.payload ->> 'conversation_key', u.collapse_key) as conversation,
           case when (u.payload ->> 'sender_id') ~ v_uuid then (u.payload ->> 'sender_id')::uuid end as sender_id,
           case when (u.payload ->> 'organization_id') ~ v_uuid then (u.payload ->> 'organization_id')::uuid end
             as organization_id
      from unnest(enqueue_notifications.p_user_ids, enqueue_notifications.p_payloads,
                  enqueue_notifications.p_collapse_keys) with ordinality u (user_id, payload, collapse_key, ord)
  ),
  judged as materialized (
    select i.ord, i.user_id, i.payload, i.collapse_key,
           case
             when pr.id is null or pr.deleted_at is not null then 'recipient_deleted'
             when (enqueue_notifications.p_category = 'newMessage' and not coalesce(np.messages_enabled, true))
               or (enqueue_notifications.p_category = 'newComment' and not coalesce(np.comments_enabled, true))
               or (enqueue_notifications.p_category = 'workoutAssigned' and not coalesce(np.workouts_enabled, true))
               then 'category_disabled'
             when np.muted_until is not null and np.muted_until > v_now then 'snoozed'
             when exists (
               select 1 from public.notification_mutes nm
                where nm.user_id = i.user_id
                  and (nm.until is null or nm.until > v_now)
                  and (nm.muted_user_id = i.sender_id or nm.conversation_key = i.conversation)) then 'muted'
           end as skip,
           case when np.quiet_hours_start is not null then
             private.quiet_hours_end(v_now,
               coalesce(np.time_zone, pr.time_zone,
                        (select o.time_zone from public.organizations o where o.id = i.organization_id), 'UTC'),
               np.quiet_hours_start, np.quiet_hours_end)
           end as quiet_end
      from input i
      left join public.profiles pr on pr.id = i.user_id
      left join public.notification_preferences np on np.user_id = i.user_id
  ),
  -- A newer event with the same collapse key replaces the one still waiting (within the batch
  -- too: the last one wins, as calling enqueue_notification in order would leave it).
  collapsing as (
    select distinct on (j.user_id, j.collapse_key) j.*
      from judged j
     where j.skip is null and j.collapse_key is not null
     order by j.user_id, j.collapse_key, j.ord desc
  ),
  updated as (
    update public.notification_outbox o
       set payload = c.payload, not_before = coalesce(c.quiet_end, v_now), created_at = v_now
      from collapsing c
     where o.id = (select o2.id from public.notification_outbox o2
                    where o2.user_id = c.user_id and o2.collapse_key = c.collapse_key and o2.status = 'pending'
                    order by o2.created_at desc limit 1)
       and o.status = 'pending'
    returning o.id, c.ord
  ),
  inserted as (
    insert into public.notification_outbox
      (user_id, category, payload, collapse_key, status, skip_reason, not_before, created_at)
    select j.user_id, enqueue_notifications.p_category, j.payload, j.collapse_key,
           (case when j.skip is null then 'pending' else 'skipped' end)::public.notification_status, j.skip,
           case when j.skip is null then coalesce(j.quiet_end, v_now) else v_now end, v_now
      from judged j
     where j.skip is not null
        or j.collapse_key is null
        or (j.ord in (select c.ord from collapsing c) and j.ord not in (select u.ord from updated u))
    returning id, status
  )
  select max(q.id::text)::uuid, count(*)::integer into v_last, v_pending
    from (select u.id from updated u
          union all
          select n.id from inserted n where n.status = 'pending') q;

  if v_last is not null then
    perform pg_catalog.pg_notify('notification_outbox', v_last::text);
  end if;
  return v_pending;
end;
$$;
comment on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) is
  'private.enqueue_notification for a batch: the i-th recipient gets the i-th payload and collapse key, with the same rules (category switches, snooze, mutes, quiet hours, collapse; the last of equal keys wins) in set-based statements and one wake-up. Returns how many pushes are waiting to be sent.';
revoke all on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz)
  from public, anon, authenticated;
grant execute on function private.enqueue_notifications(text, uuid[], jsonb[], text[], timestamptz) to service_role;

create or replace function private.announce_assignment_rows(
  p_ids uuid[],
  p_user_ids uuid[],
  p_organization_ids uuid[],
  p_dates date[],
  p_kinds public.assignment_kind[],
  p_assigned_by uuid[],
  p_snapshot_workout_ids uuid[]
)
returns integer
language plpgsql
-- definer: writes the outbox and realtime.messages, which no client role may write.
security definer
set search_path = ''
as $$
declare
  v_titles text[];
  v_users uuid[];
  v_payloads jsonb[];
  v_keys text[];
begin
  if coalesce(cardinality(announce_assignment_rows.p_ids), 0) = 0 then
    return 0;
  end if;
  select array_agg(w.title order by r.ord) into v_titles
    from unnest(announce_assignment_rows.p_snapshot_workout_ids) with ordinality r (workout_id, ord)
    left join public.workouts w on w.id = r.workout_id;

  -- One push per athlete for what they got in this batch (five days published at once is one
  -- notification listing them, not five), collapsing on the batch's first cell.
  select array_agg(g.user_id order by g.first), array_agg(g.payload order by g.first),
         array_agg(g.collapse_key order by g.first)
    into v_users, v_payloads, v_keys
    from (select r.user_id, min(r.ord) as first,
                 private.assignment_group_push_payload(array_agg(r.id order by r.ord), r.organization_id,
                   array_agg(r.date order by r.ord), array_agg(r.kind order by r.ord), min(r.assigned_by::text)::uuid,
                   array_agg(r.title order by r.ord)) as payload,
                 case when count(*) = 1 then 'assignment:' || min(r.id::text)
                      else 'assignments:' || min(r.id::text) end as collapse_key
            from unnest(announce_assignment_rows.p_ids, announce_assignment_rows.p_user_ids,
                        announce_assignment_rows.p_organization_ids, announce_assignment_rows.p_dates,
                        announce_assignment_rows.p_kinds, announce_assignment_rows.p_assigned_by, v_titles)
                 with ordinality r (id, user_id, organization_id, date, kind, assigned_by, title, ord)
           group by r.user_id, r.organization_id) g;
  perform private.enqueue_notifications('workoutAssigned', v_users, v_payloads, v_keys);

  -- The broadcast realtime.send would make, one row per assignment.
  insert into realtime.messages (id, payload, event, topic, private, extension)
  select x.message_id, jsonb_build_object('assignment_id', x.id, 'date', x.date, 'id', x.message_id),
         'assignment_published', 'user:' || x.user_id::text, true, 'broadcast'
    from (select gen_random_uuid() as message_id, r.id, r.date, r.user_id
            from unnest(announce_assignment_rows.p_ids, announce_assignment_rows.p_dates,
                        announce_assignment_rows.p_user_ids) r (id, date, user_id)) x;

  return cardinality(announce_assignment_rows.p_ids);
end;
$$;
comment on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[]) is
  'Announces published assignments given as parallel arrays (id, athlete, organization, date, kind, assigned by, snapshot workout): one workoutAssigned push per athlete for all their cells (private.assignment_group_push_payload) through private.enqueue_notifications, and one assignment_published broadcast per cell to user:<athlete>.';
revoke all on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[])
  from public, anon, authenticated;
grant execute on function private.announce_assignment_rows(uuid[], uuid[], uuid[], date[], public.assignment_kind[], uuid[], uuid[])
  to service_role;

create or replace function private.announce_assignment_moved(p_id uuid, p_from date)
returns void
language plpgsql
-- definer: writes the broadcast to realtime.messages, which no client role may write; it sends
-- only for a published cell of an organization where the caller is staff, and only to that
-- cell's athlete.
security definer
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
begin
  select * into v_row from public.workout_assignments a where a.id = announce_assignment_moved.p_id;
  if v_row.id is null or not v_row.published or v_row.deleted_at is not null
     or not private.is_staff(v_row.organization_id) then
    return;
  end if;
  perform realtime.send(
    jsonb_build_object('assignment_id', v_row.id, 'from', announce_assignment_moved.p_from, 'date', v_row.date),
    'assignment_moved', 'user:' || v_row.user_id::text, true);
end;
$$;
comment on function private.announce_assignment_moved(uuid, date) is
  'Tells a published cell''s athlete (user:<athlete>, assignment_moved) that staff moved it from p_from to its current day.';
revoke all on function private.announce_assignment_moved(uuid, date) from public, anon;
grant execute on function private.announce_assignment_moved(uuid, date) to authenticated, service_role;

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
  v_created uuid[];
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

  -- Written as drafts; published afterwards as one batch, so each athlete gets one push for the
  -- whole template rather than one per cell.
  with inserted as (
    insert into public.workout_assignments as a
      (organization_id, program_id, user_id, kind, workout_id, snapshot_workout_id, note, date, sort_order)
    select v_template.organization_id, v_template.program_id, athlete.id, c.kind, c.workout_id, c.workout_id,
           c.note, apply_program_template.p_start_date + c.day_offset, c.sort_order
      from unnest(v_ids) as athlete(id)
      cross join public.program_template_cells c
     where c.template_id = v_template.id
     order by athlete.id, c.day_offset, c.sort_order
    returning a.id, a.user_id, a.date, a.sort_order
  )
  select coalesce(array_agg(i.id order by i.user_id, i.date, i.sort_order), '{}') into v_created from inserted i;
  if coalesce(apply_program_template.p_publish, false) and cardinality(v_created) > 0 then
    perform private.publish_assignment_ids(v_created);
  end if;

  return query
  select a.* from public.workout_assignments a
    join unnest(v_created) with ordinality x (id, ord) on x.id = a.id
   order by x.ord;
end;
$$;
comment on function public.apply_program_template(uuid, uuid[], date, boolean) is
  'Materializes a template''s cells on athletes'' calendars from a start date in pointer state: drafts by default, or published at once with pushes (closing the seed''s "template apply does not push").';
revoke all on function public.apply_program_template(uuid, uuid[], date, boolean) from public, anon;
grant execute on function public.apply_program_template(uuid, uuid[], date, boolean) to authenticated;

create or replace function public.coach_week(
  p_organization_id uuid,
  p_week_start date,
  p_program_id uuid default null,
  p_athlete_id uuid default null,
  p_after_athlete_id uuid default null,
  p_athletes integer default 50
)
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(coach_week.p_athletes, 50), 1), 200);
begin
  perform private.require_staff(coach_week.p_organization_id);
  if coach_week.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;

  return query
  -- one probe of workout_assignments_user_date_idx per athlete of the page
  select a.*
    from private.coach_week_athletes(coach_week.p_organization_id, coach_week.p_week_start, coach_week.p_program_id,
                                     coach_week.p_athlete_id, coach_week.p_after_athlete_id, v_limit) page
    cross join lateral (
      select c.* from public.workout_assignments c
       where c.user_id = page.user_id
         and c.organization_id = coach_week.p_organization_id
         and c.date between coach_week.p_week_start and coach_week.p_week_start + 6
         and c.deleted_at is null
         and (coach_week.p_program_id is null
              or c.program_id = coach_week.p_program_id
              or (c.program_id is null and c.user_id in (select private.program_member_ids(coach_week.p_program_id))))
      offset 0) a
   order by page.name, page.user_id, a.date, a.sort_order, a.created_at;
end;
$$;
revoke all on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) from public, anon;
grant execute on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) to authenticated;
comment on function public.coach_week(uuid, date, uuid, uuid, uuid, integer) is
  'The coach''s week grid, one page of athletes: the live cells (drafts included) for 7 days from p_week_start of the next p_athletes athletes (default 50, max 200) by display name after p_after_athlete_id who have a cell that week, by program (its rows plus ad-hoc rows of its enrolled members) or by athlete. Next page: p_after_athlete_id = the last row''s user_id. Errors: not_staff (PT403), invalid_week (PT422).';

create or replace function public.my_week(p_week_start date)
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
begin
  if my_week.p_week_start is null then
    raise exception 'Choose a week.' using errcode = 'PT422', hint = 'invalid_week';
  end if;
  return query
  select a.* from public.workout_assignments a
   where a.user_id = v_user_id
     and a.date between my_week.p_week_start and my_week.p_week_start + 6
     and a.published and a.deleted_at is null
   order by a.date, a.sort_order, a.created_at;
end;
$$;
comment on function public.my_week(date) is 'The athlete''s own published cells for 7 days from p_week_start.';
revoke all on function public.my_week(date) from public, anon;
grant execute on function public.my_week(date) to authenticated;

create or replace function public.my_today(p_now timestamptz default now())
returns setof public.workout_assignments
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
begin
  return query
  select a.* from public.workout_assignments a
   where a.user_id = v_user_id
     and a.published and a.deleted_at is null
     and a.date between (coalesce(my_today.p_now, pg_catalog.now()) at time zone 'UTC')::date - 1
                    and (coalesce(my_today.p_now, pg_catalog.now()) at time zone 'UTC')::date + 1
     and a.date = (coalesce(my_today.p_now, pg_catalog.now())
                   at time zone private.athlete_time_zone(a.user_id, a.organization_id))::date
   order by a.sort_order, a.created_at;
end;
$$;
comment on function public.my_today(timestamptz) is
  'The athlete''s own published cells for today in their time zone (profile, else organization, else UTC).';
revoke all on function public.my_today(timestamptz) from public, anon;
grant execute on function public.my_today(timestamptz) to authenticated;

create or replace function public.get_assignment(p_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_assignment public.workout_assignments;
  v_workout jsonb;
begin
  perform private.require_user();
  select * into v_assignment from public.workout_assignments a where a.id = get_assignment.p_id;
  if v_assignment.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  select jsonb_build_object(
           'id', w.id, 'title', w.title, 'description', w.description, 'is_snapshot', w.is_snapshot,
           'source_workout_id', w.source_workout_id,
           'sections', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'id', s.id, 'position', s.position, 'title', s.title, 'notes', s.notes,
                      'movements', coalesce((
                        select jsonb_agg(to_jsonb(m) - 'organization_id' - 'workout_id' - 'section_id'
                                         order by m.position)
                          from public.workout_movements m where m.section_id = s.id), '[]'::jsonb))
                    order by s.position)
               from public.workout_sections s where s.workout_id = w.id), '[]'::jsonb))
    into v_workout
    from public.workouts w where w.id = v_assignment.snapshot_workout_id;
  return to_jsonb(v_assignment) || jsonb_build_object('workout', v_workout);
end;
$$;
comment on function public.get_assignment(uuid) is
  'One assignment with its frozen workout (the snapshot pointer: sections and movements, in order) as one json.';
revoke all on function public.get_assignment(uuid) from public, anon;
grant execute on function public.get_assignment(uuid) to authenticated;

create function public.coach_overview(
  p_organization_id uuid,
  p_as_of timestamptz default now(),
  p_sort text default 'name',
  p_status text default null,
  p_search text default null,
  p_limit integer default 50,
  p_offset integer default 0
)
returns json
language sql
stable
security invoker
set search_path = ''
as $$
  select private.coach_overview_for_staff(coach_overview.p_organization_id, coach_overview.p_as_of,
    coach_overview.p_sort, coach_overview.p_status, coach_overview.p_search, coach_overview.p_limit,
    coach_overview.p_offset);
$$;
comment on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) is
  'Coach overview as of p_as_of over the 7 days ending today in the organization''s zone (published workout cells only): KPIs over every active athlete (active athletes, planned, completed, skipped, overdue, compliance % = completed / planned), counts per traffic light among athletes matching p_search, and one page (p_limit 1-200, default 50, from p_offset) of roster rows with a 7-day sparkline (planned/completed/skipped per day), sorted by p_sort (name | status: overdue first | compliance: lowest first) and filtered to one traffic light (p_status) and a part of the name (p_search); total = rows matching. Traffic light: quiet = nothing planned in the window; overdue = 2 or more cells dated before today still assigned; at_risk = exactly 1 such cell, or compliance below 70%; on_track = otherwise. Errors: not_staff (PT403), invalid_sort / invalid_status / invalid_limit / invalid_offset / invalid_search (PT422).';
revoke all on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) from public, anon;
grant execute on function public.coach_overview(uuid, timestamptz, text, text, text, integer, integer) to authenticated;

create or replace function public.complete_assignment(p_id uuid)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(complete_assignment.p_id, 'completed', null);
$$;
comment on function public.complete_assignment(uuid) is 'The athlete marks their own published assignment completed.';
revoke all on function public.complete_assignment(uuid) from public, anon;
grant execute on function public.complete_assignment(uuid) to authenticated;

create or replace function public.skip_assignment(p_id uuid, p_reason text)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(skip_assignment.p_id, 'skipped', skip_assignment.p_reason);
$$;
comment on function public.skip_assignment(uuid, text) is 'The athlete skips their own published assignment, saying why.';
revoke all on function public.skip_assignment(uuid, text) from public, anon;
grant execute on function public.skip_assignment(uuid, text) to authenticated;

create or replace function public.reopen_assignment(p_id uuid)
returns public.workout_assignments
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_assignment_status(reopen_assignment.p_id, 'assigned', null);
$$;
comment on function public.reopen_assignment(uuid) is
  'Undo: a completed or skipped assignment goes back to assigned (the athlete, or staff).';
revoke all on function public.reopen_assignment(uuid) from public, anon;
grant execute on function public.reopen_assignment(uuid) to authenticated;

create or replace function public.delete_assignment(p_id uuid)
returns public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
begin
  perform private.require_user();
  select * into v_row from public.workout_assignments a where a.id = delete_assignment.p_id;
  if v_row.id is null then
    raise exception 'Assignment not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  perform private.require_staff(v_row.organization_id);
  if v_row.deleted_at is not null then
    return v_row;
  end if;
  update public.workout_assignments a set deleted_at = pg_catalog.now()
   where a.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;
comment on function public.delete_assignment(uuid) is
  'Staff soft-delete one assignment (audited with the actor); deleting a deleted one is a no-op.';
revoke all on function public.delete_assignment(uuid) from public, anon;
grant execute on function public.delete_assignment(uuid) to authenticated;

create or replace function public.set_assignments_published(p_ids uuid[], p_published boolean)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_orgs uuid[];
  v_changed uuid[];
  v_org uuid;
  v_batch_id uuid;
begin
  perform private.require_user();
  select array_agg(distinct i) into v_ids from unnest(set_assignments_published.p_ids) i where i is not null;
  if coalesce(cardinality(v_ids), 0) = 0 or set_assignments_published.p_published is null then
    raise exception 'Choose some assignments and whether to publish them.' using errcode = 'PT422', hint = 'ids_required';
  end if;
  select array_agg(distinct a.organization_id) into v_orgs
    from public.workout_assignments a where a.id in (select unnest(v_ids));
  if (select count(*) from public.workout_assignments a where a.id in (select unnest(v_ids)) and a.deleted_at is null)
     <> cardinality(v_ids) then
    raise exception 'Some assignments were not found.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  foreach v_org in array v_orgs loop
    perform private.require_staff(v_org);
  end loop;

  v_batch_id := private.begin_assignment_batch();
  if set_assignments_published.p_published then
    v_changed := private.publish_assignment_ids(v_ids);
  else
    with changed as (
      update public.workout_assignments a set published = false
        from (select unnest(v_ids) as id) i
       where a.id = i.id and a.published
      returning a.id
    )
    select coalesce(array_agg(c.id), '{}') into v_changed from changed c;
  end if;
  perform private.end_assignment_batch();

  foreach v_org in array v_orgs loop
    if exists (select 1 from public.workout_assignments a where a.id in (select unnest(v_changed)) and a.organization_id = v_org) then
      perform private.audit_assignment_batch(v_org,
        case when set_assignments_published.p_published then 'assignment.published' else 'assignment.unpublished' end,
        v_batch_id,
        array(select a.id from public.workout_assignments a where a.id in (select unnest(v_changed)) and a.organization_id = v_org));
    end if;
  end loop;
  return coalesce(cardinality(v_changed), 0);
end;
$$;
revoke all on function public.set_assignments_published(uuid[], boolean) from public, anon;
grant execute on function public.set_assignments_published(uuid[], boolean) to authenticated;
comment on function public.set_assignments_published(uuid[], boolean) is
  'Staff publish or unpublish a list of assignments; rows already in that state are left alone (a clean no-op). Returns how many changed.';

create or replace function public.bulk_preview_assignments(p_filter jsonb)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.require_user();
  v_ids := array(select private.bulk_filter_ids(bulk_preview_assignments.p_filter));
  return jsonb_build_object(
    'count', cardinality(v_ids),
    'samples', coalesce((
      select jsonb_agg(to_jsonb(s) order by s.date, s.user_id, s.sort_order)
        from (select a.id, a.user_id, a.date, a.sort_order, a.kind, a.status, a.published, a.program_id,
                     a.workout_id, a.note
                from public.workout_assignments a where a.id = any (v_ids)
               order by a.date, a.user_id, a.sort_order limit 10) s), '[]'::jsonb));
end;
$$;
comment on function public.bulk_preview_assignments(jsonb) is
  'What a bulk filter would touch: the count and ten samples (by date), shown before delete or publish.';
revoke all on function public.bulk_preview_assignments(jsonb) from public, anon;
grant execute on function public.bulk_preview_assignments(jsonb) to authenticated;

create or replace function public.bulk_delete_assignments(p_filter jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_batch_id uuid;
begin
  perform private.require_user();
  v_ids := array(select private.bulk_filter_ids(bulk_delete_assignments.p_filter));
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  perform private.lock_assignment_batches((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid);
  v_ids := array(
    select a.id from public.workout_assignments a
     where a.id in (select unnest(v_ids)) and a.deleted_at is null
     order by a.id for update);
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  v_batch_id := private.begin_assignment_batch();
  update public.workout_assignments a set deleted_at = pg_catalog.now()
    from (select unnest(v_ids) as id) i
   where a.id = i.id and a.deleted_at is null;
  perform private.end_assignment_batch();
  perform private.audit_assignment_batch((bulk_delete_assignments.p_filter ->> 'organization_id')::uuid,
    'assignment.bulk_deleted', v_batch_id, v_ids, jsonb_build_object('filter', bulk_delete_assignments.p_filter));
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;
revoke all on function public.bulk_delete_assignments(jsonb) from public, anon;
grant execute on function public.bulk_delete_assignments(jsonb) to authenticated;
comment on function public.bulk_delete_assignments(jsonb) is
  'Soft-deletes every live match of a bulk filter atomically and writes one audit row (batch_id, ids). Nothing matched: a no-op.';

create or replace function public.bulk_publish_assignments(p_filter jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_batch_id uuid;
begin
  perform private.require_user();
  v_batch_id := private.begin_assignment_batch();
  v_ids := private.publish_filtered_assignments(bulk_publish_assignments.p_filter, v_batch_id);
  perform private.end_assignment_batch();
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('batch_id', null, 'count', 0, 'ids', '[]'::jsonb);
  end if;
  return jsonb_build_object('batch_id', v_batch_id, 'count', cardinality(v_ids), 'ids', to_jsonb(v_ids));
end;
$$;
revoke all on function public.bulk_publish_assignments(jsonb) from public, anon;
grant execute on function public.bulk_publish_assignments(jsonb) to authenticated;
comment on function public.bulk_publish_assignments(jsonb) is
  'Publishes every draft match of a bulk filter atomically (pushes and broadcasts as one batch) and writes one audit row. Already published: a no-op.';

create or replace function public.fork_snapshot_if_needed(p_assignment_id uuid)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select private.fork_snapshot_for_staff(fork_snapshot_if_needed.p_assignment_id);
$$;
comment on function public.fork_snapshot_if_needed(uuid) is
  'Edit this athlete''s copy: returns the assignment''s own snapshot workout, deep-copying the library workout the first time (idempotent).';
revoke all on function public.fork_snapshot_if_needed(uuid) from public, anon;
grant execute on function public.fork_snapshot_if_needed(uuid) to authenticated;

-- (none: the job calls one private function)
select cron.schedule('publish-due-assignments', '* * * * *', 'select private.publish_due_assignments()');

create or replace function public.move_assignment(p_id uuid, p_date date, p_sort_order integer default null)
returns public.workout_assignments
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.workout_assignments;
  v_from date;
begin
  perform private.require_user();
  -- staff see every cell of their organization; for anyone else a cell they cannot move is one
  -- that does not exist
  select * into v_row from public.workout_assignments a
   where a.id = move_assignment.p_id and a.deleted_at is null
     and a.organization_id in (select private.organization_ids_for(array['owner', 'admin', 'coach']::public.membership_role[]))
   for update;
  if v_row.id is null then
    raise exception 'That assignment does not exist or you cannot change it.' using errcode = 'PT404', hint = 'assignment_not_found';
  end if;
  if v_row.status <> 'assigned' then
    raise exception 'A % workout stays on the day it was done; reopen it first.', v_row.status
      using errcode = 'PT409', hint = 'assignment_closed';
  end if;
  if move_assignment.p_date is null then
    raise exception 'Choose the day to move it to.' using errcode = 'PT422', hint = 'invalid_date';
  end if;
  if move_assignment.p_sort_order is not null and move_assignment.p_sort_order not between 0 and 99 then
    raise exception 'The slot must be between 0 and 99.' using errcode = 'PT422', hint = 'invalid_sort_order';
  end if;
  perform private.check_assignment_payload(v_row.organization_id, v_row.kind, v_row.workout_id, v_row.note,
    move_assignment.p_date, v_row.program_id);
  v_from := v_row.date;
  if v_from = move_assignment.p_date
     and (move_assignment.p_sort_order is null or move_assignment.p_sort_order = v_row.sort_order) then
    return v_row;
  end if;

  update public.workout_assignments a
     set date = move_assignment.p_date,
         sort_order = coalesce(move_assignment.p_sort_order, a.sort_order),
         -- a morning-of draft drips at 05:00 of its (new) day in the athlete's zone
         publish_at = case when not a.published and a.publish_at is not null
                           then (move_assignment.p_date + time '05:00')
                                  at time zone private.athlete_time_zone(a.user_id, a.organization_id)
                           else a.publish_at end
   where a.id = v_row.id
  returning * into v_row;

  if v_row.published then
    perform private.announce_assignment_moved(v_row.id, v_from);
  end if;
  return v_row;
end;
$$;
comment on function public.move_assignment(uuid, date, integer) is
  'Moves a cell to another day (and optionally slot): staff of its organization only; completed or skipped cells stay put (assignment_closed, PT409); a morning-of draft''s drip time follows to 05:00 of the new day in the athlete''s zone; a published cell''s athlete gets assignment_moved on user:<athlete>. Errors: assignment_not_found (PT404), invalid_date / date_out_of_range / invalid_sort_order (PT422).';
revoke all on function public.move_assignment(uuid, date, integer) from public, anon;
grant execute on function public.move_assignment(uuid, date, integer) to authenticated;

-- =============================================================================================
-- grants
-- =============================================================================================

-- Revoke by default: nothing in private is callable unless granted by name.
revoke execute on all functions in schema private from public, anon;

-- (none)

