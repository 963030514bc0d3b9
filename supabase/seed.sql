-- Coachline demo data: fixed ids, known logins. Every password is password123.
--
--   Northside Strength (slug northside, Europe/London, member messaging off)
--     owner      owner@coachline.dev           Olivia Hart
--     coach      coach.alex@coachline.dev      Alex Morgan
--     coach      coach.sam@coachline.dev       Sam Patel
--     athletes   athlete01@coachline.dev … athlete12@coachline.dev
--                (athlete03 lives in Pacific/Auckland, athlete07 in America/Los_Angeles,
--                 athlete11 in America/New_York; the rest follow the gym's Europe/London)
--   Harbour CrossFit (slug harbour, Australia/Sydney, member messaging on) — shows isolation
--     owner      owner@harbour.dev             Hana Walsh
--     coach      coach.jo@harbour.dev          Jo Rivera
--     members    kai@harbour.dev, lena@harbour.dev
--
-- Ids: people 10000000-0000-4000-8000-0000000000NN (Northside) and 20000000-… (Harbour),
-- organizations a0000000-…-00000000000N, programs b0000000-…, workouts c0000000-…; sections and
-- movements derive their ids from md5 of their position, so they are fixed too.

-- ============================================================================================
-- people: auth.users and auth.identities exactly as GoTrue writes them; profiles follow by trigger
-- ============================================================================================

create temp table seed_people (id uuid primary key, email text not null, display_name text not null, time_zone text)
  on commit drop;

insert into seed_people (id, email, display_name, time_zone) values
  ('10000000-0000-4000-8000-000000000001', 'owner@coachline.dev',      'Olivia Hart',   null),
  ('10000000-0000-4000-8000-000000000002', 'coach.alex@coachline.dev', 'Alex Morgan',   null),
  ('10000000-0000-4000-8000-000000000003', 'coach.sam@coachline.dev',  'Sam Patel',     null),
  ('10000000-0000-4000-8000-000000000101', 'athlete01@coachline.dev',  'Jamie Lee',     null),
  ('10000000-0000-4000-8000-000000000102', 'athlete02@coachline.dev',  'Priya Shah',    null),
  ('10000000-0000-4000-8000-000000000103', 'athlete03@coachline.dev',  'Tom Baker',     'Pacific/Auckland'),
  ('10000000-0000-4000-8000-000000000104', 'athlete04@coachline.dev',  'Chloe Evans',   null),
  ('10000000-0000-4000-8000-000000000105', 'athlete05@coachline.dev',  'Marcus Reid',   null),
  ('10000000-0000-4000-8000-000000000106', 'athlete06@coachline.dev',  'Ava Thompson',  null),
  ('10000000-0000-4000-8000-000000000107', 'athlete07@coachline.dev',  'Leo Garcia',    'America/Los_Angeles'),
  ('10000000-0000-4000-8000-000000000108', 'athlete08@coachline.dev',  'Isla Murray',   null),
  ('10000000-0000-4000-8000-000000000109', 'athlete09@coachline.dev',  'Noah Williams', null),
  ('10000000-0000-4000-8000-000000000110', 'athlete10@coachline.dev',  'Zara Ahmed',    null),
  ('10000000-0000-4000-8000-000000000111', 'athlete11@coachline.dev',  'Ethan Brooks',  'America/New_York'),
  ('10000000-0000-4000-8000-000000000112', 'athlete12@coachline.dev',  'Grace Kim',     null),
  ('20000000-0000-4000-8000-000000000001', 'owner@harbour.dev',        'Hana Walsh',    'Australia/Sydney'),
  ('20000000-0000-4000-8000-000000000002', 'coach.jo@harbour.dev',     'Jo Rivera',     null),
  ('20000000-0000-4000-8000-000000000101', 'kai@harbour.dev',          'Kai Tanaka',    null),
  ('20000000-0000-4000-8000-000000000102', 'lena@harbour.dev',         'Lena Fischer',  null);

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
  phone_change, phone_change_token, reauthentication_token,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
)
select '00000000-0000-0000-0000-000000000000', p.id, 'authenticated', 'authenticated', p.email,
       extensions.crypt('password123', extensions.gen_salt('bf')), now(),
       '', '', '', '', '', '', '', '',
       '{"provider":"email","providers":["email"]}'::jsonb,
       jsonb_build_object('display_name', p.display_name),
       false, now() - interval '90 days', now()
  from seed_people p;

insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select p.id, p.id::text, p.id,
       jsonb_build_object('sub', p.id::text, 'email', p.email, 'email_verified', true, 'phone_verified', false),
       'email', null, now() - interval '90 days', now()
  from seed_people p;

update public.profiles pr set time_zone = p.time_zone
  from seed_people p where p.id = pr.id and p.time_zone is not null;

-- ============================================================================================
-- organizations and memberships
-- ============================================================================================

insert into public.organizations (id, name, slug, time_zone, member_dm_enabled, created_by, created_at) values
  ('a0000000-0000-4000-8000-000000000001', 'Northside Strength', 'northside', 'Europe/London', false,
   '10000000-0000-4000-8000-000000000001', now() - interval '90 days'),
  ('a0000000-0000-4000-8000-000000000002', 'Harbour CrossFit', 'harbour', 'Australia/Sydney', true,
   '20000000-0000-4000-8000-000000000001', now() - interval '60 days');

insert into public.memberships (organization_id, user_id, role, created_at)
select case when p.id::text like '1%' then 'a0000000-0000-4000-8000-000000000001'::uuid
            else 'a0000000-0000-4000-8000-000000000002'::uuid end,
       p.id,
       case right(p.id::text, 3) when '001' then 'owner' when '002' then 'coach' when '003' then 'coach'
                                 else 'member' end::public.membership_role,
       now() - interval '80 days'
  from seed_people p;

-- A pending invitation, so the invitations screen has something to show.
insert into public.invitations (id, organization_id, email, role, token, invited_by, expires_at)
values ('e0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'new.athlete@coachline.dev',
        'member', 'demo-invitation-northside-0001', '10000000-0000-4000-8000-000000000001', now() + interval '7 days');

-- ============================================================================================
-- programs and enrollments (Northside: all three modes)
-- ============================================================================================

insert into public.programs (id, organization_id, name, mode, description, created_by) values
  ('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Strength Cycle', 'coaching',
   'Twelve weeks of squat, hinge and press, written per athlete.', '10000000-0000-4000-8000-000000000002'),
  ('b0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'Daily WOD', 'feed',
   'One workout a day for everyone, posted at 05:00.', '10000000-0000-4000-8000-000000000003'),
  ('b0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'CrossFit Classes', 'schedule',
   'The class timetable: what each class runs.', '10000000-0000-4000-8000-000000000003'),
  ('b0000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-000000000001', 'Competitor Track', 'coaching',
   'Extra engine and gymnastics volume for the competition team.', '10000000-0000-4000-8000-000000000002'),
  ('b0000000-0000-4000-8000-000000000011', 'a0000000-0000-4000-8000-000000000002', 'Harbour Classes', 'schedule',
   'Harbour''s class timetable.', '20000000-0000-4000-8000-000000000002');

insert into public.program_enrollments (id, program_id, user_id, enrolled_at, created_by)
select md5('enrollment:' || e.program_id || ':' || p.id)::uuid, e.program_id::uuid, p.id, now() - interval '60 days',
       '10000000-0000-4000-8000-000000000002'
  from seed_people p
  join (values
    ('b0000000-0000-4000-8000-000000000001', array['101', '102', '103', '104', '105', '106']),
    ('b0000000-0000-4000-8000-000000000002', array['101', '102', '103', '104', '105', '106', '107', '108', '109', '110', '111', '112']),
    ('b0000000-0000-4000-8000-000000000003', array['107', '108', '109', '110', '111', '112']),
    ('b0000000-0000-4000-8000-000000000004', array['101', '102', '103'])
  ) as e(program_id, suffixes) on right(p.id::text, 3) = any (e.suffixes) and p.id::text like '1%';

insert into public.program_enrollments (id, program_id, user_id, enrolled_at, created_by)
select md5('enrollment:harbour:' || p.id)::uuid, 'b0000000-0000-4000-8000-000000000011', p.id, now() - interval '30 days',
       '20000000-0000-4000-8000-000000000002'
  from seed_people p where p.id::text like '2%' and right(p.id::text, 3) in ('101', '102');

-- ============================================================================================
-- the workout library: 20 Northside workouts, 3 Harbour ones, with sections and movements
-- ============================================================================================

-- [number, organization, author, title, description, sections: [{title, notes, movements: [
--   {name, sets, reps, rep_scheme, load, load_unit, time_seconds, distance_meters, notes}]}]]
create temp table seed_workouts (n int primary key, org uuid, author uuid, title text, description text, sections jsonb)
  on commit drop;

insert into seed_workouts values
(1, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Back Squat 5x5', 'Classic strength day: five heavy sets of five.',
 '[{"title":"Warm-up","movements":[{"name":"Row","time_seconds":300,"notes":"Easy pace"},{"name":"Goblet Squat","sets":2,"reps":10,"load":16,"load_unit":"kg"}]},
   {"title":"Strength","movements":[{"name":"Back Squat","sets":5,"reps":5,"load":75,"load_unit":"percent_1rm","notes":"Rest 2-3 minutes between sets"}]},
   {"title":"Accessory","movements":[{"name":"Walking Lunge","sets":3,"reps":20,"load":20,"load_unit":"kg"},{"name":"Plank","sets":3,"time_seconds":60}]}]'),
(2, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Deadlift Heavy Triples', 'Build to heavy triples, then posterior chain work.',
 '[{"title":"Strength","movements":[{"name":"Deadlift","sets":5,"reps":3,"load":85,"load_unit":"percent_1rm"}]},
   {"title":"Accessory","movements":[{"name":"Good Morning","sets":3,"reps":10,"load":40,"load_unit":"kg"},{"name":"Back Extension","sets":3,"reps":15,"load_unit":"bodyweight"}]}]'),
(3, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Fran', '21-15-9 for time. The benchmark everyone loves to hate.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Thruster","rep_scheme":"21-15-9","load":43,"load_unit":"kg"},{"name":"Pull-up","rep_scheme":"21-15-9"}]}]'),
(4, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Grace', '30 clean and jerks for time.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Clean and Jerk","reps":30,"load":61,"load_unit":"kg"}]}]'),
(5, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Helen', '3 rounds for time.',
 '[{"title":"Metcon","notes":"3 rounds for time","movements":[{"name":"Run","distance_meters":400},{"name":"Kettlebell Swing","reps":21,"load":24,"load_unit":"kg"},{"name":"Pull-up","reps":12}]}]'),
(6, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Cindy', 'AMRAP in 20 minutes.',
 '[{"title":"Metcon","notes":"AMRAP 20 minutes","movements":[{"name":"Pull-up","reps":5},{"name":"Push-up","reps":10},{"name":"Air Squat","reps":15}]}]'),
(7, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Murph', 'Hero workout. Partition the middle as needed; wear a vest if you have one.',
 '[{"title":"Hero WOD","notes":"For time","movements":[{"name":"Run","distance_meters":1600},{"name":"Pull-up","reps":100},{"name":"Push-up","reps":200},{"name":"Air Squat","reps":300},{"name":"Run","distance_meters":1600}]}]'),
(8, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Diane', '21-15-9 deadlifts and handstand push-ups.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Deadlift","rep_scheme":"21-15-9","load":102,"load_unit":"kg"},{"name":"Handstand Push-up","rep_scheme":"21-15-9"}]}]'),
(9, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Front Squat Doubles', 'Six heavy doubles, crisp and upright.',
 '[{"title":"Strength","movements":[{"name":"Front Squat","sets":6,"reps":2,"load":80,"load_unit":"percent_1rm"}]},
   {"title":"Core","movements":[{"name":"Hollow Hold","sets":4,"time_seconds":30}]}]'),
(10, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Bench Press 5/3/1', 'Wendler week 3, then rows.',
 '[{"title":"Strength","movements":[{"name":"Bench Press","sets":3,"rep_scheme":"5-3-1+","load":85,"load_unit":"percent_1rm","notes":"Last set as many reps as possible"}]},
   {"title":"Accessory","movements":[{"name":"Dumbbell Row","sets":4,"reps":10,"load":30,"load_unit":"kg"}]}]'),
(11, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Strict Press Volume', 'Overhead strength and triceps.',
 '[{"title":"Strength","movements":[{"name":"Strict Press","sets":5,"reps":5,"load":70,"load_unit":"percent_1rm"}]},
   {"title":"Accessory","movements":[{"name":"Ring Dip","sets":3,"reps":12}]}]'),
(12, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Power Clean Technique', 'Speed under the bar.',
 '[{"title":"Skill","movements":[{"name":"Power Clean","sets":8,"reps":2,"load":65,"load_unit":"percent_1rm"},{"name":"Hang Clean Pull","sets":3,"reps":3,"load":90,"load_unit":"percent_1rm"}]}]'),
(13, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Snatch Complex', 'Snatch pull + snatch, every 90 seconds.',
 '[{"title":"Olympic lifting","notes":"Every 90 seconds","movements":[{"name":"Snatch","sets":6,"rep_scheme":"1+1","load":70,"load_unit":"percent_1rm"}]}]'),
(14, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Engine Builder', 'Five 500 m rows, two minutes rest between.',
 '[{"title":"Conditioning","movements":[{"name":"Row","sets":5,"distance_meters":500,"notes":"Hold the same split every piece"}]}]'),
(15, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Bike Intervals', '30 seconds hard, 90 seconds easy.',
 '[{"title":"Conditioning","movements":[{"name":"Assault Bike","sets":10,"time_seconds":30}]}]'),
(16, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Annie', 'Double-unders and sit-ups, 50-40-30-20-10.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Double-under","rep_scheme":"50-40-30-20-10"},{"name":"Sit-up","rep_scheme":"50-40-30-20-10"}]}]'),
(17, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Karen', '150 wall balls for time.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Wall Ball","reps":150,"load":9,"load_unit":"kg"}]}]'),
(18, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003', 'Isabel', '30 snatches for time.',
 '[{"title":"Metcon","notes":"For time","movements":[{"name":"Snatch","reps":30,"load":61,"load_unit":"kg"}]}]'),
(19, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Recovery Flow', 'Easy aerobic work and mobility.',
 '[{"title":"Aerobic","movements":[{"name":"Row","time_seconds":1200,"notes":"Conversational pace"}]},
   {"title":"Mobility","movements":[{"name":"Couch Stretch","sets":2,"time_seconds":90},{"name":"Pigeon Stretch","sets":2,"time_seconds":90}]}]'),
(20, 'a0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', 'Zone 2 Run', 'A steady 5 km you could hold a conversation through.',
 '[{"title":"Aerobic","movements":[{"name":"Run","distance_meters":5000}]}]'),
(101, 'a0000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', 'Harbour Hero WOD', 'Five rounds by the water.',
 '[{"title":"Metcon","notes":"5 rounds for time","movements":[{"name":"Run","distance_meters":400},{"name":"Burpee","reps":15},{"name":"Kettlebell Swing","reps":20,"load":24,"load_unit":"kg"}]}]'),
(102, 'a0000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', 'Harbour Strength', 'Squat and press.',
 '[{"title":"Strength","movements":[{"name":"Back Squat","sets":5,"reps":3,"load":80,"load_unit":"percent_1rm"},{"name":"Push Press","sets":5,"reps":3,"load":60,"load_unit":"kg"}]}]'),
(103, 'a0000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', 'Rowing Ladder', '250-500-750-1000 m.',
 '[{"title":"Conditioning","movements":[{"name":"Row","sets":4,"rep_scheme":"250-500-750-1000 m"}]}]');

insert into public.workouts (id, organization_id, title, description, created_by, created_at)
select ('c0000000-0000-4000-8000-' || lpad(w.n::text, 12, '0'))::uuid, w.org, w.title, w.description, w.author,
       now() - interval '70 days' + w.n * interval '1 day'
  from seed_workouts w;

insert into public.workout_sections (id, workout_id, organization_id, position, title, notes)
select md5('section:' || w.n || ':' || s.ord)::uuid, ('c0000000-0000-4000-8000-' || lpad(w.n::text, 12, '0'))::uuid, w.org,
       s.ord - 1, s.section ->> 'title', s.section ->> 'notes'
  from seed_workouts w
  cross join lateral jsonb_array_elements(w.sections) with ordinality as s(section, ord);

insert into public.workout_movements (id, section_id, workout_id, organization_id, position, name, sets, reps, rep_scheme,
                                      load, load_unit, time_seconds, distance_meters, notes)
select md5('movement:' || w.n || ':' || s.ord || ':' || m.ord)::uuid, md5('section:' || w.n || ':' || s.ord)::uuid,
       ('c0000000-0000-4000-8000-' || lpad(w.n::text, 12, '0'))::uuid, w.org, m.ord - 1,
       m.movement ->> 'name', (m.movement ->> 'sets')::int, (m.movement ->> 'reps')::int, m.movement ->> 'rep_scheme',
       (m.movement ->> 'load')::numeric, (m.movement ->> 'load_unit')::public.load_unit,
       (m.movement ->> 'time_seconds')::int, (m.movement ->> 'distance_meters')::numeric, m.movement ->> 'notes'
  from seed_workouts w
  cross join lateral jsonb_array_elements(w.sections) with ordinality as s(section, ord)
  cross join lateral jsonb_array_elements(s.section -> 'movements') with ordinality as m(movement, ord);

-- ============================================================================================
-- a template with cells (Strength Cycle, week 1)
-- ============================================================================================

insert into public.program_templates (id, organization_id, program_id, name, length_days, created_by) values
  ('f0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001',
   'Strength Cycle — Week 1', 7, '10000000-0000-4000-8000-000000000002');

insert into public.program_template_cells (id, template_id, day_offset, sort_order, kind, workout_id, note) values
  (md5('cell:1:0:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 0, 0, 'workout', 'c0000000-0000-4000-8000-000000000001', null),
  (md5('cell:1:0:1')::uuid, 'f0000000-0000-4000-8000-000000000001', 0, 1, 'workout', 'c0000000-0000-4000-8000-000000000019', null),
  (md5('cell:1:1:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 1, 0, 'workout', 'c0000000-0000-4000-8000-000000000014', null),
  (md5('cell:1:2:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 2, 0, 'rest', null, null),
  (md5('cell:1:3:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 3, 0, 'workout', 'c0000000-0000-4000-8000-000000000002', null),
  (md5('cell:1:4:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 4, 0, 'note', null, 'Mobility: 20 minutes of hips and thoracic spine, then foam roll.'),
  (md5('cell:1:5:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 5, 0, 'workout', 'c0000000-0000-4000-8000-000000000010', null),
  (md5('cell:1:6:0')::uuid, 'f0000000-0000-4000-8000-000000000001', 6, 0, 'rest', null, null);

-- ============================================================================================
-- classes: this week's timetable (06:00 and 18:00 London, Monday to Friday)
-- ============================================================================================

insert into public.class_types (id, organization_id, name, description, color) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'CrossFit', 'Coached group class', '#e4572e'),
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'Olympic Lifting', 'Snatch and clean & jerk', '#17bebb'),
  ('a1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'Open Gym', 'Train your own program', '#76b041'),
  ('a1000000-0000-4000-8000-000000000011', 'a0000000-0000-4000-8000-000000000002', 'CrossFit', 'Harbour group class', '#2e86ab');

insert into public.class_sessions (id, organization_id, class_type_id, program_id, coach_id, starts_at, ends_at, capacity, location)
select md5('session:' || d || ':' || h)::uuid, 'a0000000-0000-4000-8000-000000000001',
       case when d = 2 and h = 18 then 'a1000000-0000-4000-8000-000000000002' else 'a1000000-0000-4000-8000-000000000001' end::uuid,
       'b0000000-0000-4000-8000-000000000003',
       case when h = 6 then '10000000-0000-4000-8000-000000000003' else '10000000-0000-4000-8000-000000000002' end::uuid,
       ((date_trunc('week', now() at time zone 'Europe/London')::date + d) + make_time(h, 0, 0)) at time zone 'Europe/London',
       ((date_trunc('week', now() at time zone 'Europe/London')::date + d) + make_time(h + 1, 0, 0)) at time zone 'Europe/London',
       16, 'Main floor'
  from generate_series(0, 4) d cross join (values (6), (18)) as hours(h);

insert into public.class_session_workouts (id, class_session_id, workout_id, position)
select md5('session-workout:' || d || ':' || h)::uuid, md5('session:' || d || ':' || h)::uuid,
       ('c0000000-0000-4000-8000-' || lpad((array[3, 5, 18, 6, 8])[d + 1]::text, 12, '0'))::uuid, 0
  from generate_series(0, 4) d cross join (values (6), (18)) as hours(h);

insert into public.class_sessions (id, organization_id, class_type_id, program_id, coach_id, starts_at, ends_at, capacity)
values (md5('session:harbour:1')::uuid, 'a0000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000011',
        'b0000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002',
        (date_trunc('week', now() at time zone 'Australia/Sydney')::date + time '07:00') at time zone 'Australia/Sydney',
        (date_trunc('week', now() at time zone 'Australia/Sydney')::date + time '08:00') at time zone 'Australia/Sydney', 20);
insert into public.class_session_workouts (id, class_session_id, workout_id, position)
values (md5('session-workout:harbour:1')::uuid, md5('session:harbour:1')::uuid, 'c0000000-0000-4000-8000-000000000101', 0);

-- ============================================================================================
-- results (personal records follow by trigger)
-- ============================================================================================

insert into public.workout_results (id, organization_id, user_id, workout_id, score, notes, rpe, performed_at, movement_results)
select md5('result:' || r.athlete || ':' || r.n)::uuid, 'a0000000-0000-4000-8000-000000000001',
       ('10000000-0000-4000-8000-000000000' || r.athlete)::uuid,
       ('c0000000-0000-4000-8000-' || lpad(r.workout::text, 12, '0'))::uuid,
       r.score, r.notes, r.rpe, now() - r.days_ago * interval '1 day',
       coalesce((select jsonb_agg(jsonb_build_object('movement_id', md5('movement:' || r.workout || ':' || l.section || ':' || l.movement)::uuid,
                                                     'load', l.load, 'load_unit', 'kg', 'reps', l.reps))
                   from jsonb_to_recordset(r.loads) as l(section int, movement int, load numeric, reps int)), '[]'::jsonb)
  from (values
    ('101', 1, 1, '5x5 @ 100 kg', 'Moved well', 7, 21, '[{"section":2,"movement":1,"load":100,"reps":5}]'::jsonb),
    ('101', 2, 1, '5x5 @ 105 kg', 'Last set was a grind', 9, 7, '[{"section":2,"movement":1,"load":105,"reps":5}]'),
    ('101', 3, 2, '5x3 @ 150 kg', null, 8, 5, '[{"section":1,"movement":1,"load":150,"reps":3}]'),
    ('102', 1, 1, '5x5 @ 70 kg', 'First time at this weight', 8, 20, '[{"section":2,"movement":1,"load":70,"reps":5}]'),
    ('102', 2, 3, '4:12', 'Rx', 10, 10, '[{"section":1,"movement":1,"load":43,"reps":45}]'),
    ('103', 1, 2, '5x3 @ 120 kg', 'Logged from Auckland', 7, 12, '[{"section":1,"movement":1,"load":120,"reps":3}]'),
    ('107', 1, 5, '11:48', null, 8, 3, '[]'),
    ('108', 1, 18, '6:30', 'Scaled to 43 kg', 9, 2, '[{"section":1,"movement":1,"load":43,"reps":30}]'),
    ('109', 1, 6, '18 rounds + 7', null, 7, 1, '[]'),
    ('110', 1, 3, '6:05', null, 9, 4, '[{"section":1,"movement":1,"load":35,"reps":45}]')
  ) as r(athlete, n, workout, score, notes, rpe, days_ago, loads);

-- Sam's quiet hours, so the outbox demo has a deferred row to show.
insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end)
values ('10000000-0000-4000-8000-000000000003', '21:30', '06:30');
