-- platform: columns the database manages cannot be forged by a client.
-- On every table in public with created_at, updated_at or created_by, a BEFORE INSERT OR UPDATE
-- trigger overrides what a client (the anon or authenticated role writing through the API)
-- sends: created_at is now() on insert and never changes afterwards, updated_at is now(), and
-- created_by is the signed-in user on insert and never changes. Writes by the database's own
-- functions (security definer, running as their owner), the service role, cron and seeds are
-- trusted and keep their values: functions stamp clock_timestamp() for ordering, seeds and
-- imports keep history. Other managed columns (ids minted by functions, senders, authors,
-- statuses) live in tables clients cannot write directly, or are guarded by their own triggers
-- (assigned_by, assignment status). The catalog lint rule managed_columns_not_stamped keeps
-- every such table covered, so a new table cannot forget it.
-- Touches: private.trigger_stamp_managed_columns (new); a trigger on each public table with
-- those columns.

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.trigger_stamp_managed_columns()
returns trigger
language plpgsql
-- invoker on purpose: current_user is then the role that wrote the row, which is what decides.
security invoker
set search_path = ''
as $$
declare
  v_set jsonb := '{}'::jsonb;
  v_column text;
begin
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  foreach v_column in array tg_argv loop
    v_set := v_set || case v_column
      when 'created_at' then
        jsonb_build_object('created_at', case when tg_op = 'INSERT' then pg_catalog.to_jsonb(pg_catalog.now())
                                              else pg_catalog.to_jsonb(old) -> 'created_at' end)
      when 'updated_at' then
        jsonb_build_object('updated_at', pg_catalog.to_jsonb(pg_catalog.now()))
      when 'created_by' then
        jsonb_build_object('created_by', case when tg_op = 'INSERT' then pg_catalog.to_jsonb((select auth.uid()))
                                              else pg_catalog.to_jsonb(old) -> 'created_by' end)
    end;
  end loop;
  return pg_catalog.jsonb_populate_record(new, v_set);
end;
$$;

comment on function private.trigger_stamp_managed_columns() is
  'Sets the columns named as trigger arguments (created_at, updated_at, created_by) for client writes: a client can never choose them.';

revoke all on function private.trigger_stamp_managed_columns() from public, anon, authenticated;

-- One trigger per table, named <table>_stamp_managed_columns, with exactly the managed columns
-- that table has. Written as a loop so the list cannot drift from the tables; new tables add
-- their own trigger in their migration (the lint fails otherwise).
do $$
declare
  v_table record;
begin
  for v_table in
    select c.relname,
           array_agg(a.attname::text order by a.attname) as columns
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p')
       and a.attname in ('created_at', 'updated_at', 'created_by')
     group by c.relname
     order by c.relname
  loop
    execute pg_catalog.format(
      'create trigger %I before insert or update on public.%I for each row execute function private.trigger_stamp_managed_columns(%s)',
      v_table.relname || '_stamp_managed_columns', v_table.relname,
      (select pg_catalog.string_agg(pg_catalog.quote_literal(x), ', ') from pg_catalog.unnest(v_table.columns) x));
  end loop;
end;
$$;
