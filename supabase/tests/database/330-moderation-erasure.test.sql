-- 330-moderation-erasure: owners and admins moderate messages, workout comments and exercise
-- comments with a reason (audited, files queued for deletion), the moderation log per actor, and
-- erasure by an owner or by the member themselves: content "[removed]", files queued, tombstone,
-- memberships and push subscriptions gone, auth user deleted, audit entries; the last owner refused.
begin;
select plan(37);

select tests.create_standard_actors();
select tests.use_ids();
create function pg_temp.path(p_who text, p_file text) returns text language sql as $f$
  select tests.get_organization_id('test-gym')::text || '/' || tests.get_user_id(p_who)::text || '/' || p_file $f$;
grant execute on all functions in schema pg_temp to public;
insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('attachments', pg_temp.path('member', 'a.jpg'), tests.get_user_id('member'), '{"mimetype":"image/jpeg","size":1000}'),
  ('attachments', pg_temp.path('member', 'b.jpg'), tests.get_user_id('member'), '{"mimetype":"image/jpeg","size":1000}'),
  ('attachments', pg_temp.path('member', 'unattached.jpg'), tests.get_user_id('member'), '{"mimetype":"image/jpeg","size":1000}');
with x as (insert into public.workouts (organization_id, title) values (tests.get_organization_id('test-gym'), 'Fran') returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_sections (workout_id, position, title) values (tests.id('fran'), 0, 'Metcon') returning id)
insert into ids select 'section', id from x;
with x as (insert into public.workout_movements (section_id, position, name) values (tests.id('section'), 0, 'Thruster') returning id)
insert into ids select 'thruster', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'assignment', id from x;
insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values (tests.get_user_id('member'), 'https://fcm.googleapis.com/fcm/send/member', 'k', 'a');

select tests.authenticate_as('member');
with x as (select * from public.send_message_with_attachments(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'rude words', null, array[pg_temp.path('member', 'a.jpg')]))
insert into ids select 'dm', id from x;
with x as (select * from public.post_workout_comment(tests.id('assignment'), 'my set', null, array[pg_temp.path('member', 'b.jpg')]))
insert into ids select 'comment', id from x;
select public.edit_message(tests.id('comment'), 'my heavy set');
select tests.authenticate_as('coach');
with x as (select * from public.add_exercise_comment(tests.id('thruster'), 'Spam spam')) insert into ids select 'ex', id from x;
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'Coach reply');

-- moderation: who may
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select public.moderate_delete_message(tests.id('dm'), 'rude') $$), 'not_admin', 'a coach cannot moderate');
select tests.authenticate_as('member2');
select is(tests.hint_of($$ select public.moderate_delete_message(tests.id('dm'), 'rude') $$), 'not_admin', 'a member cannot moderate');
select tests.authenticate_as('other_owner');
select is(tests.hint_of($$ select public.moderate_delete_message(tests.id('dm'), 'rude') $$), 'message_not_found', 'another organization''s owner cannot moderate here');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.moderate_delete_exercise_comment(tests.id('ex'), 'spam') $$), 'comment_not_found', 'an outsider cannot moderate');
select tests.authenticate_as_anon();
select throws_ok($$ select public.moderate_delete_message(gen_random_uuid(), 'x') $$, '42501', 'permission denied for function moderate_delete_message', 'anon cannot moderate');
select tests.authenticate_as('admin');
select is(tests.hint_of($$ select public.moderate_delete_message(tests.id('dm'), '  ') $$), 'reason_required', 'a reason is required');
select is((select content is null and deleted_at is not null from public.moderate_delete_message(tests.id('dm'), 'Abusive language')), true, 'an admin deletes a DM: content nulled');
select is(tests.hint_of($$ select public.moderate_delete_message(tests.id('dm'), 'again') $$), 'already_deleted', 'twice is refused');
select tests.authenticate_as('owner');
select lives_ok($$ select public.moderate_delete_message(tests.id('comment'), 'Off topic') $$, 'an owner deletes a workout comment');
select lives_ok($$ select public.moderate_delete_exercise_comment(tests.id('ex'), 'Spam') $$, 'an owner deletes an exercise comment');
select tests.clear_authentication();
select is((select count(*)::int from public.message_attachments), 0, 'the moderated messages'' attachment rows are gone');
select is((select count(*)::int from public.storage_deletions where reason = 'moderation'), 2, 'and both objects are queued for deletion');
select is((select count(*)::int from public.message_edits where message_id = tests.id('comment')), 0, 'edit history of moderated content is gone');
select is((select body from public.exercise_comments where id = tests.id('ex')), '', 'the exercise comment body is gone');
select is((select details ->> 'reason' from public.audit_logs where entity_id = tests.id('dm')), 'Abusive language', 'the audit entry keeps the reason');
select is((select actor_id from public.audit_logs where entity_id = tests.id('dm')), tests.get_user_id('admin'), 'and the moderator');

-- the log
select tests.authenticate_as('admin');
select is((select count(*)::int from public.moderation_log(tests.get_organization_id('test-gym'))), 3, 'admins read the moderation log');
select is((select count(distinct action)::int from public.moderation_log(tests.get_organization_id('test-gym'))), 2, 'message and exercise comment moderation both appear');
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select public.moderation_log(tests.get_organization_id('test-gym')) $$), 'not_admin', 'coaches do not');
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.moderation_log(tests.get_organization_id('test-gym')) $$), 'not_admin', 'members do not');
select tests.authenticate_as('other_owner');
select is(tests.hint_of($$ select public.moderation_log(tests.get_organization_id('test-gym')) $$), 'not_admin', 'other organizations'' owners do not');

-- erasure: refusals
select tests.authenticate_as('owner');
select is(tests.hint_of($$ select public.erase_member(tests.get_organization_id('test-gym'), tests.get_user_id('owner')) $$), 'last_owner', 'the last owner cannot be erased');
select is(tests.hint_of($$ select public.delete_my_account() $$), 'last_owner', 'nor delete their own account');
select is((select deleted_at from public.profiles where id = tests.get_user_id('owner')), null, 'nothing changed');
select is(tests.hint_of($$ select public.erase_member(tests.get_organization_id('test-gym'), tests.get_user_id('other_coach')) $$), 'member_not_found', 'an owner erases only their own members');
select tests.authenticate_as('admin');
select is(tests.hint_of($$ select public.erase_member(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$), 'not_owner', 'an admin cannot erase');

-- erasure by the owner
select tests.authenticate_as('member');
with x as (select * from public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'my phone number is 555')) insert into ids select 'pii', id from x;
select tests.authenticate_as('owner');
select lives_ok($$ select public.erase_member(tests.get_organization_id('test-gym'), tests.get_user_id('member')) $$, 'the owner erases a member');
select tests.clear_authentication();
select is((select content from public.messages where id = tests.id('pii')), '[removed]', 'their messages read [removed]');
select is((select content from public.messages where sender_id = tests.get_user_id('coach') and recipient_id = tests.get_user_id('member')), 'Coach reply',
          'messages others sent them are kept, pointing at the tombstone');
select is((select display_name || ' ' || coalesce(avatar_path, '-') from public.profiles where id = tests.get_user_id('member')), 'Deleted user -', 'the profile is a tombstone');
select is((select count(*)::int from auth.users where id = tests.get_user_id('member')), 0, 'the auth user is deleted');
select is((select count(*)::int from public.push_subscriptions where user_id = tests.get_user_id('member')), 0, 'push subscriptions are removed');
select is((select count(*)::int from public.memberships where user_id = tests.get_user_id('member') and status = 'active'), 0, 'memberships are removed');
select is((select count(*)::int from public.storage_deletions where object_name = pg_temp.path('member', 'unattached.jpg') and reason = 'erasure'), 1, 'their unattached uploads are queued too');
select is((select actor_id from public.audit_logs where action = 'member.erased' and entity_id = tests.get_user_id('member')), tests.get_user_id('owner'), 'an audit entry records who erased them');

-- the member themselves
select tests.authenticate_as('member2');
select public.send_message(tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'bye');
select lives_ok($$ select public.delete_my_account() $$, 'a member deletes their own account');
select tests.clear_authentication();
select is((select content from public.messages where sender_id = tests.get_user_id('member2')), '[removed]', 'and their messages read [removed]');

select * from finish();
rollback;
