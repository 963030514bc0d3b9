-- Announcements: created_at and updated_at are the database's, as on every other table.
--
-- The managed-columns migration (20261207001300) stamped every table that existed then; the
-- announcements table came later from another branch of work and missed it, which the catalog
-- lint (managed_columns_not_stamped) caught. Without it a staff member's REST insert could
-- backdate an announcement and reorder the members' feed.
--
-- The stamp learns one thing on the way: a created_at inside the writing transaction's own window
-- (from its start, now(), to this moment, clock_timestamp()) is kept. A client still cannot choose
-- a time before its transaction began or after the insert, so nothing can be backdated or
-- postdated; but a database trigger that stamps the exact moment of each insert (announcements
-- do, so two posts of one transaction keep their order) is no longer flattened to now().
-- Functions: private.trigger_stamp_managed_columns. Tables: public.announcements.

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
  v_given timestamptz;
begin
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  foreach v_column in array tg_argv loop
    if v_column = 'created_at' and tg_op = 'INSERT' then
      v_given := (pg_catalog.to_jsonb(new) ->> 'created_at')::timestamptz;
      v_set := v_set || jsonb_build_object('created_at', pg_catalog.to_jsonb(
        case when v_given between pg_catalog.now() and pg_catalog.clock_timestamp()
             then v_given else pg_catalog.now() end));
    else
      v_set := v_set || case v_column
        when 'created_at' then
          jsonb_build_object('created_at', pg_catalog.to_jsonb(old) -> 'created_at')
        when 'updated_at' then
          jsonb_build_object('updated_at', pg_catalog.to_jsonb(pg_catalog.now()))
        when 'created_by' then
          jsonb_build_object('created_by', case when tg_op = 'INSERT' then pg_catalog.to_jsonb((select auth.uid()))
                                                else pg_catalog.to_jsonb(old) -> 'created_by' end)
      end;
    end if;
  end loop;
  return pg_catalog.jsonb_populate_record(new, v_set);
end;
$$;

comment on function private.trigger_stamp_managed_columns() is
  'Sets the columns named as trigger arguments (created_at, updated_at, created_by) for client writes: a client can never choose them (a created_at inside the writing transaction''s own window, as a database trigger stamps it, is kept).';

revoke all on function private.trigger_stamp_managed_columns() from public, anon, authenticated;

create trigger announcements_stamp_managed_columns
  before insert or update on public.announcements
  for each row execute function private.trigger_stamp_managed_columns('created_at', 'updated_at');
