// `npm run bench -- library-freeze [--athletes 2000] [--iterations 10] [--db <url>]`. The
// target: saving a library workout that 2,000 published assignments point at takes ≤ 300 ms in
// SQL, the freeze included (one shared frozen copy, 2,000 cells repointed). Each save runs as
// the coach in an API-shaped transaction that is rolled back, so every round freezes the same
// 2,000 cells again. Then EXPLAIN (ANALYZE, BUFFERS) of the statements inside the save that touch
// workout_assignments. Without --db it boots a throwaway cluster and removes it.
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { generateOrganization } from './_generate.ts';
import { asUser, explainInside, fmt, median, percentile, time } from './_measure.ts';
import { option, throwawayCluster } from './seed.ts';

const TARGET_MS = 300;

export default async function libraryFreeze(args: string[]): Promise<void> {
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const iterations = Number(option(args, 'iterations') ?? 10);
	let url = option(args, 'db');
	let stop = () => {};
	if (!url) {
		console.log('Booting a throwaway cluster (platform, migrations, seed.sql)…');
		const c = await throwawayCluster();
		url = c.url;
		stop = c.stop;
	}
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const org = await generateOrganization(sql, {
			athletes,
			days: 3,
			slug: `freeze-${Date.now().toString(36)}`
		});
		const coach = org.coachIds[0];
		const payload = (reps: number) => [
			{
				title: 'Strength',
				movements: [
					{ name: 'Back squat', sets: 5, reps },
					{ name: 'Row', time_seconds: 300 }
				]
			},
			{
				title: 'Metcon',
				movements: [{ name: 'Thruster', rep_scheme: '21-15-9', load: 43, load_unit: 'kg' }]
			}
		];
		// The workout and its 2,000 published cells (one per athlete, on a day nobody has one yet).
		const workoutId = await asUser(sql, coach, async (tx) => {
			const [w] = await tx<{ id: string }[]>`
				select public.create_workout(${org.organizationId}, 'Freeze bench', null, ${tx.json(payload(21))}) as id`;
			await tx`select count(*) from public.assign_personal(${org.organizationId}, ${org.athleteIds}::uuid[],
				current_date + 20, 'workout', ${w.id})`;
			return w.id;
		});
		const [given] = await sql<{ n: string }[]>`
			select count(*) as n from public.workout_assignments
			 where workout_id = ${workoutId} and published and snapshot_workout_id = workout_id`;
		console.log(`${given.n} published cells point at the workout`);
		// The builder sends the ids it loaded: the save updates rows in place.
		const [content] = await sql<
			{ sections: { id: string; title: string; movements: Record<string, unknown>[] }[] }[]
		>`
			select jsonb_agg(jsonb_build_object('id', s.id, 'title', s.title, 'movements',
			         (select jsonb_agg(to_jsonb(m) - 'organization_id' - 'workout_id' - 'section_id' - 'created_at' - 'updated_at' - 'position'
			                           order by m.position)
			            from public.workout_movements m where m.section_id = s.id)) order by s.position) as sections
			  from public.workout_sections s where s.workout_id = ${workoutId}`;
		const edited = content.sections.map((s, i) =>
			i === 0
				? { ...s, movements: s.movements.map((m, j) => (j === 0 ? { ...m, reps: 15 } : m)) }
				: s
		);
		const save = (tx: postgres.TransactionSql) =>
			tx`select public.save_workout(${workoutId}, 'Freeze bench', null, ${tx.json(edited as unknown as postgres.JSONValue)})`;

		// Check once that the save did freeze (and roll it back like every round).
		await asUser(
			sql,
			coach,
			async (tx) => {
				await save(tx);
				const [r] = await tx<{ copies: string; frozen: string }[]>`
					select (select count(*) from public.workouts where source_workout_id = ${workoutId} and is_snapshot) as copies,
					       (select count(*) from public.workout_assignments where workout_id = ${workoutId}
					           and snapshot_workout_id <> workout_id) as frozen`;
				console.log(`one save: ${r.copies} frozen copy, ${r.frozen} cells repointed to it`);
			},
			true
		);
		for (let i = 0; i < 2; i++) await asUser(sql, coach, async (tx) => void (await save(tx)), true);
		const times = await time(iterations, () =>
			asUser(sql, coach, async (tx) => void (await save(tx)), true)
		);
		const p95 = percentile(times, 95);
		console.log(
			`\n| measure | target | SQL p50 | SQL p95 |\n|---|---|---|---|\n| save_workout with ${given.n} published cells (freeze included) | ≤ ${TARGET_MS} ms | ${fmt(median(times))} | ${fmt(p95)} (${p95 <= TARGET_MS ? 'ok' : 'MISSED'}) |`
		);
		// The machine is shared: the load average says how much the figures above were crowded.
		console.log(
			`load average during the run: ${loadavg()
				.map((l) => l.toFixed(1))
				.join(' / ')} (1/5/15 min)`
		);
		await explainInside(
			url,
			[['save_workout (freezing)', coach, save]],
			/update public\.workout_assignments|insert into public\.workout_movements/,
			(u, onnotice) => postgres(u, { max: 1, onnotice }),
			30
		);
	} finally {
		await sql.end();
		stop();
	}
}
