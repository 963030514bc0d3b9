// The large-organization generator the benchmarks share: one organization filled set-based
// (generate_series, no COPY) with N athletes, a 500-workout library, programs of every mode with
// enrollments, templates, feed posts and classes, 180 days of assignments per athlete and a year
// of results. People go in exactly as seed.sql inserts them (auth.users + auth.identities, the
// profile by trigger, memberships with their triggers). The bulk tables (assignments, results)
// are written with session_replication_role = replica, so per-row triggers (push outbox,
// realtime broadcast, audit, snapshot fork, personal records) are skipped: the generator writes
// the columns those triggers would have derived itself (snapshot pointer, completed_at,
// publish_at, assigned_by), and every check constraint still holds.
import type postgres from 'postgres';

export interface GenerateOptions {
	athletes: number;
	/** Days of assignments per athlete (default 180: 120 in the past, 60 ahead). */
	days?: number;
	workouts?: number;
	slug?: string;
	log?: (s: string) => void;
}

export interface GeneratedOrganization {
	organizationId: string;
	slug: string;
	ownerId: string;
	coachIds: string[];
	athleteIds: string[];
	programIds: { coaching: string[]; feed: string[]; schedule: string[] };
	seconds: number;
	steps: { step: string; seconds: number }[];
	counts: Record<string, number>;
}

export async function generateOrganization(
	sql: postgres.Sql,
	opts: GenerateOptions
): Promise<GeneratedOrganization> {
	const athletes = opts.athletes;
	const days = opts.days ?? 180;
	const pastDays = Math.round((days * 2) / 3);
	const workouts = opts.workouts ?? 500;
	const slug = opts.slug ?? `bench-${Date.now().toString(36)}`;
	const log = opts.log ?? (() => {});
	const steps: { step: string; seconds: number }[] = [];
	const started = performance.now();
	const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		const t = performance.now();
		const out = await fn();
		const seconds = (performance.now() - t) / 1000;
		steps.push({ step: name, seconds });
		log(`  ${name.padEnd(28)} ${seconds.toFixed(2)} s`);
		return out;
	};

	let organizationId = '';
	let ownerId = '';
	await sql.begin(async (tx) => {
		await step('people + organization', async () => {
			// One bcrypt hash for everyone: hashing 2,000 passwords would dominate the run.
			await tx`
				create temp table bench_people on commit drop as
				select gen_random_uuid() as id, g as n,
				       case when g = 0 then 'owner' when g <= 4 then 'coach' else 'member' end as role,
				       format('%s.%s@bench.coachline.dev', ${slug}::text,
				              case when g = 0 then 'owner' when g <= 4 then 'coach' || g else 'athlete' || (g - 4) end) as email,
				       case when g = 0 then 'Owner' when g <= 4 then 'Coach ' || g else 'Athlete ' || lpad((g - 4)::text, 5, '0') end
				         as display_name,
				       case when g > 4 and g % 10 = 3 then 'Pacific/Auckland'
				            when g > 4 and g % 10 = 7 then 'America/Los_Angeles' end as time_zone
				  from generate_series(0, ${athletes + 4}) g`;
			await tx`
				insert into auth.users (
				  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
				  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
				  phone_change, phone_change_token, reauthentication_token,
				  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at)
				select '00000000-0000-0000-0000-000000000000', p.id, 'authenticated', 'authenticated', p.email,
				       h.hash, now(), '', '', '', '', '', '', '', '',
				       '{"provider":"email","providers":["email"]}'::jsonb,
				       jsonb_build_object('display_name', p.display_name), false, now() - interval '400 days', now()
				  from bench_people p
				 cross join (select extensions.crypt('password123', extensions.gen_salt('bf')) as hash) h`;
			await tx`
				insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
				select p.id, p.id::text, p.id,
				       jsonb_build_object('sub', p.id::text, 'email', p.email, 'email_verified', true, 'phone_verified', false),
				       'email', now() - interval '400 days', now()
				  from bench_people p`;
			await tx`
				update public.profiles pr set time_zone = p.time_zone
				  from bench_people p where p.id = pr.id and p.time_zone is not null`;
			const [org] = await tx<{ id: string; owner: string }[]>`
				insert into public.organizations (name, slug, time_zone, created_by, created_at)
				select 'Bench ' || ${slug}::text, ${slug}, 'Europe/London', p.id, now() - interval '400 days'
				  from bench_people p where p.n = 0
				returning id, created_by as owner`;
			organizationId = org.id;
			ownerId = org.owner;
			await tx`
				insert into public.memberships (organization_id, user_id, role, created_at)
				select ${organizationId}, p.id, p.role::public.membership_role, now() - interval '400 days'
				  from bench_people p order by p.n`;
		});

		await step('library', async () => {
			await tx`
				insert into public.workouts (organization_id, title, description, created_by, created_at)
				select ${organizationId}, format('Workout %s', lpad(g::text, 3, '0')),
				       'Generated for the benchmarks.', ${ownerId}, now() - interval '400 days'
				  from generate_series(1, ${workouts}) g`;
			await tx`
				insert into public.workout_sections (workout_id, organization_id, position, title)
				select w.id, w.organization_id, s, (array['Warm-up', 'Strength', 'Metcon'])[s + 1]
				  from public.workouts w cross join generate_series(0, 2) s
				 where w.organization_id = ${organizationId}`;
			await tx`
				insert into public.workout_movements (section_id, workout_id, organization_id, position, name, sets, reps, load, load_unit)
				select s.id, s.workout_id, s.organization_id, m,
				       (array['Back squat', 'Deadlift', 'Push press', 'Pull-up', 'Row', 'Thruster', 'Burpee', 'Lunge'])[1 + (m + s.position * 3 + abs(hashtext(s.id::text))) % 8],
				       3 + m % 3, 5 + (m * 3) % 10,
				       case when m % 2 = 0 then 40 + (abs(hashtext(s.id::text)) % 80) end,
				       case when m % 2 = 0 then 'kg'::public.load_unit end
				  from public.workout_sections s cross join generate_series(0, 3) m
				 where s.organization_id = ${organizationId}`;
		});

		await step('programs + enrollments', async () => {
			await tx`
				insert into public.programs (organization_id, name, mode, created_by)
				select ${organizationId}, format('%s %s', initcap(mode::text), i), mode, ${ownerId}
				  from unnest(array['coaching', 'coaching', 'coaching', 'coaching', 'feed', 'feed', 'schedule', 'schedule']::public.program_mode[])
				       with ordinality as x (mode, i)`;
			// Every athlete follows one coaching program; half follow a feed, a third a schedule.
			await tx`
				with p as (
				  select id, mode, row_number() over (partition by mode order by name) - 1 as i,
				         count(*) over (partition by mode) as n
				    from public.programs where organization_id = ${organizationId}
				)
				insert into public.program_enrollments (program_id, user_id, organization_id, enrolled_at, created_by)
				select p.id, b.id, ${organizationId}, now() - interval '300 days', ${ownerId}
				  from bench_people b join p
				    on (p.mode = 'coaching' and p.i = b.n % p.n)
				    or (p.mode = 'feed' and b.n % 2 = 0 and p.i = (b.n / 2) % p.n)
				    or (p.mode = 'schedule' and b.n % 3 = 0 and p.i = (b.n / 3) % p.n)
				 where b.role = 'member'`;
			await tx`
				insert into public.program_templates (organization_id, program_id, name, length_days, created_by)
				select ${organizationId}, p.id, p.name || ' base week', 7, ${ownerId}
				  from public.programs p where p.organization_id = ${organizationId} and p.mode = 'coaching'`;
			await tx`
				insert into public.program_template_cells (template_id, organization_id, day_offset, kind, workout_id, note)
				select t.id, t.organization_id, d,
				       case when d in (2, 6) then 'rest' else 'workout' end::public.assignment_kind,
				       case when d not in (2, 6) then w.id end, null
				  from public.program_templates t cross join generate_series(0, 6) d
				  join lateral (select id from public.workouts
				                 where organization_id = t.organization_id and not is_snapshot
				                 order by title offset d limit 1) w on true
				 where t.organization_id = ${organizationId}`;
		});
	});

	const athleteIds = (
		await sql<{ user_id: string }[]>`
			select user_id from public.memberships
			 where organization_id = ${organizationId} and role = 'member' order by created_at, user_id`
	).map((r) => r.user_id);
	const coachIds = (
		await sql<{ user_id: string }[]>`
			select user_id from public.memberships
			 where organization_id = ${organizationId} and role = 'coach' order by user_id`
	).map((r) => r.user_id);
	const programs = await sql<{ id: string; mode: 'coaching' | 'feed' | 'schedule' }[]>`
		select id, mode from public.programs where organization_id = ${organizationId} order by name`;
	const programIds = {
		coaching: programs.filter((p) => p.mode === 'coaching').map((p) => p.id),
		feed: programs.filter((p) => p.mode === 'feed').map((p) => p.id),
		schedule: programs.filter((p) => p.mode === 'schedule').map((p) => p.id)
	};

	await sql.begin(async (tx) => {
		await tx`set local session_replication_role = replica`;
		await step('feed posts + classes', async () => {
			await tx`
				insert into public.workout_feed_posts (organization_id, program_id, workout_id, snapshot_workout_id, publish_at, created_by)
				select ${organizationId}, p, w.id, w.id,
				       (current_date - ${pastDays}::int + d) + time '05:00', ${coachIds[0]}
				  from unnest(${programIds.feed}::uuid[]) p cross join generate_series(0, ${days - 1}) d
				  join lateral (select id from public.workouts where organization_id = ${organizationId} and not is_snapshot
				                 order by title offset (d * 7) % ${workouts} limit 1) w on true`;
			await tx`
				with s as (
				  insert into public.class_sessions (organization_id, program_id, coach_id, starts_at, ends_at, capacity, created_by)
				  select ${organizationId}, p, ${coachIds[1]}, (current_date - ${pastDays}::int + d) + make_time(h, 0, 0),
				         (current_date - ${pastDays}::int + d) + make_time(h + 1, 0, 0), 16, ${ownerId}
				    from unnest(${programIds.schedule}::uuid[]) p cross join generate_series(0, ${days - 1}) d
				   cross join unnest(array[7, 12, 18]) h
				  returning id, starts_at
				)
				insert into public.class_session_workouts (class_session_id, organization_id, workout_id, position)
				select s.id, ${organizationId}, w.id, 0
				  from s join lateral (select id from public.workouts where organization_id = ${organizationId} and not is_snapshot
				                        order by title offset (extract(doy from s.starts_at)::int * 3) % ${workouts} limit 1) w on true`;
		});

		await step('assignments', async () => {
			// Per athlete and day: 80% workout, 15% rest, 5% note. Past days are published and
			// mostly done (70% completed, 10% skipped); the next week is published; beyond that half
			// are drafts, some dripping morning-of. 1% soft-deleted, 10% ad hoc (no program).
			await tx`
				create temp table bench_workouts on commit drop as
				select row_number() over (order by title) - 1 as i, id
				  from public.workouts where organization_id = ${organizationId} and not is_snapshot`;
			await tx`create unique index on bench_workouts (i)`;
			await tx`
				create temp table bench_athletes on commit drop as
				select m.user_id as id, row_number() over (order by m.user_id) - 1 as i, e.program_id,
				       coalesce(pr.time_zone, 'Europe/London') as time_zone
				  from public.memberships m
				  join public.profiles pr on pr.id = m.user_id
				  left join public.program_enrollments e
				    on e.user_id = m.user_id and e.program_id = any (${programIds.coaching}::uuid[])
				 where m.organization_id = ${organizationId} and m.role = 'member'`;
			await tx`
				insert into public.workout_assignments (
				  organization_id, program_id, user_id, kind, workout_id, snapshot_workout_id, note, date, sort_order,
				  published, publish_at, status, completed_at, skip_reason, assigned_by, created_at, updated_at, deleted_at)
				select ${organizationId}, case when r.adhoc then null else a.program_id end, a.id, r.kind,
				       case when r.kind = 'workout' then w.id end, case when r.kind = 'workout' then w.id end,
				       case when r.kind = 'note' then 'Mobility and an easy walk.' end,
				       r.date, 0, r.published,
				       case when r.published then r.date - 1 + time '18:00'
				            when r.drip then (r.date + time '05:00') at time zone a.time_zone end,
				       r.status,
				       case when r.status = 'completed' then r.date + time '19:00' end,
				       case when r.status = 'skipped' then 'Busy day' end,
				       ${coachIds[0]}, r.date - 14 + time '09:00', now(),
				       case when r.deleted then now() end
				  from bench_athletes a
				 cross join generate_series(0, ${days - 1}) d
				 cross join lateral (select abs(hashtext(a.id::text || ':' || d)) as h) x
				 cross join lateral (
				   select current_date - ${pastDays}::int + d as date,
				          case when x.h % 100 < 80 then 'workout' when x.h % 100 < 95 then 'rest' else 'note' end::public.assignment_kind as kind,
				          (d < ${pastDays} + 7 or (x.h / 100) % 2 = 0) as published,
				          (x.h / 200) % 3 = 0 as drip,
				          case when d >= ${pastDays} or x.h % 100 >= 80 then 'assigned'
				               when (x.h / 1000) % 10 < 7 then 'completed'
				               when (x.h / 1000) % 10 < 8 then 'skipped'
				               else 'assigned' end::public.assignment_status as status,
				          (x.h / 10000) % 10 = 0 as adhoc,
				          (x.h / 100000) % 100 = 0 as deleted
				 ) r
				 join bench_workouts w on w.i = (a.i * 7 + d * 13) % ${workouts}`;
		});

		await step('results', async () => {
			// A result for every completed workout cell, plus about three a week in the half year
			// before the assignments started: a year of training history. Triggers are off here, so
			// the program a result files under is copied from its assignment as the trigger would.
			await tx`
				insert into public.workout_results (organization_id, user_id, workout_assignment_id, program_id, workout_id, score, rpe, performed_at)
				select a.organization_id, a.user_id, a.id, a.program_id, a.workout_id, format('%s:%s', 3 + abs(hashtext(a.id::text)) % 20, lpad((abs(hashtext(a.id::text)) % 60)::text, 2, '0')),
				       1 + abs(hashtext(a.id::text)) % 10, a.completed_at
				  from public.workout_assignments a
				 where a.organization_id = ${organizationId} and a.status = 'completed' and a.kind = 'workout'`;
			await tx`
				insert into public.workout_results (organization_id, user_id, workout_id, score, rpe, performed_at)
				select ${organizationId}, a.id, w.id, format('%s reps', 50 + (a.i + d) % 100), 1 + (a.i + d) % 10,
				       (current_date - ${pastDays}::int - d) + time '18:30'
				  from bench_athletes a
				 cross join generate_series(1, ${365 - pastDays}) d
				  join bench_workouts w on w.i = (a.i * 11 + d * 5) % ${workouts}
				 where (a.i + d) % 7 in (0, 2, 4)`;
		});
	});

	await step('analyze', async () => {
		await sql`analyze auth.users, public.profiles, public.memberships, public.workouts, public.workout_sections,
		          public.workout_movements, public.programs, public.program_enrollments, public.workout_assignments,
		          public.workout_feed_posts, public.class_sessions, public.class_session_workouts, public.workout_results`;
	});

	const [counts] = await sql<Record<string, string>[]>`
		select
		  (select count(*) from public.memberships where organization_id = ${organizationId}) as memberships,
		  (select count(*) from public.memberships where organization_id = ${organizationId} and role = 'member') as athletes,
		  (select count(*) from public.workouts where organization_id = ${organizationId}) as workouts,
		  (select count(*) from public.workout_sections where organization_id = ${organizationId}) as workout_sections,
		  (select count(*) from public.workout_movements where organization_id = ${organizationId}) as workout_movements,
		  (select count(*) from public.programs where organization_id = ${organizationId}) as programs,
		  (select count(*) from public.program_enrollments where organization_id = ${organizationId}) as program_enrollments,
		  (select count(*) from public.program_template_cells where organization_id = ${organizationId}) as template_cells,
		  (select count(*) from public.workout_feed_posts where organization_id = ${organizationId}) as feed_posts,
		  (select count(*) from public.class_sessions where organization_id = ${organizationId}) as class_sessions,
		  (select count(*) from public.workout_assignments where organization_id = ${organizationId}) as assignments,
		  (select count(*) from public.workout_assignments where organization_id = ${organizationId} and not published and deleted_at is null) as drafts,
		  (select count(*) from public.workout_results where organization_id = ${organizationId}) as results`;
	return {
		organizationId,
		slug,
		ownerId,
		coachIds,
		athleteIds,
		programIds,
		seconds: (performance.now() - started) / 1000,
		steps,
		counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)]))
	};
}

/** An organization the generator made earlier (for re-running a benchmark without regenerating). */
export async function loadOrganization(
	sql: postgres.Sql,
	organizationId: string
): Promise<GeneratedOrganization> {
	const members = await sql<{ user_id: string; role: string }[]>`
		select user_id, role::text from public.memberships where organization_id = ${organizationId}
		 order by created_at, user_id`;
	const programs = await sql<{ id: string; mode: string }[]>`
		select id, mode::text from public.programs where organization_id = ${organizationId} order by name`;
	const [org] = await sql<{ slug: string; created_by: string }[]>`
		select slug, created_by from public.organizations where id = ${organizationId}`;
	const [{ n }] = await sql<{ n: string }[]>`
		select count(*) as n from public.workout_assignments where organization_id = ${organizationId}`;
	const ofMode = (m: string) => programs.filter((p) => p.mode === m).map((p) => p.id);
	return {
		organizationId,
		slug: org.slug,
		ownerId: org.created_by,
		coachIds: members
			.filter((m) => m.role === 'coach')
			.map((m) => m.user_id)
			.sort(),
		athleteIds: members.filter((m) => m.role === 'member').map((m) => m.user_id),
		programIds: {
			coaching: ofMode('coaching'),
			feed: ofMode('feed'),
			schedule: ofMode('schedule')
		},
		seconds: 0,
		steps: [],
		counts: { assignments: Number(n) }
	};
}
