-- 821-display-name-order: names sort as people expect, lower case and accented names among the
-- others rather than after "Z", in the coach overview, the calendar's roster and a list read
-- through the API (ORDER BY display_name). A hosted project's database sorts text with
-- en_US.UTF-8; the local stack's cluster uses ICU's root order (stack/postgres.ts), not bytes.
begin;
select plan(4);

select tests.create_standard_actors();
select tests.use_ids();
do $$
declare
  v_gym uuid := tests.get_organization_id('test-gym');
  v_name text;
begin
  foreach v_name in array array['zoe', 'Émile', 'ava', 'Bea', 'Zara'] loop
    perform tests.create_user(v_name);
    perform tests.add_member(v_gym, v_name, 'member');
    update public.profiles set display_name = v_name where id = tests.get_user_id(v_name);
  end loop;
end $$;

select is('ava' < 'Bea' and 'Émile' < 'Zara', true, 'text compares as people read it, not by bytes');

select tests.authenticate_as('coach');
select is(
  (select array_agg(display_name order by display_name) from public.profiles
    where display_name in ('zoe', 'Émile', 'ava', 'Bea', 'Zara')),
  array['ava', 'Bea', 'Émile', 'Zara', 'zoe'],
  'a list ordered by name reads ava, Bea, Émile, Zara, zoe');
select is(
  (select array_agg(o.display_name order by o.ord)
     from (select display_name, row_number() over () as ord
             from public.coach_overview(tests.get_organization_id('test-gym'), now(), 'name', null, null, 200, 0)) o
    where o.display_name in ('zoe', 'Émile', 'ava', 'Bea', 'Zara')),
  array['ava', 'Bea', 'Émile', 'Zara', 'zoe'],
  'the coach overview sorted by name, the same');
select is(
  (select array_agg(c.display_name order by c.first_row)
     from (select display_name, min(ord) as first_row
             from (select display_name, row_number() over () as ord
                     from public.coach_calendar_week(tests.get_organization_id('test-gym'), current_date, null, null, 0, 51)) r
            group by display_name) c
    where c.display_name in ('zoe', 'Émile', 'ava', 'Bea', 'Zara')),
  array['ava', 'Bea', 'Émile', 'Zara', 'zoe'],
  'the calendar roster, the same');

select * from finish();
rollback;
