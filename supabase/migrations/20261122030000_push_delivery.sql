-- Push delivery: how any number of workers claim outbox rows without sending one twice at the
-- same time (FOR UPDATE SKIP LOCKED plus a lease, so a worker killed mid-batch loses nothing:
-- its rows are claimed again once the lease runs out), how they record each outcome with
-- exponential backoff, and the counts they report. Delivery is at least once.
-- Touches: public.notification_outbox, public.push_subscriptions (through these functions only).

-- =============================================================================================
-- private functions (backend only: the push worker connects to the database directly)
-- =============================================================================================

create or replace function private.service_role_claim_notifications(
  p_limit integer default 50,
  p_lease interval default interval '2 minutes',
  p_now timestamptz default now()
)
returns table (
  id uuid,
  user_id uuid,
  category text,
  payload jsonb,
  collapse_key text,
  attempts integer,
  created_at timestamptz,
  subscriptions jsonb
)
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select o.id
      from public.notification_outbox o
     where (o.status = 'pending' and o.not_before <= service_role_claim_notifications.p_now)
        or (o.status = 'sending'
            and o.locked_at < service_role_claim_notifications.p_now - service_role_claim_notifications.p_lease)
     order by o.not_before, o.created_at
     limit greatest(1, least(service_role_claim_notifications.p_limit, 1000))
       for update skip locked
  ), claimed as (
    update public.notification_outbox o
       set status = 'sending',
           locked_at = service_role_claim_notifications.p_now,
           attempts = o.attempts + 1
      from due
     where o.id = due.id
    returning o.*
  )
  select c.id, c.user_id, c.category, c.payload, c.collapse_key, c.attempts, c.created_at,
         coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'endpoint', s.endpoint,
                                                       'p256dh', s.p256dh, 'auth', s.auth)
                                    order by s.created_at)
                     from public.push_subscriptions s
                    where s.user_id = c.user_id), '[]'::jsonb)
    from claimed c;
$$;

comment on function private.service_role_claim_notifications(integer, interval, timestamptz) is
  'Claims due outbox rows for one worker batch (and rows whose worker died: lease expired), with the person''s push subscriptions.';

create or replace function private.service_role_finish_notifications(
  p_ids uuid[],
  p_outcome text,
  p_error text default null,
  p_retry_at timestamptz default null,
  p_max_attempts integer default 8,
  p_now timestamptz default now()
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  if p_outcome not in ('sent', 'no_subscription', 'retry', 'failed') then
    raise exception 'Unknown delivery outcome "%".', p_outcome using errcode = 'PT422', hint = 'invalid_outcome';
  end if;
  -- Only rows still being sent: a slower duplicate finishing after its lease ran out and the row
  -- was finished by another worker changes nothing.
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
         last_error = case when p_outcome in ('retry', 'failed') then left(p_error, 1000) end,
         -- Backoff 5 s, 10 s, 20 s … capped at an hour, unless the push service named a time.
         not_before = case
                        when p_outcome = 'retry' and o.attempts < p_max_attempts then
                          coalesce(p_retry_at,
                                   p_now + least(interval '1 hour',
                                                 interval '5 seconds' * power(2, greatest(o.attempts - 1, 0))))
                        else o.not_before
                      end
   where o.id = any (p_ids)
     and o.status = 'sending';
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

comment on function private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz) is
  'Records one delivery outcome for a set of claimed rows: sent, no_subscription, retry (exponential backoff up to p_max_attempts, then failed) or failed.';

create or replace function private.service_role_remove_push_subscription(p_endpoint text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  delete from public.push_subscriptions s where s.endpoint = service_role_remove_push_subscription.p_endpoint;
$$;

comment on function private.service_role_remove_push_subscription(text) is
  'Forgets an endpoint the push service answered 404/410 for: the browser unsubscribed or expired.';

create or replace function private.service_role_push_delivery_stats(p_now timestamptz default now())
returns table (
  pending bigint,
  due bigint,
  deferred bigint,
  sending bigint,
  retrying bigint,
  sent bigint,
  failed bigint,
  skipped bigint,
  oldest_due_seconds double precision
)
language sql
stable
security definer
set search_path = ''
as $$
  select count(*) filter (where o.status = 'pending'),
         count(*) filter (where o.status = 'pending' and o.not_before <= p_now),
         count(*) filter (where o.status = 'pending' and o.not_before > p_now),
         count(*) filter (where o.status = 'sending'),
         count(*) filter (where o.status = 'pending' and o.attempts > 0),
         count(*) filter (where o.status = 'sent'),
         count(*) filter (where o.status = 'failed'),
         count(*) filter (where o.status = 'skipped'),
         extract(epoch from p_now - min(o.not_before) filter (where o.status = 'pending' and o.not_before <= p_now))
    from public.notification_outbox o;
$$;

comment on function private.service_role_push_delivery_stats(timestamptz) is
  'What the push worker has done and has left: counts by state and the age of the oldest due row.';

revoke all on function private.service_role_claim_notifications(integer, interval, timestamptz),
  private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz),
  private.service_role_remove_push_subscription(text),
  private.service_role_push_delivery_stats(timestamptz)
  from public, anon, authenticated;
grant execute on function private.service_role_claim_notifications(integer, interval, timestamptz),
  private.service_role_finish_notifications(uuid[], text, text, timestamptz, integer, timestamptz),
  private.service_role_remove_push_subscription(text),
  private.service_role_push_delivery_stats(timestamptz)
  to service_role;
