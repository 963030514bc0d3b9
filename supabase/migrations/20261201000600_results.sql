-- Results and personal records: a person logs a result for a workout (score, notes, RPE and the
-- loads they moved per movement); personal_records keeps each person's best load per movement
-- up to date from those results, by trigger. Results also widen which workouts a member may
-- read: the ones they have results for, and those their visible classes run.
-- workout_assignment_id has no foreign key yet: the assignments migration adds it.
-- Touches: public.workout_results, public.personal_records; private.readable_workout_ids.
--
-- How the parts below work, one paragraph per concern (later refinements included):
--
-- Two results logged at the same moment against one assignment could deadlock (found by the
-- two-connection test in CI). The foreign key check on workout_results.workout_assignment_id
-- (an AFTER trigger, which runs before ours: RI triggers sort first) takes FOR KEY SHARE on the
-- assignment in both transactions; then each auto-completion asks for FOR UPDATE on that row
-- (private.fork_snapshot) and waits for the other's share lock. Now a BEFORE trigger takes the
-- row lock first, so the second result waits for the first to commit, then finds the snapshot
-- made and the assignment completed (what the test asserts). It locks only an assignment of the
-- same athlete and organization, so nobody can hold someone else's row by naming its id; a
-- mismatch is still refused by the auto-completion trigger with its readable error.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create or replace function private.is_valid_movement_results(p_entries jsonb)
returns boolean
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  v_entry jsonb;
  v_key text;
begin
  if p_entries is null or jsonb_typeof(p_entries) <> 'array' or jsonb_array_length(p_entries) > 200 then
    return false;
  end if;
  for v_entry in select e from jsonb_array_elements(p_entries) e loop
    if jsonb_typeof(v_entry) <> 'object' then return false; end if;
    for v_key in select k from jsonb_object_keys(v_entry) k loop
      if v_key not in ('movement_id', 'load', 'load_unit', 'reps', 'sets', 'notes') then return false; end if;
    end loop;
    if jsonb_typeof(v_entry -> 'movement_id') is distinct from 'string'
       or (v_entry ->> 'movement_id') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      return false;
    end if;
    if v_entry ? 'load' then
      if jsonb_typeof(v_entry -> 'load') <> 'number' then return false; end if;
      if (v_entry ->> 'load')::numeric not between 0 and 10000 then return false; end if;
    end if;
    if v_entry ? 'load_unit' and (v_entry ->> 'load_unit') not in ('kg', 'lb', 'percent_1rm', 'bodyweight') then
      return false;
    end if;
    if v_entry ? 'reps' then
      if jsonb_typeof(v_entry -> 'reps') <> 'number' then return false; end if;
      if (v_entry ->> 'reps')::numeric not between 0 and 10000
         or (v_entry ->> 'reps')::numeric <> trunc((v_entry ->> 'reps')::numeric) then
        return false;
      end if;
    end if;
    if v_entry ? 'sets' then
      if jsonb_typeof(v_entry -> 'sets') <> 'number' then return false; end if;
      if (v_entry ->> 'sets')::numeric not between 1 and 100 then return false; end if;
    end if;
    if v_entry ? 'notes' and (jsonb_typeof(v_entry -> 'notes') <> 'string'
                              or char_length(v_entry ->> 'notes') > 500) then
      return false;
    end if;
  end loop;
  return true;
end;
$$;
comment on function private.is_valid_movement_results(jsonb) is
  'Shape of workout_results.movement_results: an array of {movement_id, load?, load_unit?, reps?, sets?, notes?}.';
grant execute on function private.is_valid_movement_results(jsonb) to authenticated, service_role;

create table public.workout_results (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id),
  workout_assignment_id uuid,
  workout_id uuid not null references public.workouts (id),
  score text,
  notes text,
  rpe integer,
  performed_at timestamptz not null default now(),
  movement_results jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workout_results_score_length_chk check (score is null or char_length(score) between 1 and 200),
  constraint workout_results_notes_length_chk check (notes is null or char_length(notes) <= 5000),
  constraint workout_results_rpe_chk check (rpe is null or rpe between 1 and 10),
  constraint workout_results_movement_results_chk check (private.is_valid_movement_results(movement_results))
);

create index workout_results_user_performed_idx on public.workout_results (user_id, performed_at desc);

create index workout_results_organization_performed_idx on public.workout_results (organization_id, performed_at desc);

create index workout_results_workout_id_idx on public.workout_results (workout_id);

create index workout_results_workout_assignment_id_idx on public.workout_results (workout_assignment_id)
  where workout_assignment_id is not null;

comment on table public.workout_results is 'What a person did: score, notes, RPE and per-movement loads.';

comment on column public.workout_results.workout_assignment_id is
  'The assignment this result completes, when there is one (foreign key added with workout_assignments).';

create table public.personal_records (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id),
  movement_name text not null,
  load_unit public.load_unit not null,
  best_load numeric(7, 2) not null,
  reps integer,
  achieved_at timestamptz not null,
  workout_result_id uuid references public.workout_results (id) on delete set null,
  updated_at timestamptz not null default now(),
  constraint personal_records_movement_key unique (organization_id, user_id, movement_name, load_unit),
  constraint personal_records_unit_chk check (load_unit in ('kg', 'lb')),
  constraint personal_records_name_chk check (movement_name = lower(btrim(movement_name)) and movement_name <> '')
);

create index personal_records_user_id_idx on public.personal_records (user_id, organization_id);

create index personal_records_workout_result_id_idx on public.personal_records (workout_result_id);

comment on table public.personal_records is
  'Best load per person, movement (normalized name) and unit; maintained by triggers on workout_results.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger workout_results_set_updated_at
  before update on public.workout_results
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_result_consistency()
returns trigger
language plpgsql
-- definer: must read the workout, its movements and the person's membership whatever the caller sees.
security definer
set search_path = ''
as $$
begin
  -- A malformed array is the check constraint's to refuse (23514), after this trigger.
  if not private.is_valid_movement_results(new.movement_results) then
    return new;
  end if;
  if not exists (
    select 1 from public.workouts w where w.id = new.workout_id and w.organization_id = new.organization_id
  ) then
    raise exception 'The workout belongs to another organization.'
      using errcode = 'PT422', hint = 'workout_other_organization';
  end if;
  if (tg_op = 'INSERT' or new.user_id <> old.user_id) and not exists (
    select 1 from public.memberships m
     where m.organization_id = new.organization_id and m.user_id = new.user_id and m.status = 'active'
  ) then
    raise exception 'Results can only be logged for active members of the organization.'
      using errcode = 'PT422', hint = 'not_a_member';
  end if;
  if exists (
    select 1 from jsonb_array_elements(new.movement_results) e
     where not exists (
       select 1 from public.workout_movements m
        where m.id = (e ->> 'movement_id')::uuid and m.workout_id = new.workout_id)
  ) then
    raise exception 'Each movement result must name a movement of the workout.'
      using errcode = 'PT422', hint = 'movement_not_in_workout';
  end if;
  return new;
end;
$$;
comment on function private.trigger_result_consistency() is
  'Results stay inside one organization, belong to its active members and name movements of their workout.';

create trigger workout_results_consistency
  before insert or update on public.workout_results
  for each row execute function private.trigger_result_consistency();

create or replace function private.normalize_movement_name(p_name text)
returns text
language sql
immutable
security invoker
set search_path = ''
as $$
  select lower(regexp_replace(btrim(normalize_movement_name.p_name), '\s+', ' ', 'g'));
$$;
comment on function private.normalize_movement_name(text) is
  'One spelling per movement for personal records: trimmed, single-spaced, lowercase.';

create or replace function private.result_load_entries(p_result_ids uuid[])
returns table (
  workout_result_id uuid,
  organization_id uuid,
  user_id uuid,
  movement_name text,
  load_unit public.load_unit,
  load numeric,
  reps integer,
  performed_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select r.id, r.organization_id, r.user_id, private.normalize_movement_name(m.name),
         coalesce((e ->> 'load_unit')::public.load_unit, m.load_unit), (e ->> 'load')::numeric,
         (e ->> 'reps')::integer, r.performed_at
    from public.workout_results r
    cross join lateral jsonb_array_elements(r.movement_results) e
    join public.workout_movements m on m.id = (e ->> 'movement_id')::uuid
   where r.id = any (result_load_entries.p_result_ids)
     and e ? 'load'
     and coalesce((e ->> 'load_unit')::public.load_unit, m.load_unit) in ('kg', 'lb');
$$;
comment on function private.result_load_entries(uuid[]) is
  'The kg/lb loads recorded in the given results, with normalized movement names.';

create or replace function private.recompute_personal_records(p_organization_id uuid, p_user_id uuid, p_names text[])
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.personal_records pr
   where pr.organization_id = recompute_personal_records.p_organization_id
     and pr.user_id = recompute_personal_records.p_user_id
     and pr.movement_name = any (recompute_personal_records.p_names);

  insert into public.personal_records (organization_id, user_id, movement_name, load_unit, best_load, reps,
                                       achieved_at, workout_result_id)
  select distinct on (x.movement_name, x.load_unit)
         x.organization_id, x.user_id, x.movement_name, x.load_unit, x.load, x.reps, x.performed_at,
         x.workout_result_id
    from private.result_load_entries(array(
           select r.id from public.workout_results r
            where r.organization_id = recompute_personal_records.p_organization_id
              and r.user_id = recompute_personal_records.p_user_id)) x
   where x.movement_name = any (recompute_personal_records.p_names)
   order by x.movement_name, x.load_unit, x.load desc, x.performed_at asc;
end;
$$;
comment on function private.recompute_personal_records(uuid, uuid, text[]) is
  'Rebuilds a person''s records for some movements from all their results (after an edit or delete).';

create or replace function private.trigger_update_personal_records()
returns trigger
language plpgsql
-- definer: personal_records has no client write policy; only this trigger maintains it.
security definer
set search_path = ''
as $$
declare
  v_names text[];
begin
  if tg_op = 'INSERT' then
    -- The common case stays cheap: raise a record only when this result beats it.
    insert into public.personal_records as pr (organization_id, user_id, movement_name, load_unit, best_load,
                                               reps, achieved_at, workout_result_id)
    select distinct on (x.movement_name, x.load_unit)
           x.organization_id, x.user_id, x.movement_name, x.load_unit, x.load, x.reps, x.performed_at,
           x.workout_result_id
      from private.result_load_entries(array[new.id]) x
     order by x.movement_name, x.load_unit, x.load desc
    on conflict (organization_id, user_id, movement_name, load_unit) do update
       set best_load = excluded.best_load, reps = excluded.reps, achieved_at = excluded.achieved_at,
           workout_result_id = excluded.workout_result_id, updated_at = pg_catalog.now()
     where excluded.best_load > pr.best_load;
    return new;
  end if;

  -- Edits and deletes may lower a record: rebuild the movements the old row touched.
  select coalesce(array_agg(distinct private.normalize_movement_name(m.name)), '{}')
    into v_names
    from jsonb_array_elements(old.movement_results) e
    join public.workout_movements m on m.id = (e ->> 'movement_id')::uuid;
  if tg_op = 'UPDATE' then
    v_names := v_names || coalesce((
      select array_agg(distinct private.normalize_movement_name(m.name))
        from jsonb_array_elements(new.movement_results) e
        join public.workout_movements m on m.id = (e ->> 'movement_id')::uuid), '{}');
  end if;
  if cardinality(v_names) > 0 then
    perform private.recompute_personal_records(old.organization_id, old.user_id, v_names);
    if tg_op = 'UPDATE' and (new.user_id <> old.user_id or new.organization_id <> old.organization_id) then
      perform private.recompute_personal_records(new.organization_id, new.user_id, v_names);
    end if;
  end if;
  return coalesce(new, old);
end;
$$;
comment on function private.trigger_update_personal_records() is
  'Keeps personal_records in step with workout_results: raise on insert, rebuild on edit or delete.';

create trigger workout_results_update_personal_records
  after insert or update or delete on public.workout_results
  for each row execute function private.trigger_update_personal_records();

create or replace function private.trigger_lock_result_assignment()
returns trigger
language plpgsql
-- definer: the athlete logging a result may not lock (update) the assignment row under RLS.
security definer
set search_path = ''
as $$
begin
  if new.workout_assignment_id is not null
     and (tg_op = 'INSERT' or new.workout_assignment_id is distinct from old.workout_assignment_id) then
    perform 1 from public.workout_assignments a
     where a.id = new.workout_assignment_id
       and a.user_id = new.user_id and a.organization_id = new.organization_id
       for update;
  end if;
  return new;
end;
$$;
comment on function private.trigger_lock_result_assignment() is
  'Locks the assignment a result completes before the foreign key check shares it, so concurrent results queue instead of deadlocking.';
revoke all on function private.trigger_lock_result_assignment() from public, anon, authenticated;

create trigger workout_results_lock_assignment
  before insert or update of workout_assignment_id on public.workout_results
  for each row execute function private.trigger_lock_result_assignment();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.workout_results enable row level security;

alter table public.personal_records enable row level security;

revoke truncate on public.workout_results from anon, authenticated;

-- Records come only from the trigger.
revoke insert, update, delete, truncate on public.personal_records from anon, authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Results are visible to their athlete and to staff"
  on public.workout_results for select to authenticated
  using (user_id = (select auth.uid())
         or organization_id in (select private.staff_organization_ids()));

create policy "Results can be logged by the athlete or by staff"
  on public.workout_results for insert to authenticated
  with check (
    organization_id in (select private.staff_organization_ids())
    or (user_id = (select auth.uid())
        and organization_id in (select private.member_organization_ids())
        and workout_id in (select private.readable_workout_ids()))
  );

create policy "Results can be edited by the athlete or by staff"
  on public.workout_results for update to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or (user_id = (select auth.uid()) and organization_id in (select private.member_organization_ids())))
  with check (organization_id in (select private.staff_organization_ids())
              or (user_id = (select auth.uid())
                  and organization_id in (select private.member_organization_ids())
                  and workout_id in (select private.readable_workout_ids())));

create policy "Results can be deleted by the athlete or by staff"
  on public.workout_results for delete to authenticated
  using (organization_id in (select private.staff_organization_ids())
         or (user_id = (select auth.uid()) and organization_id in (select private.member_organization_ids())));

create policy "Personal records are visible to their athlete and to staff"
  on public.personal_records for select to authenticated
  using (user_id = (select auth.uid())
         or organization_id in (select private.staff_organization_ids()));

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

