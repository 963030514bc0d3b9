-- 504-blocked-cannot-see-blocker: after a block, the person blocked no longer sees the blocker's
-- profile anywhere profiles are exposed (the profiles table, the profile cards behind the inbox,
-- member lists), answered exactly like a profile they may not see at all (someone of another
-- organization): no row, no nameless row. Everyone else, and the blocker, see as before; an
-- unblock restores it.
begin;
select plan(19);

select tests.create_standard_actors();
create function pg_temp.uid(p text) returns uuid language sql as $f$ select tests.get_user_id(p) $f$;
grant execute on all functions in schema pg_temp to public;
update public.organizations set member_dm_enabled = true where slug = 'test-gym';

-- ============================ before: everyone sees the member =============================
select tests.authenticate_as('coach');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'before the block the coach sees the member''s profile');
select tests.authenticate_as('member2');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'and so does another member (member messaging on)');

-- the member blocks the coach and member2
select tests.authenticate_as('member');
select public.block_user(tests.get_organization_id('test-gym'), pg_temp.uid('coach'));
select public.block_user(tests.get_organization_id('test-gym'), pg_temp.uid('member2'));

-- ============================ the blocked coach ============================================
select tests.authenticate_as('coach');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$,
                'the blocked coach reads no profile row for the blocker');
select results_eq($$ select count(*) from public.profiles where id = pg_temp.uid('member') $$,
                  $$ select count(*) from public.profiles where id = pg_temp.uid('other_owner') $$,
                  'exactly the answer for someone of another organization');
select is_empty($$ select * from private.profile_cards(array[pg_temp.uid('member')]) $$,
                'the inbox''s profile cards leave the blocker out');
select is_empty($$ select * from public.memberships where user_id = pg_temp.uid('member') $$,
                'the member list has no row for the blocker (not even a nameless one)');
select is((select count(*)::int from public.memberships where organization_id = tests.get_organization_id('test-gym')), 4,
          'the rest of the member list is unchanged (owner, admin, coach, member2)');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member2')), 1, 'the coach still sees other members');

-- ============================ the blocked member ===========================================
select tests.authenticate_as('member2');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$,
                'the blocked member reads no profile row for the blocker');
select is_empty($$ select * from private.profile_cards(array[pg_temp.uid('member')]) $$, 'nor a profile card');
select is_empty($$ select * from public.memberships where user_id = pg_temp.uid('member') $$, 'nor a membership row');

-- ============================ everyone else ================================================
select tests.authenticate_as('member');
select is((select count(*)::int from public.profiles where id in (pg_temp.uid('coach'), pg_temp.uid('member2'))), 2,
          'the blocker still sees the people they blocked');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'the owner (not blocked) still sees the member');
select is((select count(*)::int from private.profile_cards(array[pg_temp.uid('member')])), 1, 'and their card');
select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$, 'another organization''s coach never saw it');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.profiles where id = pg_temp.uid('member') $$, 'anon reads no profile');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'the service role sees everything');

-- ============================ unblock restores =============================================
select tests.authenticate_as('member');
select public.unblock_user(pg_temp.uid('coach'));
select tests.authenticate_as('coach');
select is((select count(*)::int from public.profiles where id = pg_temp.uid('member')), 1, 'after the unblock the coach sees the profile again');
select is((select count(*)::int from public.memberships where user_id = pg_temp.uid('member')), 1, 'and the membership row');

select * from finish();
rollback;
