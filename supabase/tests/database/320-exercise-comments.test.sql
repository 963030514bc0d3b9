-- 320-exercise-comments: staff-only threads on a workout movement: read and write per actor,
-- replies on the same movement, author edits, soft delete by author or owner/admin, and the copy
-- into a snapshot by fork_snapshot_if_needed with parent links remapped.
begin;
select plan(24);

select tests.create_standard_actors();
select tests.use_ids();

with x as (insert into public.workouts (organization_id, title, created_by) values (tests.get_organization_id('test-gym'), 'Fran', tests.get_user_id('coach')) returning id)
insert into ids select 'fran', id from x;
with x as (insert into public.workout_sections (workout_id, position, title) values (tests.id('fran'), 0, 'Metcon') returning id)
insert into ids select 'section', id from x;
with x as (insert into public.workout_movements (section_id, position, name, reps) values (tests.id('section'), 0, 'Thruster', 21) returning id)
insert into ids select 'thruster', id from x;
with x as (insert into public.workout_movements (section_id, position, name, reps) values (tests.id('section'), 1, 'Pull-up', 21) returning id)
insert into ids select 'pullup', id from x;
with x as (insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'workout', tests.id('fran'), current_date, true, tests.get_user_id('coach')) returning id)
insert into ids select 'assignment', id from x;

select has_table('public', 'exercise_comments', 'exercise_comments exists');
select fk_ok('public', 'exercise_comments', 'workout_movement_id', 'public', 'workout_movements', 'id', 'comments hang from a movement');

select tests.authenticate_as('coach');
with x as (select * from public.add_exercise_comment(tests.id('thruster'), 'Keep the elbows high')) insert into ids select 'c1', id from x;
select isnt(tests.id('c1'), null, 'a coach comments on a movement');
with x as (select * from public.add_exercise_comment(tests.id('thruster'), 'Agreed', tests.id('c1'))) insert into ids select 'c1_reply', id from x;
select is((select parent_comment_id from public.exercise_comments where id = tests.id('c1_reply')), tests.id('c1'), 'a reply is threaded under its comment');
select is(tests.hint_of($$ select public.add_exercise_comment(tests.id('pullup'), 'wrong place', tests.id('c1')) $$), 'parent_other_movement', 'a reply must be on the same movement');
select is(tests.hint_of($$ select public.add_exercise_comment(tests.id('pullup'), '  ') $$), 'comment_empty', 'an empty comment is refused');
select tests.clear_authentication();
update public.exercise_comments set created_at = created_at - interval '1 hour', updated_at = updated_at - interval '1 hour' where id = tests.id('c1');
select tests.authenticate_as('coach');
select is((select updated_at > created_at from public.edit_exercise_comment(tests.id('c1'), 'Keep the elbows up')), true, 'the author edits; updated_at moves');
select tests.authenticate_as('admin');
select is((select count(*)::int from public.exercise_comments), 2, 'an admin reads the staff threads');
select is(tests.hint_of($$ select public.edit_exercise_comment(tests.id('c1'), 'mine now') $$), 'not_author', 'only the author edits');
with x as (select * from public.add_exercise_comment(tests.id('pullup'), 'Kipping allowed')) insert into ids select 'c2', id from x;
select tests.authenticate_as('coach');
select is(tests.hint_of($$ select public.delete_exercise_comment(tests.id('c2')) $$), 'not_author', 'a coach cannot delete another''s comment');

-- members and outsiders
select tests.authenticate_as('member');
select is(tests.hint_of($$ select public.add_exercise_comment(tests.id('thruster'), 'Can I scale?') $$), 'not_staff', 'a member cannot write an exercise comment');
select is((select count(*)::int from public.exercise_comments), 0, 'nor read them');
select tests.authenticate_as('outsider');
select is(tests.hint_of($$ select public.add_exercise_comment(tests.id('thruster'), 'hi') $$), 'movement_not_found', 'an outsider cannot comment');
select tests.authenticate_as('other_coach');
select is(tests.hint_of($$ select public.add_exercise_comment(tests.id('thruster'), 'hi') $$), 'movement_not_found', 'another organization''s coach cannot comment');
select is((select count(*)::int from public.exercise_comments), 0, 'nor read');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.exercise_comments $$, '42501', 'permission denied for table exercise_comments', 'anon reads nothing');
select tests.authenticate_as('member');
select throws_ok(format($$ insert into public.exercise_comments (workout_movement_id, organization_id, author_id, body) values (%L, %L, %L, 'x') $$,
                 tests.id('thruster'), tests.get_organization_id('test-gym'), tests.get_user_id('member')),
                 '42501', 'permission denied for table exercise_comments', 'no direct inserts');

-- the fork copies threads
select tests.authenticate_as('coach');
select isnt(public.fork_snapshot_if_needed(tests.id('assignment')), tests.id('fran'), 'the coach forks the athlete''s copy');
select is((select count(*)::int from public.exercise_comments c join public.workout_movements m on m.id = c.workout_movement_id
            where m.workout_id = (select snapshot_workout_id from public.workout_assignments where id = tests.id('assignment'))), 3,
          'the snapshot''s movements carry copies of the exercise comments');
select is((select p.body from public.exercise_comments c join public.exercise_comments p on p.id = c.parent_comment_id
            join public.workout_movements m on m.id = c.workout_movement_id
            where m.workout_id = (select snapshot_workout_id from public.workout_assignments where id = tests.id('assignment'))), 'Keep the elbows up',
          'with the reply''s parent remapped to the copied parent');
select is((select count(*)::int from public.exercise_comments where id in (tests.id('c1'), tests.id('c1_reply'), tests.id('c2'))), 3, 'the library comments stay');

-- soft delete
select is((select deleted_at is not null and body = '' from public.delete_exercise_comment(tests.id('c1'))), true, 'the author soft-deletes (body emptied)');
select is((select count(*)::int from public.exercise_comments where id = tests.id('c1_reply')), 1, 'the reply stays');
select tests.authenticate_as('owner');
select is((select deleted_at is not null from public.delete_exercise_comment(tests.id('c1_reply'))), true, 'an owner deletes anyone''s comment');

select * from finish();
rollback;
