// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Functions under /rpc: scalar, set-returning, void and composite results, GET and POST,
// and the transaction settings a function sees.
import { describe, expect, it } from 'vitest';
import {
	ALICE,
	clientFor,
	rest,
	db,
	anon,
	service,
	aliceToken,
	useRestFixture
} from './support.ts';

useRestFixture();

describe('rpc', () => {
	it('calls scalar functions by POST and GET', async () => {
		expect((await anon.rpc('rest_t_add', { a: 1, b: 2 })).data).toBe(3);
		expect((await anon.rpc('rest_t_add', { a: 1 }, { get: true })).data).toBe(11);
		expect((await anon.rpc('rest_t_echo', { x: [1, 2] })).data).toEqual({ x: [1, 2] });
	});

	it('filters, orders and limits set-returning functions', async () => {
		const { data } = await anon
			.rpc('rest_t_posts_by', { author: 1 })
			.select('title')
			.order('id', { ascending: false })
			.limit(1);
		expect(data).toEqual([{ title: 'Bernoulli' }]);
		const table = await anon.rpc('rest_t_counts').gt('n', 1);
		expect(table.data).toEqual([{ author: 'Ada', n: 2 }]);
		const embedded = await anon
			.rpc('rest_t_posts_by', { author: 2 })
			.select('title, rest_t_authors(name)');
		expect(embedded.data).toEqual([{ title: 'Compilers', rest_t_authors: { name: 'Grace' } }]);
		expect((await anon.rpc('rest_t_series', { n: 3 })).data).toEqual([1, 2, 3]);
	});

	it('answers 204 for void, a row for a composite, 404 PGRST202 for unknown functions', async () => {
		const v = await anon.rpc('rest_t_noop');
		expect(v.status).toBe(204);
		expect(v.error).toBeNull();
		const row = await service.rpc('rest_t_new_author', { name: 'Tmp' });
		expect(row.data).toMatchObject({ name: 'Tmp' });
		await db`delete from rest_t_authors where name = 'Tmp'`;
		const missing = await anon.rpc('rest_t_nope', { a: 1 });
		expect(missing.status).toBe(404);
		expect(missing.error).toEqual({
			code: 'PGRST202',
			details:
				'Searched for the function public.rest_t_nope with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
			hint: 'Perhaps you meant to call the function public.rest_t_noop',
			message: 'Could not find the function public.rest_t_nope(a) in the schema cache'
		});
		const wrongArgs = await anon.rpc('rest_t_add', { z: 1 });
		expect(wrongArgs.error?.code).toBe('PGRST202');
		// A function of that name exists: the hint names the overload's parameters instead.
		const close = await rest('/rpc/rest_t_add?a=1&bb=2');
		expect(await close.json()).toEqual({
			code: 'PGRST202',
			details:
				'Searched for the function public.rest_t_add with parameters a, bb, but no matches were found in the schema cache.',
			hint: 'Perhaps you meant to call the function public.rest_t_add(a, b)',
			message: 'Could not find the function public.rest_t_add(a, bb) in the schema cache'
		});
	});

	it('runs GET on a volatile function read-only (405) and maps PTnnn / P0001', async () => {
		const r = await rest('/rpc/rest_t_new_author?name=x');
		expect(r.status).toBe(405);
		expect((await r.json()).code).toBe('25006');
		const t = await anon.rpc('rest_t_fail');
		expect(t.status).toBe(418);
		expect(t.error).toEqual({ code: 'PT418', details: null, hint: 'teapot', message: 'nope' });
	});

	it('sets role, claims, method, path and headers for the transaction', async () => {
		const { data } = await clientFor(aliceToken).rpc('rest_t_whoami', undefined, { get: true });
		expect(data).toMatchObject({
			role: 'authenticated',
			sub: ALICE,
			method: 'GET',
			path: '/rpc/rest_t_whoami'
		});
		const r = await rest('/rpc/rest_t_whoami', { headers: { 'x-test': 'hello' } });
		expect(await r.json()).toMatchObject({ role: 'anon', sub: null, hdr: 'hello' });
	});
});
