-- Wakes the realtime service the moment a broadcast row commits. The rows themselves reach the
-- service through its permanent logical replication slot (so nothing written while it is down is
-- lost); this NOTIFY saves it from polling the slot to find them. NOTIFY is transactional, so
-- the wake-up arrives after the commit, when the rows are already decodable. One notification per
-- statement keeps bulk inserts cheap.
--
-- The notification carries the broadcast rows themselves when they fit (as JSON, under the 8000
-- byte NOTIFY limit), so the service can deliver them at once: reading the slot through SQL costs
-- a decoding pass from the slot's restart point on every call. The slot still sees every row and
-- stays the source of truth (the service drops duplicates by message id); a notification without
-- rows (too large, binary) tells the service to read the slot now. Whoever may LISTEN on this
-- database could read these payloads in flight: only roles that log in (the services, postgres,
-- authenticator), which can all read realtime.messages already, themselves or through the roles
-- they may become. API users never hold a database session of their own.
--
-- Decoding reads flushed WAL only. A transaction whose rows travel by the slot alone therefore
-- commits synchronously (Postgres' own default, which throwaway clusters turn off): by the time
-- the NOTIFY arrives its rows are decodable, and the service need not force a flush of its own.
-- Rows carried by the notification need no such thing: the slot only acknowledges them later.

create or replace function realtime.trigger_notify_message_inserted() returns trigger
language plpgsql security invoker set search_path = '' as $$
declare
  rows_json text;
  has_binary boolean;
  v_rows bigint;
begin
  -- At most 80 rows are looked at: every row's JSON takes more than 100 bytes (its id alone 44),
  -- so 80 or more can never fit and travel by the slot anyway. A bulk insert (a batch publish
  -- broadcasts one row per cell, ~11,000 for 10,000 drafts) then no longer builds a megabyte of
  -- JSON only to drop it.
  select count(*), json_agg(json_build_object('id', n.id, 'topic', n.topic, 'event', n.event,
                                              'private', n.private, 'payload', n.payload))::text,
         bool_or(n.binary_payload is not null)
    into v_rows, rows_json, has_binary
    from (select n.id, n.topic, n.event, n.private, n.payload, n.binary_payload
            from new_rows n
           where n.extension = 'broadcast' and n.event is not null
           limit 80) n;
  if v_rows = 0 then
    -- Nothing to deliver (presence rows; the authorization probes, which are rolled back anyway);
    -- the slot's poll acknowledges them.
    return null;
  end if;
  -- NOTIFY payloads must stay under 8000 bytes; larger, binary or too many rows travel by the
  -- slot alone, and must be decodable when the notification arrives.
  if has_binary or v_rows >= 80 or octet_length(rows_json) > 7900 then
    rows_json := '';
    perform set_config('synchronous_commit', 'on', true);
  end if;
  perform pg_notify('realtime_messages_inserted', rows_json);
  return null;
end $$;
alter function realtime.trigger_notify_message_inserted() owner to supabase_realtime_admin;
revoke all on function realtime.trigger_notify_message_inserted() from public;
comment on function realtime.trigger_notify_message_inserted() is
  'Tells the realtime service that realtime.messages has new broadcast rows (carrying them when they fit), and makes the inserting transaction commit synchronously so they are decodable by then.';

drop trigger if exists messages_notify_inserted on realtime.messages;
create trigger messages_notify_inserted
  after insert on realtime.messages
  referencing new table as new_rows
  for each statement execute function realtime.trigger_notify_message_inserted();

-- For the service itself: flushes the WAL written so far in one statement (a logical message in a
-- transaction that commits synchronously), so commits made asynchronously by others (rows of
-- postgres_changes tables) become decodable without waiting for the WAL writer.
create or replace function realtime.coachline_flush_wal() returns void
language plpgsql security invoker set search_path = '' as $$
begin
  perform set_config('synchronous_commit', 'on', true);
  perform pg_logical_emit_message(true, 'coachline-realtime-flush', '');
end $$;
alter function realtime.coachline_flush_wal() owner to supabase_realtime_admin;
revoke all on function realtime.coachline_flush_wal() from public;
grant execute on function realtime.coachline_flush_wal() to supabase_realtime_admin;
comment on function realtime.coachline_flush_wal() is
  'Used by the realtime service: makes all WAL written so far decodable by its replication slot.';
