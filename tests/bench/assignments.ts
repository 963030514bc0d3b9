// `npm run bench -- assignments [--athletes 2000] [--iterations 100] [--db <url> [--api <url>] [--org <id>]]`:
// the issue-6 targets on a generated organization (2,000 athletes × 180 days). Each read is timed
// as raw SQL (a transaction with role authenticated + request.jwt.claims, as the REST service
// runs it) and through the REST API (supabase-js `.rpc()` with a user JWT), one request at a
// time; bulk publish of 10,000 drafts is timed the same two ways. Then EXPLAIN (ANALYZE,
// BUFFERS) of the statements inside each function (auto_explain, nested statements) shows which
// indexes they use. Without --db it boots a throwaway stack (cluster + services) and removes it.
import postgres from 'postgres';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { ANON_KEY, JWT_SECRET } from '../../stack/keys.ts';
import { generateOrganization, loadOrganization, type GeneratedOrganization } from './_generate.ts';
import { option } from './seed.ts';

const TARGETS: Record<string, number> = {
	'coach week grid (organization)': 30,
	'coach week grid (one program)': 30,
	'coach overview': 100,
	'athlete my-week': 10,
	'bulk publish 10,000 drafts': 1000
};

interface Figure {
	name: string;
	sql: number[];
	rest: number[];
}

const percentile = (xs: number[], p: number): number => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'n/a');

async function token(sub: string): Promise<string> {
	return new SignJWT({
		sub,
		role: 'authenticated',
		aud: 'authenticated',
		email: `${sub}@bench.coachline.dev`
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime('2h')
		.sign(new TextEncoder().encode(JWT_SECRET));
}

function claims(sub: string): string {
	return JSON.stringify({ sub, role: 'authenticated', aud: 'authenticated' });
}

/** One API-shaped transaction: role + claims, the call, commit (or rollback when asked). */
async function asUser<T>(
	sql: postgres.Sql,
	sub: string,
	run: (tx: postgres.TransactionSql) => Promise<T>,
	rollback = false
): Promise<T> {
	let out: T | undefined;
	const rolledBack = new Error('rollback');
	try {
		await sql.begin(async (tx) => {
			await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims(sub)}, true)`;
			out = await run(tx);
			if (rollback) throw rolledBack;
		});
	} catch (e) {
		if (e !== rolledBack) throw e;
	}
	return out as T;
}

async function time(n: number, once: (i: number) => Promise<void>): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t = performance.now();
		await once(i);
		out.push(performance.now() - t);
	}
	return out;
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

function restClient(apiUrl: string, jwt: string): SupabaseClient {
	return createClient(apiUrl, ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		global: { headers: { Authorization: `Bearer ${jwt}` } }
	});
}

async function explainAll(
	dbUrl: string,
	org: GeneratedOrganization,
	weekStart: string,
	filter: Record<string, string>
): Promise<void> {
	const logs: string[] = [];
	const sql = postgres(dbUrl, { max: 1, onnotice: (n) => logs.push(String(n.message)) });
	const coach = org.coachIds[0];
	const athlete = org.athleteIds[0];
	await sql`load 'auto_explain'`;
	await sql`set auto_explain.log_min_duration = 0`;
	await sql`set auto_explain.log_analyze = on`;
	await sql`set auto_explain.log_buffers = on`;
	await sql`set auto_explain.log_timing = on`;
	await sql`set auto_explain.log_nested_statements = on`;
	await sql`set client_min_messages = log`;
	const cases: [string, string, (tx: postgres.TransactionSql) => Promise<unknown>][] = [
		[
			'coach_week (organization)',
			coach,
			(tx) => tx`select count(*) from public.coach_week(${org.organizationId}, ${weekStart})`
		],
		[
			'coach_week (program)',
			coach,
			(tx) =>
				tx`select count(*) from public.coach_week(${org.organizationId}, ${weekStart}, ${org.programIds.coaching[0]})`
		],
		[
			'coach_overview',
			coach,
			(tx) => tx`select length(public.coach_overview(${org.organizationId})::text)`
		],
		['my_week', athlete, (tx) => tx`select count(*) from public.my_week(${weekStart})`],
		[
			'bulk_publish_assignments',
			coach,
			(tx) => tx`select public.bulk_publish_assignments(${tx.json(filter)}) -> 'count'`
		]
	];
	for (const [name, sub, run] of cases) {
		logs.length = 0;
		await asUser(sql, sub, run, true);
		// The statements the function ran that touch the assignments table, with their plans.
		const plans = logs.filter(
			(l) => /workout_assignments/.test(l) && !/set_config\('role'/.test(l) && /actual time/.test(l)
		);
		console.log(`\n=== EXPLAIN (ANALYZE, BUFFERS) inside ${name} ===`);
		for (const p of plans.slice(0, 4)) {
			const lines = p.split('\n');
			const text = lines.findIndex((l) => l.startsWith('Query Text'));
			const plan = lines.slice(text >= 0 ? text + 1 : 0).filter((l) => !/^\s*$/.test(l));
			const query = lines[text] ?? '';
			console.log(query.replace(/\s+/g, ' ').slice(0, 160));
			// Long literals (the id arrays of a batch) are cut so the plan stays readable.
			console.log(
				plan
					.slice(0, 28)
					.map((l) => (l.length > 220 ? `${l.slice(0, 220)}…` : l))
					.join('\n')
			);
		}
	}
	await sql.end();
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
		const windows = await draftWindows(sql, org.organizationId, 10_000, 4);
		const filterOf = (w: { from: string; to: string }) => ({
			organization_id: org.organizationId,
			date_from: w.from,
			date_to: w.to
		});

		const figures: Figure[] = [];
		const reads: [
			string,
			(i: number) => [string, (tx: postgres.TransactionSql) => Promise<unknown>, string, object]
		][] = [
			[
				'coach week grid (organization)',
				(i) => [
					coach,
					(tx) => tx`select * from public.coach_week(${org.organizationId}, ${weekStart(i)})`,
					'coach_week',
					{ p_organization_id: org.organizationId, p_week_start: weekStart(i) }
				]
			],
			[
				'coach week grid (one program)',
				(i) => [
					coach,
					(tx) =>
						tx`select * from public.coach_week(${org.organizationId}, ${weekStart(i)}, ${org.programIds.coaching[i % 4]})`,
					'coach_week',
					{
						p_organization_id: org.organizationId,
						p_week_start: weekStart(i),
						p_program_id: org.programIds.coaching[i % 4]
					}
				]
			],
			[
				'coach overview',
				() => [
					coach,
					(tx) => tx`select public.coach_overview(${org.organizationId})`,
					'coach_overview',
					{ p_organization_id: org.organizationId }
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

		const jwts = new Map<string, string>();
		const jwtOf = async (sub: string) => {
			if (!jwts.has(sub)) jwts.set(sub, await token(sub));
			return jwts.get(sub) as string;
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
						const { error } = await restClient(url, await jwtOf(sub)).rpc(fn, params);
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
		let bulkRest: number[] = [];
		if (restWorks && apiUrl) {
			const client = restClient(apiUrl, await jwtOf(coach));
			bulkRest = await time(Math.min(3, windows.length - 1), async (i) => {
				const { data, error } = await client.rpc('bulk_publish_assignments', {
					p_filter: filterOf(windows[i + 1])
				});
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
			const ok = s95 <= TARGETS[f.name] ? 'ok' : 'MISSED';
			console.log(
				`| ${f.name} | ≤ ${TARGETS[f.name]} ms | ${fmt(percentile(f.sql, 50))} | ${fmt(s95)} (${ok}) | ${fmt(percentile(f.rest, 50))} | ${fmt(r95)} | ${Number.isFinite(r95) ? (r95 / s95).toFixed(2) : 'n/a'} |`
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
