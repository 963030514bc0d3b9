-- 340-avatars: the public `avatars` bucket and its storage.objects policies for every actor (anon,
-- the owner of the folder, another member of the same organization, an outsider, the service
-- role), profiles.avatar_path kept inside its owner's folder, replaced pictures queued for the
-- media worker, and erasure (erase_member, delete_my_account) queuing every avatar object.
begin;
select plan(43);

select tests.create_standard_actors();
create function pg_temp.avatar(p_who text, p_file text) returns text language sql as $f$
  select tests.get_user_id(p_who)::text || '/' || p_file $f$;
-- what the storage service writes after an upload, as the caller (RLS applies)
create function pg_temp.put(p_who text, p_file text) returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, metadata)
  values ('avatars', pg_temp.avatar(p_who, p_file), tests.get_user_id(p_who)::text,
          '{"mimetype":"image/webp","size":1000}'::jsonb)
  returning name $f$;
create function pg_temp.avatar_count(p_who text) returns int language sql as $f$
  select count(*)::int from storage.objects where bucket_id = 'avatars' and name like tests.get_user_id(p_who)::text || '/%' $f$;
grant execute on all functions in schema pg_temp to public;

-- the bucket
select is((select public from storage.buckets where id = 'avatars'), true, 'the avatars bucket is public-read');
select is((select file_size_limit from storage.buckets where id = 'avatars'), 2097152::bigint, 'with a 2 MB limit');
select is((select allowed_mime_types from storage.buckets where id = 'avatars'), array['image/jpeg', 'image/png', 'image/webp'],
          'for JPEG, PNG and WebP only');

-- INSERT
select tests.authenticate_as('member');
select lives_ok($$ select pg_temp.put('member', 'a.webp') $$, 'the owner uploads into their own folder');
select throws_ok($$ select pg_temp.put('member2', 'b.webp') $$, '42501', 'new row violates row-level security policy for table "objects"',
                 'the owner cannot upload into another member''s folder');
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('avatars', %L) $$, pg_temp.avatar('member', 'deep/c.webp')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'nor into a sub-folder of their own');
select throws_ok($$ insert into storage.objects (bucket_id, name) values ('avatars', 'loose.webp') $$,
                 '42501', 'new row violates row-level security policy for table "objects"', 'nor outside any folder');
select tests.authenticate_as('member2');
select throws_ok($$ select pg_temp.put('member', 'x.webp') $$, '42501', 'new row violates row-level security policy for table "objects"',
                 'another member of the organization cannot upload into the owner''s folder');
select lives_ok($$ select pg_temp.put('member2', 'm2.webp') $$, 'but uploads into their own');
select tests.authenticate_as('outsider');
select throws_ok($$ select pg_temp.put('member', 'x.webp') $$, '42501', 'new row violates row-level security policy for table "objects"',
                 'an outsider cannot upload into the owner''s folder');
select lives_ok($$ select pg_temp.put('outsider', 'o.webp') $$, 'an outsider (no organization) has an avatar folder of their own');
select tests.authenticate_as_anon();
select throws_ok(format($$ insert into storage.objects (bucket_id, name) values ('avatars', %L) $$, pg_temp.avatar('member', 'anon.webp')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'anon cannot upload');
select tests.authenticate_as_service_role();
select lives_ok($$ select pg_temp.put('member', 'by-service.webp') $$, 'the service role writes anywhere (it bypasses RLS)');

-- SELECT (listing; the pictures themselves are read through the public route)
select tests.authenticate_as('member');
select is(pg_temp.avatar_count('member'), 2, 'the owner lists their own avatars');
select is((select count(*)::int from storage.objects where bucket_id = 'avatars'), 2, 'and nobody else''s');
select tests.authenticate_as('member2');
select is(pg_temp.avatar_count('member'), 0, 'another member cannot list the owner''s avatars');
select tests.authenticate_as('outsider');
select is(pg_temp.avatar_count('member'), 0, 'nor can an outsider');
select tests.authenticate_as_anon();
select is((select count(*)::int from storage.objects where bucket_id = 'avatars'), 0, 'anon lists nothing (no harvesting of user ids)');
select tests.authenticate_as_service_role();
select is((select count(*)::int from storage.objects where bucket_id = 'avatars'), 4, 'the service role sees every avatar');

-- UPDATE
select tests.authenticate_as('member2');
update storage.objects set metadata = '{"mimetype":"image/png","size":1}' where name = pg_temp.avatar('member', 'a.webp');
select tests.authenticate_as('outsider');
update storage.objects set metadata = '{"mimetype":"image/png","size":1}' where name = pg_temp.avatar('member', 'a.webp');
select tests.authenticate_as_anon();
update storage.objects set metadata = '{"mimetype":"image/png","size":1}' where name = pg_temp.avatar('member', 'a.webp');
select tests.clear_authentication();
select is((select metadata ->> 'size' from storage.objects where name = pg_temp.avatar('member', 'a.webp')), '1000',
          'another member, an outsider and anon cannot replace the owner''s avatar');
select tests.authenticate_as('member');
update storage.objects set metadata = '{"mimetype":"image/png","size":2}' where name = pg_temp.avatar('member', 'a.webp');
select throws_ok(format($$ update storage.objects set name = %L where name = %L $$, pg_temp.avatar('member2', 'moved.webp'), pg_temp.avatar('member', 'a.webp')),
                 '42501', 'new row violates row-level security policy for table "objects"', 'the owner cannot move an avatar into another folder');
select tests.clear_authentication();
select is((select metadata ->> 'size' from storage.objects where name = pg_temp.avatar('member', 'a.webp')), '2', 'the owner replaces their own avatar (upsert)');

-- DELETE (the storage API sets storage.allow_delete_query around its own deletes)
select set_config('storage.allow_delete_query', 'true', true);
select tests.authenticate_as('member2');
delete from storage.objects where name = pg_temp.avatar('member', 'a.webp');
select tests.authenticate_as('outsider');
delete from storage.objects where name = pg_temp.avatar('member', 'a.webp');
select tests.authenticate_as_anon();
delete from storage.objects where name = pg_temp.avatar('member', 'a.webp');
select tests.clear_authentication();
select is(pg_temp.avatar_count('member'), 2, 'another member, an outsider and anon cannot delete the owner''s avatars');
select tests.authenticate_as('member');
delete from storage.objects where name = pg_temp.avatar('member', 'by-service.webp');
select tests.clear_authentication();
select is(pg_temp.avatar_count('member'), 1, 'the owner deletes their own');
select set_config('storage.allow_delete_query', 'false', true);
select throws_ok($$ delete from storage.objects where bucket_id = 'avatars' $$, '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
                 'SQL still cannot delete avatar bytes directly: deletions go through the queue');

-- profiles.avatar_path
select tests.authenticate_as('member');
select lives_ok(format($$ update public.profiles set avatar_path = %L where id = %L $$, pg_temp.avatar('member', 'a.webp'), tests.get_user_id('member')),
                'the owner sets their avatar to a picture in their folder');
select throws_ok(format($$ update public.profiles set avatar_path = %L where id = %L $$, pg_temp.avatar('member2', 'm2.webp'), tests.get_user_id('member')),
                 '23514', 'new row for relation "profiles" violates check constraint "profiles_avatar_path_own_folder_chk"',
                 'an avatar cannot point at someone else''s picture');
select throws_ok(format($$ update public.profiles set avatar_path = %L where id = %L $$, 'attachments/' || pg_temp.avatar('member', 'a.webp'), tests.get_user_id('member')),
                 '23514', 'new row for relation "profiles" violates check constraint "profiles_avatar_path_own_folder_chk"',
                 'nor outside the owner''s folder');
select tests.authenticate_as('member2');
update public.profiles set avatar_path = pg_temp.avatar('member2', 'm2.webp') where id = tests.get_user_id('member');
select tests.clear_authentication();
select is((select avatar_path from public.profiles where id = tests.get_user_id('member')), pg_temp.avatar('member', 'a.webp'),
          'another member cannot change the owner''s avatar');
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars'), 0, 'setting a first avatar queues nothing');

select tests.authenticate_as('member');
select pg_temp.put('member', 'b.webp');
update public.profiles set avatar_path = pg_temp.avatar('member', 'b.webp') where id = tests.get_user_id('member');
select tests.clear_authentication();
select is((select reason from public.storage_deletions where bucket_id = 'avatars' and object_name = pg_temp.avatar('member', 'a.webp')), 'avatar_replaced',
          'a replaced avatar is queued for the media worker');
select tests.authenticate_as('member');
select throws_ok($$ insert into public.storage_deletions (bucket_id, object_name, reason) values ('avatars', 'x/y.webp', 'erasure') $$,
                 '42501', 'permission denied for table storage_deletions', 'members cannot write the deletion queue themselves');
select tests.authenticate_as('member');
update public.profiles set avatar_path = pg_temp.avatar('member', 'a.webp') where id = tests.get_user_id('member');
select tests.clear_authentication();
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars' and object_name = pg_temp.avatar('member', 'a.webp')), 0,
          'putting a queued picture back takes it off the queue');
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars' and object_name = pg_temp.avatar('member', 'b.webp')), 1,
          'and queues the one it replaced');

-- erasure by an owner: every object in the avatars folder is queued, the current one included
select tests.authenticate_as('member');
select pg_temp.put('member', 'never-used.webp');
select tests.authenticate_as('owner');
select lives_ok(format($$ select public.erase_member(%L, %L) $$, tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                'an owner erases the member');
select tests.clear_authentication();
select is((select avatar_path from public.profiles where id = tests.get_user_id('member')), null, 'the tombstone has no avatar');
select is((select array_agg(object_name order by object_name) from public.storage_deletions where bucket_id = 'avatars' and reason = 'erasure'),
          array[pg_temp.avatar('member', 'a.webp'), pg_temp.avatar('member', 'never-used.webp')],
          'the current avatar and the never-used upload are queued with reason erasure');
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars' and object_name like tests.get_user_id('member')::text || '/%'), 3,
          'nothing of theirs in the avatars bucket is left unqueued');
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars' and object_name like tests.get_user_id('member2')::text || '/%'), 0,
          'another member''s avatars are not touched');

-- erasure by the person themselves
select tests.authenticate_as('member2');
update public.profiles set avatar_path = pg_temp.avatar('member2', 'm2.webp') where id = tests.get_user_id('member2');
select is((public.delete_my_account() ->> 'avatars_removed')::int, 1, 'delete_my_account reports the avatars it queued');
select tests.clear_authentication();
select is((select reason from public.storage_deletions where bucket_id = 'avatars' and object_name = pg_temp.avatar('member2', 'm2.webp')), 'erasure',
          'and their avatar is queued with reason erasure');
select is((select count(*)::int from public.storage_deletions where bucket_id = 'avatars' and object_name like tests.get_user_id('outsider')::text || '/%'), 0,
          'the outsider''s avatar is not touched');

-- the worker's view
select tests.authenticate_as_service_role();
select is((select count(*)::int from private.service_role_claim_storage_deletions(100) where bucket_id = 'avatars'), 4,
          'the media worker claims the queued avatars to delete through the Storage API');

select * from finish();
rollback;
