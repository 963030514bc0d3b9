-- Results per set, by what the movement measures: a movement result may carry `set_results`, one
-- object per set with any of load (kg/lb or the movement's unit), reps, time_seconds,
-- distance_meters, calories, rounds and rpe. The check constraint on workout_results already calls
-- private.is_valid_movement_results, so widening that function widens the rule for every writer
-- (existing rows stay valid: the old keys keep their meaning). Personal records now also see the
-- loads of each set: the heaviest set of a movement is its candidate record, decided here as before.
-- Touches: private.is_valid_set_results (new), private.is_valid_movement_results,
-- private.result_load_entries.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create or replace function private.is_valid_set_results(p_sets jsonb)
returns boolean
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  v_set jsonb;
  v_key text;
  v_value numeric;
begin
  if p_sets is null or jsonb_typeof(p_sets) <> 'array'
     or jsonb_array_length(p_sets) not between 1 and 100 then
    return false;
  end if;
  for v_set in select s from jsonb_array_elements(is_valid_set_results.p_sets) s loop
    -- A set says at least one thing that was done.
    if jsonb_typeof(v_set) <> 'object' or v_set = '{}'::jsonb then
      return false;
    end if;
    for v_key in select k from jsonb_object_keys(v_set) k loop
      if v_key not in ('load', 'reps', 'time_seconds', 'distance_meters', 'calories', 'rounds', 'rpe') then
        return false;
      end if;
      if jsonb_typeof(v_set -> v_key) <> 'number' then
        return false;
      end if;
      v_value := (v_set ->> v_key)::numeric;
      if v_key = 'load' and v_value not between 0 and 10000 then return false; end if;
      if v_key = 'distance_meters' and v_value not between 0 and 1000000 then return false; end if;
      -- Counts are whole numbers.
      if v_key in ('reps', 'time_seconds', 'calories', 'rounds', 'rpe') and v_value <> trunc(v_value) then
        return false;
      end if;
      if v_key = 'reps' and v_value not between 0 and 10000 then return false; end if;
      if v_key = 'time_seconds' and v_value not between 0 and 86400 then return false; end if;
      if v_key = 'calories' and v_value not between 0 and 10000 then return false; end if;
      if v_key = 'rounds' and v_value not between 0 and 1000 then return false; end if;
      if v_key = 'rpe' and v_value not between 1 and 10 then return false; end if;
    end loop;
  end loop;
  return true;
end;
$$;

comment on function private.is_valid_set_results(jsonb) is
  'Shape of one movement''s set_results: 1 to 100 sets, each a non-empty object of load, reps, time_seconds, distance_meters, calories, rounds, rpe within range.';

grant execute on function private.is_valid_set_results(jsonb) to authenticated, service_role;

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
      if v_key not in ('movement_id', 'load', 'load_unit', 'reps', 'sets', 'notes', 'set_results') then
        return false;
      end if;
    end loop;
    if jsonb_typeof(v_entry -> 'movement_id') is distinct from 'string'
       or (v_entry ->> 'movement_id') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      return false;
    end if;
    if v_entry ? 'load' then
      if jsonb_typeof(v_entry -> 'load') <> 'number' then return false; end if;
      if (v_entry ->> 'load')::numeric not between 0 and 10000 then return false; end if;
    end if;
    if v_entry ? 'load_unit' and (jsonb_typeof(v_entry -> 'load_unit') <> 'string'
                                  or (v_entry ->> 'load_unit') not in ('kg', 'lb', 'percent_1rm', 'bodyweight')) then
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
    if v_entry ? 'set_results' and not private.is_valid_set_results(v_entry -> 'set_results') then
      return false;
    end if;
  end loop;
  return true;
end;
$$;

comment on function private.is_valid_movement_results(jsonb) is
  'Shape of workout_results.movement_results: an array of {movement_id, load?, load_unit?, reps?, sets?, notes?, set_results?}; set_results is checked by is_valid_set_results.';

-- =============================================================================================
-- triggers
-- =============================================================================================

-- Records read every load a result holds: the movement-level one (older results, quick logs) and
-- each set's. The entry's load_unit (else the movement's) applies to its sets.
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
         coalesce((e ->> 'load_unit')::public.load_unit, m.load_unit), l.load, l.reps, r.performed_at
    from public.workout_results r
    cross join lateral jsonb_array_elements(r.movement_results) e
    join public.workout_movements m on m.id = (e ->> 'movement_id')::uuid
    cross join lateral (
      select (e ->> 'load')::numeric as load, (e ->> 'reps')::integer as reps
       where e ? 'load'
      union all
      select (s ->> 'load')::numeric, (s ->> 'reps')::integer
        from jsonb_array_elements(case when jsonb_typeof(e -> 'set_results') = 'array'
                                       then e -> 'set_results' else '[]'::jsonb end) s
       where s ? 'load'
    ) l
   where r.id = any (result_load_entries.p_result_ids)
     and coalesce((e ->> 'load_unit')::public.load_unit, m.load_unit) in ('kg', 'lb');
$$;

comment on function private.result_load_entries(uuid[]) is
  'The kg/lb loads recorded in the given results (per movement and per set), with normalized movement names.';

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none: results stay plain table access under RLS)
