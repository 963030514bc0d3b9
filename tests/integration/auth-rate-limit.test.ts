// Auth's per-IP limits ([auth.rate_limit] in supabase/config.toml): password spraying over many
// emails from one address, sign-up bursts and refresh floods answer 429 over_request_rate_limit
// with Retry-After, while other addresses carry on. Each test talks from its own random loopback
// address (127.x.y.z, all local on Linux), so nothing else sharing the stack is throttled; the
// test stack's exempt address shows what a configured exemption still limits.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../stack/config.ts';
import { adminSql, ANON_KEY, apiUrl, uniqueEmail } from '../support/stack.ts';
import { TEST_EXEMPT_IP } from '../../stack/test-stack.ts';

const rate = loadProjectConfig().auth.rateLimits;
const sql = adminSql();
afterAll(() => sql.end());

const usedIps = new Set<string>();
/** A loopback address of its own for one test. */
function freshIp(): string {
	for (;;) {
		const b = () => 1 + Math.floor(Math.random() * 250);
		const ip = `127.${b()}.${b()}.${1 + b()}`;
		if (!usedIps.has(ip) && ip !== TEST_EXEMPT_IP) {
			usedIps.add(ip);
			return ip;
		}
	}
}

interface Answer {
	status: number;
	json: Record<string, unknown> | null;
	retryAfter: string | null;
}

/**
 * POST /auth/v1<path> from the given local address, as auth-js would send it (`legacy`: without
 * the API version header, as older clients do).
 */
function post(from: string, path: string, body: unknown, legacy = false): Promise<Answer> {
	const url = new URL(`${apiUrl()}/auth/v1${path}`);
	const text = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: url.hostname,
				port: url.port,
				path: `${url.pathname}${url.search}`,
				method: 'POST',
				localAddress: from,
				agent: false,
				headers: {
					apikey: ANON_KEY,
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(text),
					...(legacy ? {} : { 'x-supabase-api-version': '2024-01-01' })
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const raw = Buffer.concat(chunks).toString('utf8');
					let json: Record<string, unknown> | null;
					try {
						json = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
					} catch {
						json = null;
					}
					const ra = res.headers['retry-after'];
					resolve({
						status: res.statusCode ?? 0,
						json,
						retryAfter: typeof ra === 'string' ? ra : null
					});
				});
			}
		);
		req.on('error', reject);
		req.end(text);
	});
}

function expectLimited(a: Answer): void {
	expect(a.status).toBe(429);
	expect(a.json).toEqual({
		code: 'over_request_rate_limit',
		message: 'Request rate limit reached'
	});
	expect(a.retryAfter).toMatch(/^\d+$/);
	expect(Number(a.retryAfter)).toBeGreaterThan(0);
	expect(Number(a.retryAfter)).toBeLessThanOrEqual(300);
}

describe('per-IP auth rate limits', () => {
	it('stops password spraying: one address, a new email each time', async () => {
		const sprayer = freshIp();
		const answers: Answer[] = [];
		for (let i = 0; i < rate.signInSignUps + 5; i += 1) {
			answers.push(
				await post(sprayer, '/token?grant_type=password', {
					email: uniqueEmail(`spray${i}`),
					password: 'Winter2026!'
				})
			);
		}
		// Every attempt within the limit is an ordinary wrong password...
		for (const a of answers.slice(0, rate.signInSignUps)) {
			expect(a.status).toBe(400);
			expect(a.json?.code).toBe('invalid_credentials');
		}
		// ...and every one after it is refused before any password is checked.
		for (const a of answers.slice(rate.signInSignUps)) expectLimited(a);

		// The right password from the sprayer's address is refused too, while the same person
		// signing in from another address gets in.
		const email = uniqueEmail('real');
		const signedUp = await post(freshIp(), '/signup', { email, password: 'password123' });
		expect(signedUp.status).toBe(200);
		expectLimited(
			await post(sprayer, '/token?grant_type=password', { email, password: 'password123' })
		);
		const ok = await post(freshIp(), '/token?grant_type=password', {
			email,
			password: 'password123'
		});
		expect(ok.status).toBe(200);
		expect(typeof ok.json?.access_token).toBe('string');
	});

	it('caps a burst of sign-ups from one address, and only those', async () => {
		const burst = freshIp();
		const marker = `burst${process.pid}${Date.now().toString(36)}`;
		const answers: Answer[] = [];
		for (let i = 0; i < rate.signInSignUps + 2; i += 1) {
			answers.push(
				await post(burst, '/signup', {
					email: `${marker}.${i}@test.coachline.dev`,
					password: 'password123'
				})
			);
		}
		expect(answers.slice(0, rate.signInSignUps).every((a) => a.status === 200)).toBe(true);
		for (const a of answers.slice(rate.signInSignUps)) expectLimited(a);
		const [{ n }] = await sql<{ n: number }[]>`
			select count(*)::int as n from auth.users where email like ${`${marker}.%`}`;
		expect(n).toBe(rate.signInSignUps);

		const elsewhere = await post(freshIp(), '/signup', {
			email: `${marker}.elsewhere@test.coachline.dev`,
			password: 'password123'
		});
		expect(elsewhere.status).toBe(200);
	});

	it('counts guesses at one email from an exempt address, and nothing else from it', async () => {
		// TEST_EXEMPT_IP skips the per-IP buckets, as an address listed in rateLimitExemptIps
		// does (one server signing many people in): the per-address+email bucket alone limits it.
		const from = TEST_EXEMPT_IP;
		const email = uniqueEmail('guessed');
		expect((await post(freshIp(), '/signup', { email, password: 'password123' })).status).toBe(200);
		const firstSentAt = Date.now();
		const answers: Answer[] = [];
		let firstDoneAt = 0;
		for (let i = 0; i < rate.signInSignUps + 2; i += 1) {
			answers.push(
				await post(from, '/token?grant_type=password', { email, password: 'wrong-pass' })
			);
			if (i === 0) firstDoneAt = Date.now();
		}
		for (const a of answers.slice(0, rate.signInSignUps)) {
			expect(a.json?.code).toBe('invalid_credentials');
		}
		for (const a of answers.slice(rate.signInSignUps)) expectLimited(a);
		// The right password is refused too, before it is checked...
		const sentAt = Date.now();
		const right = await post(from, '/token?grant_type=password', {
			email,
			password: 'password123'
		});
		const answeredAt = Date.now();
		expectLimited(right);
		// ...with Retry-After the whole seconds until the first guess leaves the 5 minutes.
		const WINDOW_MS = 5 * 60 * 1000;
		expect(Number(right.retryAfter)).toBeGreaterThanOrEqual(
			Math.floor((firstSentAt + WINDOW_MS - answeredAt) / 1000)
		);
		expect(Number(right.retryAfter)).toBeLessThanOrEqual(
			Math.ceil((firstDoneAt + WINDOW_MS - sentAt) / 1000)
		);
		// An older client without the version header gets the legacy shape, still 429.
		const legacy = await post(
			from,
			'/token?grant_type=password',
			{ email, password: 'password123' },
			true
		);
		expect(legacy.status).toBe(429);
		expect(legacy.retryAfter).toMatch(/^\d+$/);
		expect(legacy.json).toMatchObject({ code: 429, error_code: 'over_request_rate_limit' });
		// The address itself is past the per-IP limit, yet another person signs in from it.
		const other = uniqueEmail('other');
		expect(
			(await post(freshIp(), '/signup', { email: other, password: 'password123' })).status
		).toBe(200);
		const ok = await post(from, '/token?grant_type=password', {
			email: other,
			password: 'password123'
		});
		expect(ok.status).toBe(200);
		expect(typeof ok.json?.access_token).toBe('string');
	});

	it('caps refresh-token requests per address at token_refresh', async () => {
		const flood = freshIp();
		let firstLimited = -1;
		for (let i = 0; i <= rate.tokenRefresh && firstLimited < 0; i += 1) {
			const a = await post(flood, '/token?grant_type=refresh_token', { refresh_token: `nope${i}` });
			if (a.status === 429) {
				expectLimited(a);
				firstLimited = i;
			} else {
				expect(a.json?.code).toBe('refresh_token_not_found');
			}
		}
		expect(firstLimited).toBe(rate.tokenRefresh);
		const other = await post(freshIp(), '/token?grant_type=refresh_token', {
			refresh_token: 'nope'
		});
		expect(other.json?.code).toBe('refresh_token_not_found');
	});
});
