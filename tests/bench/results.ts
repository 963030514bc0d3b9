// `npm run bench -- results [--athletes 2000] [--results 50000] [--iterations 40] [--db <url> [--org <id>]]`:
// the staff results readers on a generated organization (2,000 athletes, about 50,000 results
// with per-movement numbers and personal records). Each call is one API-shaped transaction (role
// authenticated + request.jwt.claims of a coach, as the REST service runs an .rpc()), timed two
// ways: inside the database (clock_timestamp() - statement_timestamp() of the calling statement,
// so the machine's scheduling between round trips does not count) and at the client (the whole
// transaction). Then EXPLAIN (ANALYZE, BUFFERS) of the statements inside results_feed and
// athlete_profile (auto_explain, nested statements) shows which indexes they use.
// Without --db it boots a throwaway stack (cluster + services) and removes it.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { generateOrganization, loadOrganization } from './_generate.ts';
import { asUser, explainInside, fmt, percentile, time } from './_measure.ts';
import { option } from './seed.ts';

const TARGETS: Record<string, number> = {
	'feed first page (20)': 20,
	'feed first page (40)': 20,
	'feed one program (20)': 20,
	'feed one athlete (20)': 20,
	'feed deep keyset page (20)': 20,
	athlete_profile: 30
};

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim();

export default async function results(args: string[]): Promise<void> {
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const wanted = Number(option(args, 'results') ?? 50_000);
	const iterations = Number(option(args, 'iterations') ?? 40);
	let dbUrl = option(args, 'db');
	let stack: TestStack | null = null;
	if (!dbUrl) {
		console.log('Booting a throwaway stack (cluster, migrations, seed.sql, services)…');
		stack = await bootTestStack();
		dbUrl = stack.dbUrl;
	}
	const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
	try {
		const existing = option(args, 'org');
		const org = existing
			? await loadOrganization(sql, existing)
			: await generateOrganization(sql, { athletes, days: 30, log: console.log });
		const orgId = org.organizationId;
		if (!existing) {
			const t = performance.now();
			await sql.begin(async (tx) => {
				// Bulk writes skip per-row triggers (records, broadcast), as the generator does.
				await tx`set local session_replication_role = replica`;
				// The generator writes a year of history (far more than asked): keep every result of
				// an assignment and an even sample of the history, about `wanted` in all.
				const [{ linked, history }] = await tx<{ linked: string; history: string }[]>`
					select count(*) filter (where workout_assignment_id is not null) as linked,
					       count(*) filter (where workout_assignment_id is null) as history
					  from public.workout_results where organization_id = ${orgId}`;
				const keep = Math.max(0, wanted - Number(linked)) / Math.max(1, Number(history));
				if (keep < 1)
					await tx`delete from public.workout_results
					          where organization_id = ${orgId} and workout_assignment_id is null
					            and (abs(hashtext(id::text)) % 10000) >= ${Math.round(keep * 10000)}`;
				// Per-movement numbers as the logging form writes them, for every movement of the workout.
				await tx`
					update public.workout_results r
					   set movement_results = m.entries
					  from (select wm.workout_id,
					               jsonb_agg(jsonb_build_object('movement_id', wm.id, 'load_unit', 'kg',
					                                            'load', 60 + wm.position * 5, 'reps', 5)
					                         order by wm.position) as entries
					          from public.workout_movements wm
					         where wm.organization_id = ${orgId}
					         group by wm.workout_id) m
					 where r.organization_id = ${orgId} and m.workout_id = r.workout_id`;
				// A record per athlete and movement name, held by their latest result with it.
				await tx`
					insert into public.personal_records (organization_id, user_id, movement_name, load_unit, best_load, reps, achieved_at, workout_result_id)
					select distinct on (r.user_id, lower(btrim(wm.name)))
					       r.organization_id, r.user_id, lower(btrim(wm.name)), 'kg', 60 + wm.position * 5, 5, r.performed_at, r.id
					  from public.workout_results r
					  join public.workout_movements wm on wm.workout_id = r.workout_id
					 where r.organization_id = ${orgId} and btrim(wm.name) <> ''
					 order by r.user_id, lower(btrim(wm.name)), r.performed_at desc
					on conflict do nothing`;
			});
			await sql`analyze public.workout_results, public.personal_records`;
			console.log(`results trimmed and filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		}
		const [counts] = await sql<{ results: string; records: string; athletes: string }[]>`
			select (select count(*) from public.workout_results where organization_id = ${orgId}) as results,
			       (select count(*) from public.personal_records where organization_id = ${orgId}) as records,
			       (select count(*) from public.memberships where organization_id = ${orgId} and role = 'member') as athletes`;
		console.log('organization:', counts);

		const coach = org.coachIds[0];
		// The program and the athlete with the most results: the fullest filtered pages.
		const [{ program_id }] = await sql<{ program_id: string }[]>`
			select a.program_id from public.workout_results r
			  join public.workout_assignments a on a.id = r.workout_assignment_id
			 where r.organization_id = ${orgId} and a.program_id is not null
			 group by a.program_id order by count(*) desc limit 1`;
		const athletesByResults = await sql<{ user_id: string }[]>`
			select user_id from public.workout_results where organization_id = ${orgId}
			 group by user_id order by count(*) desc, user_id limit 20`;
		// A cursor 60% of the way down the organization's feed: a deep page.
		const [deep] = await sql<{ performed_at: Date; id: string }[]>`
			select performed_at, id from public.workout_results where organization_id = ${orgId}
			 order by performed_at desc, id desc offset ${Math.floor(Number(counts.results) * 0.6)} limit 1`;
		const athleteAt = (i: number) => athletesByResults[i % athletesByResults.length].user_id;

		const cases: [
			string,
			(tx: postgres.TransactionSql, i: number) => Promise<{ ms: number; n: number }[]>
		][] = [
			[
				'feed first page (20)',
				(tx) => tx`select json_array_length(json_agg(f)) as n,
				                  extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.results_feed(${orgId}) f`
			],
			[
				'feed first page (40)',
				(tx) => tx`select json_array_length(json_agg(f)) as n,
				                  extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.results_feed(${orgId}, p_limit => 40) f`
			],
			[
				'feed one program (20)',
				(tx) => tx`select json_array_length(json_agg(f)) as n,
				                  extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.results_feed(${orgId}, ${program_id}) f`
			],
			[
				'feed one athlete (20)',
				(tx, i) => tx`select json_array_length(json_agg(f)) as n,
				                     extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.results_feed(${orgId}, null, ${athleteAt(i)}) f`
			],
			[
				'feed deep keyset page (20)',
				(tx) => tx`select json_array_length(json_agg(f)) as n,
				                  extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.results_feed(${orgId}, null, null, ${deep.performed_at}, ${deep.id}) f`
			],
			[
				'athlete_profile',
				(tx, i) => tx`select json_array_length(json_agg(p) -> 0 -> 'recent_results') as n,
				                     extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 as ms
				             from public.athlete_profile(${orgId}, ${athleteAt(i)}) p`
			]
		];

		const rows: string[] = [];
		for (const [name, run] of cases) {
			// Warm the cache and the plan as a coach's second visit would.
			for (let i = 0; i < 3; i++) await asUser(sql, coach, (tx) => run(tx, i), true);
			const inside: number[] = [];
			let cards = 0;
			const client = await time(iterations, async (i) => {
				const [r] = await asUser(sql, coach, (tx) => run(tx, i), true);
				inside.push(Number(r.ms));
				cards = Number(r.n);
			});
			const p95 = percentile(inside, 95);
			const line = `| ${name} | ${cards} | ≤ ${TARGETS[name]} ms | ${fmt(percentile(inside, 50))} | ${fmt(p95)} (${p95 <= TARGETS[name] ? 'met' : 'MISSED'}) | ${fmt(percentile(client, 50))} | ${fmt(percentile(client, 95))} | ${loadavg().split(' ').slice(0, 3).join(' ')} |`;
			console.log(line);
			rows.push(line);
		}

		await explainInside(
			dbUrl,
			[
				[
					'results_feed (organization, first page)',
					coach,
					(tx) => tx`select length(json_agg(f)::text) from public.results_feed(${orgId}) f`
				],
				[
					'results_feed (deep keyset page)',
					coach,
					(tx) =>
						tx`select length(json_agg(f)::text) from public.results_feed(${orgId}, null, null, ${deep.performed_at}, ${deep.id}) f`
				],
				[
					'athlete_profile',
					coach,
					(tx) =>
						tx`select length(json_agg(p)::text) from public.athlete_profile(${orgId}, ${athleteAt(0)}) p`
				]
			],
			/workout_results/,
			(url, onnotice) => postgres(url, { max: 1, onnotice }),
			40
		);

		// Before: the per-card readers of 20261207003100, put back inside a transaction that is
		// rolled back, timed on the same data the same way (fewer calls: they are slow).
		const previous = readFileSync(
			new URL(
				'../../supabase/migrations/20261207003100_results_feed_athlete_page.sql',
				import.meta.url
			),
			'utf8'
		);
		const cut = (from: string, to: string) =>
			previous.slice(previous.indexOf(from), previous.indexOf(to, previous.indexOf(from)));
		const oldDefs = [
			cut(
				'create or replace function public.results_feed(',
				'comment on function public.results_feed('
			),
			cut(
				'create or replace function public.athlete_profile(',
				'comment on function public.athlete_profile('
			)
		];
		const before: string[] = [];
		for (const [name, run] of [cases[0], cases[1], cases[5]]) {
			const inside: number[] = [];
			await sql
				.begin(async (tx) => {
					// They returned jsonb; today's return rows, so they are dropped first (rolled back).
					await tx`drop function public.results_feed(uuid, uuid, uuid, timestamptz, uuid, integer)`;
					await tx`drop function public.athlete_profile(uuid, uuid, integer, timestamptz)`;
					for (const def of oldDefs) await tx.unsafe(def);
					await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ sub: coach, role: 'authenticated', aud: 'authenticated' })}, true)`;
					await run(tx, 0);
					for (let i = 0; i < 5; i++) inside.push(Number((await run(tx, i))[0].ms));
					throw new Error('rollback');
				})
				.catch((e: Error) => {
					if (e.message !== 'rollback') throw e;
				});
			before.push(
				`| ${name} (before: per-card function) | 5 calls | ${fmt(percentile(inside, 50))} | ${fmt(Math.max(...inside))} (max) | ${loadavg().split(' ').slice(0, 3).join(' ')} |`
			);
			console.log(before[before.length - 1]);
		}

		console.log(
			`\n${counts.athletes} athletes, ${counts.results} results, ${counts.records} records; ${iterations} calls each as a coach`
		);
		console.log(
			'| read | cards | target (p95, in DB) | in DB p50 | in DB p95 | client p50 | client p95 | loadavg (1/5/15 min) |'
		);
		console.log('|---|---|---|---|---|---|---|---|');
		for (const r of rows) console.log(r);
		console.log('\n| read | calls | in DB p50 | in DB max | loadavg |\n|---|---|---|---|---|');
		for (const r of before) console.log(r);
		console.log(`/proc/loadavg at the end: ${loadavg()}`);
	} finally {
		await sql.end();
		await stack?.stop();
	}
}
