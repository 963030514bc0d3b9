-- 203-messaging-realtime: the RLS policies on realtime.messages, checked the way the realtime
-- server checks them (realtime.topic() set, probe rows read back = may listen; an insert that
-- passes = may send), for every topic the app uses (user:<id>, dm:<org>:<low>:<high>, org:<id>,
-- assignment:<id>) and every actor.
begin;
select plan(34);

select tests.create_standard_actors();
select tests.create_user('social_owner');
insert into public.organizations (name, slug, time_zone, member_dm_enabled, created_by)
values ('Social Gym', 'social-gym', 'UTC', true, tests.get_user_id('social_owner'));
select tests.add_member(tests.get_organization_id('social-gym'), 'social_owner', 'owner');
select tests.add_member(tests.get_organization_id('social-gym'), 'member', 'member');
select tests.add_member(tests.get_organization_id('social-gym'), 'member2', 'member');

create function pg_temp.dm(p_org text, p_a text, p_b text) returns text language sql as $$
  select 'dm:' || tests.get_organization_id(p_org) || ':'
      || least(tests.get_user_id(p_a), tests.get_user_id(p_b)) || ':' || greatest(tests.get_user_id(p_a), tests.get_user_id(p_b));
$$;
-- may the current role receive this extension on the topic? (probe rows exist for every topic used)
create function pg_temp.can_listen(p_topic text, p_extension text default 'broadcast') returns boolean language plpgsql as $$
declare v_ok boolean;
begin
  perform set_config('realtime.topic', p_topic, true);
  select exists (select 1 from realtime.messages m where m.topic = p_topic and m.extension = p_extension and m.event = 'probe') into v_ok;
  return v_ok;
end;
$$;
create function pg_temp.can_send(p_topic text, p_extension text default 'broadcast') returns boolean language plpgsql as $$
begin
  perform set_config('realtime.topic', p_topic, true);
  insert into realtime.messages (topic, extension, payload, event, private) values (p_topic, p_extension, '{}', 'typing', true);
  return true;
exception when insufficient_privilege then
  return false;
end;
$$;

select tests.clear_authentication();
insert into public.workout_assignments (organization_id, user_id, kind, date, published, assigned_by)
values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), 'rest', current_date, true, tests.get_user_id('coach'));
select a.id as assignment from public.workout_assignments a where a.user_id = tests.get_user_id('member') \gset
insert into realtime.messages (topic, extension, payload, event, private)
select t, e, '{}', 'probe', true
  from unnest(array['user:' || tests.get_user_id('member'), 'org:' || tests.get_organization_id('test-gym'),
                    pg_temp.dm('test-gym', 'coach', 'member'), pg_temp.dm('test-gym', 'member', 'member2'),
                    pg_temp.dm('social-gym', 'member', 'member2'), 'assignment:' || :'assignment', 'room-1',
                    'dm:' || tests.get_organization_id('test-gym') || ':' || greatest(tests.get_user_id('coach'), tests.get_user_id('member'))
                          || ':' || least(tests.get_user_id('coach'), tests.get_user_id('member'))]) t,
       unnest(array['broadcast', 'presence']) e;

-- user:<id>
select tests.authenticate_as('member');
select ok(pg_temp.can_listen('user:' || tests.get_user_id('member')), 'a person listens to their own user topic');
select ok(not pg_temp.can_send('user:' || tests.get_user_id('member')), 'but cannot send on it (only the database does)');
select tests.authenticate_as('coach');
select ok(not pg_temp.can_listen('user:' || tests.get_user_id('member')), 'nobody else listens to it, not even their coach');
select tests.authenticate_as_anon();
select ok(not pg_temp.can_listen('user:' || tests.get_user_id('member')), 'anon listens to nothing');
select ok(not pg_temp.can_send('org:' || tests.get_organization_id('test-gym'), 'presence'), 'anon tracks no presence');

-- org:<id>
select tests.authenticate_as('member');
select ok(pg_temp.can_listen('org:' || tests.get_organization_id('test-gym'), 'presence'), 'a member sees the organization''s presence');
select ok(pg_temp.can_send('org:' || tests.get_organization_id('test-gym'), 'presence'), 'and tracks their own');
select ok(not pg_temp.can_send('org:' || tests.get_organization_id('test-gym'), 'broadcast'), 'but cannot broadcast to the whole organization');
select tests.authenticate_as('coach');
select ok(pg_temp.can_listen('org:' || tests.get_organization_id('test-gym'), 'presence'), 'staff see presence');
select tests.authenticate_as('outsider');
select ok(not pg_temp.can_listen('org:' || tests.get_organization_id('test-gym'), 'presence'), 'an outsider does not');
select ok(not pg_temp.can_send('org:' || tests.get_organization_id('test-gym'), 'presence'), 'nor tracks presence there');
select tests.authenticate_as('other_coach');
select ok(not pg_temp.can_listen('org:' || tests.get_organization_id('test-gym'), 'presence'), 'nor another organization''s coach');

-- dm:<org>:<low>:<high>
select tests.authenticate_as('coach');
select ok(pg_temp.can_listen(pg_temp.dm('test-gym', 'coach', 'member')), 'the coach listens to their DM topic with the member');
select ok(pg_temp.can_send(pg_temp.dm('test-gym', 'coach', 'member')), 'and sends typing on it');
select ok(not pg_temp.can_listen('dm:' || tests.get_organization_id('test-gym') || ':' || greatest(tests.get_user_id('coach'), tests.get_user_id('member'))
                                 || ':' || least(tests.get_user_id('coach'), tests.get_user_id('member'))),
          'only the canonical order (lower id first) is a topic');
select tests.authenticate_as('member');
select ok(pg_temp.can_listen(pg_temp.dm('test-gym', 'coach', 'member')), 'the member listens too');
select ok(pg_temp.can_send(pg_temp.dm('test-gym', 'coach', 'member')), 'and types');
select ok(not pg_temp.can_listen(pg_temp.dm('test-gym', 'member', 'member2')), 'no member-to-member topic where member messaging is off');
select ok(pg_temp.can_listen(pg_temp.dm('social-gym', 'member', 'member2')), 'but there is one where it is on');
select tests.authenticate_as('member2');
select ok(not pg_temp.can_listen(pg_temp.dm('test-gym', 'coach', 'member')), 'a third person cannot listen to a DM topic');
select ok(not pg_temp.can_send(pg_temp.dm('test-gym', 'coach', 'member')), 'nor type on it');
select ok(pg_temp.can_send(pg_temp.dm('social-gym', 'member', 'member2')), 'member2 types to member where allowed');
select tests.authenticate_as('owner');
select ok(not pg_temp.can_listen(pg_temp.dm('test-gym', 'coach', 'member')), 'not even the owner listens to others'' DMs');
select tests.authenticate_as('member');
select lives_ok(format('select public.block_user(%L, %L)', tests.get_organization_id('social-gym'), tests.get_user_id('member2')), 'member blocks member2');
select ok(not pg_temp.can_listen(pg_temp.dm('social-gym', 'member', 'member2')), 'the blocker leaves the DM topic');
select tests.authenticate_as('member2');
select ok(not pg_temp.can_listen(pg_temp.dm('social-gym', 'member', 'member2')), 'and the blocked person cannot listen');
select ok(not pg_temp.can_send(pg_temp.dm('social-gym', 'member', 'member2')), 'nor type to the blocker');

-- assignment:<id>
select tests.authenticate_as('member');
select ok(pg_temp.can_listen('assignment:' || :'assignment'), 'the athlete listens to their assignment thread');
select ok(pg_temp.can_send('assignment:' || :'assignment'), 'and types on it');
select tests.authenticate_as('coach');
select ok(pg_temp.can_listen('assignment:' || :'assignment'), 'the organization''s staff listen');
select tests.authenticate_as('member2');
select ok(not pg_temp.can_listen('assignment:' || :'assignment'), 'another member does not');
select tests.authenticate_as('other_coach');
select ok(not pg_temp.can_listen('assignment:' || :'assignment'), 'nor another organization''s coach');

-- anything else
select tests.authenticate_as('member');
select ok(not pg_temp.can_listen('room-1'), 'an unknown topic is closed');
select ok(not pg_temp.can_send('room-1'), 'for sending too');

select * from finish();
rollback;
