-- 403-attachment-objects-immutable: once an object is registered to a message it cannot be
-- replaced, moved or deleted by the uploader, the recipient, staff or another organization's
-- coach; the service role cannot replace it either but may delete it (the media worker) and may
-- rewrite a thumbnail; unattached uploads stay the uploader's to replace and delete.
begin;
select plan(12);

select tests.create_standard_actors();
create function pg_temp.path(p_who text, p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
create function pg_temp.upload(p_who text, p_file text) returns text language sql as $f$
  insert into storage.objects (bucket_id, name, owner_id, version, metadata)
  values ('attachments', pg_temp.path(p_who, p_file), tests.get_user_id(p_who)::text, 'v1',
          '{"mimetype": "image/jpeg", "size": 1000}')
  returning name $f$;
grant execute on all functions in schema pg_temp to public;

select pg_temp.upload('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg');
select pg_temp.upload('member', 'aaaaaaaa-0000-0000-0000-000000000002.jpg');
select tests.authenticate_as('member');
select public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'form check', null,
                                            array[pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')]);
select tests.clear_authentication();
-- a thumbnail, as the media worker registers one
insert into storage.objects (bucket_id, name, owner_id, version, metadata)
values ('attachments', pg_temp.path('member', 'thumbnails/t1.webp'), tests.get_user_id('member')::text, 't1', '{"mimetype": "image/webp", "size": 10}');
update public.message_attachments set thumbnail_r2_key = pg_temp.path('member', 'thumbnails/t1.webp');

-- what must be refused
select tests.authenticate_as_service_role();
select throws_ok(format($$ update storage.objects set version = 'v2', metadata = '{"mimetype": "image/jpeg", "size": 99999999}' where name = %L $$,
                        pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                 'PT409', 'That file is attached to a message and cannot be replaced or changed.',
                 'not even the service role (signed upload URLs run as it) can swap an attached object''s bytes');
select throws_ok(format($$ update storage.objects set name = %L where name = %L $$,
                        pg_temp.path('member', 'moved.jpg'), pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                 'PT409', 'That file is attached to a message and cannot be replaced or changed.',
                 'nor move it away from its message');
select tests.authenticate_as('member');
select throws_ok(format($$ insert into storage.objects (bucket_id, name, owner_id, version) values ('attachments', %L, %L, 'v3')
                           on conflict (bucket_id, name) do update set version = excluded.version $$,
                        pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg'), tests.get_user_id('member')),
                 '42501', null, 'the uploader cannot upsert over their attached file');
set local storage.allow_delete_query = 'true';
select is_empty(format($$ delete from storage.objects where name = %L returning name $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                'the uploader cannot delete their attached file (RLS hides it from delete)');
select tests.authenticate_as('coach');
select is_empty(format($$ delete from storage.objects where name = %L returning name $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                'the recipient cannot delete it either');
select tests.clear_authentication();
select is((select version from storage.objects where name = pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')), 'v1',
          'the attached object is as it was sent');

-- what must still work
select tests.authenticate_as_service_role();
select lives_ok(format($$ update storage.objects set version = 't2' where name = %L $$, pg_temp.path('member', 'thumbnails/t1.webp')),
                'the service role (media worker) may rewrite a thumbnail');
select lives_ok(format($$ update storage.objects set last_accessed_at = now() where name = %L $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                'bookkeeping columns of an attached object may still change');
select lives_ok(format($$ update storage.objects set version = 'v2' where name = %L $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000002.jpg')),
                'an unattached upload can still be replaced');
select lives_ok(format($$ delete from storage.objects where name = %L $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000001.jpg')),
                'the service role may delete an attached object (the media worker''s deletion queue)');
select tests.authenticate_as('member');
select lives_ok(format($$ delete from storage.objects where name = %L $$, pg_temp.path('member', 'aaaaaaaa-0000-0000-0000-000000000002.jpg')),
                'the uploader deletes an unattached upload');
select tests.clear_authentication();
select is((select count(*)::int from storage.objects where name like '%aaaaaaaa-0000-0000-0000-00000000000_.jpg'), 0,
          'both are gone: the attached one by the service role, the unattached one by its uploader');

select * from finish();
rollback;
