// Random query strings, headers and bodies thrown at /rest/v1: never a 5xx, never a stack trace,
// every error in PostgREST's shape, and the database unchanged afterwards. Its fixture is
// the REST feature tests' (tests/integration/rest/) under rest_f_ names, so it runs beside them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type postgres from 'postgres';
import { ANON_KEY, SERVICE_ROLE_KEY, adminSql, apiUrl } from '../support/stack.ts';
import { REST_FIXTURE_DROP, REST_FIXTURE_SQL } from './rest/fixture.ts';

let db: postgres.Sql;
const TABLES = [
	'rest_f_authors',
	'rest_f_posts',
	'rest_f_comments',
	'rest_f_tags',
	'rest_f_post_tags',
	'rest_f_notes'
];

async function counts(): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const t of TABLES)
		out[t] = Number((await db.unsafe(`select count(*)::int as n from ${t}`))[0].n);
	return out;
}

// A seeded generator, so a failure can be replayed.
let seed = 20261122;
const rnd = () => {
	seed = (seed * 1103515245 + 12345) % 2147483648;
	return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const pieces = [
	'select',
	'order',
	'limit',
	'offset',
	'or',
	'and',
	'not.or',
	'id',
	'title',
	'rating',
	'meta->a->>b',
	'tags',
	'rest_f_authors',
	'rest_f_authors.name',
	'columns',
	'on_conflict',
	'eq',
	'neq',
	'in',
	'is',
	'like',
	'cs',
	'fts',
	'not',
	'(',
	')',
	'{',
	'}',
	',',
	'.',
	':',
	'::',
	'!inner',
	'*',
	'"',
	"'",
	'\\',
	';',
	'--',
	'null',
	'1',
	'-1',
	'99999999999999999999',
	'a b',
	'%',
	'%00',
	'%FF',
	'é',
	'\u0000',
	'..',
	'(1,2',
	'desc',
	'nullslast',
	'drop table rest_f_posts',
	"'); delete from rest_f_posts; --",
	'$1',
	'->',
	'->>',
	'...',
	'count()'
];
const paths = [
	'/rest_f_posts',
	'/rest_f_authors',
	'/rest_f_notes',
	'/rpc/rest_f_add',
	'/rpc/rest_f_posts_by',
	'/rpc/nope',
	'/nope',
	'/',
	'/rest_f_posts/x',
	'/rpc/',
	'/%zz'
];
const methods = ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'];
const bodies = [
	'',
	'{',
	'[]',
	'[{}]',
	'{}',
	'null',
	'1',
	'"x"',
	'{"title":null}',
	'{"id":"abc"}',
	'[{"title":"t"},{"x":1}]',
	'{"a":1,"b":"x"}',
	'\u0000',
	'{"title":"' + 'x'.repeat(5000) + '"}',
	'[[[]]]',
	'{"__proto__":{"x":1}}'
];
const headerSets: Array<Record<string, string>> = [
	{},
	{ prefer: 'return=representation' },
	{ prefer: 'count=exact,tx=commit' },
	{ prefer: 'count=planned' },
	{ prefer: 'count=estimated' },
	{ prefer: 'return=headers-only' },
	{ prefer: 'resolution=merge-duplicates' },
	{ accept: 'application/vnd.pgrst.object+json' },
	{ accept: 'text/csv' },
	{ accept: 'application/xml' },
	{ range: '5-1' },
	{ range: 'garbage' },
	{ 'accept-profile': 'auth' },
	{ 'content-profile': 'pg_catalog' },
	{ authorization: 'Bearer x.y.z' },
	{ authorization: 'Bearer ' },
	{ 'content-type': 'text/plain' }
];

function randomQuery(): string {
	const n = Math.floor(rnd() * 4);
	const parts: string[] = [];
	for (let i = 0; i < n; i++) {
		let k = pick(pieces);
		let v = '';
		for (let j = Math.floor(rnd() * 5); j >= 0; j--) v += pick(pieces);
		if (rnd() < 0.3) k = `${pick(pieces)}.${k}`;
		parts.push(rnd() < 0.5 ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`);
	}
	return parts.join('&');
}

beforeAll(async () => {
	db = adminSql();
	await db.unsafe(REST_FIXTURE_SQL.replaceAll('rest_t_', 'rest_f_')).simple();
	for (let i = 0; i < 100; i++) {
		const r = await fetch(`${apiUrl()}/rest/v1/rest_f_notes?limit=0`, {
			headers: { apikey: ANON_KEY }
		});
		if (r.status === 200) break;
		await new Promise((res) => setTimeout(res, 50));
	}
});

afterAll(async () => {
	await db.unsafe(REST_FIXTURE_DROP.replaceAll('rest_t_', 'rest_f_')).simple();
	await db.end();
});

it('survives 500 random requests unchanged', { timeout: 120_000 }, async () => {
	const before = await counts();
	const failures: string[] = [];
	for (let i = 0; i < 500; i++) {
		const method = pick(methods);
		const url = `${apiUrl()}/rest/v1${pick(paths)}?${randomQuery()}`;
		const headers: Record<string, string> = { apikey: ANON_KEY, ...pick(headerSets) };
		const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies);
		let res: Response;
		try {
			res = await fetch(url, { method, headers, body });
		} catch (e) {
			// fetch itself refuses some URLs/headers; nothing reached the server.
			if (e instanceof TypeError) continue;
			throw e;
		}
		const text = await res.text();
		const what = `${method} ${url} ${JSON.stringify(headers)} ${body?.slice(0, 80)} → ${res.status} ${text.slice(0, 200)}`;
		if (res.status >= 500) failures.push(what);
		if (/\bat .*\.(ts|js):\d+/.test(text) || text.includes('node_modules'))
			failures.push(`stack trace: ${what}`);
		if (
			res.status >= 400 &&
			method !== 'HEAD' &&
			res.status !== 413 &&
			url.includes('/rest/v1/') &&
			text
		) {
			const parsed = JSON.parse(text) as Record<string, unknown>;
			if (!('message' in parsed)) failures.push(`shape: ${what}`);
		}
	}
	expect(failures).toEqual([]);
	expect(await counts()).toEqual(before);
});

// Depth bombs: JSON nested far deeper than anything walks recursively. Every service refuses it
// with 400 and says why, instead of a 500 from a blown stack; ordinary nesting still works.
const arrayBomb = '['.repeat(100_000) + ']'.repeat(100_000);
const objectBomb = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

it('answers depth bombs on REST with 400 PGRST102, and takes sane nesting', async () => {
	for (const [path, bomb] of [
		['/rpc/rest_f_echo', arrayBomb],
		['/rpc/rest_f_add', objectBomb],
		['/rest_f_posts', arrayBomb],
		['/rest_f_posts', objectBomb]
	] as const) {
		const res = await fetch(`${apiUrl()}/rest/v1${path}`, {
			method: 'POST',
			headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
			body: bomb
		});
		expect(res.status, path).toBe(400);
		expect(await res.json()).toEqual({
			code: 'PGRST102',
			message: 'Empty or invalid json',
			details: 'JSON is nested more than 512 levels deep',
			hint: null
		});
	}
	const deep = { a: nested(200) };
	const ok = await fetch(`${apiUrl()}/rest/v1/rpc/rest_f_echo`, {
		method: 'POST',
		headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
		body: JSON.stringify(deep)
	});
	expect(ok.status).toBe(200);
	expect(await ok.json()).toEqual(deep);
});

it('answers depth bombs on realtime broadcast and storage with 400', async () => {
	const headers = {
		apikey: SERVICE_ROLE_KEY,
		authorization: `Bearer ${SERVICE_ROLE_KEY}`,
		'content-type': 'application/json'
	};
	for (const bomb of [arrayBomb, objectBomb]) {
		const batch = await fetch(`${apiUrl()}/realtime/v1/api/broadcast`, {
			method: 'POST',
			headers,
			body: `{"messages":[{"topic":"t","event":"e","payload":${bomb}}]}`
		});
		expect(batch.status).toBe(400);
		expect((await batch.json()).message).toBe('JSON is nested more than 512 levels deep');
		const single = await fetch(`${apiUrl()}/realtime/v1/api/broadcast/t/events/e`, {
			method: 'POST',
			headers,
			body: bomb
		});
		expect(single.status).toBe(400);
		expect((await single.json()).message).toBe('JSON is nested more than 512 levels deep');
		const bucket = await fetch(`${apiUrl()}/storage/v1/bucket`, {
			method: 'POST',
			headers,
			body: bomb
		});
		expect(bucket.status).toBe(400);
		expect((await bucket.json()).message).toMatch(/nested more than 512 levels deep/);
	}
	const fine = await fetch(`${apiUrl()}/realtime/v1/api/broadcast`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: nested(100) }] })
	});
	expect(fine.status).toBe(202);
});
