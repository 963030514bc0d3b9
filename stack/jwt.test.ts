// The shared JWT check: what it accepts, the reasons it gives, and its one bounded cache.
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { JWT_CACHE_SIZE, JwtError, LruCache, jwtCacheSize, verifyJwt } from './jwt.ts';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const OTHER = 'another-secret-jwt-token-with-at-least-32-characters';

function sign(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(new TextEncoder().encode(secret));
}

const now = () => Math.floor(Date.now() / 1000);

async function failure(p: Promise<unknown>): Promise<JwtError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof JwtError) return e;
		throw e;
	}
	throw new Error('expected a JwtError');
}

describe('verifyJwt', () => {
	it('returns the claims, the same for a string or byte secret', async () => {
		const token = await sign({ role: 'authenticated', sub: 'u1', exp: now() + 60 });
		expect(await verifyJwt(SECRET, token)).toMatchObject({ role: 'authenticated', sub: 'u1' });
		expect(await verifyJwt(new TextEncoder().encode(SECRET), token)).toMatchObject({ sub: 'u1' });
	});

	it('never accepts a token remembered under another secret', async () => {
		const token = await sign({ role: 'anon', exp: now() + 60 });
		await verifyJwt(SECRET, token);
		expect((await failure(verifyJwt(OTHER, token))).kind).toBe('signature');
	});

	it('tells expired (with the claims), not yet valid, bad signature and malformed apart', async () => {
		const exp = now() - 10;
		const expired = await sign({ role: 'anon', exp });
		const e = await failure(verifyJwt(SECRET, expired));
		expect(e.kind).toBe('expired');
		expect(e.payload?.exp).toBe(exp);
		// Within a 30 s tolerance it still passes (PostgREST's skew).
		expect(await verifyJwt(SECRET, expired, { clockTolerance: 30 })).toMatchObject({
			role: 'anon'
		});
		// ... and once remembered, a caller without tolerance still gets "expired".
		expect((await failure(verifyJwt(SECRET, expired))).kind).toBe('expired');
		const early = await sign({ role: 'anon', nbf: now() + 120 });
		expect((await failure(verifyJwt(SECRET, early))).kind).toBe('not_yet_valid');
		const forged = await sign({ role: 'service_role' }, OTHER);
		expect((await failure(verifyJwt(SECRET, forged))).kind).toBe('signature');
		expect((await failure(verifyJwt(SECRET, 'x.y.z'))).kind).toBe('malformed');
		expect((await failure(verifyJwt(SECRET, 'nonsense'))).kind).toBe('malformed');
	});

	it('hands back the remembered claims on a hit (no second signature check)', async () => {
		const token = await sign({ role: 'anon', exp: now() + 60 });
		const a = await verifyJwt(SECRET, token);
		expect(await verifyJwt(SECRET, token)).toBe(a);
		expect(jwtCacheSize()).toBeLessThanOrEqual(JWT_CACHE_SIZE);
	});
});

describe('LruCache', () => {
	it('keeps at most `limit` entries, dropping the least recently used', () => {
		const c = new LruCache<number>(3);
		c.set('a', 1);
		c.set('b', 2);
		c.set('c', 3);
		expect(c.get('a')).toBe(1); // a is now the most recent; b the least
		c.set('d', 4);
		expect(c.size).toBe(3);
		expect(c.get('b')).toBeUndefined();
		expect([c.get('a'), c.get('c'), c.get('d')]).toEqual([1, 3, 4]);
		c.set('c', 30); // overwriting does not grow it
		expect(c.size).toBe(3);
		expect(c.get('c')).toBe(30);
	});
});
