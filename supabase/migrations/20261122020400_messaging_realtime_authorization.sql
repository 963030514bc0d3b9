-- realtime authorization: who may listen to (SELECT) and send on (INSERT) each private topic of
-- DESIGN.md, as RLS policies on realtime.messages — one per command, every topic decided by one
-- private helper so the rules sit in one place:
--   user:<user_id>                  only that user listens (broadcast); nobody sends from a client,
--                                   the database's triggers do (as the definer, bypassing RLS)
--   org:<org_id>                    active members listen and track presence
--   dm:<org_id>:<low>:<high>        only those two people, lower id first, and only while they may
--                                   message each other (same rules as send_message, no block
--                                   either way): typing broadcasts and presence
--   assignment:<assignment_id>      the athlete (published, not deleted) and the organization's
--                                   staff: workout-thread typing
-- Touches: policies on realtime.messages; private.can_use_realtime_topic,
-- private.can_use_assignment_topic.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.can_use_assignment_topic(p_assignment_id uuid)
returns boolean
language plpgsql
stable
-- definer: reads the assignment whatever the caller's RLS shows (drafts are hidden from athletes).
security definer
set search_path = ''
as $$
begin
  if to_regclass('public.workout_assignments') is null then
    return false;
  end if;
  return exists (
    select 1 from public.workout_assignments a
     where a.id = can_use_assignment_topic.p_assignment_id
       and a.deleted_at is null
       and ((a.user_id = (select auth.uid()) and a.published)
            or private.is_staff(a.organization_id)));
end;
$$;

comment on function private.can_use_assignment_topic(uuid) is
  'Whether the current user may listen and type on assignment:<id>: its athlete once published, or the organization''s staff.';

create or replace function private.can_use_realtime_topic(p_topic text, p_extension text, p_send boolean)
returns boolean
language plpgsql
stable
-- definer: the dm rule reads the other person's membership and blocks through messaging_refusal.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_uuid text := '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  v_parts text[];
  v_low uuid;
  v_high uuid;
begin
  if v_user_id is null or p_topic is null or p_extension is null
     or p_extension not in ('broadcast', 'presence') then
    return false;
  end if;

  if p_topic ~ ('^user:' || v_uuid || '$') then
    return not p_send and p_extension = 'broadcast' and pg_catalog.substr(p_topic, 6)::uuid = v_user_id;
  end if;

  if p_topic ~ ('^org:' || v_uuid || '$') then
    return (not p_send or p_extension = 'presence')
       and private.is_member(pg_catalog.substr(p_topic, 5)::uuid);
  end if;

  if p_topic ~ ('^dm:' || v_uuid || ':' || v_uuid || ':' || v_uuid || '$') then
    v_parts := pg_catalog.string_to_array(p_topic, ':');
    v_low := v_parts[3]::uuid;
    v_high := v_parts[4]::uuid;
    if v_low >= v_high or v_user_id not in (v_low, v_high) then
      return false;
    end if;
    return private.messaging_refusal(v_parts[2]::uuid, v_user_id,
                                     case when v_user_id = v_low then v_high else v_low end) is null;
  end if;

  if p_topic ~ ('^assignment:' || v_uuid || '$') then
    return private.can_use_assignment_topic(pg_catalog.substr(p_topic, 12)::uuid);
  end if;

  return false;
end;
$$;

comment on function private.can_use_realtime_topic(text, text, boolean) is
  'The one rule behind realtime.messages policies: may the current user receive (p_send false) or send (true) this extension on this private topic?';

revoke all on function private.can_use_assignment_topic(uuid), private.can_use_realtime_topic(text, text, boolean)
  from public, anon, authenticated;
grant execute on function private.can_use_assignment_topic(uuid), private.can_use_realtime_topic(text, text, boolean)
  to authenticated, service_role;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Private topics can be received by the people they concern"
  on realtime.messages
  for select
  to authenticated
  using (private.can_use_realtime_topic((select realtime.topic()), extension, false));

create policy "Private topics can be sent on by the people they concern"
  on realtime.messages
  for insert
  to authenticated
  with check (private.can_use_realtime_topic((select realtime.topic()), extension, true));

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
