-- 002-organizations: creating organizations and who may see and change them.
begin;
select plan(28);

select tests.create_standard_actors();
select tests.rls_enabled('public');

-- creating an organization
select tests.authenticate_as('outsider');
select is((select slug from public.create_organization('Outsider Barbell', 'outsider-barbell', 'Pacific/Auckland')),
          'outsider-barbell', 'any signed-in person can create an organization');
select is((select role::text from public.memberships where user_id = tests.get_user_id('outsider')
            and organization_id = tests.get_organization_id('outsider-barbell')),
          'owner', 'the creator becomes its owner');
select is((select count(*)::int from public.organizations), 1, 'the outsider now sees exactly their own organization');
select throws_ok($$ select public.create_organization('Copycat', 'test-gym', 'UTC') $$, 'PT409',
                 'The address "test-gym" is already taken: choose another.', 'a duplicate slug is refused with slug_taken');
select throws_ok($$ select public.create_organization(repeat('x', 121), 'long-name', 'UTC') $$, 'PT422',
                 'The organization name must be 1 to 120 characters.', 'an overlong name is refused');
select throws_ok($$ select public.create_organization('   ', 'blank-name', 'UTC') $$, 'PT422',
                 'The organization name must be 1 to 120 characters.', 'a blank name is refused');
select throws_ok($$ select public.create_organization('Bad slug', '-Bad Slug-', 'UTC') $$, 'PT422',
                 'The address must be 3 to 48 lowercase letters, digits or hyphens, not starting or ending with a hyphen.',
                 'a slug with spaces and hyphen ends is refused');
select throws_ok($$ select public.create_organization('Bad zone', 'bad-zone', 'Mars/Olympus') $$, 'PT422',
                 'Unknown time zone "Mars/Olympus": use a name such as Europe/London.', 'an unknown time zone is refused');
select is((select name from public.create_organization('<script>alert(1)</script>', 'script-gym', 'UTC')),
          '<script>alert(1)</script>', 'script in a name is stored as-is (rendered as text by the app)');
select is((select slug from public.create_organization('Upper', '  UPPER-case ', 'UTC')), 'upper-case',
          'slugs are trimmed and lowercased');

-- reading
select tests.authenticate_as('member');
select results_eq($$ select slug from public.organizations $$, array['test-gym'],
                  'a member sees their organization and no other');
select tests.authenticate_as('other_coach');
select results_eq($$ select slug from public.organizations $$, array['other-gym'],
                  'another organization''s coach does not see test-gym');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.organizations $$, 'anon sees no organizations');
select throws_ok($$ select public.create_organization('Anon Gym', 'anon-gym', 'UTC') $$, '42501',
                 'permission denied for function create_organization', 'anon cannot create an organization');

-- changing
select tests.authenticate_as('admin');
update public.organizations set name = 'Test Gym & Co', member_dm_enabled = true where slug = 'test-gym';
select tests.clear_authentication();
select is((select name from public.organizations where slug = 'test-gym'), 'Test Gym & Co', 'an admin can rename the organization');

select tests.authenticate_as('coach');
update public.organizations set name = 'Coach was here' where slug = 'test-gym';
select tests.authenticate_as('member');
update public.organizations set name = 'Member was here' where slug = 'test-gym';
select tests.authenticate_as('other_owner');
update public.organizations set name = 'Other owner was here' where slug = 'test-gym';
select tests.clear_authentication();
select is((select name from public.organizations where slug = 'test-gym'), 'Test Gym & Co',
          'coaches, members and other organizations'' owners cannot rename it (no rows match)');

select tests.authenticate_as('owner');
select throws_ok($$ update public.organizations set time_zone = 'Nowhere/Land' where slug = 'test-gym' $$, '23514', null,
                 'an invalid time zone is refused by the check constraint');
select throws_ok($$ update public.organizations set slug = 'other-gym' where slug = 'test-gym' $$, '23505', null,
                 'taking another organization''s slug is refused');
select throws_ok($$ update public.organizations set created_by = null where slug = 'test-gym' $$, '42501',
                 'permission denied for table organizations', 'created_by is not a column clients may change');
select throws_ok($$ insert into public.organizations (name, slug) values ('Direct', 'direct') $$, '42501',
                 'permission denied for table organizations', 'organizations cannot be inserted directly (use create_organization)');
select throws_ok($$ delete from public.organizations where slug = 'test-gym' $$, '42501',
                 'permission denied for table organizations', 'not even the owner deletes an organization with SQL');

-- profiles
select tests.authenticate_as('member');
select results_eq($$ select display_name from public.profiles order by display_name $$,
                  array['admin', 'coach', 'member', 'member2', 'owner'],
                  'with member messaging on, a member sees everyone in their organization and nobody else');
select tests.authenticate_as('other_coach');
select results_eq($$ select display_name from public.profiles order by display_name $$,
                  array['other_coach', 'other_owner'], 'staff see the people of their organization only');
select tests.authenticate_as('member');
update public.profiles set display_name = 'Mia Member', time_zone = 'Pacific/Auckland' where id = tests.get_user_id('member');
update public.profiles set display_name = 'Hacked' where id = tests.get_user_id('coach');
select tests.clear_authentication();
select is((select display_name || ' ' || time_zone from public.profiles where id = tests.get_user_id('member')),
          'Mia Member Pacific/Auckland', 'a person edits their own profile');
select is((select display_name from public.profiles where id = tests.get_user_id('coach')), 'coach',
          'nobody edits someone else''s profile');
select tests.authenticate_as('member');
select throws_ok($$ update public.profiles set deleted_at = now() where id = tests.get_user_id('member') $$, '42501',
                 'permission denied for table profiles', 'a person cannot tombstone themselves with SQL');
select tests.clear_authentication();
delete from auth.users where id = tests.get_user_id('member2');
select is((select display_name || ' ' || is_tombstone from public.profiles where id = tests.get_user_id('member2')),
          'Deleted user true', 'deleting the login leaves a "Deleted user" tombstone with the same id');

select * from finish();
rollback;
