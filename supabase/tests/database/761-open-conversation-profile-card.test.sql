-- 761-open-conversation-profile-card: opening a conversation names the other person from their
-- profile card (20261209004100): the same name and avatar their profile shows the caller, for
-- every actor who may open it; the refusals are unchanged for those who may not.
begin;
select plan(9);

select tests.create_standard_actors();
create function pg_temp.uid(p text) returns uuid language sql as $f$ select tests.get_user_id(p) $f$;
create function pg_temp.gym() returns uuid language sql as $f$ select tests.get_organization_id('test-gym') $f$;
grant execute on all functions in schema pg_temp to public;
update public.profiles set avatar_path = pg_temp.uid('member') || '/a.webp' where id = pg_temp.uid('member');

select tests.authenticate_as('coach');
select is((select row(other_display_name, other_avatar_path)::text
             from public.get_or_create_conversation(pg_temp.gym(), pg_temp.uid('member'))),
          (select row(display_name, avatar_path)::text from public.profiles where id = pg_temp.uid('member')),
          'the coach opening a conversation with a member gets the member''s name and avatar');
select tests.authenticate_as('member');
select is((select other_display_name from public.get_or_create_conversation(pg_temp.gym(), pg_temp.uid('coach'))),
          'coach', 'a member opening one with the coach gets the coach''s name');
select tests.authenticate_as('owner');
select is((select other_display_name from public.get_or_create_conversation(pg_temp.gym(), pg_temp.uid('member'))),
          'member', 'and so does the owner');
select is((select count(*)::int from public.get_or_create_conversation(pg_temp.gym(), pg_temp.uid('member'))),
          1, 'opening it again answers one row');

-- those who may not open it are refused as before
select tests.authenticate_as('member');
select throws_ok(format('select public.get_or_create_conversation(%L, %L)', pg_temp.gym(), pg_temp.uid('member2')),
                 'PT403', 'Members of this organization cannot message each other.', 'member to member stays refused');
select tests.authenticate_as('other_coach');
select is(tests.hint_of(format('select public.get_or_create_conversation(%L, %L)', pg_temp.gym(), pg_temp.uid('member'))),
          'not_a_member', 'another organization''s coach is refused');
select tests.authenticate_as('outsider');
select is(tests.hint_of(format('select public.get_or_create_conversation(%L, %L)', pg_temp.gym(), pg_temp.uid('coach'))),
          'not_a_member', 'an outsider is refused');
select tests.authenticate_as_anon();
select throws_ok(format('select public.get_or_create_conversation(%L, %L)', pg_temp.gym(), pg_temp.uid('coach')),
                 '42501', null, 'anon may not call it');

-- a block: the blocked person may no longer open it
select tests.authenticate_as('member');
select public.block_user(pg_temp.gym(), pg_temp.uid('coach'));
select tests.authenticate_as('coach');
select isnt(tests.hint_of(format('select public.get_or_create_conversation(%L, %L)', pg_temp.gym(), pg_temp.uid('member'))),
            null, 'the coach the member blocked is refused');

select * from finish();
rollback;
