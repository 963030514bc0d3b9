// Random paths, query strings, headers and bodies thrown at /auth/v1: never a 5xx, never a stack
// trace, and no user appears or changes except by a sign-up that was valid by accident.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { SignJWT } from 'jose';
import {
	adminSql,
	ANON_KEY,
	apiUrl,
	JWT_SECRET,
	PUBLISHABLE_KEY,
	uniqueEmail
} from '../support/stack.ts';
import { signedUpUser } from './auth-helpers.ts';

const REQUESTS = Number(process.env.FUZZ_N ?? 500);
const CONCURRENCY = 8;
const sql = adminSql();
afterAll(() => sql.end());

// A small seeded PRNG (mulberry32), so a failure can be replayed with FUZZ_SEED.
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
let state = seed;
function rand(): number {
	state = (state + 0x6d2b79f5) | 0;
	let t = Math.imul(state ^ (state >>> 15), 1 | state);
	t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (n: number) => Math.floor(rand() * n);
function junk(len: number, alphabet = 'abcXYZ019-_.~%/?&=;:@!$\'"()*+,<>[]{}\\|^` '): string {
	let s = '';
	for (let i = 0; i < len; i += 1) s += alphabet[int(alphabet.length)];
	return s;
}

const marker = `fuzz${process.pid}x${seed}`;
const fuzzEmails = [`a.${marker}@fuzz.coachline.dev`, `B.${marker}@FUZZ.coachline.dev`];

interface Tokens {
	user: string;
	expired: string;
	forged: string;
	userId: string;
}

function randomValue(depth = 0): unknown {
	switch (int(depth > 2 ? 6 : 9)) {
		case 0:
			return null;
		case 1:
			return rand() < 0.5;
		case 2:
			return pick([0, -1, 1e308, 3.14, Number.MAX_SAFE_INTEGER]);
		case 3:
			return junk(int(40));
		case 4:
			return pick(['', ' ', '\u0000', 'é漢字🙂', 'a'.repeat(300), "'; drop table auth.users; --"]);
		case 5:
			return pick(fuzzEmails);
		case 6:
			return Array.from({ length: int(4) }, () => randomValue(depth + 1));
		default:
			return Object.fromEntries(
				Array.from({ length: int(5) }, () => [
					pick(['email', 'password', 'data', 'refresh_token', 'user_metadata', junk(6)]),
					randomValue(depth + 1)
				])
			);
	}
}

function randomBody(): string | undefined {
	switch (int(8)) {
		case 0:
			return undefined;
		case 1:
			return junk(int(200));
		case 2:
			return '{"email": "' + junk(10);
		case 3:
			return JSON.stringify(randomValue());
		case 4:
			return JSON.stringify({
				email: pick([...fuzzEmails, junk(12), `${junk(5)}@`, null, 7]),
				password: pick(['short', 'long-enough-password', null, '', 12345678, junk(80)]),
				data: randomValue(1)
			});
		case 5:
			return JSON.stringify({ refresh_token: pick([junk(12), '', 'a'.repeat(5000), null, {}]) });
		case 6:
			return '['.repeat(int(2000));
		default:
			return JSON.stringify({ [junk(5)]: 'x'.repeat(int(70_000)) });
	}
}

const PATHS = [
	'/signup',
	'/token',
	'/user',
	'/logout',
	'/settings',
	'/health',
	'/.well-known/jwks.json',
	'/admin/users',
	'/admin/users/00000000-0000-0000-0000-000000000000',
	'/admin/users/%00',
	'/admin/users/../../user',
	'/verify',
	'//signup',
	'/signup/',
	'/%2e%2e/%2e%2e/etc/passwd'
];

function randomPath(): string {
	const base = rand() < 0.8 ? pick(PATHS) : `/${junk(int(30), 'abc/%.-_~0')}`;
	const query = Array.from({ length: int(4) }, () =>
		pick([
			`grant_type=${encodeURIComponent(pick(['password', 'refresh_token', 'pkce', '', junk(5)]))}`,
			`scope=${encodeURIComponent(pick(['global', 'local', 'others', junk(4)]))}`,
			`page=${pick(['1', '0', '-1', '99999999999', 'x'])}`,
			`per_page=${pick(['1', '0', '100000', 'NaN'])}`,
			`${encodeURIComponent(junk(4))}=${encodeURIComponent(junk(8))}`
		])
	).join('&');
	return `/auth/v1${base}${query ? `?${query}` : ''}`;
}

function randomHeaders(t: Tokens): Record<string, string> {
	const h: Record<string, string> = {};
	if (rand() < 0.8) h.apikey = pick([ANON_KEY, PUBLISHABLE_KEY, junk(20), '']);
	if (rand() < 0.7) {
		h.authorization = pick([
			`Bearer ${t.user}`,
			`Bearer ${t.expired}`,
			`Bearer ${t.forged}`,
			`Bearer ${ANON_KEY}`,
			`Bearer ${junk(30)}`,
			'Bearer ',
			'Basic dXNlcjpwYXNz',
			`Bearer ${t.user.split('.').slice(0, 2).join('.')}.`
		]);
	}
	if (rand() < 0.6)
		h['x-supabase-api-version'] = pick(['2024-01-01', '2099-12-31', '1999-01-01', junk(10)]);
	if (rand() < 0.7) {
		h['content-type'] = pick([
			'application/json',
			'text/plain',
			'application/x-www-form-urlencoded',
			junk(12)
		]);
	}
	if (rand() < 0.2) h['x-forwarded-for'] = pick(['1.2.3.4', junk(15)]);
	if (rand() < 0.1) h['content-length'] = String(int(10) + 100_000_000);
	return h;
}

interface Outcome {
	status: number;
	body: string;
	method: string;
	path: string;
}

function send(
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string
): Promise<Outcome> {
	const url = new URL(apiUrl());
	return new Promise((resolve) => {
		const hasLength = 'content-length' in headers;
		const req = http.request(
			{
				host: url.hostname,
				port: url.port,
				method,
				path,
				headers,
				timeout: 20_000,
				// A fresh connection each time: after a lying content-length the server still waits
				// for that body, and a reused socket would hand it the next request instead.
				agent: false
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						body: Buffer.concat(chunks).toString(),
						method,
						path
					})
				);
			}
		);
		// A lying content-length is answered (413) or cut off; either way, no 5xx may come back.
		req.on('error', () => resolve({ status: 0, body: '', method, path }));
		req.on('timeout', () => req.destroy());
		if (body !== undefined && !hasLength) req.end(body);
		else req.end();
	});
}

describe('fuzzing /auth/v1', () => {
	let tokens: Tokens;
	let snapshot: unknown[];
	const snap = () => sql`
		select id, email, encrypted_password, raw_user_meta_data, raw_app_meta_data, role,
			banned_until, deleted_at
		from auth.users where email not like '%@test.coachline.dev' and email not like ${`%${marker}%`}
		order by id`;

	beforeAll(async () => {
		const { session, user } = await signedUpUser(uniqueEmail('fuzz-owner'));
		const key = new TextEncoder().encode(JWT_SECRET);
		const now = Math.floor(Date.now() / 1000);
		tokens = {
			user: session.access_token,
			userId: user.id,
			expired: await new SignJWT({ sub: user.id, role: 'authenticated' })
				.setProtectedHeader({ alg: 'HS256' })
				.setExpirationTime(now - 10)
				.sign(key),
			forged: await new SignJWT({ sub: user.id, role: 'service_role' })
				.setProtectedHeader({ alg: 'HS256' })
				.sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the'))
		};
		snapshot = await snap();
	});

	it(`survives ${REQUESTS} random requests (seed ${seed})`, { timeout: 180_000 }, async () => {
		const outcomes: Outcome[] = [];
		let next = 0;
		const worker = async () => {
			while (next < REQUESTS) {
				next += 1;
				const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'POST', 'POST']);
				let path = randomPath();
				// Only admin-free damage is possible without the service key, but keep the owner's
				// own session usable by never sending it to the routes that change it.
				const headers = randomHeaders(tokens);
				if (
					headers.authorization === `Bearer ${tokens.user}` &&
					(method === 'PUT' || path.includes('/logout'))
				) {
					headers.authorization = `Bearer ${tokens.expired}`;
				}
				if (rand() < 0.02) path = `/auth/v1/user/${'x'.repeat(int(9000))}`;
				outcomes.push(
					await send(method, path, headers, method === 'GET' ? undefined : randomBody())
				);
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));

		const bad = outcomes.filter(
			(o) => o.status >= 500 || /\n\s+at |node:internal|\.ts:\d+|at \S+ \(.*:\d+:\d+\)/.test(o.body)
		);
		expect(bad.slice(0, 5), `seed ${seed}`).toEqual([]);
		const answered = outcomes.filter((o) => o.status > 0);
		expect(answered.length).toBeGreaterThan(REQUESTS * 0.8);
		const jsonErrors = answered.filter((o) => o.status >= 400 && o.body);
		for (const o of jsonErrors) {
			expect(() => JSON.parse(o.body), `${o.method} ${o.path} -> ${o.status}`).not.toThrow();
		}

		const signups = answered.filter(
			(o) => o.status === 200 && o.path.startsWith('/auth/v1/signup') && o.method === 'POST'
		).length;
		const [{ n }] = await sql<{ n: string }[]>`
			select count(*) as n from auth.users where email like ${`%${marker.toLowerCase()}%`}`;
		expect(Number(n)).toBe(Math.min(signups, fuzzEmails.length));
		expect(Number(n)).toBeLessThanOrEqual(fuzzEmails.length);
		expect(await snap()).toEqual(snapshot);
		const [owner] = await sql`select email, deleted_at from auth.users where id = ${tokens.userId}`;
		expect(owner.deleted_at).toBeNull();
	});
});

describe('depth bombs', () => {
	// Nested as deep as fits under auth's 64 KB body limit, far past anything parsed recursively.
	const bombs = [
		'['.repeat(30_000) + ']'.repeat(30_000),
		'{"":'.repeat(10_000) + '1' + '}'.repeat(10_000)
	];

	it('answers deeply nested JSON on every body-taking route with 400 bad_json', async () => {
		for (const path of ['/signup', '/token?grant_type=password', '/admin/users']) {
			for (const body of bombs) {
				const res = await fetch(`${apiUrl()}/auth/v1${path}`, {
					method: 'POST',
					headers: {
						apikey: ANON_KEY,
						'content-type': 'application/json',
						'x-supabase-api-version': '2024-01-01'
					},
					body
				});
				expect(res.status, path).toBe(400);
				expect(await res.json()).toEqual({
					code: 'bad_json',
					message: 'Could not parse request body as JSON: JSON is nested more than 512 levels deep'
				});
			}
		}
	});

	it('still reads ordinarily nested user metadata', async () => {
		let data: unknown = 'leaf';
		for (let i = 0; i < 50; i += 1) data = { d: data };
		const res = await fetch(`${apiUrl()}/auth/v1/signup`, {
			method: 'POST',
			headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ email: uniqueEmail('nested'), password: 'long-enough-password', data })
		});
		expect(res.status).toBe(200);
		expect((await res.json()).user.user_metadata).toEqual(data);
	});
});
