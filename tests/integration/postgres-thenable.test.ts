// postgres.js with its queries rebased on a plain thenable (stack/postgres-thenable.ts): the
// pinned version has the shape the rebase needs, and every way the stack consumes a query still
// behaves — await, then/catch/finally, pipelined transactions on a reserved connection,
// sql.begin, cursors, LISTEN — with results and errors exactly as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { installQueryThenable, queryThenableInstalled } from '../../stack/postgres-thenable.ts';
import { dbUrl } from '../support/stack.ts';

let sql: postgres.Sql;

beforeAll(() => {
	sql = postgres(dbUrl(), { max: 4, onnotice: () => {} });
});
afterAll(async () => {
	await sql.end();
});

describe('postgres.js queries as plain thenables', () => {
	it('installs on the pinned postgres.js, once', () => {
		expect(installQueryThenable(sql)).toBe(true);
		expect(queryThenableInstalled()).toBe(true);
		expect(installQueryThenable(postgres(dbUrl(), { max: 1 }))).toBe(true);
		const q = sql.unsafe('select 1');
		expect(q).not.toBeInstanceOf(Promise);
		expect(q).toBeInstanceOf(Object.getPrototypeOf(q).constructor);
		expect(typeof q.then).toBe('function');
	});

	it('awaits rows, chains then, and runs finally', async () => {
		const rows = await sql<{ n: number }[]>`select 41 + 1 as n`;
		expect(rows[0].n).toBe(42);
		expect(rows.count).toBe(1);
		expect(rows.command).toBe('SELECT');
		const doubled = await sql
			.unsafe<{ n: string }[]>('select $1::int * 2 as n', ['21'])
			.then((r) => r[0].n);
		expect(Number(doubled)).toBe(42);
		let ran = false;
		await sql`select 1`.finally(() => {
			ran = true;
		});
		expect(ran).toBe(true);
	});

	it('rejects with the server error, through await and catch alike', async () => {
		await expect(sql`select 1 / 0`).rejects.toMatchObject({
			code: '22012',
			message: 'division by zero'
		});
		const caught = await sql
			.unsafe('select * from no_such_table_here')
			.catch((e: postgres.PostgresError) => e.code);
		expect(caught).toBe('42P01');
	});

	it('pipelines BEGIN, setup, statement and COMMIT on a reserved connection', async () => {
		const c = await sql.reserve();
		try {
			const opts = { prepare: true, simple: false } as never;
			const settled = await Promise.allSettled([
				c.unsafe('BEGIN READ ONLY'),
				c.unsafe(`select set_config('request.path', $1, true)`, ['/thenable'], { prepare: true }),
				c.unsafe<Array<{ path: string }>>(
					`select current_setting('request.path') as path`,
					[],
					opts
				),
				c.unsafe('COMMIT', [], opts)
			]);
			expect(settled.map((s) => s.status)).toEqual([
				'fulfilled',
				'fulfilled',
				'fulfilled',
				'fulfilled'
			]);
			const third = settled[2];
			expect(third.status === 'fulfilled' && third.value[0].path).toBe('/thenable');
			// A failure in the middle rejects that statement; the connection stays usable.
			const failed = await Promise.allSettled([
				c.unsafe('BEGIN'),
				c.unsafe('select 1 / 0', [], opts),
				c.unsafe('select 2', [], opts)
			]);
			expect(failed[1]).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
			expect(failed[2].status).toBe('rejected');
			await c.unsafe('ROLLBACK');
			expect((await c`select 3 as n`)[0].n).toBe(3);
		} finally {
			c.release();
		}
	});

	it('keeps sql.begin, cursors and LISTEN working', async () => {
		const inTx = await sql.begin(async (t) => {
			await t`select set_config('request.method', 'GET', true)`;
			return t`select current_setting('request.method') as m`;
		});
		expect(inTx[0].m).toBe('GET');

		const seen: number[] = [];
		for await (const batch of sql<{ g: number }[]>`select g from generate_series(1, 5) g`.cursor(2))
			seen.push(...batch.map((r) => r.g));
		expect(seen).toEqual([1, 2, 3, 4, 5]);

		let hear: (payload: string) => void = () => {};
		const heard = new Promise<string>((resolve) => (hear = resolve));
		const listening = await sql.listen('thenable_test', (payload) => hear(payload));
		await sql`select pg_notify('thenable_test', 'ping')`;
		expect(await heard).toBe('ping');
		await listening.unlisten();
	});
});
