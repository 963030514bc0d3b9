-- 601-results-cards-definer: private.result_cards runs as definer (so per-card lookups are key
-- probes, not RLS-filtered table hashes) and must therefore apply the workout_results select rule
-- itself: a card only for the athlete's own result or for staff of its organization, for every actor.
begin;
select plan(10);

select tests.create_standard_actors();
select tests.use_ids();

-- A result of the member on a workout of test-gym, with one movement and a record.
select tests.authenticate_as('coach');
with x as (insert into public.workouts (organization_id, title, created_by)
           values (tests.get_organization_id('test-gym'), 'Deadlift Day', tests.get_user_id('coach')) returning id)
insert into ids select 'workout', id from x;
with x as (insert into public.workout_sections (workout_id, title) values ((select id from ids where name = 'workout'), 'Strength') returning id)
insert into ids select 'section', id from x;
with x as (insert into public.workout_movements (section_id, position, name, sets, reps, load, load_unit)
           values ((select id from ids where name = 'section'), 0, 'Deadlift', 3, 5, 120, 'kg') returning id)
insert into ids select 'movement', id from x;
-- Staff log it for the athlete (the athlete logs against assignments; that path is tested in 600).
with x as (insert into public.workout_results (organization_id, user_id, workout_id, performed_at, movement_results)
           values (tests.get_organization_id('test-gym'), tests.get_user_id('member'), (select id from ids where name = 'workout'),
                   '2026-12-07 18:00+00',
                   jsonb_build_array(jsonb_build_object('movement_id', (select id from ids where name = 'movement'),
                                                        'load_unit', 'kg', 'load', 140, 'reps', 5))) returning id)
insert into ids select 'result', id from x;

create temp view card as
  select private.result_cards(array[(select id from ids where name = 'result')]) as c;
grant select on card to public;

select tests.authenticate_as('member');
select is((select c #>> '{0,movements,0,name}' from card), 'Deadlift', 'the athlete sees the card of their own result, with its movement');
select is((select c #>> '{0,records,0,best_load}' from card), '140.00', 'the card carries the record the result set');
select tests.authenticate_as('coach');
select is((select jsonb_array_length(c) from card), 1, 'a coach of the organization sees the card');
select is((select c #>> '{0,workout_title}' from card), 'Deadlift Day', 'the card names the workout');
select tests.authenticate_as('owner');
select is((select jsonb_array_length(c) from card), 1, 'the owner sees the card');
select tests.authenticate_as('member2');
select is((select c from card), '[]'::jsonb, 'another member of the organization gets no card for someone else''s result');
select tests.authenticate_as('outsider');
select is((select c from card), '[]'::jsonb, 'an outsider gets no card');
select tests.authenticate_as('other_coach');
select is((select c from card), '[]'::jsonb, 'another organization''s coach gets no card');
select tests.authenticate_as_anon();
select throws_ok('select private.result_cards(array[gen_random_uuid()])', '42501', null, 'anon cannot call result_cards');
select tests.authenticate_as_service_role();
select is((select c from card), '[]'::jsonb, 'the service role (no user, no staff organization) gets no card through it');

select * from finish();
rollback;
