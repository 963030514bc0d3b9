-- audit_logs: an append-only record of who changed what (membership and role changes,
-- invitations, bulk operations, moderation). Written only by functions through
-- private.write_audit(); nobody updates or deletes a row, not even the table owner.
-- Touches: public.audit_logs; private.write_audit.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.audit_logs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id),
  actor_id uuid references public.profiles (id),
  action text not null,
  entity_type text not null,
  entity_id uuid,
  batch_id uuid,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint audit_logs_action_format_chk check (action ~ '^[a-z][a-z0-9_.]{1,63}$'),
  constraint audit_logs_entity_type_format_chk check (entity_type ~ '^[a-z][a-z0-9_]{1,63}$'),
  constraint audit_logs_details_object_chk check (jsonb_typeof(details) = 'object')
);

create index audit_logs_organization_created_idx on public.audit_logs (organization_id, created_at desc);

create index audit_logs_actor_id_idx on public.audit_logs (actor_id);

create index audit_logs_entity_idx on public.audit_logs (entity_type, entity_id);

create index audit_logs_batch_id_idx on public.audit_logs (batch_id) where batch_id is not null;

comment on table public.audit_logs is
  'Append-only history of privileged changes; rows come only from private.write_audit().';

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_refuse_audit_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  raise exception 'Audit log entries cannot be changed or deleted.'
    using errcode = 'PT403', hint = 'audit_log_append_only';
end;
$$;
comment on function private.trigger_refuse_audit_change() is
  'Keeps audit_logs append-only for every role, including the table owner and service_role.';

create trigger audit_logs_append_only
  before update or delete on public.audit_logs
  for each row execute function private.trigger_refuse_audit_change();

create trigger audit_logs_no_truncate
  before truncate on public.audit_logs
  for each statement execute function private.trigger_refuse_audit_change();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.audit_logs enable row level security;

revoke insert, update, delete, truncate on public.audit_logs from anon, authenticated, service_role;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.write_audit(
  p_organization_id uuid,
  p_action text,
  p_entity_type text,
  p_entity_id uuid,
  p_details jsonb default '{}'::jsonb,
  p_batch_id uuid default null
)
returns uuid
language plpgsql
-- definer: the only writer of audit_logs, which no client role may insert into.
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.audit_logs (organization_id, actor_id, action, entity_type, entity_id, batch_id, details)
  values (
    write_audit.p_organization_id,
    (select auth.uid()),
    write_audit.p_action,
    write_audit.p_entity_type,
    write_audit.p_entity_id,
    write_audit.p_batch_id,
    coalesce(write_audit.p_details, '{}'::jsonb)
  )
  returning id into v_id;
  return v_id;
end;
$$;
comment on function private.write_audit(uuid, text, text, uuid, jsonb, uuid) is
  'Appends one audit entry for the current user; called by the functions that make privileged changes.';
grant execute on function private.write_audit(uuid, text, text, uuid, jsonb, uuid) to service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Audit logs are visible to the organization's staff"
  on public.audit_logs
  for select
  to authenticated
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

