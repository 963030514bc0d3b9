-- 401-invitation-recipient: an invitation addressed to an email is accepted only by that email's
-- account (case-insensitive), with a message naming both; the page's data says whether it is for
-- the caller and masks the address otherwise; link invitations are made on purpose (owner/admin),
-- accepted by anyone holding them, and expire (invitee, other account, member, coach, admin,
-- owner, other organization's owner, anon, service role).
begin;
select plan(22);

select tests.create_standard_actors();
select null from tests.create_user('invitee', 'Invitee.Person@Example.com');
select null from tests.create_user('thief', 'thief@example.net');
select null from tests.create_user('linked', 'linked@example.org');

create temp table toks (name text primary key, token text, id uuid);
grant all on toks to public;

select tests.authenticate_as('admin');
insert into toks select 'addressed', token, id from public.invite_member(tests.get_organization_id('test-gym'), 'invitee.person@example.com', 'coach');

-- the wrong account holding the link
select tests.authenticate_as('thief');
select is((select for_you::text || ' ' || email || ' ' || signed_in_as from public.get_invitation((select token from toks where name = 'addressed'))),
          'false i…@example.com thief@example.net',
          'another account sees that the invitation is not theirs, the address masked');
select throws_ok(format('select public.accept_invitation(%L)', (select token from toks where name = 'addressed')),
                 'PT403',
                 'This invitation is for i…@example.com; you are signed in as thief@example.net. Sign in with the invited email, or ask for an invitation to yours.',
                 'another account cannot accept an invitation addressed to someone else');
select is_empty($$ select * from public.organizations $$, '... and did not join');
select tests.authenticate_as('other_owner');
select throws_ok(format('select public.accept_invitation(%L)', (select token from toks where name = 'addressed')),
                 'PT403', null, 'another organization''s owner cannot accept it either');
select tests.authenticate_as_anon();
select throws_ok(format('select public.get_invitation(%L)', (select token from toks where name = 'addressed')),
                 '42501', 'permission denied for function get_invitation', 'anon cannot look behind a token');

-- the invited account, whatever the case of its email
select tests.authenticate_as('invitee');
select is((select for_you::text || ' ' || email from public.get_invitation((select token from toks where name = 'addressed'))),
          'true invitee.person@example.com', 'the invited account sees it is for them, in full');
select is((select role::text from public.accept_invitation((select token from toks where name = 'addressed'))), 'coach',
          'the invited account accepts (emails compared case-insensitively)');

-- link invitations: deliberate, owner/admin only, expiring
select tests.authenticate_as('coach');
select throws_ok(format('select public.create_invitation_link(%L)', tests.get_organization_id('test-gym')),
                 'PT403', 'Only owners and admins can invite people.', 'a coach cannot make a link invitation');
select tests.authenticate_as('member');
select throws_ok(format('select public.create_invitation_link(%L)', tests.get_organization_id('test-gym')),
                 'PT403', 'Only owners and admins can invite people.', 'a member cannot make a link invitation');
select tests.authenticate_as('other_owner');
select throws_ok(format('select public.create_invitation_link(%L)', tests.get_organization_id('test-gym')),
                 'PT404', 'That organization does not exist or you are not in it.', 'another organization''s owner cannot make one here');
select tests.authenticate_as('admin');
select throws_ok(format('select public.create_invitation_link(%L, %L)', tests.get_organization_id('test-gym'), 'owner'),
                 'PT403', 'Only an owner can invite another owner.', 'an admin cannot make an owner link');
select throws_ok(format('select public.create_invitation_link(%L, %L, %L)', tests.get_organization_id('test-gym'), 'member', '30 days'),
                 'PT422', 'A link invitation is valid for between 1 hour and 7 days.', 'a link cannot live longer than 7 days');
insert into toks select 'link', token, id from public.create_invitation_link(tests.get_organization_id('test-gym'), 'member', '2 days');
select is((select email is null and expires_at - created_at = interval '2 days' from public.invitations where id = (select id from toks where name = 'link')),
          true, 'an admin makes a link invitation for nobody in particular, expiring as asked');
select tests.authenticate_as('owner');
insert into toks select 'link_old', token, id from public.create_invitation_link(tests.get_organization_id('test-gym'));
select is((select expires_at - created_at from public.invitations where id = (select id from toks where name = 'link_old')), interval '7 days',
          'an owner''s link invitation expires after 7 days by default');
select tests.clear_authentication();
select throws_ok($$ insert into public.invitations (organization_id, role, invited_by, expires_at)
                    values (tests.get_organization_id('test-gym'), 'member', tests.get_user_id('owner'), now() + interval '30 days') $$,
                 '23514', null, 'even the database itself refuses a link invitation living longer than 7 days');

select tests.authenticate_as('linked');
select is((select for_you::text || ' ' || coalesce(email, '(anyone)') from public.get_invitation((select token from toks where name = 'link'))),
          'true (anyone)', 'a link invitation is for whoever holds it');
select is((select role::text from public.accept_invitation((select token from toks where name = 'link'))), 'member',
          'anyone holding a link invitation may accept it');
select tests.authenticate_as('thief');
select throws_ok(format('select public.accept_invitation(%L)', (select token from toks where name = 'link')),
                 'PT409', 'This invitation has already been used.', 'a link invitation is used once');

select tests.clear_authentication();
update public.invitations set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
 where id = (select id from toks where name = 'link_old');
select tests.authenticate_as('thief');
select throws_ok(format('select public.accept_invitation(%L)', (select token from toks where name = 'link_old')),
                 'PT409', 'This invitation has expired: ask for a new one.', 'a link invitation expires');
select is_empty($$ select * from public.organizations $$, 'the other account never joined');

-- the service role is not an account with an email
select tests.authenticate_as_service_role();
select throws_ok(format('select public.accept_invitation(%L)', (select token from toks where name = 'link_old')),
                 '42501', 'permission denied for function accept_invitation', 'the service role cannot accept invitations');
select tests.clear_authentication();
select is((select count(*)::int from public.audit_logs where entity_type = 'invitation' and action = 'invitation.created' and details ->> 'link' = 'true'), 2,
          'link invitations are audited as such');

select * from finish();
rollback;
