-- 301-thumbnail-claims: the media worker claims thumbnail work (lease, oldest first, each image to
-- one claimant at a time, a few attempts at most) and records failures; nobody else may.
begin;
select plan(11);

select tests.create_standard_actors();
create function pg_temp.path(p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id('member')::text || '/' || p_file $f$;
grant execute on all functions in schema pg_temp to public;
insert into storage.objects (bucket_id, name, owner_id, metadata)
select 'attachments', pg_temp.path(f), tests.get_user_id('member')::text, '{"mimetype":"image/jpeg","size":1000}'::jsonb
  from unnest(array['1.jpg', '2.jpg', '3.jpg']) f;
select tests.authenticate_as('member');
select public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), null, null,
                                            array[pg_temp.path('1.jpg'), pg_temp.path('2.jpg'), pg_temp.path('3.jpg')]);

select throws_ok($$ select private.service_role_claim_thumbnails(1) $$, '42501', 'permission denied for function service_role_claim_thumbnails',
                 'members cannot claim thumbnail work');
select throws_ok(format($$ select private.service_role_fail_thumbnail(%L, 'x') $$, (select id from public.message_attachments limit 1)),
                 '42501', 'permission denied for function service_role_fail_thumbnail', 'nor record a failure');
select tests.authenticate_as_anon();
select throws_ok($$ select private.service_role_claim_thumbnails(1) $$, '42501', 'permission denied for schema private', 'anon cannot either');

select tests.authenticate_as_service_role();
create temp table claimed as select * from private.service_role_claim_thumbnails(2);
select is((select count(*)::int from claimed), 2, 'a worker claims as many images as it asks for');
select is((select count(*)::int from private.service_role_claim_thumbnails(5)), 1, 'a second claim gets only the image nobody holds');
select is((select count(*)::int from private.service_role_claim_thumbnails(5)), 0, 'then nothing, while the leases last');
select is((select count(*)::int from private.service_role_claim_thumbnails(5, interval '-1 second')), 3, 'an expired lease is claimed again (a negative lease: now() stands still in a transaction)');
select is((select count(*)::int from private.service_role_claim_thumbnails(5, interval '-1 second')), 3, 'a third time');
select is((select count(*)::int from private.service_role_claim_thumbnails(5, interval '-1 second')), 0,
          'and never after three attempts (an unreadable image is left alone)');
select private.service_role_fail_thumbnail((select id from claimed limit 1), 'Input buffer contains unsupported image format');
select is((select thumbnail_error from public.message_attachments where id = (select id from claimed limit 1)),
          'Input buffer contains unsupported image format', 'the failure is recorded for whoever looks');
select is((select count(*)::int from private.service_role_pending_thumbnails(10)), 3, 'the backlog view still lists them (no thumbnail yet)');

select * from finish();
rollback;
