-- 205-messaging-time-ordered-ids: migrations 20261201000100_private_schema
-- (private.uuid_v7) and 20261201000900_messaging. New messages get time-ordered
-- (version 7) ids, so the primary key grows at its right edge; the generator is private.
begin;
select plan(5);

select tests.create_standard_actors();

select matches(private.uuid_v7()::text, '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
               'private.uuid_v7 makes RFC 9562 version 7 uuids');
select is((select count(distinct private.uuid_v7())::int from generate_series(1, 1000)), 1000,
          'a thousand in one go are all different');
select ok((select a < b from (select private.uuid_v7() as a) x, lateral (select pg_sleep(0.002), private.uuid_v7() as b) y),
          'a later id sorts after an earlier one');

select tests.authenticate_as('coach');
select is((select substr(id::text, 15, 1) from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'time-ordered', gen_random_uuid())),
          '7', 'a sent message gets a version 7 id');
select tests.authenticate_as_anon();
select throws_ok($$ select private.uuid_v7() $$, '42501', null, 'anon cannot call the generator');

select * from finish();
rollback;
