-- 505-announcements: staff post to the organization or to one program; only the organization's
-- staff and the announcement's audience read it (every actor, both ways); posting broadcasts
-- announcement:new on org:<id> / program:<id> (whose RLS lets only that audience listen) and
-- queues one push per person but the author, with the category toggle honoured; reads give
-- "seen by N of M"; authors edit and delete; owners/admins moderate with a reason into the log.
begin;
select plan(56);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.visible(p_name text) returns int language sql as $f$
  select count(*)::int from public.announcements where id = tests.id(p_name) $f$;
create function pg_temp.pushes(p_name text) returns setof public.notification_outbox language sql security definer as $f$
  select * from public.notification_outbox where category = 'announcement' and payload ->> 'announcement_id' = tests.id(p_name)::text $f$;
create function pg_temp.can_listen(p_topic text) returns boolean language plpgsql as $f$
declare v_ok boolean;
begin
  perform set_config('realtime.topic', p_topic, true);
  select exists (select 1 from realtime.messages m where m.topic = p_topic and m.extension = 'broadcast'
                   and m.event = 'announcement:new') into v_ok;
  return v_ok;
end $f$;
create function pg_temp.can_send(p_topic text) returns boolean language plpgsql as $f$
begin
  perform set_config('realtime.topic', p_topic, true);
  insert into realtime.messages (topic, extension, payload, event, private) values (p_topic, 'broadcast', '{}', 'announcement:new', true);
  return true;
exception when insufficient_privilege then
  return false;
end $f$;
grant execute on all functions in schema pg_temp to public;

with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('test-gym'), 'Strength', 'coaching') returning id)
insert into ids select 'p', id from x;
with x as (insert into public.programs (organization_id, name, mode) values (tests.get_organization_id('other-gym'), 'Other', 'coaching') returning id)
insert into ids select 'other_p', id from x;
insert into public.program_enrollments (program_id, user_id) values (tests.id('p'), tests.get_user_id('member'));

-- ============================ posting ======================================================
select tests.authenticate_as('coach');
insert into ids select 'org', id from public.post_announcement(tests.get_organization_id('test-gym'), '  Gym closed Friday  ');
insert into ids select 'prog', id from public.post_announcement(tests.get_organization_id('test-gym'), 'Test week next week', tests.id('p'),
                                                                 now() + interval '3 days');
select is((select body from public.announcements where id = tests.id('org')), 'Gym closed Friday', 'a coach posts to the organization (trimmed)');
select is((select author_id from public.announcements where id = tests.id('org')), tests.get_user_id('coach'), 'the coach is its author');
select is((select program_id from public.announcements where id = tests.id('prog')), tests.id('p'), 'a coach posts to one program, pinned');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), '   ') $$), 'body_required', 'an empty announcement is refused');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), repeat('x', 5001)) $$), 'body_too_long', 'an overlong one too');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hi', null, now() - interval '1 day') $$), 'pin_in_past', 'a pin in the past too');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hi', tests.id('other_p')) $$), 'program_not_found',
          'a program of another organization too');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hello all') $$), 'not_staff', 'a member cannot post');
select throws_ok($$ insert into public.announcements (organization_id, body) values (tests.get_organization_id('test-gym'), 'Sneaky') $$,
                 '42501', null, 'nor insert one directly');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hello') $$), 'not_staff', 'another organization''s coach cannot post');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hello') $$), 'not_staff', 'an outsider cannot post');
select tests.authenticate_as_anon();
select throws_ok($$ select public.post_announcement(tests.get_organization_id('test-gym'), 'Hello') $$, '42501', null, 'anon cannot post');

-- ============================ who reads what ===============================================
select tests.authenticate_as('member');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 2, 'the enrolled member reads both');
select tests.authenticate_as('member2');
select is(pg_temp.visible('org'), 1, 'another member reads the organization one');
select is(pg_temp.visible('prog'), 0, 'but not the program one (not enrolled)');
select tests.authenticate_as('owner');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 2, 'the owner reads both');
select tests.authenticate_as('admin');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 2, 'the admin reads both');
select tests.authenticate_as('outsider');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 0, 'an outsider reads neither');
select tests.authenticate_as('other_coach');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 0, 'another organization''s coach reads neither');
select tests.authenticate_as('other_owner');
select is((select count(*)::int from public.announcement_feed(tests.get_organization_id('test-gym'))), 0, 'nor does another organization''s owner through the feed');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.announcements $$, '42501', null, 'anon reads nothing');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.announcements where id in (tests.id('org'), tests.id('prog'))), 2, 'the service role reads both');

-- the feed: pinned first, then newest first
select tests.authenticate_as('member');
select is((select array_agg(id order by pinned desc, created_at desc) from public.announcement_feed(tests.get_organization_id('test-gym'))),
          array[tests.id('prog'), tests.id('org')], 'the member''s feed shows the pinned program one first');
select is((select author_name from public.announcement_feed(tests.get_organization_id('test-gym')) where id = tests.id('org')),
          (select display_name from public.profiles where id = tests.get_user_id('coach')), 'with the author''s name');

-- ============================ broadcast and pushes =========================================
select tests.authenticate_as_service_role();
select is((select count(*)::int from realtime.messages where topic = 'org:' || tests.get_organization_id('test-gym')
             and event = 'announcement:new' and payload ->> 'announcement_id' = tests.id('org')::text), 1,
          'the organization one is broadcast once on org:<id>');
select is((select count(*)::int from realtime.messages where topic = 'program:' || tests.id('p')
             and event = 'announcement:new' and payload ->> 'announcement_id' = tests.id('prog')::text), 1,
          'the program one on program:<id>');
select is((select count(*)::int from pg_temp.pushes('org')), 4, 'one push per person of the organization but the author (owner, admin, member, member2)');
select is((select count(*)::int from pg_temp.pushes('org') where user_id = tests.get_user_id('coach')), 0, 'the author gets no push');
select is((select array_agg(user_id) from pg_temp.pushes('prog')), array[tests.get_user_id('member')], 'the program one pushes to its enrolled athlete only');
select is((select payload ->> 'url' from pg_temp.pushes('org') limit 1), '/org/test-gym/announcements', 'the push opens the feed');

select tests.authenticate_as('member');
select ok(pg_temp.can_listen('program:' || tests.id('p')), 'the enrolled member listens on the program topic');
select ok(pg_temp.can_listen('org:' || tests.get_organization_id('test-gym')), 'and on the organization topic');
select ok(not pg_temp.can_send('program:' || tests.id('p')), 'but cannot send on the program topic');
select tests.authenticate_as('member2');
select ok(not pg_temp.can_listen('program:' || tests.id('p')), 'a member not enrolled cannot listen on the program topic');
select tests.authenticate_as('coach');
select ok(pg_temp.can_listen('program:' || tests.id('p')), 'the coach listens on the program topic');
select tests.authenticate_as('other_coach');
select ok(not pg_temp.can_listen('program:' || tests.id('p')), 'another organization''s coach cannot');
select ok(not pg_temp.can_listen('org:' || tests.get_organization_id('test-gym')), 'on either topic');

-- the category toggle applies
select tests.authenticate_as('member2');
insert into public.notification_preferences (user_id, announcements_enabled) values (tests.get_user_id('member2'), false);
select tests.authenticate_as('coach');
insert into ids select 'later', id from public.post_announcement(tests.get_organization_id('test-gym'), 'Later news');
select tests.authenticate_as_service_role();
select is((select status::text || '/' || skip_reason from pg_temp.pushes('later') where user_id = tests.get_user_id('member2')), 'skipped/category_disabled',
          'a member who turned announcement pushes off gets none');

-- ============================ read, seen by, today =========================================
select tests.authenticate_as('member2');
select is((select id from public.latest_unread_announcement(tests.get_organization_id('test-gym'))), tests.id('later'), 'Today shows the newest unread one');
select is(public.mark_announcement_read(tests.id('later')), true, 'the member marks it read');
select is((select id from public.latest_unread_announcement(tests.get_organization_id('test-gym'))), tests.id('org'), 'then the next unread one');
select is(tests.hint_of($$ select public.mark_announcement_read(tests.id('prog')) $$), 'announcement_not_found', 'nobody marks read what they cannot read');
select is(tests.hint_of($$ select public.announcement_seen_by(tests.id('later')) $$), 'announcement_not_found', 'members do not see who read it');
select tests.authenticate_as('coach');
select is((select (seen, audience)::text from public.announcement_seen_by(tests.id('later'))), '(1,4)', 'the coach sees "seen by 1 of 4"');
select is((select readers #>> '{0,display_name}' from public.announcement_seen_by(tests.id('later'))),
          (select display_name from public.profiles where id = tests.get_user_id('member2')), 'with the reader''s name');

-- ============================ edit, delete, moderate =======================================
select is((select edited_at is not null from public.edit_announcement(tests.id('org'), 'Gym closed Friday and Saturday')), true,
          'the author edits (marked edited)');
select tests.authenticate_as('admin');
select is(tests.hint_of($$ select public.edit_announcement(tests.id('org'), 'Mine now') $$), 'not_author', 'an admin cannot edit someone else''s');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.delete_announcement(tests.id('org')) $$), 'announcement_not_found', 'a member cannot delete it');
select tests.authenticate_as('other_owner');
select is(tests.hint_of($$ select public.delete_announcement(tests.id('org'), 'spam') $$), 'announcement_not_found', 'another organization''s owner cannot');
select tests.authenticate_as('admin');
select is(tests.hint_of($$ select public.delete_announcement(tests.id('org')) $$), 'reason_required', 'an admin moderating says why');
select is((select deleted_at is not null from public.delete_announcement(tests.id('org'), 'Wrong date')), true, 'an admin deletes it with a reason');
select is((select reason from public.moderation_log(tests.get_organization_id('test-gym')) where action = 'moderation.announcement_deleted'),
          'Wrong date', 'the moderation log records it with the reason');
select tests.authenticate_as('coach');
select is((select deleted_at is not null from public.delete_announcement(tests.id('prog'))), true, 'the author deletes their own without a reason');
select tests.authenticate_as('member');
select is(pg_temp.visible('org') + pg_temp.visible('prog'), 0, 'deleted announcements are gone for the member');

select tests.authenticate_as('coach');
insert into ids select 'forged', id from public.post_announcement(tests.get_organization_id('test-gym'), 'Forged?');
select is((select author_id from public.announcements where id = tests.id('forged')), tests.get_user_id('coach'),
          'the author is always the caller');
insert into public.announcements (organization_id, body, author_id)
values (tests.get_organization_id('test-gym'), 'Forged!', tests.get_user_id('owner'));
select is((select author_id from public.announcements where body = 'Forged!'), tests.get_user_id('coach'),
          'a coach cannot post in someone else''s name (the author is set to the caller)');

select * from finish();
rollback;
