// PostgREST's in-database configuration: `ALTER ROLE authenticator SET pgrst.…` and NOTIFY pgrst,
// 'reload config' switch aggregates, execution plans and how transactions end, as they do there.
import { afterEach, describe, expect, it } from 'vitest';
import { anon, db, rest, service, useRestFixture } from './support.ts';

useRestFixture();

/** Sets (or resets, with null) a pgrst.* setting and waits until the service has reloaded it. */
async function configure(name: string, value: string | null, probe: () => Promise<boolean>) {
	await db.unsafe(
		value === null
			? `alter role authenticator reset pgrst.${name}`
			: `alter role authenticator set pgrst.${name} = '${value}'`
	);
	await db.unsafe(`notify pgrst, 'reload config'`);
	for (let i = 0; i < 100; i++) {
		if (await probe()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`pgrst.${name} was never reloaded`);
}

const aggregatesAllowed = async () =>
	(await anon.from('rest_t_posts').select('count()')).status === 200;
const plansAllowed = async () =>
	(await rest('/rest_t_authors', { headers: { accept: 'application/vnd.pgrst.plan+json' } }))
		.status === 200;

afterEach(async () => {
	await configure('db_aggregates_enabled', null, async () => !(await aggregatesAllowed()));
	await configure('db_plan_enabled', null, async () => !(await plansAllowed()));
	await configure('db_tx_end', null, async () => true);
});

describe('in-database configuration', () => {
	it('refuses aggregates unless db_aggregates_enabled (PGRST123), then groups by the rest', async () => {
		const refused = await anon.from('rest_t_posts').select('count()');
		expect(refused.status).toBe(400);
		expect(refused.error).toEqual({
			code: 'PGRST123',
			details: null,
			hint: null,
			message: 'Use of aggregate functions is not allowed'
		});
		await configure('db_aggregates_enabled', 'true', aggregatesAllowed);
		const total = await anon.from('rest_t_posts').select('count()');
		expect(total.data).toEqual([{ count: 5 }]);
		const grouped = await anon
			.from('rest_t_posts')
			.select('author_id, rating.sum(), top:rating.max(), rating.avg()::int')
			.not('author_id', 'is', null)
			.order('author_id');
		expect(grouped.error).toBeNull();
		expect(grouped.data).toEqual([
			{ author_id: 1, sum: 9, top: 5, avg: 5 },
			{ author_id: 2, sum: null, top: null, avg: null },
			{ author_id: 3, sum: 3, top: 3, avg: 3 }
		]);
		const embedded = await anon
			.from('rest_t_authors')
			.select('name, rest_t_posts(count())')
			.eq('id', 1)
			.single();
		expect(embedded.data).toEqual({ name: 'Ada', rest_t_posts: [{ count: 2 }] });
	});

	it('answers the execution plan where db_plan_enabled, planned under the request role', async () => {
		const refused = await rest('/rest_t_authors', {
			headers: { accept: 'application/vnd.pgrst.plan+json' }
		});
		expect(refused.status).toBe(406);
		expect((await refused.json()).code).toBe('PGRST107');
		await configure('db_plan_enabled', 'true', plansAllowed);
		const r = await rest('/rest_t_posts?select=id&id=eq.1', {
			headers: { accept: 'application/vnd.pgrst.plan+json' }
		});
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe(
			'application/vnd.pgrst.plan+json; for="application/json"; charset=utf-8'
		);
		const plan = (await r.json()) as Array<{ Plan: { 'Node Type': string } }>;
		expect(plan[0].Plan['Node Type']).toBe('Aggregate');
		const viaJs = await anon.from('rest_t_posts').select('id').eq('id', 1).explain();
		expect(typeof viaJs.data).toBe('string');
		expect(String(viaJs.data)).toContain('rest_t_posts');
	});

	it('ends transactions as db_tx_end says, honouring Prefer: tx only where it may override', async () => {
		const insert = () =>
			service
				.from('rest_t_tags')
				.insert({ id: 95, name: 'tx-end' })
				.select()
				.setHeader('prefer', 'return=representation');
		await configure('db_tx_end', 'rollback', async () => {
			const r = await insert();
			const [{ n }] = await db`select count(*)::int as n from rest_t_tags where id = 95`;
			if (n > 0) await db`delete from rest_t_tags where id = 95`;
			return r.status === 201 && n === 0;
		});
		const r = await insert();
		expect(r.data).toEqual([{ id: 95, name: 'tx-end' }]);
		const [{ n }] = await db`select count(*)::int as n from rest_t_tags where id = 95`;
		expect(n).toBe(0);
	});
});
