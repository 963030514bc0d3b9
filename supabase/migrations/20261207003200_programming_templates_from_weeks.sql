-- Templates from real weeks: a coach saves what one athlete's calendar holds over one or more
-- weeks as a program template (cells at the same day offsets and order), then edits its cells
-- as plain rows under the existing staff policies. Cells point at the library workout each day
-- was planned from (workout_id), not at the athlete's frozen copy: a snapshot belongs to one
-- athlete's day and may carry their logged edits, while a template is reused for others.
-- Touches: public.save_weeks_as_template (new); inserts public.program_templates and cells.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.save_weeks_as_template(
  p_organization_id uuid,
  p_user_id uuid,
  p_start_date date,
  p_weeks integer,
  p_name text,
  p_program_id uuid default null
)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_template_id uuid;
begin
  perform private.require_staff(save_weeks_as_template.p_organization_id);
  if save_weeks_as_template.p_weeks is null or save_weeks_as_template.p_weeks not between 1 and 12 then
    raise exception 'A template holds from 1 to 12 weeks.' using errcode = 'PT422', hint = 'weeks_out_of_range';
  end if;
  if save_weeks_as_template.p_start_date is null then
    raise exception 'Choose the first day of the weeks to save.' using errcode = 'PT422', hint = 'start_date_required';
  end if;
  if not exists (
    select 1 from public.memberships m
     where m.organization_id = save_weeks_as_template.p_organization_id
       and m.user_id = save_weeks_as_template.p_user_id and m.status = 'active'
  ) then
    raise exception 'This person is not an athlete of the organization.'
      using errcode = 'PT404', hint = 'athlete_not_found';
  end if;
  if not exists (
    select 1 from public.workout_assignments a
     where a.organization_id = save_weeks_as_template.p_organization_id
       and a.user_id = save_weeks_as_template.p_user_id and a.deleted_at is null
       and a.date >= save_weeks_as_template.p_start_date
       and a.date < save_weeks_as_template.p_start_date + 7 * save_weeks_as_template.p_weeks
  ) then
    raise exception 'Nothing is planned in those weeks, so there is nothing to save.'
      using errcode = 'PT422', hint = 'nothing_planned';
  end if;

  -- The name check and the program's organization are the table's and its trigger's to refuse.
  insert into public.program_templates (organization_id, program_id, name, length_days, created_by)
  values (save_weeks_as_template.p_organization_id, save_weeks_as_template.p_program_id,
          btrim(save_weeks_as_template.p_name), 7 * save_weeks_as_template.p_weeks, (select auth.uid()))
  returning id into v_template_id;

  insert into public.program_template_cells (template_id, organization_id, day_offset, sort_order, kind,
                                             workout_id, note)
  select v_template_id, a.organization_id, a.date - save_weeks_as_template.p_start_date,
         -- Renumbered per day: two cells of one day may share a sort_order on the calendar.
         (row_number() over (partition by a.date order by a.sort_order, a.created_at, a.id) - 1)::integer,
         a.kind, a.workout_id, a.note
    from public.workout_assignments a
   where a.organization_id = save_weeks_as_template.p_organization_id
     and a.user_id = save_weeks_as_template.p_user_id and a.deleted_at is null
     and a.date >= save_weeks_as_template.p_start_date
     and a.date < save_weeks_as_template.p_start_date + 7 * save_weeks_as_template.p_weeks;
  return v_template_id;
end;
$$;

comment on function public.save_weeks_as_template(uuid, uuid, date, integer, text, uuid) is
  'Saves 1-12 weeks of one athlete''s calendar from a start date as a new program template (library workouts, rest days and notes at their day offsets).';

revoke all on function public.save_weeks_as_template(uuid, uuid, date, integer, text, uuid) from public, anon;
grant execute on function public.save_weeks_as_template(uuid, uuid, date, integer, text, uuid) to authenticated;
