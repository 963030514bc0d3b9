// runTransaction against a connection that behaves like postgres.js where it matters here: a
// query is sent only when something asks for its result (then/catch), and everything sent before
// the event loop turns leaves in one write and comes back in one round trip.
import { describe, expect, it } from 'vitest';
import { runTransaction, type TxConnection, type TxOptions } from './transaction.ts';

type Answer = unknown | Error;

function lazyConnection(answer: (sql: string) => Answer) {
	const trips: string[][] = [];
	let batch: Array<{ sql: string; settle: () => void }> = [];
	const flush = () => {
		const sent = batch;
		batch = [];
		trips.push(sent.map((q) => q.sql));
		for (const q of sent) q.settle();
	};
	const unsafe = (sql: string) => {
		let promise: Promise<unknown> | null = null;
		const send = () =>
			(promise ??= new Promise((resolve, reject) => {
				if (batch.length === 0) setTimeout(flush, 0);
				batch.push({
					sql,
					settle: () => {
						const a = answer(sql);
						if (a instanceof Error) reject(a);
						else resolve(a);
					}
				});
			}));
		return {
			then: (f?: (v: unknown) => unknown, r?: (e: unknown) => unknown) => send().then(f, r),
			catch: (r?: (e: unknown) => unknown) => send().catch(r)
		};
	};
	return { conn: { unsafe } as unknown as TxConnection, trips };
}

const SETUP = 'select from (select set_config(...)) setup';
const MAIN = 'select main';
const EXPLAIN = 'explain count';
const rows = [{ body: '[]', total: null, page: '0' }];
const plan = { sql: MAIN, params: [], explain: { sql: EXPLAIN, params: [] } };
const options = (o: Partial<TxOptions> = {}): TxOptions => ({
	readOnly: true,
	setup: [],
	role: 'authenticated',
	plan: { sql: MAIN, params: [] },
	rollback: false,
	...o
});
const answers =
	(overrides: Record<string, Answer> = {}) =>
	(sql: string): Answer =>
		sql in overrides ? overrides[sql] : sql === MAIN ? rows : sql === EXPLAIN ? plans(7) : [];
const plans = (n: number) => [{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': n } }] }];

describe('runTransaction', () => {
	it('sends a read, its setup and its COMMIT in one round trip', async () => {
		const { conn, trips } = lazyConnection(answers());
		const r = await runTransaction(conn, SETUP, options());
		expect(r.rows).toEqual(rows);
		expect(trips).toEqual([['BEGIN READ ONLY', SETUP, MAIN, 'COMMIT']]);
	});

	it('ends with ROLLBACK in the same round trip for tx=rollback', async () => {
		const { conn, trips } = lazyConnection(answers());
		await runTransaction(conn, SETUP, options({ readOnly: false, rollback: true }));
		expect(trips).toEqual([['BEGIN', SETUP, MAIN, 'ROLLBACK']]);
	});

	it('rejects with the failing statement, its COMMIT already on the way', async () => {
		const boom = Object.assign(new Error('division by zero'), { code: '22012' });
		const { conn, trips } = lazyConnection(answers({ [MAIN]: boom }));
		await expect(runTransaction(conn, SETUP, options())).rejects.toBe(boom);
		// Postgres answers a COMMIT after a failed statement with ROLLBACK: nothing is kept.
		expect(trips).toEqual([['BEGIN READ ONLY', SETUP, MAIN, 'COMMIT']]);
	});

	it('rejects when the COMMIT itself fails', async () => {
		const late = Object.assign(new Error('could not serialize access'), { code: '40001' });
		const { conn } = lazyConnection(answers({ COMMIT: late }));
		await expect(runTransaction(conn, SETUP, options({ readOnly: false }))).rejects.toBe(late);
	});

	it('pipelines a planned count, and reads its plan rows', async () => {
		const { conn, trips } = lazyConnection(answers());
		const r = await runTransaction(conn, SETUP, options({ plan, explain: 'always' }));
		expect(r.planRows).toBe(7);
		expect(trips).toEqual([['BEGIN READ ONLY', SETUP, MAIN, EXPLAIN, 'COMMIT']]);
	});

	it('decides after the rows when it has to, in a second round trip', async () => {
		for (const keep of [true, false]) {
			const { conn, trips } = lazyConnection(answers());
			await runTransaction(conn, SETUP, options({ readOnly: false, decide: () => keep }));
			expect(trips).toEqual([['BEGIN', SETUP, MAIN], [keep ? 'COMMIT' : 'ROLLBACK']]);
		}
	});

	it('plans an estimated count only when the rows ask for it', async () => {
		const needed = lazyConnection(answers());
		const r = await runTransaction(needed.conn, SETUP, options({ plan, explain: () => true }));
		expect(r.planRows).toBe(7);
		expect(needed.trips).toEqual([['BEGIN READ ONLY', SETUP, MAIN], [EXPLAIN], ['COMMIT']]);
		const skipped = lazyConnection(answers());
		await runTransaction(skipped.conn, SETUP, options({ plan, explain: () => false }));
		expect(skipped.trips).toEqual([['BEGIN READ ONLY', SETUP, MAIN], ['COMMIT']]);
	});

	it('rolls back a failed statement before answering when the end was deferred', async () => {
		const boom = new Error('violates check constraint');
		const { conn, trips } = lazyConnection(answers({ [MAIN]: boom }));
		await expect(
			runTransaction(conn, SETUP, options({ readOnly: false, decide: () => true }))
		).rejects.toBe(boom);
		expect(trips).toEqual([['BEGIN', SETUP, MAIN], ['ROLLBACK']]);
	});
});
