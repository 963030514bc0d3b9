// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Prefer: count=planned and count=estimated, as PostgREST computes them (the planner's
// estimate under the request's role, exact counts up to db-max-rows).
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../../stack/config.ts';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { rest, db, anon, useRestFixture } from './support.ts';

useRestFixture();

describe('planned and estimated counts', () => {
	const MAX_ROWS = loadProjectConfig().maxRows;

	/**
	 * What PostgREST reports for count=planned: the planner's "Plan Rows" for the filtered rows,
	 * planned as `role` with its claims, so its RLS policies are part of the plan.
	 */
	async function plannedAs(role: string, where = ''): Promise<number> {
		return db.begin(async (tx) => {
			await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify({ role })}, true)`;
			const [r] = await tx.unsafe(
				`explain (format json) select 1 from public.rest_t_big t0 ${where}`
			);
			let plan = r['QUERY PLAN'] as unknown;
			if (typeof plan === 'string') plan = JSON.parse(plan);
			return (plan as Array<{ Plan: { 'Plan Rows': number } }>)[0].Plan['Plan Rows'];
		});
	}

	const total = (r: Response) => r.headers.get('content-range')?.split('/')[1];

	it('reports the planner estimate for count=planned, not the exact count (GET and HEAD)', async () => {
		expect(MAX_ROWS).toBe(1000);
		const anonAll = await plannedAs('anon');
		const anonFiltered = await plannedAs('anon', 'where t0.n < 100');
		// Without statistics the guesses are far off: 1500 rows are visible to anon, 99 match.
		expect(anonAll).not.toBe(1500);
		expect(anonFiltered).not.toBe(99);
		for (const method of ['GET', 'HEAD']) {
			const r = await rest('/rest_t_big?select=id&limit=25', {
				method,
				headers: { Prefer: 'count=planned' }
			});
			expect(r.status).toBe(206);
			expect(r.headers.get('content-range')).toBe(`0-24/${anonAll}`);
			expect(r.headers.get('preference-applied')).toBe('count=planned');
			if (method === 'GET') expect(await r.json()).toHaveLength(25);
			else expect(await r.text()).toBe('');
			const f = await rest('/rest_t_big?select=id&n=lt.100&limit=25&order=id.desc', {
				method,
				headers: { Prefer: 'count=planned' }
			});
			expect(f.headers.get('content-range')).toBe(`0-24/${anonFiltered}`);
		}
		const { count, error } = await anon
			.from('rest_t_big')
			.select('*', { count: 'planned', head: true })
			.lt('n', 100);
		expect(error).toBeNull();
		expect(count).toBe(anonFiltered);
	});

	it('plans under the request role: RLS is part of the estimate', async () => {
		const service = await plannedAs('service_role');
		const anonAll = await plannedAs('anon');
		expect(service).not.toBe(anonAll);
		const r = await rest('/rest_t_big?select=id&limit=1', {
			token: SERVICE_ROLE_KEY,
			headers: { Prefer: 'count=planned' }
		});
		expect(r.headers.get('content-range')).toBe(`0-0/${service}`);
	});

	it('counts exactly for count=estimated up to max_rows, then takes the larger of both', async () => {
		const under = await rest('/rest_t_big?select=id&n=lt.100&limit=25', {
			headers: { Prefer: 'count=estimated' }
		});
		expect(under.status).toBe(206);
		expect(under.headers.get('content-range')).toBe('0-24/99');
		expect(under.headers.get('preference-applied')).toBe('count=estimated');
		const exactlyMax = await rest(`/rest_t_big?select=id&n=lte.${MAX_ROWS}&limit=1`, {
			method: 'HEAD',
			headers: { Prefer: 'count=estimated' }
		});
		expect(total(exactlyMax)).toBe(String(MAX_ROWS));
		// 1500 visible to anon: past max_rows the exact count stops at max_rows + 1 and the
		// estimate wins when it is larger (PostgREST's `max tableTotal <$> explain`).
		const anonAll = await plannedAs('anon');
		const over = await rest('/rest_t_big?select=id&limit=25', {
			method: 'HEAD',
			headers: { Prefer: 'count=estimated' }
		});
		expect(total(over)).toBe(String(Math.max(MAX_ROWS + 1, anonAll)));
		const service = await plannedAs('service_role');
		const serviceOver = await rest('/rest_t_big?select=id&limit=25', {
			method: 'HEAD',
			token: SERVICE_ROLE_KEY,
			headers: { Prefer: 'count=estimated' }
		});
		expect(total(serviceOver)).toBe(String(Math.max(MAX_ROWS + 1, service)));
		const viaJs = await anon
			.from('rest_t_big')
			.select('id', { count: 'estimated' })
			.gte('n', 1901)
			.lte('n', 1950)
			.limit(5);
		expect(viaJs.error).toBeNull();
		expect(viaJs.count).toBe(0);
		const viaJs2 = await anon
			.from('rest_t_big')
			.select('id', { count: 'estimated' })
			.gte('n', 1001)
			.lte('n', 1050)
			.limit(5);
		expect(viaJs2.count).toBe(50);
		expect(viaJs2.data).toHaveLength(5);
	});

	it('keeps exact counts exact, and counts function results only for exact or estimated', async () => {
		const exact = await rest('/rest_t_big?select=id&limit=25', {
			method: 'HEAD',
			headers: { Prefer: 'count=exact' }
		});
		expect(exact.headers.get('content-range')).toBe('0-24/1500');
		// PostgREST runs no EXPLAIN for calls: a planned count stays unknown.
		const planned = await rest('/rpc/rest_t_posts_by?author=1', {
			headers: { Prefer: 'count=planned' }
		});
		expect(planned.status).toBe(200);
		expect(planned.headers.get('content-range')).toBe('0-1/*');
		const estimated = await anon.rpc('rest_t_posts_by', { author: 1 }, { count: 'estimated' });
		expect(estimated.count).toBe(2);
	});
});
