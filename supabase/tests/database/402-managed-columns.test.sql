-- 402-managed-columns: created_at, updated_at and created_by are the database's on client
-- writes (coach, member, other organization's coach through the API roles), trusted writers
-- (service role, the database's own functions) keep theirs, and every public table with such a
-- column carries the stamping trigger.
begin;
select plan(13);

select tests.create_standard_actors();
select tests.use_ids();

-- every table is covered
select is_empty($$
  select c.relname || '.' || a.attname
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where n.nspname = 'public' and c.relkind = 'r' and a.attname in ('created_at', 'updated_at', 'created_by')
     and not exists (select 1 from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                      where t.tgrelid = c.oid and p.proname = 'trigger_stamp_managed_columns'
                        and a.attname = any (string_to_array(encode(t.tgargs, 'escape'), '\000')))
$$, 'every public table with created_at, updated_at or created_by has the stamping trigger');

-- a coach's REST-style insert cannot backdate or misattribute
select tests.authenticate_as('coach');
with x as (insert into public.workouts (organization_id, title, created_by, created_at, updated_at)
           values (tests.get_organization_id('test-gym'), 'Backdated', tests.get_user_id('coach'), '2001-01-01', '2001-01-01') returning id)
insert into ids select 'w', id from x;
select tests.clear_authentication();
select is((select created_at from public.workouts where id = (select id from ids where name = 'w')), now(),
          'a coach inserting created_at = 2001-01-01 gets now()');
select is((select updated_at from public.workouts where id = (select id from ids where name = 'w')), now(),
          '... and updated_at = now()');

select tests.authenticate_as('coach');
update public.workouts set title = 'Renamed', created_at = '2001-01-01', created_by = tests.get_user_id('owner')
 where id = (select id from ids where name = 'w');
select tests.clear_authentication();
select is((select title || ' ' || (created_at = now())::text || ' ' || (created_by = tests.get_user_id('coach'))::text
             from public.workouts where id = (select id from ids where name = 'w')),
          'Renamed true true', 'an update changes the title but neither created_at nor created_by');

-- created_by is the signed-in user, whatever the client sends
select tests.authenticate_as('admin');
with x as (insert into public.programs (organization_id, name, mode, created_by, created_at)
           values (tests.get_organization_id('test-gym'), 'Forged', 'coaching', tests.get_user_id('owner'), '1999-12-31') returning id)
insert into ids select 'p', id from x;
select tests.clear_authentication();
select is((select created_by from public.programs where id = (select id from ids where name = 'p')), tests.get_user_id('admin'),
          'an admin naming the owner as created_by is recorded as the admin');
select is((select created_at from public.programs where id = (select id from ids where name = 'p')), now(),
          '... with created_at = now()');

-- a member's own rows too
select tests.authenticate_as('member');
insert into public.notification_mutes (user_id, conversation_key, created_at)
values (tests.get_user_id('member'), 'dm:x', '2001-01-01');
select is((select created_at from public.notification_mutes where conversation_key = 'dm:x'), now(),
          'a member''s own row gets created_at = now()');
select tests.clear_authentication();

-- RLS still decides who may write at all
select tests.authenticate_as('other_coach');
select throws_ok(format($$ insert into public.workouts (organization_id, title, created_by) values (%L, 'Intruder', %L) $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('other_coach')),
                 '42501', 'new row violates row-level security policy for table "workouts"',
                 'another organization''s coach still cannot insert');
select tests.authenticate_as('member');
select throws_ok(format($$ insert into public.workouts (organization_id, title, created_by) values (%L, 'Athlete', %L) $$,
                        tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 '42501', 'new row violates row-level security policy for table "workouts"',
                 'a member still cannot insert workouts');
select tests.authenticate_as_anon();
select throws_ok($$ insert into public.notification_mutes (user_id, conversation_key) values (gen_random_uuid(), 'x') $$,
                 '42501', null, 'anon cannot write at all');

-- trusted writers keep their values
select tests.authenticate_as_service_role();
with x as (insert into public.workouts (organization_id, title, created_by, created_at)
           values (tests.get_organization_id('test-gym'), 'Imported', tests.get_user_id('owner'), '2020-05-05') returning id)
insert into ids select 'imported', id from x;
select tests.clear_authentication();
select is((select created_at from public.workouts where id = (select id from ids where name = 'imported')), '2020-05-05'::timestamptz,
          'the service role (imports) keeps the history it writes');
select is((select created_by from public.workouts where id = (select id from ids where name = 'imported')), tests.get_user_id('owner'),
          '... and the creator it names');

-- the database's own functions keep their clock_timestamp() ordering
select tests.authenticate_as('member');
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'one');
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'two');
select tests.clear_authentication();
select ok((select max(created_at) filter (where content = 'two') > max(created_at) filter (where content = 'one') from public.messages),
          'messages sent by functions within one transaction keep distinct, ordered times');

select * from finish();
rollback;
