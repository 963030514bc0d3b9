-- push: which endpoints a subscription may name, and what users read of a failed delivery.
-- A push subscription's endpoint must be an https URL on a browser push service: Firebase Cloud
-- Messaging (Chrome, Edge on Android, Opera…), Mozilla autopush (Firefox), Apple Web Push
-- (Safari) or Windows Push Notification Services (Edge on Windows). A local push service used by
-- tests is accepted only when its host is listed in private.push_test_endpoint_hosts, which no
-- migration fills and only a superuser can write: production databases never list one. (The
-- worker also refuses, at send time, hosts that resolve to private or loopback addresses.)
-- notification_outbox.last_error, which the recipient reads, now holds only a category: gone
-- (the device unsubscribed), rejected (the push service refused the message), unreachable (it
-- could not be reached, or the endpoint is not allowed) or retrying. The raw error goes to
-- private.notification_delivery_errors, which no client can read.
-- Errors (HINT): push_endpoint_not_allowed (PT422), invalid_outcome (PT422).
-- Touches: public.push_subscriptions (trigger), public.notification_outbox (last_error check),
-- private.push_test_endpoint_hosts, private.notification_delivery_errors (new),
-- private.service_role_finish_notifications (replaced: takes a category).

-- =============================================================================================
-- tables
-- =============================================================================================

create table private.push_test_endpoint_hosts (
  host text primary key,
  constraint push_test_endpoint_hosts_host_chk check (host = pg_catalog.lower(host))
);

comment on table private.push_test_endpoint_hosts is
  'Hosts of local push services that tests may subscribe to (e.g. 127.0.0.1). Empty unless a test run fills it; never filled in production.';

create table private.notification_delivery_errors (
  notification_id uuid primary key references public.notification_outbox (id) on delete cascade,
  detail text not null,
  recorded_at timestamptz not null default now()
);

comment on table private.notification_delivery_errors is
  'The raw error of a notification''s last failed delivery attempt, for operators only (users read a category in notification_outbox.last_error).';

revoke all on private.push_test_endpoint_hosts, private.notification_delivery_errors from public, anon, authenticated;

-- Raw errors already stored move out of the users' sight before the check below.
insert into private.notification_delivery_errors (notification_id, detail)
select o.id, o.last_error from public.notification_outbox o
 where o.last_error is not null
   and o.last_error not in ('gone', 'rejected', 'unreachable', 'retrying');

update public.notification_outbox o
   set last_error = case when o.status = 'pending' then 'retrying' else 'unreachable' end
 where o.last_error is not null
   and o.last_error not in ('gone', 'rejected', 'unreachable', 'retrying');

alter table public.notification_outbox
  add constraint notification_outbox_last_error_chk
  check (last_error is null or last_error in ('gone', 'rejected', 'unreachable', 'retrying'));

comment on column public.notification_outbox.last_error is
  'Why the last delivery did not succeed, as a category only: gone, rejected, unreachable or retrying.';

-- =============================================================================================
-- triggers
-- =============================================================================================

create or replace function private.is_push_service_endpoint(p_endpoint text)
returns boolean
language plpgsql
stable
-- definer: reads the private test-host list.
security definer
set search_path = ''
as $$
declare
  v_host text;
begin
  if is_push_service_endpoint.p_endpoint is null
     or pg_catalog.char_length(is_push_service_endpoint.p_endpoint) > 2048 then
    return false;
  end if;
  -- https://host[:port]/path, no credentials, nothing but a plain host name or IPv4 address.
  v_host := pg_catalog.lower((pg_catalog.regexp_match(is_push_service_endpoint.p_endpoint,
                                                      '^https://([A-Za-z0-9.-]+)(?::[0-9]{1,5})?/\S*$'))[1]);
  if v_host is null then
    return false;
  end if;
  return v_host in ('fcm.googleapis.com', 'android.googleapis.com', 'updates.push.services.mozilla.com',
                    'push.services.mozilla.com', 'web.push.apple.com')
      or v_host ~ '^[a-z0-9-]+\.notify\.windows\.com$'
      or v_host ~ '^[a-z0-9-]+\.push\.apple\.com$'
      or exists (select 1 from private.push_test_endpoint_hosts h where h.host = v_host);
end;
$$;

comment on function private.is_push_service_endpoint(text) is
  'Whether an endpoint is an https URL on a browser push service (FCM, Mozilla autopush, Apple Web Push, WNS) or a listed local test service.';

revoke all on function private.is_push_service_endpoint(text) from public, anon, authenticated;
grant execute on function private.is_push_service_endpoint(text) to authenticated, service_role;

create or replace function private.trigger_check_push_endpoint()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if not private.is_push_service_endpoint(new.endpoint) then
    raise exception 'That push endpoint is not a browser push service: subscribe again from the browser.'
      using errcode = 'PT422', hint = 'push_endpoint_not_allowed',
            detail = 'Endpoints must be https URLs on FCM, Mozilla autopush, Apple Web Push or Windows push services.';
  end if;
  return null;
end;
$$;

comment on function private.trigger_check_push_endpoint() is
  'Refuses push subscriptions whose endpoint is not a browser push service, so the worker never connects elsewhere.';

revoke all on function private.trigger_check_push_endpoint() from public, anon, authenticated;

-- AFTER, so RLS and the table's own checks (https) answer first for what they cover.
create trigger push_subscriptions_check_endpoint
  after insert or update of endpoint on public.push_subscriptions
  for each row execute function private.trigger_check_push_endpoint();

-- =============================================================================================
-- private helpers
-- =============================================================================================

drop function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz);

create or replace function private.service_role_finish_notifications(
  p_ids uuid[],
  p_outcome text,
  p_error text default null,
  p_retry_at timestamptz default null,
  p_max_attempts integer default 8,
  p_now timestamptz default now(),
  p_category text default null
)
returns integer
language plpgsql
volatile
-- definer: the worker's service connection writes the outbox and the private error log.
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  if p_outcome not in ('sent', 'no_subscription', 'retry', 'failed') then
    raise exception 'Unknown delivery outcome "%".', p_outcome using errcode = 'PT422', hint = 'invalid_outcome';
  end if;
  if p_category is not null and p_category not in ('gone', 'rejected', 'unreachable') then
    raise exception 'Unknown failure category "%".', p_category using errcode = 'PT422', hint = 'invalid_outcome';
  end if;
  -- Only rows still being sent: a slower duplicate finishing after its lease ran out and the row
  -- was finished by another worker changes nothing.
  with finished as (
    update public.notification_outbox o
       set status = case
                      when p_outcome = 'sent' then 'sent'
                      when p_outcome = 'no_subscription' then 'skipped'
                      when p_outcome = 'retry' and o.attempts < p_max_attempts then 'pending'
                      else 'failed'
                    end::public.notification_status,
           skip_reason = case when p_outcome = 'no_subscription' then 'no_subscription' end,
           sent_at = case when p_outcome = 'sent' then p_now end,
           locked_at = null,
           -- What the recipient may read: a category, never the raw error.
           last_error = case
                          when p_outcome = 'retry' and o.attempts < p_max_attempts then 'retrying'
                          when p_outcome in ('retry', 'failed') then coalesce(p_category,
                                 case when p_outcome = 'retry' then 'unreachable' else 'rejected' end)
                          when p_outcome = 'no_subscription' and p_category = 'gone' then 'gone'
                        end,
           -- Backoff 5 s, 10 s, 20 s … capped at an hour, unless the push service named a time.
           not_before = case
                          when p_outcome = 'retry' and o.attempts < p_max_attempts then
                            coalesce(p_retry_at,
                                     p_now + least(interval '1 hour',
                                                   interval '5 seconds' * power(2, greatest(o.attempts - 1, 0))))
                          else o.not_before
                        end
     where o.id = any (p_ids)
       and o.status = 'sending'
    returning o.id
  ), logged as (
    insert into private.notification_delivery_errors as e (notification_id, detail, recorded_at)
    select f.id, pg_catalog.left(p_error, 1000), p_now from finished f
     where p_error is not null and p_outcome in ('retry', 'failed', 'no_subscription')
    on conflict (notification_id) do update set detail = excluded.detail, recorded_at = excluded.recorded_at
  )
  select count(*) into v_count from finished;
  return v_count;
end;
$$;

comment on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz, text) is
  'Records one delivery outcome for a set of claimed rows: sent, no_subscription, retry (exponential backoff up to p_max_attempts, then failed) or failed; users read p_category (gone, rejected, unreachable) or retrying, the raw p_error goes to the private log.';

revoke all on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz, text)
  from public, anon, authenticated;
grant execute on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz, text)
  to service_role;
