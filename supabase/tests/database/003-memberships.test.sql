-- 003-memberships: who sees whom, role changes, removal and the "always an owner" rule.
begin;
select plan(30);

select tests.create_standard_actors();

-- reading memberships
select tests.authenticate_as('member');
select results_eq($$ select p.display_name from public.memberships m join public.profiles p on p.id = m.user_id order by 1 $$,
                  array['admin', 'coach', 'member', 'owner'],
                  'a member sees their own membership and the staff, not other members (member messaging off)');
select is_empty($$ select * from public.profiles where id = tests.get_user_id('member2') $$,
                'a member does not see another member''s profile when member messaging is off');
select tests.authenticate_as('coach');
select is((select count(*)::int from public.memberships), 5, 'a coach sees every membership of their organization');
select tests.authenticate_as('outsider');
select is_empty($$ select * from public.memberships $$, 'an outsider sees no memberships');
select tests.authenticate_as('other_coach');
select is_empty($$ select * from public.memberships where organization_id = tests.get_organization_id('test-gym') $$,
                'another organization''s coach sees none of test-gym''s memberships');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.memberships $$, 'anon sees no memberships');

-- direct writes are closed
select tests.authenticate_as('owner');
select throws_ok($$ insert into public.memberships (organization_id, user_id, role)
                    values (tests.get_organization_id('test-gym'), tests.get_user_id('outsider'), 'member') $$,
                 '42501', 'permission denied for table memberships', 'even an owner cannot insert memberships directly');
select throws_ok($$ update public.memberships set role = 'owner' where user_id = tests.get_user_id('member') $$,
                 '42501', 'permission denied for table memberships', 'memberships cannot be updated directly');
select throws_ok($$ delete from public.memberships where user_id = tests.get_user_id('member') $$,
                 '42501', 'permission denied for table memberships', 'memberships cannot be deleted directly');

-- changing roles
select tests.authenticate_as('admin');
select is((select role::text from public.change_member_role(tests.get_membership_id('test-gym', 'member'), 'coach')),
          'coach', 'an admin promotes a member to coach');
select is((select count(*)::int from public.audit_logs where action = 'membership.role_changed'), 1,
          'the role change is in the audit log');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'coach'), 'owner'),
                 'PT403', 'Only an owner can make or unmake owners.', 'an admin cannot make an owner');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'owner'), 'member'),
                 'PT403', 'Only an owner can make or unmake owners.', 'an admin cannot demote an owner');
select tests.authenticate_as('coach');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'member2'), 'coach'),
                 'PT403', 'Only owners and admins can change roles.', 'a coach cannot change roles');
select tests.authenticate_as('member2');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'member2'), 'admin'),
                 'PT403', 'Only owners and admins can change roles.', 'a member cannot promote themselves');
select tests.authenticate_as('other_owner');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'member2'), 'coach'),
                 'PT404', 'That membership does not exist or is not yours to see.',
                 'another organization''s owner gets not-found');
select tests.authenticate_as('owner');
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'owner'), 'admin'),
                 'PT409', 'An organization must keep at least one owner: make someone else owner first.',
                 'the last owner cannot step down');
select lives_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'admin'), 'owner'),
                'an owner makes an admin a second owner');
select lives_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'owner'), 'admin'),
                'with a second owner in place, the first may step down');
select tests.authenticate_as_anon();
select throws_ok(format('select public.change_member_role(%L, %L)', tests.get_membership_id('test-gym', 'member2'), 'coach'),
                 '42501', 'permission denied for function change_member_role', 'anon cannot change roles');

-- removing people
select tests.authenticate_as('coach');
select throws_ok(format('select public.remove_member(%L)', tests.get_membership_id('test-gym', 'member2')),
                 'PT403', 'Only owners and admins can remove people.', 'a coach cannot remove people');
select tests.authenticate_as('owner');   -- now an admin
select throws_ok(format('select public.remove_member(%L)', tests.get_membership_id('test-gym', 'admin')),
                 'PT403', 'Only an owner can remove an owner.', 'an admin cannot remove an owner');
select is((select status::text from public.remove_member(tests.get_membership_id('test-gym', 'member2'))), 'removed',
          'an admin removes a member');
select tests.authenticate_as('member2');
select is_empty($$ select * from public.organizations $$, 'a removed member no longer sees the organization');
select is((select count(*)::int from public.memberships where status = 'removed'), 1,
          'a removed member still sees their own past membership');
select tests.authenticate_as('member');   -- now a coach
select is((select status::text from public.remove_member(tests.get_membership_id('test-gym', 'member'))), 'removed',
          'anyone may leave an organization');
select tests.authenticate_as('admin');   -- now the only owner
select throws_ok(format('select public.remove_member(%L)', tests.get_membership_id('test-gym', 'admin')),
                 'PT409', 'An organization must keep at least one owner: make someone else owner first.',
                 'the last owner cannot leave');
select is((select count(*)::int from public.audit_logs where action in ('membership.removed', 'membership.left')), 2,
          'removals and departures are audited');

-- the invariant holds for postgres too
select tests.clear_authentication();
select throws_ok($$ update public.memberships set status = 'removed', removed_at = now()
                     where organization_id = tests.get_organization_id('other-gym') and role = 'owner' $$,
                 'PT409', 'An organization must keep at least one owner: make someone else owner first.',
                 'the last-owner rule holds even for the table owner');
select throws_ok($$ insert into public.memberships (organization_id, user_id, role)
                    values (tests.get_organization_id('test-gym'), tests.get_user_id('coach'), 'member') $$,
                 '23505', null, 'a person has at most one active membership per organization');

select * from finish();
rollback;
