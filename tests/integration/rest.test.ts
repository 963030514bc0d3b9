// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour: grammar, embedding, writes, RPC, errors, RLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type postgres from 'postgres';
import {
	ANON_KEY,
	JWT_SECRET,
	SERVICE_ROLE_KEY,
	adminSql,
	anonClient,
	apiUrl,
	serviceClient
} from '../support/stack.ts';
import { loadProjectConfig } from '../../stack/config.ts';
import { REST_FIXTURE_DROP, REST_FIXTURE_SQL } from './rest-fixture.ts';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

async function mint(
	claims: Record<string, unknown>,
	expiresIn = 3600,
	secret = JWT_SECRET
): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
		.sign(new TextEncoder().encode(secret));
}

const userToken = (sub: string) => mint({ sub, role: 'authenticated', aud: 'authenticated' });

function clientFor(jwt: string): SupabaseClient {
	return createClient(apiUrl(), ANON_KEY, {
		global: { headers: { Authorization: `Bearer ${jwt}` } },
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
}

function rest(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set('apikey', ANON_KEY);
	if (init.token) headers.set('authorization', `Bearer ${init.token}`);
	return fetch(`${apiUrl()}/rest/v1${path}`, { ...init, headers });
}

const errorShape = (code: string) => ({
	code,
	details: expect.toSatisfy(
		(v: unknown) => v === null || typeof v === 'string' || Array.isArray(v)
	),
	hint: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
	message: expect.any(String)
});

let db: postgres.Sql;
let anon: SupabaseClient;
let service: SupabaseClient;
let alice: SupabaseClient;
let bob: SupabaseClient;
let aliceToken: string;

/** The schema cache reloads on NOTIFY pgrst (sent by the DDL event trigger); wait until it has. */
async function waitForTable(name: string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const r = await rest(`/${name}?limit=0`);
		if (r.status !== 404) return;
		await new Promise((res) => setTimeout(res, 50));
	}
	throw new Error(`${name} never appeared in the schema cache`);
}

beforeAll(async () => {
	db = adminSql();
	await db.unsafe(REST_FIXTURE_SQL).simple();
	await waitForTable('rest_t_notes');
	anon = anonClient();
	service = serviceClient();
	aliceToken = await userToken(ALICE);
	alice = clientFor(aliceToken);
	bob = clientFor(await userToken(BOB));
});

afterAll(async () => {
	await db.unsafe(REST_FIXTURE_DROP).simple();
	await db.end();
});

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

describe('Prefer: return=headers-only', () => {
	it('answers 201 with a Location built from the primary key, no body', async () => {
		// The key's text comes from Postgres, so an int8 beyond 2^53 stays exact (sent as a JSON
		// string here: the body itself is parsed by JavaScript); keys come in column order, values
		// percent-encoded.
		const r = await rest('/rest_t_keys', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: '{"org":"a b&c/é","num":"9007199254740993","label":"x"}'
		});
		expect(r.status).toBe(201);
		expect(await r.text()).toBe('');
		expect(r.headers.get('location')).toBe(
			'/rest_t_keys?org=eq.a%20b%26c%2F%C3%A9&num=eq.9007199254740993'
		);
		expect(r.headers.get('content-range')).toBe('*/*');
		expect(r.headers.get('preference-applied')).toBe('return=headers-only');
		expect(r.headers.get('content-type')).toBeNull();
		const back = await rest(`${r.headers.get('location')}&select=label,num::text`, {
			token: aliceToken
		});
		expect(await back.json()).toEqual([{ label: 'x', num: '9007199254740993' }]);
		const note = await rest('/rest_t_notes', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only,count=exact', 'content-type': 'application/json' },
			body: JSON.stringify({ body: 'located' })
		});
		expect(note.status).toBe(201);
		expect(note.headers.get('content-range')).toBe('*/1');
		const [row] = await db`select id from rest_t_notes where body = 'located'`;
		expect(note.headers.get('location')).toBe(`/rest_t_notes?id=eq.${row.id}`);
	});

	it('sends no Location for several rows, a table without a key, or other methods', async () => {
		const many = await rest('/rest_t_keys', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only, count=exact', 'content-type': 'application/json' },
			body: JSON.stringify([
				{ org: 'm', num: 1 },
				{ org: 'm', num: 2 }
			])
		});
		expect(many.status).toBe(201);
		expect(many.headers.get('location')).toBeNull();
		expect(many.headers.get('content-range')).toBe('*/2');
		const nokey = await rest('/rest_t_nokey', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: JSON.stringify({ label: 'k' })
		});
		expect(nokey.status).toBe(201);
		expect(nokey.headers.get('location')).toBeNull();
		expect(nokey.headers.get('content-range')).toBe('*/*');
		expect(await nokey.text()).toBe('');
		const patch = await rest('/rest_t_keys?org=eq.m&num=eq.1', {
			method: 'PATCH',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: JSON.stringify({ label: 'p' })
		});
		expect(patch.status).toBe(204);
		expect(patch.headers.get('location')).toBeNull();
	});

	it('works through supabase-js', async () => {
		let seen: Headers | null = null;
		const client = createClient(apiUrl(), ANON_KEY, {
			global: {
				headers: { Authorization: `Bearer ${aliceToken}` },
				fetch: async (input, init) => {
					const res = await fetch(input, init);
					seen = res.headers;
					return res;
				}
			},
			auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
		});
		const { data, error, status } = await client
			.from('rest_t_keys')
			.insert({ org: 'js', num: 42, label: 'via js' })
			.setHeader('Prefer', 'return=headers-only');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toBeNull();
		expect((seen as Headers | null)?.get('location')).toBe('/rest_t_keys?org=eq.js&num=eq.42');
	});
});

describe('embedding', () => {
	it('embeds to-one and to-many, with aliases', async () => {
		const { data, error } = await anon
			.from('rest_t_posts')
			.select('id, author:rest_t_authors(name), rest_t_comments(body)')
			.in('id', [1, 5])
			.order('id');
		expect(error).toBeNull();
		expect(data).toEqual([
			{ id: 1, author: { name: 'Ada' }, rest_t_comments: [{ body: 'great' }, { body: 'nice' }] },
			{ id: 5, author: null, rest_t_comments: [] }
		]);
	});

	it('embeds many-to-many through a junction table', async () => {
		const { data } = await anon
			.from('rest_t_tags')
			.select('name, rest_t_posts(id)')
			.eq('name', 'cs')
			.single();
		expect(data).toEqual({ name: 'cs', rest_t_posts: [{ id: 3 }, { id: 4 }] });
	});

	it('filters, orders and limits embedded resources; !inner and not.is.null', async () => {
		const { data } = await anon
			.from('rest_t_authors')
			.select('name, rest_t_posts(title)')
			.order('id', { referencedTable: 'rest_t_posts', ascending: false })
			.limit(1, { referencedTable: 'rest_t_posts' })
			.order('id');
		expect(data).toEqual([
			{ name: 'Ada', rest_t_posts: [{ title: 'Bernoulli' }] },
			{ name: 'Grace', rest_t_posts: [{ title: 'Compilers' }] },
			{ name: 'Linus', rest_t_posts: [{ title: 'Kernels' }] }
		]);
		const inner = await anon
			.from('rest_t_posts')
			.select('title, rest_t_authors!inner(name)')
			.eq('rest_t_authors.name', 'Ada')
			.order('id');
		expect(inner.data).toEqual([
			{ title: 'Engines', rest_t_authors: { name: 'Ada' } },
			{ title: 'Bernoulli', rest_t_authors: { name: 'Ada' } }
		]);
		const notNull = await anon
			.from('rest_t_posts')
			.select('id, rest_t_authors(name)', { count: 'exact' })
			.not('rest_t_authors', 'is', null);
		expect(notNull.count).toBe(4);
		const isNull = await anon
			.from('rest_t_posts')
			.select('id, rest_t_authors(name)')
			.is('rest_t_authors', null);
		expect(isNull.data).toEqual([{ id: 5, rest_t_authors: null }]);
	});

	it('spreads a to-one relation and orders by a to-one column', async () => {
		const r = await rest(
			'/rest_t_posts?select=id,...rest_t_authors(author:name)&author_id=not.is.null&order=rest_t_authors(name).desc,id'
		);
		expect(await r.json()).toEqual([
			{ id: 4, author: 'Linus' },
			{ id: 3, author: 'Grace' },
			{ id: 1, author: 'Ada' },
			{ id: 2, author: 'Ada' }
		]);
	});

	it('uses !fk hints, and reports unknown relationships (PGRST200)', async () => {
		const hinted = await anon
			.from('rest_t_posts')
			.select('id, a:rest_t_authors!rest_t_posts_author_id_fkey(name)')
			.eq('id', 3);
		expect(hinted.data).toEqual([{ id: 3, a: { name: 'Grace' } }]);
		const unknown = await anon.from('rest_t_posts').select('id, rest_t_tagz(name)');
		expect(unknown.status).toBe(400);
		expect(unknown.error).toMatchObject(errorShape('PGRST200'));
		expect(unknown.error?.message).toBe(
			"Could not find a relationship between 'rest_t_posts' and 'rest_t_tagz' in the schema cache"
		);
	});

	it('reports ambiguous embeds (300 PGRST201)', async () => {
		await db.unsafe(
			`alter table rest_t_comments add column reply_to int references rest_t_posts(id);
			 notify pgrst, 'reload schema'`
		);
		try {
			let r: Response | null = null;
			for (let i = 0; i < 50; i++) {
				r = await rest('/rest_t_posts?select=id,rest_t_comments(body)');
				if (r.status === 300) break;
				await new Promise((res) => setTimeout(res, 50));
			}
			expect(r!.status).toBe(300);
			const body = (await r!.json()) as { code: string; details: unknown[]; hint: string };
			expect(body.code).toBe('PGRST201');
			expect(body.details).toHaveLength(2);
			expect(body.hint).toContain("'rest_t_comments!rest_t_comments_reply_to_fkey'");
			const hinted = await rest(
				'/rest_t_posts?select=id,rest_t_comments!rest_t_comments_post_id_fkey(body)&id=eq.2'
			);
			expect(await hinted.json()).toEqual([{ id: 2, rest_t_comments: [{ body: 'ok' }] }]);
		} finally {
			await db.unsafe('alter table rest_t_comments drop column reply_to');
		}
	});
});

describe('writes', () => {
	it('inserts (minimal by default) and returns a representation with select()', async () => {
		const minimal = await alice.from('rest_t_notes').insert({ body: 'first' });
		expect(minimal.error).toBeNull();
		expect(minimal.status).toBe(201);
		expect(minimal.data).toBeNull();
		const { data, error, status } = await alice
			.from('rest_t_notes')
			.insert([{ body: 'second' }, { body: 'third' }])
			.select('body, owner_id');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toEqual([
			{ body: 'second', owner_id: ALICE },
			{ body: 'third', owner_id: ALICE }
		]);
	});

	it('hides other users rows and refuses inserts that break a policy', async () => {
		const { data } = await bob.from('rest_t_notes').select('*');
		expect(data).toEqual([]);
		const forged = await bob.from('rest_t_notes').insert({ body: 'x', owner_id: ALICE });
		expect(forged.status).toBe(403);
		expect(forged.error).toEqual({
			code: '42501',
			details: null,
			hint: null,
			message: 'new row violates row-level security policy for table "rest_t_notes"'
		});
		const asAnon = await anon.from('rest_t_posts').insert({ title: 'anon' });
		expect(asAnon.status).toBe(401);
		expect(asAnon.error?.code).toBe('42501');
	});

	it('inserts with missing=default and ?columns=, and rolls back with tx=rollback', async () => {
		const { data } = await alice
			.from('rest_t_posts')
			.insert([{ title: 'd1' }, { title: 'd2', rating: 3 }], { defaultToNull: false })
			.select('title, rating, published, owner_id')
			.rollback();
		expect(data).toEqual([
			{ title: 'd1', rating: null, published: false, owner_id: ALICE },
			{ title: 'd2', rating: 3, published: false, owner_id: ALICE }
		]);
		const after = await alice.from('rest_t_posts').select('id').in('title', ['d1', 'd2']);
		expect(after.data).toEqual([]);
	});

	it('upserts with merge-duplicates and ignore-duplicates', async () => {
		const merged = await service
			.from('rest_t_tags')
			.upsert({ id: 1, name: 'mathematics' })
			.select();
		expect(merged.data).toEqual([{ id: 1, name: 'mathematics' }]);
		const ignored = await service
			.from('rest_t_tags')
			.upsert([{ name: 'mathematics' }, { name: 'bio' }], {
				onConflict: 'name',
				ignoreDuplicates: true
			})
			.select('name');
		expect(ignored.data).toEqual([{ name: 'bio' }]);
		await service.from('rest_t_tags').update({ name: 'math' }).eq('id', 1);
		await service.from('rest_t_tags').delete().eq('name', 'bio');
	});

	it('updates and deletes with filters, counts and representation', async () => {
		const upd = await alice
			.from('rest_t_notes')
			.update({ body: 'edited' }, { count: 'exact' })
			.eq('body', 'first')
			.select('body');
		expect(upd.status).toBe(200);
		expect(upd.count).toBe(1);
		expect(upd.data).toEqual([{ body: 'edited' }]);
		const notMine = await bob
			.from('rest_t_notes')
			.update({ body: 'hacked' })
			.eq('body', 'edited')
			.select();
		expect(notMine.data).toEqual([]);
		const del = await alice
			.from('rest_t_notes')
			.delete({ count: 'exact' })
			.in('body', ['second', 'third']);
		expect(del.status).toBe(204);
		expect(del.count).toBe(2);
	});

	it('refuses UPDATE/DELETE without a filter (safeupdate, 400 21000)', async () => {
		const r = await rest('/rest_t_notes', {
			method: 'PATCH',
			token: aliceToken,
			headers: { 'content-type': 'application/json' },
			body: '{"body":"all"}'
		});
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({
			code: '21000',
			details: null,
			hint: null,
			message: 'UPDATE requires a WHERE clause'
		});
		const d = await rest('/rest_t_notes', { method: 'DELETE', token: aliceToken });
		expect(d.status).toBe(400);
		expect(await d.json()).toEqual({
			code: '21000',
			details: null,
			hint: null,
			message: 'DELETE requires a WHERE clause'
		});
	});

	it('PUT upserts one row by primary key', async () => {
		const r = await rest('/rest_t_tags?id=eq.77', {
			method: 'PUT',
			headers: {
				authorization: `Bearer ${SERVICE_ROLE_KEY}`,
				'content-type': 'application/json',
				prefer: 'return=representation'
			},
			body: '{"id":77,"name":"put"}'
		});
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual([{ id: 77, name: 'put' }]);
		const bad = await rest('/rest_t_tags?id=eq.77', {
			method: 'PUT',
			headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
			body: '{"id":78,"name":"put"}'
		});
		expect(bad.status).toBe(400);
		expect((await bad.json()).code).toBe('PGRST115');
		await service.from('rest_t_tags').delete().eq('id', 77);
	});

	it('maps constraint errors: 23505 → 409, 23503 → 409, 23514 → 400', async () => {
		const dup = await service.from('rest_t_tags').insert({ name: 'math' });
		expect(dup.status).toBe(409);
		expect(dup.error).toEqual({
			code: '23505',
			details: 'Key (name)=(math) already exists.',
			hint: null,
			message: 'duplicate key value violates unique constraint "rest_t_tags_name_key"'
		});
		const fk = await service.from('rest_t_comments').insert({ post_id: 9999, body: 'x' });
		expect(fk.status).toBe(409);
		expect(fk.error?.code).toBe('23503');
		const check = await alice.from('rest_t_notes').insert({ body: 'x'.repeat(200) });
		expect(check.status).toBe(400);
		expect(check.error?.code).toBe('23514');
		const typed = await anon.from('rest_t_posts').select('id').eq('id', 'abc');
		expect(typed.status).toBe(400);
		expect(typed.error?.code).toBe('22P02');
	});
});

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
			details: expect.any(String),
			hint: null,
			message: 'Could not find the function public.rest_t_nope(a) in the schema cache'
		});
		const wrongArgs = await anon.rpc('rest_t_add', { z: 1 });
		expect(wrongArgs.error?.code).toBe('PGRST202');
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

describe('profiles, auth and bad input', () => {
	it('rejects schemas that are not exposed (406 PGRST106)', async () => {
		const r = await rest('/rest_t_posts', { headers: { 'Accept-Profile': 'auth' } });
		expect(r.status).toBe(406);
		expect(await r.json()).toEqual({
			code: 'PGRST106',
			details: null,
			hint: null,
			message: 'The schema must be one of the following: public, graphql_public'
		});
		const ok = await anon.schema('public').from('rest_t_authors').select('id').limit(1);
		expect(ok.error).toBeNull();
	});

	it('rejects expired, badly signed and unknown-role JWTs with 401', async () => {
		const expired = await rest('/rest_t_posts', {
			token: await mint({ sub: ALICE, role: 'authenticated' }, -120)
		});
		expect(expired.status).toBe(401);
		expect(expired.headers.get('www-authenticate')).toContain('Bearer');
		expect(await expired.json()).toEqual({
			code: 'PGRST303',
			details: null,
			hint: null,
			message: 'JWT expired'
		});
		const skewed = await rest('/rest_t_posts?limit=1', {
			token: await mint({ sub: ALICE, role: 'authenticated' }, -10)
		});
		expect(skewed.status).toBe(200);
		const forged = await rest('/rest_t_posts', {
			token: await mint(
				{ role: 'service_role' },
				3600,
				'another-secret-another-secret-another-secret'
			)
		});
		expect(forged.status).toBe(401);
		expect((await forged.json()).code).toBe('PGRST301');
		const garbage = await rest('/rest_t_posts', { token: 'not-a-jwt' });
		expect(garbage.status).toBe(401);
		expect(await garbage.json()).toMatchObject(errorShape('PGRST301'));
		const role = await rest('/rest_t_posts', { token: await mint({ role: 'postgres' }) });
		expect(role.status).toBe(401);
	});

	it('reports malformed JSON, unknown columns, tables and parameters', async () => {
		const json = await rest('/rest_t_posts', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"title":'
		});
		expect(json.status).toBe(400);
		expect(await json.json()).toMatchObject({
			code: 'PGRST102',
			hint: null,
			message: 'Empty or invalid json'
		});
		const col = await alice.from('rest_t_notes').insert({ nope: 1 });
		expect(col.status).toBe(400);
		expect(col.error).toEqual({
			code: 'PGRST204',
			details: null,
			hint: null,
			message: "Could not find the 'nope' column of 'rest_t_notes' in the schema cache"
		});
		const readCol = await anon.from('rest_t_posts').select('nope');
		expect(readCol.status).toBe(400);
		expect(readCol.error).toEqual({
			code: '42703',
			details: null,
			hint: null,
			message: 'column rest_t_posts.nope does not exist'
		});
		const table = await anon.from('rest_t_nope').select('*');
		expect(table.status).toBe(404);
		expect(table.error).toEqual({
			code: 'PGRST205',
			details: null,
			hint: null,
			message: "Could not find the table 'public.rest_t_nope' in the schema cache"
		});
		const param = await rest('/rest_t_posts?id=zz.1');
		expect(param.status).toBe(400);
		expect(await param.json()).toMatchObject(errorShape('PGRST100'));
	});

	it('refuses bodies over the limit with 413', async () => {
		const big = JSON.stringify({ body: 'x'.repeat(11 * 1024 * 1024) });
		const r = await rest('/rest_t_notes', {
			method: 'POST',
			token: aliceToken,
			headers: { 'content-type': 'application/json' },
			body: big
		});
		expect(r.status).toBe(413);
	});

	it('reloads the schema cache on NOTIFY pgrst', async () => {
		await db
			.unsafe('create table rest_t_late (id int primary key); grant select on rest_t_late to anon')
			.simple();
		try {
			await waitForTable('rest_t_late');
			const r = await rest('/rest_t_late');
			expect(await r.json()).toEqual([]);
		} finally {
			await db.unsafe('drop table rest_t_late');
		}
	});
});
