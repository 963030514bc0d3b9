-- The results feed filtered by one program (issue 16) had to find each result's program
-- through its assignment: an anti-join per candidate row, walking the whole organization's
-- feed until 20 matched (72 ms p50 on 50,000 results). The result now carries its program,
-- copied from the assignment it completes, so the filtered feed is one range read of an index
-- in the feed's own keyset order.
-- Kept true by the database alone:
--   * on insert and whenever a result's assignment link changes, program_id is taken from the
--     assignment (whatever a client sends is overwritten: it is derived, never chosen);
--   * when an assignment moves to another program (or loses it, also when the program is
--     deleted), its results follow. That sync is not an edit of the result: it does not bump
--     updated_at, re-announce the result, re-check it or recompute records (a transaction-local
--     setting tells those triggers to stay out, as coachline.assignment_announce_deferred does
--     for announcements);
--   * existing rows are backfilled here.
-- Touches: public.workout_results.program_id (new), private.trigger_result_program (new),
--   private.trigger_assignment_program_to_results (new), public.results_feed, triggers on
--   workout_results (consistency, set_updated_at, announce, update_personal_records).

-- =============================================================================================
-- tables
-- =============================================================================================

-- No foreign key of its own: the assignment's (on delete set null) already clears the
-- assignment's program, and that update reaches the results through the sync trigger below.
-- A second cascade straight to the results would race it and could write the deleted id back.
alter table public.workout_results add column program_id uuid;

comment on column public.workout_results.program_id is
  'Denormalized from the assignment this result completes (set by trigger, kept in sync when the assignment moves program), so the feed filters by program with one index.';

-- The feed's program filter reads this backwards (newest first) with the (performed_at, id)
-- keyset bound. A program belongs to one organization, so the organization need not lead it.
create index workout_results_program_performed_id_idx
  on public.workout_results (program_id, performed_at, id)
  where program_id is not null;

-- =============================================================================================
-- private functions
-- =============================================================================================

create or replace function private.trigger_result_program()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Security definer: the athlete may not see a draft assignment's row, but its program is
  -- still the program the result belongs to.
  new.program_id := (
    select a.program_id from public.workout_assignments a where a.id = new.workout_assignment_id);
  return new;
end;
$$;

comment on function private.trigger_result_program() is
  'Sets workout_results.program_id from the assignment the result completes (null without one); a client cannot choose it.';

revoke all on function private.trigger_result_program() from public;

create or replace function private.trigger_assignment_program_to_results()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- The results' own triggers skip this update: the result did not change, only where the
  -- feed files it.
  perform pg_catalog.set_config('coachline.result_program_sync', 'on', true);
  update public.workout_results r set program_id = new.program_id
   where r.workout_assignment_id = new.id and r.program_id is distinct from new.program_id;
  perform pg_catalog.set_config('coachline.result_program_sync', '', true);
  return null;
end;
$$;

comment on function private.trigger_assignment_program_to_results() is
  'When an assignment moves to another program (or loses it), its results follow, without counting as an edit of the result.';

revoke all on function private.trigger_assignment_program_to_results() from public;

-- =============================================================================================
-- triggers
-- =============================================================================================

-- Named to run after workout_results_lock_assignment (BEFORE triggers fire by name), so the
-- assignment link it reads is the checked one. It fires on every update, so a client cannot
-- write another program into the column.
create trigger workout_results_program_from_assignment
  before insert or update on public.workout_results
  for each row execute function private.trigger_result_program();

create trigger workout_assignments_program_to_results
  after update of program_id on public.workout_assignments
  for each row when (old.program_id is distinct from new.program_id)
  execute function private.trigger_assignment_program_to_results();

-- The result's own triggers stay out of the program sync (see the header).
drop trigger workout_results_consistency on public.workout_results;
create trigger workout_results_consistency
  before insert or update on public.workout_results
  for each row when (coalesce(current_setting('coachline.result_program_sync', true), '') <> 'on')
  execute function private.trigger_result_consistency();

drop trigger workout_results_set_updated_at on public.workout_results;
create trigger workout_results_set_updated_at
  before update on public.workout_results
  for each row when (coalesce(current_setting('coachline.result_program_sync', true), '') <> 'on')
  execute function private.trigger_set_updated_at();

drop trigger workout_results_announce on public.workout_results;
create trigger workout_results_announce
  after insert or update on public.workout_results
  for each row when (coalesce(current_setting('coachline.result_program_sync', true), '') <> 'on')
  execute function private.trigger_announce_result();

drop trigger workout_results_update_personal_records on public.workout_results;
create trigger workout_results_update_personal_records
  after insert or delete or update on public.workout_results
  for each row when (coalesce(current_setting('coachline.result_program_sync', true), '') <> 'on')
  execute function private.trigger_update_personal_records();

-- =============================================================================================
-- backfill
-- =============================================================================================

select pg_catalog.set_config('coachline.result_program_sync', 'on', true);
update public.workout_results r set program_id = a.program_id
  from public.workout_assignments a
 where a.id = r.workout_assignment_id and a.program_id is not null;
select pg_catalog.set_config('coachline.result_program_sync', '', true);

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.results_feed(
  p_organization_id uuid,
  p_program_id uuid default null,
  p_user_id uuid default null,
  p_before_at timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 20
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(results_feed.p_limit, 20), 1), 50);
  v_ids uuid[];
  v_rows jsonb;
  v_last jsonb;
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
  v_rows := private.result_cards(v_ids[1:v_limit]);
  if pg_catalog.cardinality(v_ids) > v_limit then
    v_last := v_rows -> (v_limit - 1);
  end if;
  return jsonb_build_object(
    'results', v_rows,
    'next', case when v_last is null then null
                 else jsonb_build_object('before_at', v_last -> 'performed_at', 'before_id', v_last -> 'id') end);
end;
$$;

comment on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) is
  'Staff''s feed of logged results across the organization, newest first, optionally for one program or athlete, keyset-paged by (performed_at, id).';

revoke all on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) from public, anon;
grant execute on function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer) to authenticated;
