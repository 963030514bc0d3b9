-- platform: the two generic row triggers are called only where they change something.
-- private.trigger_stamp_managed_columns returns at once unless the writer is a client role (anon,
-- authenticated), and private.trigger_set_updated_at sets updated_at = now(). Both ran for every
-- row of every update (the stamp also of every insert), also where they had nothing to do: rows
-- written by definer functions (running as their owner), the service role or cron, and updates
-- that set updated_at = now() themselves. Each call is a plpgsql function entry with its own
-- search_path; a library freeze repointing 2,000 cells or a bulk publish of 10,000 drafts paid
-- two per row (~25-30 % of the UPDATE's own time in EXPLAIN ANALYZE), a DM send six.
-- Now every such trigger carries a WHEN condition the executor evaluates inline:
-- - the stamp: when (current_user in ('anon', 'authenticated')), the function's own first test,
--   so client writes are stamped exactly as before and the catalog lint still finds the trigger;
-- - updated_at: when (new.updated_at is distinct from now()); a row whose updated_at is already
--   now() would be set to the same value, so every writer still ends with updated_at = now().
-- Tables created later get these conditions by copying an existing table's triggers (see
-- workout_assignments in supabase/schema/assignments.sql); a trigger without them is only slower.
-- Touches: every trigger executing private.trigger_stamp_managed_columns or
-- private.trigger_set_updated_at (dropped and recreated with the same name, timing, events,
-- columns and arguments, plus the WHEN condition). Functions unchanged.

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (no new tables; triggers below)

-- =============================================================================================
-- private helpers
-- =============================================================================================

-- (none)

-- =============================================================================================
-- triggers
-- =============================================================================================

do $$
declare
  t record;
  v_definition text;
begin
  for t in
    select tg.tgname, tg.tgrelid::regclass as relation, p.proname, pg_catalog.pg_get_triggerdef(tg.oid) as definition
      from pg_catalog.pg_trigger tg
      join pg_catalog.pg_proc p on p.oid = tg.tgfoid
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'private'
       and p.proname in ('trigger_stamp_managed_columns', 'trigger_set_updated_at')
       and not tg.tgisinternal
       and tg.tgqual is null
     order by tg.tgrelid::regclass::text, tg.tgname
  loop
    if pg_catalog.strpos(t.definition, ' FOR EACH ROW EXECUTE FUNCTION ') = 0 then
      raise exception 'Unexpected trigger definition: %', t.definition;
    end if;
    v_definition := pg_catalog.replace(t.definition, ' FOR EACH ROW EXECUTE FUNCTION ',
      case t.proname
        when 'trigger_stamp_managed_columns'
          then ' FOR EACH ROW WHEN (CURRENT_USER = ANY (ARRAY[''anon''::name, ''authenticated''::name])) EXECUTE FUNCTION '
        else ' FOR EACH ROW WHEN (new.updated_at IS DISTINCT FROM pg_catalog.now()) EXECUTE FUNCTION '
      end);
    execute pg_catalog.format('drop trigger %I on %s', t.tgname, t.relation);
    execute v_definition;
  end loop;
end;
$$;

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

-- (none)
