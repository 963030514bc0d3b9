-- 004-invitations: inviting, accepting, expiry, reuse, revocation and who sees invitations.
begin;
select plan(26);

select tests.create_standard_actors();
select tests.create_user('newcomer', 'newcomer@example.com');
select tests.create_user('latecomer', 'latecomer@example.com');

create temp table invite_tokens (name text primary key, token text, id uuid);
grant all on invite_tokens to public;

-- inviting
select tests.authenticate_as('admin');
insert into invite_tokens select 'newcomer', token, id from public.invite_member(tests.get_organization_id('test-gym'), '  NewComer@Example.com ', 'coach');
select is((select email || ' ' || role from public.invitations), 'newcomer@example.com coach',
          'an admin invites an email (normalized) with a role');
select is((select expires_at - created_at from public.invitations), interval '7 days', 'invitations expire after 7 days');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'),
                        (select email from pg_temp.tests_users where identifier = 'member'), 'member'),
                 'PT409', format('%s is already a member of this organization.',
                                 (select email from pg_temp.tests_users where identifier = 'member')),
                 'inviting an existing member is refused');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'), 'x@y.dev', 'owner'),
                 'PT403', 'Only an owner can invite another owner.', 'an admin cannot invite an owner');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'), 'not an email', 'member'),
                 'PT422', 'Enter a valid email address.', 'a malformed email is refused');
select tests.authenticate_as('coach');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'), 'x@y.dev', 'member'),
                 'PT403', 'Only owners and admins can invite people.', 'a coach cannot invite');
select is_empty($$ select * from public.invitations $$, 'a coach does not see invitations');
select tests.authenticate_as('member');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'), 'x@y.dev', 'member'),
                 'PT403', 'Only owners and admins can invite people.', 'a member cannot invite');
select is_empty($$ select * from public.invitations $$, 'a member does not see invitations');
select tests.authenticate_as('other_owner');
select throws_ok(format('select public.invite_member(%L, %L, %L)', tests.get_organization_id('test-gym'), 'x@y.dev', 'member'),
                 'PT404', 'That organization does not exist or you are not in it.', 'another organization''s owner cannot invite here');
select is_empty($$ select * from public.invitations $$, 'another organization''s owner does not see test-gym invitations');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.invitations), 1, 'the owner sees the organization''s invitations');
select throws_ok($$ update public.invitations set role = 'owner' $$, '42501', 'permission denied for table invitations',
                 'invitations cannot be edited directly');

-- accepting
select tests.authenticate_as('newcomer');
select is((select status from public.get_invitation((select token from invite_tokens where name = 'newcomer'))), 'pending',
          'the invited person can look at the invitation before accepting');
select is((select role::text from public.accept_invitation((select token from invite_tokens where name = 'newcomer'))), 'coach',
          'accepting the token makes them a member with the invited role');
select results_eq($$ select slug from public.organizations $$, array['test-gym'], 'the newcomer now sees the organization');
select tests.authenticate_as('latecomer');
select throws_ok(format('select public.accept_invitation(%L)', (select token from invite_tokens where name = 'newcomer')),
                 'PT409', 'This invitation has already been used.', 'a used token cannot be used again');
select throws_ok($$ select public.accept_invitation('no-such-token') $$, 'PT404', 'This invitation link is not valid.',
                 'an unknown token is not found');

-- expiry and revocation
select tests.authenticate_as('owner');
insert into invite_tokens select 'late', token, id from public.invite_member(tests.get_organization_id('test-gym'), 'latecomer@example.com', 'member');
select tests.clear_authentication();
update public.invitations set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
 where id = (select id from invite_tokens where name = 'late');
select tests.authenticate_as('latecomer');
select throws_ok(format('select public.accept_invitation(%L)', (select token from invite_tokens where name = 'late')),
                 'PT409', 'This invitation has expired: ask for a new one.', 'an expired token is refused');
select tests.authenticate_as('owner');
insert into invite_tokens select 'again', token, id from public.invite_member(tests.get_organization_id('test-gym'), 'latecomer@example.com', 'member');
select ok((select revoked_at is not null from public.invitations where id = (select id from invite_tokens where name = 'late')),
          'inviting the same email again revokes the pending invitation');
select is((select revoked_at is not null from public.revoke_invitation((select id from invite_tokens where name = 'again'))), true,
          'an owner revokes an invitation');
select tests.authenticate_as('latecomer');
select throws_ok(format('select public.accept_invitation(%L)', (select token from invite_tokens where name = 'again')),
                 'PT409', 'This invitation was withdrawn: ask for a new one.', 'a revoked token is refused');
select is_empty($$ select * from public.organizations $$, 'nothing changed for the latecomer after refused tokens');

-- already a member
select tests.authenticate_as('owner');
insert into invite_tokens select 'member', token, id from public.invite_member(tests.get_organization_id('test-gym'), 'someone@example.com', 'member');
select tests.authenticate_as('member');
select throws_ok(format('select public.accept_invitation(%L)', (select token from invite_tokens where name = 'member')),
                 'PT409', 'You are already a member of this organization.', 'someone already in the organization cannot accept again');
select tests.authenticate_as_anon();
select throws_ok(format('select public.accept_invitation(%L)', (select token from invite_tokens where name = 'member')),
                 '42501', 'permission denied for function accept_invitation', 'anon cannot accept invitations');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_logs where entity_type = 'invitation'), 6,
          'invitations created, accepted and revoked are audited');

select * from finish();
rollback;
