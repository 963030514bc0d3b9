// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Reads: select (columns, aliases, casts, json paths), every filter operator, logic trees,
// order, limit and Range with Content-Range and counts, singular objects, CSV and db-max-rows.
import { describe, expect, it } from 'vitest';
import { rest, anon, useRestFixture } from './support.ts';

useRestFixture();

describe('reads', () => {
	it('selects columns, aliases, casts and json paths', async () => {
		const { data, error } = await anon
			.from('rest_t_posts')
			.select('id, heading:title, rating::text, b:meta->a->>b, n:meta->n')
			.eq('id', 1)
			.single();
		expect(error).toBeNull();
		expect(data).toEqual({ id: 1, heading: 'Engines', rating: '5', b: '1', n: 5 });
	});

	it('filters with every operator family', async () => {
		const ids = async (q: PromiseLike<{ data: { id: number }[] | null; error: unknown }>) => {
			const { data, error } = await q;
			expect(error).toBeNull();
			return data!.map((r) => r.id).sort((a, b) => a - b);
		};
		const t = () => anon.from('rest_t_posts').select('id');
		expect(await ids(t().eq('title', 'Engines'))).toEqual([1]);
		expect(await ids(t().neq('rating', 5))).toEqual([2, 4, 5]);
		expect(await ids(t().gt('rating', 3))).toEqual([1, 2]);
		expect(await ids(t().gte('rating', 3).lte('rating', 4))).toEqual([2, 4]);
		expect(await ids(t().lt('rating', 2))).toEqual([5]);
		expect(await ids(t().like('title', '*er*'))).toEqual([2, 3, 4]);
		expect(await ids(t().ilike('title', 'e%'))).toEqual([1]);
		expect(await ids(t().in('id', [1, 3, 99]))).toEqual([1, 3]);
		expect(await ids(t().in('title', ['Engines', 'a,b']))).toEqual([1]);
		expect(await ids(t().is('rating', null))).toEqual([3]);
		expect(await ids(t().not('rating', 'is', null).lt('id', 3))).toEqual([1, 2]);
		expect(await ids(t().contains('tags', ['math']))).toEqual([1, 2]);
		expect(await ids(t().containedBy('tags', ['cs', 'os']))).toEqual([3, 4, 5]);
		expect(await ids(t().overlaps('tags', ['os', 'history']))).toEqual([1, 4]);
		expect(
			await ids(t().textSearch('tsv', 'engine', { config: 'english', type: 'websearch' }))
		).toEqual([1]);
		expect(await ids(t().textSearch('tsv', "'compil':*"))).toEqual([3]);
		expect(
			await ids(t().textSearch('tsv', 'hobby project', { type: 'plain', config: 'english' }))
		).toEqual([4]);
		expect(await ids(t().match({ author_id: 1, rating: 4 }))).toEqual([2]);
		expect(await ids(t().or('rating.gt.4,title.eq.Kernels'))).toEqual([1, 4]);
		expect(await ids(t().or('id.eq.5,and(rating.gte.3,tags.not.cs.{math})'))).toEqual([4, 5]);
		expect(await ids(t().not('id', 'in', '(1,2,3)'))).toEqual([4, 5]);
		expect(await ids(t().filter('title', 'imatch', '^k'))).toEqual([4]);
		expect(await ids(t().filter('meta->>n', 'eq', '7'))).toEqual([4]);
		expect(await ids(t().filter('title', 'like(any)', '{Eng*,Ker*}'))).toEqual([1, 4]);
		expect(await ids(t().filter('rating', 'isdistinct', '5'))).toEqual([2, 3, 4, 5]);
	});

	it('supports not.or and nested logic through raw URLs', async () => {
		const r = await rest('/rest_t_posts?select=id&not.or=(id.lt.3,rating.is.null)&order=id');
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual([{ id: 4 }, { id: 5 }]);
	});

	it('orders, limits and ranges, with Content-Range and counts', async () => {
		const { data, count, error, status } = await anon
			.from('rest_t_posts')
			.select('id', { count: 'exact' })
			.order('rating', { ascending: false, nullsFirst: true })
			.range(0, 2);
		expect(error).toBeNull();
		expect(status).toBe(206);
		expect(count).toBe(5);
		expect(data).toEqual([{ id: 3 }, { id: 1 }, { id: 2 }]);
		const r = await rest('/rest_t_posts?select=id&order=id', {
			headers: { Range: '1-2', Prefer: 'count=exact' }
		});
		expect(r.status).toBe(206);
		expect(r.headers.get('content-range')).toBe('1-2/5');
		expect(r.headers.get('preference-applied')).toBe('count=exact');
		expect(await r.json()).toEqual([{ id: 2 }, { id: 3 }]);
		const all = await rest('/rest_t_posts?select=id&order=id');
		expect(all.headers.get('content-range')).toBe('0-4/*');
		const none = await rest('/rest_t_posts?select=id&id=eq.999');
		expect(none.headers.get('content-range')).toBe('*/*');
	});

	it('answers 416 PGRST103 beyond the range when the count is known', async () => {
		const r = await rest('/rest_t_posts?select=id&offset=10', {
			headers: { Prefer: 'count=exact' }
		});
		expect(r.status).toBe(416);
		expect(r.headers.get('content-range')).toBe('*/5');
		expect(await r.json()).toEqual({
			code: 'PGRST103',
			details: 'An offset of 10 was requested, but there are only 5 rows.',
			hint: null,
			message: 'Requested range not satisfiable'
		});
	});

	it('counts with head (HEAD request, no body)', async () => {
		const { data, count, error } = await anon
			.from('rest_t_posts')
			.select('*', { count: 'exact', head: true });
		expect(error).toBeNull();
		expect(data).toBeNull();
		expect(count).toBe(5);
		const planned = await anon.from('rest_t_posts').select('*', { count: 'planned', head: true });
		expect(planned.count).toBeGreaterThanOrEqual(0);
	});

	it('single and maybeSingle', async () => {
		const one = await anon.from('rest_t_posts').select('title').eq('id', 2).single();
		expect(one.data).toEqual({ title: 'Bernoulli' });
		const many = await anon.from('rest_t_posts').select('title').single();
		expect(many.status).toBe(406);
		expect(many.error).toMatchObject({
			code: 'PGRST116',
			details: 'The result contains 5 rows',
			hint: null,
			message: 'Cannot coerce the result to a single JSON object'
		});
		const zero = await anon.from('rest_t_posts').select('title').eq('id', 999).single();
		expect(zero.error?.code).toBe('PGRST116');
		expect(zero.error?.details).toBe('The result contains 0 rows');
		const maybe = await anon.from('rest_t_posts').select('title').eq('id', 999).maybeSingle();
		expect(maybe.error).toBeNull();
		expect(maybe.data).toBeNull();
	});

	it('serves text/csv', async () => {
		const r = await rest('/rest_t_authors?select=id,name,bio&order=id', {
			headers: { Accept: 'text/csv' }
		});
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toContain('text/csv');
		expect(await r.text()).toBe('id,name,bio\n1,Ada,math\n2,Grace,\n3,Linus,kernel');
	});

	it('caps results at max_rows from config.toml', async () => {
		const { data } = await anon.from('rest_t_posts').select('id').limit(100000);
		expect(data?.length).toBe(5);
	});
});
