-- Applying a template with "publish at once" sends each athlete one push (issue 6: the pushes of
-- a batch are grouped per athlete since 20261122110200, but a template inserted its cells already
-- published, so the per-row trigger sent one push per cell: a four-week template buzzed twelve
-- times). The cells are now inserted as drafts and published right after through
-- private.publish_assignment_ids, the batch path bulk publish and "publish these" use: one push per
-- athlete listing the days, one broadcast per cell, publish_at set. Drafts (p_publish false) are
-- unchanged. The function returns the same rows in the same order.
-- Touches: public.apply_program_template (body only).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- triggers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- RLS enable
-- =============================================================================================

-- (no new tables)

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

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
