-- The workoutAssigned push opened /app/assignments/<id>, a screen that does not exist: the app's
-- screens live under /org/<organization>/…, and the app sends an organization id on to its slug.
-- Touches: private.assignment_push_payload (used by the per-row trigger and the batch announcer).

create or replace function private.assignment_push_payload(
  p_id uuid, p_organization_id uuid, p_date date, p_kind public.assignment_kind, p_assigned_by uuid, p_title text
)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'assignment_id', assignment_push_payload.p_id,
    'organization_id', assignment_push_payload.p_organization_id,
    'date', assignment_push_payload.p_date,
    'kind', assignment_push_payload.p_kind,
    'title', coalesce(assignment_push_payload.p_title,
                      case assignment_push_payload.p_kind when 'rest' then 'Rest day' else 'Note from your coach' end),
    'url', '/org/' || assignment_push_payload.p_organization_id::text
           || '/assignments/' || assignment_push_payload.p_id::text,
    'sender_id', assignment_push_payload.p_assigned_by);
$$;

comment on function private.assignment_push_payload(uuid, uuid, date, public.assignment_kind, uuid, text) is
  'The workoutAssigned push payload, shared by the per-row trigger and the batch announcer.';

revoke execute on function private.assignment_push_payload(uuid, uuid, date, public.assignment_kind, uuid, text)
  from public, anon;
