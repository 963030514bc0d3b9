// `npm run bench -- assignments [--athletes 2000] [--iterations 100] [--drafts 10000] [--db <url> [--api <url>] [--org <id>]]`:
// the issue-6 targets on a generated organization (2,000 athletes × 180 days). Each read is timed
// as raw SQL (a transaction with role authenticated + request.jwt.claims, as the REST service
// runs it) and through the REST API (supabase-js `.rpc()` with a user JWT), one request at a
// time; bulk publish of 10,000 drafts is timed the same two ways. Then EXPLAIN (ANALYZE,
// BUFFERS) of the statements inside each function (auto_explain, nested statements) shows which
// indexes they use. Without --db it boots a throwaway stack (cluster + services) and removes it.
import postgres from 'postgres';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { generateOrganization, loadOrganization, type GeneratedOrganization } from './_generate.ts';
import { readFileSync } from 'node:fs';
import {
	asUser,
	explainInside,
	fmt,
	jwtCache,
	median,
	percentile,
	restClient,
	time
} from './_measure.ts';
import { option } from './seed.ts';

const TARGETS: Record<string, number> = {
	'coach week grid (organization, page of 50)': 30,
	'coach week grid (one program, page of 50)': 30,
	'coach overview': 100,
	'athlete my-week': 10,
	'bulk publish 10,000 drafts': 1000
};

interface Figure {
	name: string;
	sql: number[];
	rest: number[];
}

/** Date windows (future days) holding at least `want` drafts each, disjoint. */
async function draftWindows(
	sql: postgres.Sql,
	org: string,
	want: number,
	count: number
): Promise<{ from: string; to: string; drafts: number }[]> {
	const days = await sql<{ date: string; n: string }[]>`
		select date::text, count(*) as n from public.workout_assignments
		 where organization_id = ${org} and not published and deleted_at is null
		 group by date order by date`;
	const windows: { from: string; to: string; drafts: number }[] = [];
	let start = 0;
	let sum = 0;
	for (let i = 0; i < days.length && windows.length < count; i++) {
		sum += Number(days[i].n);
		if (sum >= want) {
			windows.push({ from: days[start].date, to: days[i].date, drafts: sum });
			start = i + 1;
			sum = 0;
		}
	}
	return windows;
}

async function explainAll(
	dbUrl: string,
	org: GeneratedOrganization,
	weekStart: string,
	filter: Record<string, string>
): Promise<void> {
	const coach = org.coachIds[0];
	await explainInside(
		dbUrl,
		[
			[
				'coach_week (organization, first page)',
				coach,
				(tx) => tx`select count(*) from public.coach_week(${org.organizationId}, ${weekStart})`
			],
			[
				'coach_week (program, first page)',
				coach,
				(tx) =>
					tx`select count(*) from public.coach_week(${org.organizationId}, ${weekStart}, ${org.programIds.coaching[0]})`
			],
			[
				'coach_overview',
				coach,
				(tx) =>
					tx`select count(*) from public.coach_overview(${org.organizationId}, p_sort => 'status')`
			],
			['my_week', org.athleteIds[0], (tx) => tx`select count(*) from public.my_week(${weekStart})`],
			[
				'bulk_publish_assignments',
				coach,
				(tx) => tx`select count from public.bulk_publish_assignments(${tx.json(filter)})`
			]
		],
		/workout_assignments/,
		(url, onnotice) => postgres(url, { max: 1, onnotice }),
		28
	);
}

export default async function assignments(args: string[]): Promise<void> {
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const iterations = Number(option(args, 'iterations') ?? 100);
	let dbUrl = option(args, 'db');
	let apiUrl = option(args, 'api');
	let stack: TestStack | null = null;
	if (!dbUrl) {
		console.log('Booting a throwaway stack (cluster, migrations, seed.sql, services)…');
		stack = await bootTestStack();
		dbUrl = stack.dbUrl;
		apiUrl = stack.apiUrl;
	}
	const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
	try {
		const existing = option(args, 'org');
		if (!existing) console.log(`Generating ${athletes} athletes × 180 days…`);
		const org = existing
			? await loadOrganization(sql, existing)
			: await generateOrganization(sql, { athletes, log: console.log });
		console.log(`organization ready (${org.seconds.toFixed(1)} s):`, org.counts);
		const coach = org.coachIds[0];
		const [{ monday }] = await sql<{ monday: string }[]>`
			select (date_trunc('week', current_date))::date::text as monday`;
		const weekOffsets = [-14, -7, 0, 7, 14];
		const weekStart = (i: number) => {
			const d = new Date(`${monday}T00:00:00Z`);
			d.setUTCDate(d.getUTCDate() + weekOffsets[i % weekOffsets.length]);
			return d.toISOString().slice(0, 10);
		};
		const athleteAt = (i: number) => org.athleteIds[(i * 37) % org.athleteIds.length];
		// 10,000 drafts a window (`--drafts` for a smaller organization in a short run).
		const windows = await draftWindows(
			sql,
			org.organizationId,
			Number(option(args, 'drafts') ?? 10_000),
			4
		);
		const filterOf = (w: { from: string; to: string }) => ({
			organization_id: org.organizationId,
			date_from: w.from,
			date_to: w.to
		});

		// Page cursors: the athlete ending each page of 50 in display-name order (null: the first
		// page), for the organization and for each coaching program's members.
		const roster = await sql<{ user_id: string; program_id: string | null }[]>`
				select m.user_id, e.program_id
				  from public.memberships m
				  join public.profiles p on p.id = m.user_id
				  left join public.program_enrollments e
				    on e.user_id = m.user_id and e.program_id = any (${org.programIds.coaching}::uuid[])
				 where m.organization_id = ${org.organizationId} and m.role = 'member'
				 order by coalesce(p.display_name, ''), m.user_id`;
		const pagesOf = (ids: string[]) => [null, ...ids.filter((_, k) => k % 50 === 49)];
		const orgCursors = pagesOf(roster.map((r) => r.user_id)).slice(0, -1);
		const programCursors = org.programIds.coaching.map((p) =>
			pagesOf(roster.filter((r) => r.program_id === p).map((r) => r.user_id)).slice(0, -1)
		);
		const cursorAt = (i: number) => orgCursors[(i * 7) % orgCursors.length];
		const programCursorAt = (i: number) => {
			const c = programCursors[i % 4];
			return c[(i * 3) % c.length];
		};

		const figures: Figure[] = [];
		const reads: [
			string,
			(i: number) => [string, (tx: postgres.TransactionSql) => Promise<unknown>, string, object]
		][] = [
			[
				// A page of 50 athletes; the cursor walks the roster (page i % 40 of the week).
				'coach week grid (organization, page of 50)',
				(i) => [
					coach,
					(tx) =>
						tx`select * from public.coach_week(${org.organizationId}, ${weekStart(i)}, null, null, ${cursorAt(i)})`,
					'coach_week',
					{
						p_organization_id: org.organizationId,
						p_week_start: weekStart(i),
						p_after_athlete_id: cursorAt(i)
					}
				]
			],
			[
				'coach week grid (one program, page of 50)',
				(i) => [
					coach,
					(tx) =>
						tx`select * from public.coach_week(${org.organizationId}, ${weekStart(i)}, ${org.programIds.coaching[i % 4]}, null, ${programCursorAt(i)})`,
					'coach_week',
					{
						p_organization_id: org.organizationId,
						p_week_start: weekStart(i),
						p_program_id: org.programIds.coaching[i % 4],
						p_after_athlete_id: programCursorAt(i)
					}
				]
			],
			[
				// The screen's default view (needs attention first), walking pages of 50: KPIs and
				// counts over all 2,000 athletes every time, rows for one page.
				'coach overview',
				(i) => [
					coach,
					(tx) =>
						tx`select * from public.coach_overview(${org.organizationId}, p_sort => 'status', p_offset => ${((i * 7) % 40) * 50})`,
					'coach_overview',
					{ p_organization_id: org.organizationId, p_sort: 'status', p_offset: ((i * 7) % 40) * 50 }
				]
			],
			[
				'athlete my-week',
				(i) => [
					athleteAt(i),
					(tx) => tx`select * from public.my_week(${weekStart(i)})`,
					'my_week',
					{ p_week_start: weekStart(i) }
				]
			]
		];

		const jwtOf = jwtCache();
		// One supabase-js client per user, as an app holds one: building one per call is not the API.
		const clients = new Map<string, ReturnType<typeof restClient>>();
		const clientOf = async (url: string, sub: string) => {
			if (!clients.has(sub)) clients.set(sub, restClient(url, await jwtOf(sub)));
			return clients.get(sub) as ReturnType<typeof restClient>;
		};
		let restWorks = Boolean(apiUrl);
		for (const [name, make] of reads) {
			// warm-up, then measure
			for (let i = 0; i < 5; i++) await asUser(sql, make(i)[0], make(i)[1]);
			const sqlTimes = await time(iterations, async (i) => {
				const [sub, run] = make(i);
				await asUser(sql, sub, run);
			});
			let restTimes: number[] = [];
			if (restWorks && apiUrl) {
				try {
					const url = apiUrl;
					const call = async (i: number) => {
						const [sub, , fn, params] = make(i);
						const { error } = await (await clientOf(url, sub)).rpc(fn, params);
						if (error) throw new Error(`${fn}: ${error.message}`);
					};
					for (let i = 0; i < 3; i++) await call(i);
					restTimes = await time(Math.max(20, Math.floor(iterations / 2)), call);
				} catch (e) {
					console.log(`REST failed (${(e as Error).message}): reporting SQL only`);
					restWorks = false;
				}
			}
			figures.push({ name, sql: sqlTimes, rest: restTimes });
			console.log(
				`${name}: SQL p95 ${fmt(percentile(sqlTimes, 95))}, REST p95 ${fmt(percentile(restTimes, 95))}`
			);
		}

		// Bulk publish: SQL runs roll back (same window each time); REST runs commit, so each uses
		// its own window.
		const bulkSql = await time(5, async () => {
			await asUser(
				sql,
				coach,
				(tx) => tx`select public.bulk_publish_assignments(${tx.json(filterOf(windows[0]))})`,
				true
			);
		});
		// The same rows by a bare UPDATE … SET published = true with the per-row triggers off
		// (session_replication_role = replica: no push outbox, realtime, audit), rolled back the
		// same way, interleaved with the real publish so both see the same machine.
		const w0 = windows[0];
		let bareRows = 0;
		const bareSql = await time(5, async () => {
			await sql
				.begin(async (tx) => {
					await tx`set local session_replication_role = replica`;
					bareRows = (
						await tx`
						update public.workout_assignments set published = true
						 where organization_id = ${org.organizationId} and date between ${w0.from} and ${w0.to}
						   and not published and deleted_at is null`
					).count;
					throw new Error('rollback');
				})
				.catch((e: Error) => {
					if (e.message !== 'rollback') throw e;
				});
		});
		const bulkAgain = await time(5, async () => {
			await asUser(
				sql,
				coach,
				(tx) => tx`select public.bulk_publish_assignments(${tx.json(filterOf(w0))})`,
				true
			);
		});
		const bulkMed = median([...bulkSql, ...bulkAgain]);
		const bareMed = median(bareSql);
		console.log(
			`bulk publish of ${w0.drafts} drafts vs a bare UPDATE … SET published = true of the same ${bareRows} rows (no triggers): ` +
				`median ${fmt(bulkMed)} vs ${fmt(bareMed)} = ${(bulkMed / bareMed).toFixed(2)}× (target ≤ 1.5×: ${bulkMed / bareMed <= 1.5 ? 'met' : 'MISSED'}; ` +
				`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`
		);
		let bulkRest: number[] = [];
		if (restWorks && apiUrl) {
			const client = restClient(apiUrl, await jwtOf(coach));
			bulkRest = await time(Math.min(3, windows.length - 1), async (i) => {
				const { data, error } = await client
					.rpc('bulk_publish_assignments', { p_filter: filterOf(windows[i + 1]) })
					.single();
				if (error) throw new Error(`bulk publish: ${error.message}`);
				if (i === 0)
					console.log(`REST bulk publish published ${(data as { count: number }).count} drafts`);
			});
		}
		figures.push({ name: 'bulk publish 10,000 drafts', sql: bulkSql, rest: bulkRest });
		console.log(
			`bulk publish windows: ${windows.map((w) => `${w.from}..${w.to} (${w.drafts})`).join(', ')}`
		);

		console.log(
			'\n| measure | target | SQL p50 | SQL p95 | REST p50 | REST p95 | REST/SQL (p95) |'
		);
		console.log('|---|---|---|---|---|---|---|');
		for (const f of figures) {
			const s95 = percentile(f.sql, 95);
			const r95 = percentile(f.rest, 95);
			const ok = (ms: number) => (ms <= TARGETS[f.name] ? 'ok' : 'MISSED');
			console.log(
				`| ${f.name} | ≤ ${TARGETS[f.name]} ms | ${fmt(percentile(f.sql, 50))} | ${fmt(s95)} (${ok(s95)}) | ${fmt(percentile(f.rest, 50))} | ${fmt(r95)}${Number.isFinite(r95) ? ` (${ok(r95)})` : ''} | ${Number.isFinite(r95) ? (r95 / s95).toFixed(2) : 'n/a'} |`
			);
		}
		if (!restWorks)
			console.log('REST figures missing: the REST service did not answer (see above).');

		await explainAll(dbUrl, org, weekStart(2), filterOf(windows[0]));
	} finally {
		await sql.end();
		await stack?.stop();
	}
}
