-- 008-audit: audit_logs are written only by functions, visible to staff of the organization,
-- and append-only for everyone, the table owner included.
begin;
select plan(13);

select tests.create_standard_actors();
select tests.authenticate_as('owner');
select public.change_member_role(tests.get_membership_id('test-gym', 'member'), 'coach');
select tests.authenticate_as('other_owner');
select public.change_member_role(tests.get_membership_id('other-gym', 'other_coach'), 'admin');

select tests.authenticate_as('coach');
select is((select count(*)::int from public.audit_logs), 1, 'a coach sees their organization''s audit entries only');
select is((select actor_id from public.audit_logs), tests.get_user_id('owner'), 'the entry names who acted');
select is((select details ->> 'role' from public.audit_logs), 'coach', 'the entry carries the details');
select throws_ok($$ insert into public.audit_logs (organization_id, action, entity_type) values (tests.get_organization_id('test-gym'), 'fake.entry', 'membership') $$,
                 '42501', 'permission denied for table audit_logs', 'staff cannot write audit entries directly');
select throws_ok($$ update public.audit_logs set action = 'rewritten.history' $$,
                 '42501', 'permission denied for table audit_logs', 'staff cannot rewrite audit entries');
select throws_ok($$ delete from public.audit_logs $$,
                 '42501', 'permission denied for table audit_logs', 'staff cannot delete audit entries');
select throws_ok($$ select private.write_audit(tests.get_organization_id('test-gym'), 'fake.entry', 'membership', null) $$,
                 '42501', 'permission denied for function write_audit', 'clients cannot call the audit writer');

select tests.authenticate_as('member2');
select is_empty($$ select * from public.audit_logs $$, 'members do not see audit entries');
select tests.authenticate_as('outsider');
select is_empty($$ select * from public.audit_logs $$, 'outsiders do not see audit entries');
select tests.authenticate_as_anon();
select is_empty($$ select * from public.audit_logs $$, 'anon does not see audit entries');

select tests.clear_authentication();
select throws_ok($$ update public.audit_logs set action = 'rewritten.history' $$,
                 'PT403', 'Audit log entries cannot be changed or deleted.', 'even the table owner cannot update an entry');
select throws_ok($$ delete from public.audit_logs $$,
                 'PT403', 'Audit log entries cannot be changed or deleted.', 'even the table owner cannot delete an entry');
select throws_ok($$ truncate public.audit_logs $$,
                 'PT403', 'Audit log entries cannot be changed or deleted.', 'even the table owner cannot truncate the log');

select * from finish();
rollback;
