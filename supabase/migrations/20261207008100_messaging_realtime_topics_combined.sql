-- Realtime topics: one rule that knows every private topic again.
--
-- Two forward migrations each redefined private.can_use_realtime_topic from the same base: the
-- announcements one added program:<id>, the results feed one added results:<org>, and the later
-- of the two silently dropped the other's branch (pgTAP 505 caught members and coaches refused on
-- program topics). This restates the function with both branches; nothing else changes.
-- Functions: private.can_use_realtime_topic.

create or replace function private.can_use_realtime_topic(p_topic text, p_extension text, p_send boolean)
returns boolean
language plpgsql
stable
-- definer: the dm rule reads the other person's membership and blocks through messaging_refusal;
-- the program rule reads enrollments.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_uuid text := '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  v_parts text[];
  v_low uuid;
  v_high uuid;
  v_program public.programs;
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
  -- results:<org>: the organization's results feed; staff listen, only the database speaks.
  if p_topic ~ ('^results:' || v_uuid || '$') then
    return not p_send and p_extension = 'broadcast'
       and private.is_staff(pg_catalog.substr(p_topic, 9)::uuid);
  end if;
  -- program:<id>: its organization's staff and its actively enrolled athletes receive; nobody
  -- sends from a client (the announcement trigger does, as the definer)
  if p_topic ~ ('^program:' || v_uuid || '$') then
    if p_send or p_extension <> 'broadcast' then
      return false;
    end if;
    select * into v_program from public.programs p where p.id = pg_catalog.substr(p_topic, 9)::uuid;
    return v_program.id is not null
       and (private.is_staff(v_program.organization_id)
            or v_program.id in (select private.enrolled_program_ids()));
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
  'The one rule behind realtime.messages policies: may the current user receive (p_send false) or send (true) this extension on this private topic? (user, org, results, program, dm, assignment)';

revoke all on function private.can_use_realtime_topic(text, text, boolean) from public, anon, authenticated;
grant execute on function private.can_use_realtime_topic(text, text, boolean) to authenticated, service_role;
