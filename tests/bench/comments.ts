// `npm run bench -- comments [--comments 200000] [--athletes 2000] [--iterations 200]
//   [--db <url> --api <url> [--org <id>]]`: the issue-8 targets. The shared generator's
// organization (N athletes, four coaching programs: 500 athletes each at 2,000) gets `--comments`
// workout comments on the published assignments of its first coaching program, then coach 1's
// per-program unread counts (program_comment_unread_counts) and that program's recent-comments
// feed (program_recent_comments: the first page and one deep in it) are timed as raw SQL (a
// transaction as the user: role authenticated + request.jwt.claims) and through REST
// (supabase-js .rpc() with a user JWT), then EXPLAIN (ANALYZE, BUFFERS) of the statements inside.
//
// Comments go in with session_replication_role = replica (the per-row triggers skipped), and what
// those triggers would have written is then built set-based from them, to the same final state:
// program_comments (the feed index), workout_comment_reads (writing in a thread reads it: the
// sender's watermark is their last comment; unread = comments to the reader after it) and
// program_comment_unreads (the sum per reader and program of every thread they were written to
// in). The pushes and broadcasts the triggers would have queued are not written (delivery queues,
// drained long ago in a real organization; nothing measured reads them).
import postgres from 'postgres';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { generateOrganization, loadOrganization } from './_generate.ts';
import { asUser, explainInside, fmt, jwtCache, percentile, restClient, time } from './_measure.ts';
import { option } from './seed.ts';

const PHRASES = [
	'Felt strong today',
	'Scaled the last round, shoulder was tight',
	'Great pacing on this one',
	'Can I swap the run for the rower?',
	'Nice work, keep the tempo next time',
	'RPE 8, legs are heavy',
	'Move the heavy day to Thursday?',
	'PR on the front squat!'
];

async function generateComments(
	sql: postgres.Sql,
	organizationId: string,
	programId: string,
	coachId: string,
	total: number
): Promise<number> {
	let made = 0;
	await sql.begin(async (tx) => {
		await tx`set local session_replication_role = replica`;
		// Threads on the program's published, live assignments up to today, newest first, four
		// comments each, athlete and coach in turn, as many threads as `total` needs.
		await tx`
			create temp table bench_threads on commit drop as
			select a.id, a.user_id, a.organization_id, a.program_id, a.date
			  from public.workout_assignments a
			 where a.organization_id = ${organizationId} and a.program_id = ${programId}
			   and a.published and a.deleted_at is null and a.date <= current_date
			 order by a.date desc, a.id
			 limit ${Math.ceil(total / 4)}`;
		const rows = await tx`
			insert into public.messages (organization_id, sender_id, sender_role, recipient_id, workout_assignment_id,
			                             content, created_at, updated_at)
			select t.organization_id,
			       case when s.athlete then t.user_id else ${coachId}::uuid end,
			       case when s.athlete then 'member' else 'coach' end::public.sender_role,
			       case when s.athlete then ${coachId}::uuid else t.user_id end,
			       t.id, (${PHRASES}::text[])[1 + (k + abs(hashtext(t.id::text))) % ${PHRASES.length}],
			       t.date + time '19:00' + k * interval '37 minutes', t.date + time '19:00' + k * interval '37 minutes'
			  from bench_threads t
			 cross join generate_series(0, 3) k
			 -- half the threads end with the athlete (unread for the coach), half with the coach
			 cross join lateral (select (k + abs(hashtext(t.id::text)) % 2) % 2 = 0 as athlete) s`;
		made = rows.count;
		// The feed index: every comment under its assignment's program.
		await tx`
			insert into public.program_comments (message_id, organization_id, program_id, workout_assignment_id, created_at)
			select m.id, m.organization_id, t.program_id, m.workout_assignment_id, m.created_at
			  from public.messages m join bench_threads t on t.id = m.workout_assignment_id`;
		// Each participant's watermark (their last comment) and unread (comments to them after it),
		// by hash joins over the threads' comments (no per-thread probes).
		await tx`
			create temp table bench_comments on commit drop as
			select m.workout_assignment_id, m.sender_id, m.recipient_id, m.created_at
			  from public.messages m join bench_threads t on t.id = m.workout_assignment_id
			 where m.deleted_at is null`;
		await tx`
			insert into public.workout_comment_reads (user_id, workout_assignment_id, organization_id, program_id,
			                                          last_read_at, unread_count, updated_at)
			with participants as (
			  select t.id, t.organization_id, t.program_id, p.user_id
			    from bench_threads t cross join lateral (values (t.user_id), (${coachId}::uuid)) p (user_id)
			),
			watermarks as (
			  select c.workout_assignment_id, c.sender_id, max(c.created_at) as last_read_at
			    from bench_comments c group by 1, 2
			)
			select pa.user_id, pa.id, pa.organization_id, pa.program_id, w.last_read_at,
			       (count(c.*) filter (where c.created_at > coalesce(w.last_read_at, '-infinity'::timestamptz)))::integer,
			       now()
			  from participants pa
			  left join watermarks w on w.workout_assignment_id = pa.id and w.sender_id = pa.user_id
			  left join bench_comments c on c.workout_assignment_id = pa.id and c.recipient_id = pa.user_id
			 group by pa.user_id, pa.id, pa.organization_id, pa.program_id, w.last_read_at`;
		// The roll-up: one row per reader and program they were ever written to in.
		await tx`
			insert into public.program_comment_unreads (user_id, organization_id, program_id, unread_count)
			select r.user_id, r.organization_id, r.program_id, sum(r.unread_count)::integer
			  from public.workout_comment_reads r join bench_threads t on t.id = r.workout_assignment_id
			 group by r.user_id, r.organization_id, r.program_id
			on conflict (user_id, organization_id, program_id)
			  do update set unread_count = public.program_comment_unreads.unread_count + excluded.unread_count`;
	});
	await sql`analyze public.messages, public.program_comments, public.workout_comment_reads, public.program_comment_unreads`;
	return made;
}

export default async function comments(args: string[]): Promise<void> {
	const total = Number(option(args, 'comments') ?? 200_000);
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const iterations = Number(option(args, 'iterations') ?? 200);
	let dbUrl = option(args, 'db');
	let apiUrl = option(args, 'api');
	let stack: TestStack | null = null;
	if (!dbUrl || !apiUrl) {
		console.log('Booting a throwaway stack (cluster, migrations, seed.sql, services)…');
		stack = await bootTestStack();
		dbUrl = stack.dbUrl;
		apiUrl = stack.apiUrl;
	}
	const api = apiUrl;
	const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
	const jwtOf = jwtCache();
	try {
		const existing = option(args, 'org');
		if (!existing) console.log(`Generating an organization of ${athletes} athletes × 180 days…`);
		const org = existing
			? await loadOrganization(sql, existing)
			: await generateOrganization(sql, { athletes, log: console.log });
		const coach = org.coachIds[0];
		const program = org.programIds.coaching[0];
		const [{ n: before }] = await sql<{ n: string }[]>`
			select count(*) as n from public.program_comments where program_id = ${program}`;
		if (Number(before) < total) {
			const t = performance.now();
			const made = await generateComments(
				sql,
				org.organizationId,
				program,
				coach,
				total - Number(before)
			);
			console.log(
				`${made} comments generated in ${((performance.now() - t) / 1000).toFixed(1)} s (with feed, reads, roll-up)`
			);
		}
		const [stats] = await sql<{ comments: string; athletes: string; threads: string }[]>`
			select count(*) as comments, count(distinct a.user_id) as athletes,
			       count(distinct pc.workout_assignment_id) as threads
			  from public.program_comments pc join public.workout_assignments a on a.id = pc.workout_assignment_id
			 where pc.program_id = ${program}`;
		const [{ enrolled }] = await sql<{ enrolled: string }[]>`
			select count(*) as enrolled from public.program_enrollments where program_id = ${program} and ended_at is null`;
		console.log(
			`program ${program}: ${enrolled} athletes enrolled, ${Number(stats.comments).toLocaleString('en')} comments on ${stats.threads} assignments of ${stats.athletes} athletes`
		);
		const [{ deep }] = await sql<{ deep: string }[]>`
			select created_at::text as deep from public.program_comments where program_id = ${program}
			 order by created_at desc offset ${Math.floor(Number(stats.comments) / 2)} limit 1`;

		const reads: [string, (tx: postgres.TransactionSql) => Promise<unknown>, string, object][] = [
			[
				'per-program unread counts (program_comment_unread_counts)',
				(tx) => tx`select * from public.program_comment_unread_counts(${org.organizationId})`,
				'program_comment_unread_counts',
				{ p_organization_id: org.organizationId }
			],
			[
				'recent comments, first page (program_recent_comments, 20)',
				(tx) => tx`select * from public.program_recent_comments(${program})`,
				'program_recent_comments',
				{ p_program_id: program }
			],
			[
				'recent comments, page half-way back',
				(tx) => tx`select * from public.program_recent_comments(${program}, 20, ${deep})`,
				'program_recent_comments',
				{ p_program_id: program, p_limit: 20, p_before: deep }
			]
		];
		const client = restClient(api, await jwtOf(coach));
		const rows: { name: string; sql: number[]; rest: number[] }[] = [];
		for (const [name, run, fn, params] of reads) {
			for (let i = 0; i < 10; i++) await asUser(sql, coach, run);
			const sqlTimes = await time(iterations, async () => {
				await asUser(sql, coach, run);
			});
			const call = async () => {
				const { error } = await client.rpc(fn, params);
				if (error) throw new Error(`${fn}: ${error.message}`);
			};
			for (let i = 0; i < 5; i++) await call();
			const restTimes = await time(iterations, call);
			rows.push({ name, sql: sqlTimes, rest: restTimes });
			console.log(
				`${name}: SQL p95 ${fmt(percentile(sqlTimes, 95))}, REST p95 ${fmt(percentile(restTimes, 95))}`
			);
		}
		const [{ unread }] = await asUser(
			sql,
			coach,
			(tx) =>
				tx<
					{ unread: string }[]
				>`select coalesce(sum(unread), 0) as unread from public.program_comment_unread_counts(${org.organizationId})`
		);
		console.log(`coach 1 has ${unread} unread comments across programs`);

		console.log('\n| measure | target | SQL p50 | SQL p95 | REST p50 | REST p95 | REST/SQL |');
		console.log('|---|---|---|---|---|---|---|');
		for (const r of rows) {
			const s95 = percentile(r.sql, 95);
			const r95 = percentile(r.rest, 95);
			console.log(
				`| ${r.name} | ≤ 15 ms SQL | ${fmt(percentile(r.sql, 50))} | ${fmt(s95)} (${s95 <= 15 ? 'ok' : 'MISSED'}) | ${fmt(percentile(r.rest, 50))} | ${fmt(r95)} | ${(r95 / s95).toFixed(2)} |`
			);
		}

		await explainInside(
			dbUrl,
			[
				[
					'program_comment_unread_counts',
					coach,
					(tx) =>
						tx`select count(*) from public.program_comment_unread_counts(${org.organizationId})`
				],
				[
					'program_recent_comments',
					coach,
					(tx) => tx`select count(*) from public.program_recent_comments(${program})`
				]
			],
			/program_comment|messages m/,
			(url, onnotice) => postgres(url, { max: 1, onnotice })
		);
	} finally {
		await sql.end();
		await stack?.stop();
	}
}
