-- 502-bulk-audit-empty: a bulk delete or publish whose filter matched nothing still writes its
-- one audit row (count 0, ids []), returned as the call's batch id; a refused call writes none.
begin;
select plan(10);

select tests.create_standard_actors();
create temp table got (name text primary key, val jsonb);
grant all on got to public;
create function pg_temp.empty_filter() returns jsonb language sql as $f$
  select jsonb_build_object('organization_id', tests.get_organization_id('test-gym'),
                            'date_from', current_date + 300, 'date_to', current_date + 301) $f$;
create function pg_temp.audit(p_name text, p_action text) returns setof public.audit_logs language sql security definer as $f$
  select * from public.audit_logs where batch_id = (select (val ->> 'batch_id')::uuid from got where name = p_name)
     and action = p_action $f$;
grant execute on all functions in schema pg_temp to public;

select tests.authenticate_as('coach');
insert into got select 'del', to_jsonb(b) from public.bulk_delete_assignments(pg_temp.empty_filter()) b;
insert into got select 'pub', to_jsonb(b) from public.bulk_publish_assignments(pg_temp.empty_filter()) b;

select is((select (val ->> 'count')::int from got where name = 'del'), 0, 'the empty bulk delete reports count 0');
select isnt((select val ->> 'batch_id' from got where name = 'del'), null, 'and returns the batch id of its audit row');
select is((select count(*)::int from pg_temp.audit('del', 'assignment.bulk_deleted')), 1,
          'the empty bulk delete writes exactly one audit row');
select is((select (details ->> 'count')::int from pg_temp.audit('del', 'assignment.bulk_deleted')), 0,
          'that row says count 0');
select is((select actor_id from pg_temp.audit('del', 'assignment.bulk_deleted')), tests.get_user_id('coach'),
          'that row names the coach who made the call');
select is((select count(*)::int from pg_temp.audit('pub', 'assignment.bulk_published')), 1,
          'the empty bulk publish writes exactly one audit row');
select is((select details -> 'ids' from pg_temp.audit('pub', 'assignment.bulk_published')), '[]'::jsonb,
          'with no ids and');
select is((select (details ->> 'count')::int from pg_temp.audit('pub', 'assignment.bulk_published')), 0, 'count 0');

-- refused calls leave no trace
select tests.authenticate_as('other_coach');
select throws_ok($$ select public.bulk_delete_assignments(pg_temp.empty_filter()) $$, 'PT403',
                 'Only staff of the organization can do this.', 'another organization''s coach is refused');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.audit_logs where action in ('assignment.bulk_deleted', 'assignment.bulk_published')
             and actor_id = tests.get_user_id('other_coach')), 0, 'and the refused call wrote no audit row');

select * from finish();
rollback;
