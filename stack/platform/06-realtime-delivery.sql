-- Wakes the realtime service the moment a broadcast row commits. The rows themselves reach the
-- service through its permanent logical replication slot (so nothing written while it is down is
-- lost); this NOTIFY only saves it from polling the slot to find them. NOTIFY is transactional, so
-- the wake-up arrives after the commit, when the rows are already decodable. One notification per
-- statement keeps bulk inserts cheap.

create or replace function realtime.trigger_notify_message_inserted() returns trigger
language plpgsql security invoker set search_path = '' as $$
begin
  perform pg_notify('realtime_messages_inserted', '');
  return null;
end $$;
alter function realtime.trigger_notify_message_inserted() owner to supabase_realtime_admin;
revoke all on function realtime.trigger_notify_message_inserted() from public;
comment on function realtime.trigger_notify_message_inserted() is
  'Tells the realtime service that realtime.messages has new rows to stream from its slot.';

create trigger messages_notify_inserted
  after insert on realtime.messages
  for each statement execute function realtime.trigger_notify_message_inserted();
