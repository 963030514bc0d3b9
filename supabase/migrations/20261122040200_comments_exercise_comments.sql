-- exercise comments: seed 001's exercise_comments, pinned discussions on a workout movement
-- (template level, not assignment level), threaded with parent_comment_id. Staff only: the
-- organization's owners, admins and coaches read and write them; members neither. The author edits
-- (updated_at moves); the author or an owner/admin soft-deletes (the body is emptied, the row stays
-- as a placeholder so replies keep their thread). A reply's parent must be on the same movement: a
-- composite self foreign key (parent_comment_id, workout_movement_id) says so declaratively.
-- Also replaces private.fork_snapshot (assignments snapshots migration) so the lazy fork copies a
-- workout's exercise comments onto the snapshot's movements, parent links remapped; everything
-- else it did is unchanged.
-- Errors (HINT): not_authenticated, not_staff, not_author (PT403), movement_not_found,
-- comment_not_found (PT404), comment_deleted, parent_deleted (PT409), comment_empty,
-- comment_too_long, parent_other_movement (PT422).
-- Touches: public.exercise_comments; private.fork_snapshot (replaced).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.exercise_comments (
  id uuid primary key default gen_random_uuid(),
  workout_movement_id uuid not null references public.workout_movements (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  author_id uuid not null references public.profiles (id),
  body text not null,
  parent_comment_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  constraint exercise_comments_id_movement_key unique (id, workout_movement_id),
  constraint exercise_comments_parent_comment_id_fkey
    foreign key (parent_comment_id, workout_movement_id)
    references public.exercise_comments (id, workout_movement_id) on delete cascade,
  constraint exercise_comments_not_own_parent_chk check (parent_comment_id is distinct from id),
  constraint exercise_comments_body_chk check (deleted_at is not null or body ~ '[^[:space:]]'),
  constraint exercise_comments_body_length_chk check (char_length(body) <= 2000),
  constraint exercise_comments_deleted_body_chk check (deleted_at is null or body = '')
);

create index exercise_comments_movement_created_idx on public.exercise_comments (workout_movement_id, created_at);
create index exercise_comments_organization_id_idx on public.exercise_comments (organization_id);
create index exercise_comments_author_id_idx on public.exercise_comments (author_id);
create index exercise_comments_parent_idx on public.exercise_comments (parent_comment_id, workout_movement_id);

comment on table public.exercise_comments is
  'Seed 001: staff discussions pinned on a workout movement, threaded (parent on the same movement), soft-deleted.';
comment on column public.exercise_comments.organization_id is
  'Denormalized from the movement (set by trigger) so RLS needs no join.';
comment on column public.exercise_comments.body is
  'Empty once deleted; "[removed]" once its author is erased.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger exercise_comments_set_updated_at
  before update of body on public.exercise_comments
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_exercise_comment_organization()
returns trigger
language plpgsql
-- definer: reads the movement whatever the writer can see.
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.workout_movement_id <> old.workout_movement_id then
    raise exception 'A comment cannot move to another movement.' using errcode = 'PT422', hint = 'comment_immutable';
  end if;
  select m.organization_id into new.organization_id from public.workout_movements m where m.id = new.workout_movement_id;
  return new;
end;
$$;

comment on function private.trigger_exercise_comment_organization() is
  'An exercise comment belongs to its movement''s organization, always.';

create trigger exercise_comments_organization
  before insert or update of workout_movement_id, organization_id on public.exercise_comments
  for each row execute function private.trigger_exercise_comment_organization();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.exercise_comments enable row level security;

-- Read-only to clients: writes go through the functions below, which give readable errors.
revoke all on public.exercise_comments from anon, authenticated;
grant select on public.exercise_comments to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.check_exercise_comment_body(p_body text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if check_exercise_comment_body.p_body is null or check_exercise_comment_body.p_body !~ '[^[:space:]]' then
    raise exception 'Write a comment first.' using errcode = 'PT422', hint = 'comment_empty';
  end if;
  if pg_catalog.char_length(check_exercise_comment_body.p_body) > 2000 then
    raise exception 'A comment can be at most 2,000 characters.' using errcode = 'PT422', hint = 'comment_too_long';
  end if;
end;
$$;

comment on function private.check_exercise_comment_body(text) is 'The readable form of the exercise comment body checks.';

create or replace function private.add_exercise_comment(p_workout_movement_id uuid, p_body text, p_parent_comment_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: exercise_comments has no insert grant; staff are checked here.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_org uuid;
  v_parent public.exercise_comments;
  v_row public.exercise_comments;
begin
  select m.organization_id into v_org from public.workout_movements m where m.id = add_exercise_comment.p_workout_movement_id;
  if v_org is null or not private.is_member(v_org) then
    raise exception 'That movement was not found.' using errcode = 'PT404', hint = 'movement_not_found';
  end if;
  if not private.is_staff(v_org) then
    raise exception 'Only coaches and admins can comment on exercises.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  perform private.check_exercise_comment_body(add_exercise_comment.p_body);
  if add_exercise_comment.p_parent_comment_id is not null then
    select * into v_parent from public.exercise_comments c where c.id = add_exercise_comment.p_parent_comment_id;
    if v_parent.id is null or v_parent.organization_id <> v_org then
      raise exception 'The comment you reply to was not found.' using errcode = 'PT404', hint = 'comment_not_found';
    end if;
    if v_parent.workout_movement_id <> add_exercise_comment.p_workout_movement_id then
      raise exception 'A reply must be on the same exercise as its comment.'
        using errcode = 'PT422', hint = 'parent_other_movement';
    end if;
    if v_parent.deleted_at is not null then
      raise exception 'That comment was deleted: it cannot be replied to.' using errcode = 'PT409', hint = 'parent_deleted';
    end if;
  end if;
  insert into public.exercise_comments (workout_movement_id, organization_id, author_id, body, parent_comment_id)
  values (add_exercise_comment.p_workout_movement_id, v_org, v_user_id, add_exercise_comment.p_body,
          add_exercise_comment.p_parent_comment_id)
  returning * into v_row;
  return v_row;
end;
$$;

comment on function private.add_exercise_comment(uuid, text, uuid) is 'Body of public.add_exercise_comment.';

create or replace function private.find_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: locks the comment for the write that follows; visibility (staff) is checked here.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments;
begin
  perform private.require_user();
  select * into v_row from public.exercise_comments c where c.id = find_exercise_comment.p_id for update;
  if v_row.id is null or not private.is_member(v_row.organization_id) then
    raise exception 'That comment was not found.' using errcode = 'PT404', hint = 'comment_not_found';
  end if;
  if not private.is_staff(v_row.organization_id) then
    raise exception 'Only coaches and admins can comment on exercises.' using errcode = 'PT403', hint = 'not_staff';
  end if;
  return v_row;
end;
$$;

comment on function private.find_exercise_comment(uuid) is 'The exercise comment, locked, if the caller is staff of its organization.';

create or replace function private.edit_exercise_comment(p_id uuid, p_body text)
returns public.exercise_comments
language plpgsql
-- definer: exercise_comments has no update grant; only the author edits.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments := private.find_exercise_comment(edit_exercise_comment.p_id);
begin
  if v_row.author_id <> (select auth.uid()) then
    raise exception 'Only the author can edit this comment.' using errcode = 'PT403', hint = 'not_author';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'A deleted comment cannot be edited.' using errcode = 'PT409', hint = 'comment_deleted';
  end if;
  perform private.check_exercise_comment_body(edit_exercise_comment.p_body);
  update public.exercise_comments c set body = edit_exercise_comment.p_body where c.id = v_row.id returning * into v_row;
  return v_row;
end;
$$;

comment on function private.edit_exercise_comment(uuid, text) is 'Body of public.edit_exercise_comment: the author changes the text; updated_at moves.';

create or replace function private.soft_delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: writes deleted_at, which no client may write.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments;
begin
  update public.exercise_comments c
     set body = '', deleted_at = pg_catalog.clock_timestamp()
   where c.id = soft_delete_exercise_comment.p_id
  returning * into v_row;
  return v_row;
end;
$$;

comment on function private.soft_delete_exercise_comment(uuid) is 'Empties and marks an exercise comment deleted (callers check who may).';

create or replace function private.delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language plpgsql
-- definer: see private.soft_delete_exercise_comment; the author or an owner/admin.
security definer
set search_path = ''
as $$
declare
  v_row public.exercise_comments := private.find_exercise_comment(delete_exercise_comment.p_id);
begin
  if v_row.author_id <> (select auth.uid()) and not private.is_admin(v_row.organization_id) then
    raise exception 'Only the author, an owner or an admin can delete this comment.'
      using errcode = 'PT403', hint = 'not_author';
  end if;
  if v_row.deleted_at is not null then
    return v_row;
  end if;
  return private.soft_delete_exercise_comment(v_row.id);
end;
$$;

comment on function private.delete_exercise_comment(uuid) is 'Body of public.delete_exercise_comment (idempotent).';

revoke all on function
  private.check_exercise_comment_body(text),
  private.add_exercise_comment(uuid, text, uuid),
  private.find_exercise_comment(uuid),
  private.edit_exercise_comment(uuid, text),
  private.soft_delete_exercise_comment(uuid),
  private.delete_exercise_comment(uuid)
  from public, anon, authenticated;
grant execute on function
  private.add_exercise_comment(uuid, text, uuid),
  private.edit_exercise_comment(uuid, text),
  private.delete_exercise_comment(uuid)
  to authenticated, service_role;
grant execute on function
  private.check_exercise_comment_body(text),
  private.find_exercise_comment(uuid),
  private.soft_delete_exercise_comment(uuid)
  to service_role;

-- The lazy fork, as in the assignments snapshots migration, plus the exercise comments.
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

comment on function private.fork_snapshot(uuid) is
  'The deep copy behind fork_snapshot_if_needed: workout, sections, movements and their exercise comments (threads remapped) into a snapshot, once per assignment (row lock makes it safe under concurrency).';

revoke all on function private.fork_snapshot(uuid) from public, anon, authenticated;
grant execute on function private.fork_snapshot(uuid) to service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Exercise comments are visible to the organization's staff"
  on public.exercise_comments
  for select
  to authenticated
  using (organization_id in (select private.staff_organization_ids()));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.add_exercise_comment(
  p_workout_movement_id uuid,
  p_body text,
  p_parent_comment_id uuid default null
)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.add_exercise_comment(add_exercise_comment.p_workout_movement_id, add_exercise_comment.p_body,
                                             add_exercise_comment.p_parent_comment_id);
$$;

comment on function public.add_exercise_comment(uuid, text, uuid) is
  'Staff comment on a workout movement, or reply to a comment on the same movement. Errors: not_authenticated, not_staff (PT403), movement_not_found, comment_not_found (PT404), parent_deleted (PT409), comment_empty, comment_too_long, parent_other_movement (PT422).';

create or replace function public.edit_exercise_comment(p_id uuid, p_body text)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.edit_exercise_comment(edit_exercise_comment.p_id, edit_exercise_comment.p_body);
$$;

comment on function public.edit_exercise_comment(uuid, text) is
  'The author edits their exercise comment (updated_at moves). Errors: not_staff, not_author (PT403), comment_not_found (PT404), comment_deleted (PT409), comment_empty, comment_too_long (PT422).';

create or replace function public.delete_exercise_comment(p_id uuid)
returns public.exercise_comments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.delete_exercise_comment(delete_exercise_comment.p_id);
$$;

comment on function public.delete_exercise_comment(uuid) is
  'Soft-deletes an exercise comment (the author, or an owner/admin); replies stay. Errors: not_staff, not_author (PT403), comment_not_found (PT404).';

revoke all on function
  public.add_exercise_comment(uuid, text, uuid),
  public.edit_exercise_comment(uuid, text),
  public.delete_exercise_comment(uuid)
  from public, anon;
grant execute on function
  public.add_exercise_comment(uuid, text, uuid),
  public.edit_exercise_comment(uuid, text),
  public.delete_exercise_comment(uuid)
  to authenticated;
