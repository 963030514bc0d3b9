// Assignments under concurrency, with two (or more) real connections, each acting as a person the
// way the REST service does (a transaction with `set local role authenticated` and
// request.jwt.claims): two results logged against one assignment at once fork exactly one
// snapshot; a bulk delete racing inserts stays consistent with its audit row; two overlapping
// drip-publisher runs publish and announce each draft once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { adminSql, dbUrl } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const admin = adminSql();
const connections: postgres.Sql[] = [];
const coach = randomUUID();
const athlete = randomUUID();
let org = '';
let workout = '';

/** A separate connection (its own session), closed after the file. */
function connection(): postgres.Sql {
	const c = postgres(dbUrl(), { max: 1, onnotice: () => {} });
	connections.push(c);
	return c;
}

/** Runs `work` in a transaction as `sub`, like the REST service does for a signed-in user. */
async function as<T>(
	c: postgres.Sql,
	sub: string,
	work: (tx: postgres.TransactionSql) => Promise<T>
): Promise<T> {
	const out = await c.begin(async (tx) => {
		await tx`select set_config('role', 'authenticated', true),
		                set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true)`;
		return [await work(tx)];
	});
	return out[0] as T;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until some other session is blocked on a lock (so the race really overlaps). */
async function untilSomeoneWaits(): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const [{ n }] = await admin<{ n: number }[]>`
			select count(*)::int as n from pg_stat_activity
			 where wait_event_type = 'Lock' and datname = current_database()`;
		if (n > 0) return;
		await sleep(20);
	}
	throw new Error('no session ever waited on a lock');
}

async function publishedAssignment(date: string): Promise<string> {
	const [row] = await admin<{ id: string }[]>`
		insert into public.workout_assignments (organization_id, user_id, workout_id, date, published, assigned_by)
		values (${org}, ${athlete}, ${workout}, ${date}::date, true, ${coach}) returning id`;
	return row.id;
}

beforeAll(async () => {
	await admin`
		insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
		  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
		  phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
		  created_at, updated_at)
		select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email, '', now(),
		       '', '', '', '', '', '', '', '', '{"provider":"email","providers":["email"]}'::jsonb,
		       jsonb_build_object('display_name', u.name), now(), now()
		  from (values (${coach}::uuid, ${`coach.${run}@test.coachline.dev`}, 'Race Coach'),
		               (${athlete}::uuid, ${`athlete.${run}@test.coachline.dev`}, 'Race Athlete')) u (id, email, name)`;
	const [o] = await admin<{ id: string }[]>`
		insert into public.organizations (name, slug, time_zone, created_by)
		values ('Race Gym', ${`race-${run}`}, 'Europe/London', ${coach}) returning id`;
	org = o.id;
	await admin`
		insert into public.memberships (organization_id, user_id, role)
		values (${org}, ${coach}, 'owner'), (${org}, ${athlete}, 'member')`;
	// The athlete has a device: a push for someone without one is recorded skipped at once and
	// never collapses, and the race below is about the one push that waits to be sent.
	await admin`
		insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
		values (${athlete}, ${`https://fcm.googleapis.com/fcm/send/race-${run}`}, 'p256', 'auth')`;
	const [w] = await admin<{ id: string }[]>`
		insert into public.workouts (organization_id, title, created_by) values (${org}, 'Grace', ${coach}) returning id`;
	workout = w.id;
	const [s] = await admin<{ id: string }[]>`
		insert into public.workout_sections (workout_id, organization_id, position, title)
		values (${workout}, ${org}, 0, 'Metcon') returning id`;
	await admin`
		insert into public.workout_movements (section_id, workout_id, organization_id, position, name, reps, load, load_unit)
		values (${s.id}, ${workout}, ${org}, 0, 'Clean and jerk', 30, 60, 'kg')`;
});

afterAll(async () => {
	await Promise.all(connections.map((c) => c.end()));
	// Leave the shared database as we found it (pgTAP files count rows): replica mode skips the
	// append-only and keep-an-owner triggers for this cleanup only.
	await admin.begin(async (tx) => {
		await tx`set local session_replication_role = replica`;
		await tx`delete from realtime.messages where topic in (${`user:${coach}`}, ${`user:${athlete}`})`;
		await tx`delete from public.notification_outbox where user_id in (${coach}, ${athlete})`;
		await tx`delete from public.push_subscriptions where user_id in (${coach}, ${athlete})`;
		await tx`delete from public.audit_logs where organization_id = ${org}`;
		await tx`delete from public.personal_records where organization_id = ${org}`;
		await tx`delete from public.workout_results where organization_id = ${org}`;
		await tx`delete from public.workout_assignments where organization_id = ${org}`;
		await tx`delete from public.workout_movements where organization_id = ${org}`;
		await tx`delete from public.workout_sections where organization_id = ${org}`;
		await tx`delete from public.workouts where organization_id = ${org}`;
		await tx`delete from public.memberships where organization_id = ${org}`;
		await tx`delete from public.organizations where id = ${org}`;
		await tx`delete from public.profiles where id in (${coach}, ${athlete})`;
		await tx`delete from auth.users where id in (${coach}, ${athlete})`;
	});
	await admin.end();
});

describe('two results logged against the same assignment at once', () => {
	it('forks exactly one snapshot, and both results point at the completed assignment', async () => {
		const assignment = await publishedAssignment(new Date().toISOString().slice(0, 10));
		const first = connection();
		const second = connection();
		const log = (tx: postgres.TransactionSql, score: string) =>
			tx`insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score)
			   values (${org}, ${athlete}, ${workout}, ${assignment}, ${score})`;

		// The first result forks and holds the assignment's row lock until it commits; the
		// second arrives meanwhile and must wait, then find the snapshot already made.
		let releaseFirst = () => {};
		const held = new Promise<void>((r) => (releaseFirst = r));
		let firstLogged = () => {};
		const logged = new Promise<void>((r) => (firstLogged = r));
		const a = as(first, athlete, async (tx) => {
			await log(tx, '2:10');
			firstLogged();
			await held;
		});
		await logged;
		const b = as(second, athlete, (tx) => log(tx, '2:05'));
		await untilSomeoneWaits();
		releaseFirst();
		await Promise.all([a, b]);

		// And once more with both starting at the same instant.
		const other = await publishedAssignment(
			new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
		);
		await Promise.all([
			as(
				first,
				athlete,
				(tx) =>
					tx`insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score)
				   values (${org}, ${athlete}, ${workout}, ${other}, '3:00')`
			),
			as(
				second,
				athlete,
				(tx) =>
					tx`insert into public.workout_results (organization_id, user_id, workout_id, workout_assignment_id, score)
				   values (${org}, ${athlete}, ${workout}, ${other}, '3:01')`
			)
		]);

		for (const id of [assignment, other]) {
			const [state] = await admin<
				{
					status: string;
					snapshot: string;
					snapshots: number;
					results: number;
					movements: number;
				}[]
			>`
				select a.status::text, a.snapshot_workout_id as snapshot,
				       (select count(*)::int from public.workouts w
				         where w.source_workout_id = ${workout} and w.is_snapshot
				           and w.id in (select snapshot_workout_id from public.workout_assignments where id = ${id})) as snapshots,
				       (select count(*)::int from public.workout_results r where r.workout_assignment_id = a.id) as results,
				       (select count(*)::int from public.workout_movements m where m.workout_id = a.snapshot_workout_id) as movements
				  from public.workout_assignments a where a.id = ${id}`;
			expect(state.status).toBe('completed');
			expect(state.snapshot).not.toBe(workout);
			expect(state.snapshots).toBe(1);
			expect(state.results).toBe(2);
			expect(state.movements).toBe(1);
		}
		const [{ forks }] = await admin<{ forks: number }[]>`
			select count(*)::int as forks from public.workouts where source_workout_id = ${workout} and is_snapshot`;
		expect(forks).toBe(2); // one per assignment, never one per result
	});
});

describe('bulk delete while rows are being inserted', () => {
	it('deletes every row it matched, audits exactly those ids, and leaves concurrent inserts whole', async () => {
		const from = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
		const to = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
		const before = await admin<{ id: string }[]>`
			insert into public.workout_assignments (organization_id, user_id, workout_id, date, assigned_by)
			select ${org}, ${athlete}, ${workout}, ${from}::date + (g % 10), ${coach} from generate_series(1, 300) g
			returning id`;
		const inserter = connection();
		const holder = connection();
		const deleter = connection();
		const insertOne = (tx: postgres.TransactionSql) =>
			tx`insert into public.workout_assignments (organization_id, user_id, workout_id, date)
			   values (${org}, ${athlete}, ${workout}, ${from}::date + 3) returning id`;

		// One insert stays uncommitted across the whole delete; others stream in during it.
		let release = () => {};
		const held = new Promise<void>((r) => (release = r));
		let started = () => {};
		const inFlight = new Promise<void>((r) => (started = r));
		const heldInsert = as(holder, coach, async (tx) => {
			const [row] = await insertOne(tx);
			started();
			await held;
			return row.id as string;
		});
		await inFlight;
		let streaming = true;
		const streamed: string[] = [];
		const stream = (async () => {
			while (streaming) {
				const [row] = await as(inserter, coach, insertOne);
				streamed.push(row.id as string);
			}
		})();
		// The delete starts while the stream is running, not before its first insert.
		await waitFor(() => streamed.length > 0);
		const result = await as(deleter, coach, async (tx) => {
			const [r] = await tx<{ batch_id: string; count: number; ids: string[] }[]>`
				select batch_id, count, ids
				  from public.bulk_delete_assignments(${tx.json({ organization_id: org, date_from: from, date_to: to })})`;
			return r;
		});
		streaming = false;
		await stream;
		release();
		const heldId = await heldInsert;

		const rows = await admin<{ id: string; deleted: boolean }[]>`
			select id, deleted_at is not null as deleted from public.workout_assignments
			 where organization_id = ${org} and date between ${from}::date and ${to}::date`;
		const deleted = new Set(rows.filter((r) => r.deleted).map((r) => r.id));
		const ids = new Set(result.ids);
		// Every row that existed before the delete started is deleted and listed.
		for (const { id } of before) expect(ids.has(id)).toBe(true);
		// The ids it reports are exactly the rows now deleted: nothing half done.
		expect([...deleted].sort()).toEqual([...ids].sort());
		expect(result.count).toBe(ids.size);
		// The insert that was in flight across the delete is intact; streamed rows are either
		// deleted (committed before the delete's snapshot) or intact, never anything else.
		expect(deleted.has(heldId)).toBe(false);
		for (const id of streamed) expect(rows.some((r) => r.id === id)).toBe(true);
		expect(streamed.length).toBeGreaterThan(0);

		const audit = await admin<{ ids: string[]; count: number; actor_id: string }[]>`
			select details -> 'ids' as ids, (details ->> 'count')::int as count, actor_id from public.audit_logs
			 where batch_id = ${result.batch_id} and action = 'assignment.bulk_deleted'`;
		expect(audit).toHaveLength(1);
		expect([...audit[0].ids].sort()).toEqual([...ids].sort());
		expect(audit[0].count).toBe(ids.size);
		expect(audit[0].actor_id).toBe(coach);
	});
});

describe('two drip-publisher runs overlapping', () => {
	it('publishes each due draft once: one push naming every draft, one broadcast each', async () => {
		// Due three days from now, so the real cron job (which passes now()) never takes them.
		const due = new Date(Date.now() + 3 * 86_400_000).toISOString();
		const drafts = await admin<{ id: string }[]>`
			insert into public.workout_assignments (organization_id, user_id, workout_id, date, publish_at, assigned_by)
			select ${org}, ${athlete}, ${workout}, current_date + 3, ${due}::timestamptz - (g || ' seconds')::interval, ${coach}
			  from generate_series(1, 60) g returning id`;
		const ids = drafts.map((d) => d.id);
		const first = connection();
		const second = connection();

		// The first run claims everything due and holds its locks a moment; the second starts
		// meanwhile and must skip what is locked; then both run again (idempotent).
		let release = () => {};
		const held = new Promise<void>((r) => (release = r));
		let claimed = () => {};
		const claimedP = new Promise<void>((r) => (claimed = r));
		const a = first.begin(async (tx) => {
			const [r] = await tx<
				{ n: number }[]
			>`select private.publish_due_assignments(${due}::timestamptz) as n`;
			claimed();
			await held;
			return r.n;
		});
		await claimedP;
		const b = second.begin(async (tx) => {
			const [r] = await tx<
				{ n: number }[]
			>`select private.publish_due_assignments(${due}::timestamptz) as n`;
			return r.n;
		});
		const secondCount = await b;
		release();
		const firstCount = await a;
		const [again] = await Promise.all([
			first`select private.publish_due_assignments(${due}::timestamptz) as n`,
			second`select private.publish_due_assignments(${due}::timestamptz) as n`
		]);
		expect(secondCount).toBe(0);
		expect(firstCount).toBeGreaterThanOrEqual(ids.length);
		expect(Number(again[0].n)).toBe(0);

		// The athlete's drafts came due together: one push names all of them (not 60 buzzes), and
		// no draft is named twice across both runs.
		const [state] = await admin<
			{ published: number; pushes: number; named: number; twice: number; broadcasts: number }[]
		>`
			with named as (
			  select o.id, coalesce(x.id, o.payload ->> 'assignment_id')::uuid as assignment_id
			    from public.notification_outbox o
			    left join lateral jsonb_array_elements_text(o.payload -> 'assignment_ids') x (id) on true
			   where o.category = 'workoutAssigned' and o.user_id = ${athlete}
			)
			select (select count(*)::int from public.workout_assignments where id = any (${ids}::uuid[]) and published) as published,
			       (select count(distinct n.id)::int from named n where n.assignment_id = any (${ids}::uuid[])) as pushes,
			       (select count(distinct n.assignment_id)::int from named n where n.assignment_id = any (${ids}::uuid[])) as named,
			       (select count(*)::int from (select n.assignment_id from named n where n.assignment_id = any (${ids}::uuid[])
			         group by 1 having count(*) > 1) x) as twice,
			       (select count(*)::int from realtime.messages
			         where event = 'assignment_published' and (payload ->> 'assignment_id')::uuid = any (${ids}::uuid[])) as broadcasts`;
		expect(state).toEqual({
			published: ids.length,
			pushes: 1,
			named: ids.length,
			twice: 0,
			broadcasts: ids.length
		});
	});
});
