// Unit tests for auth's pure parts: tokens, passwords, the rate limiter, validation, error shapes.
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import bcrypt from 'bcryptjs';
import { createBucketLimits, createRateLimiter } from './rate-limit.ts';
import { newRefreshToken, signAccessToken, verifyAccessToken } from './tokens.ts';
import { verifyPassword, isBcryptHash } from './passwords.ts';
import { AuthError } from './errors.ts';
import { checkPassword, parseGoDuration, validEmail } from './validate.ts';

const secret = new TextEncoder().encode('super-secret-jwt-token-with-at-least-32-characters-long');

describe('rate limiter', () => {
	it('allows `limit` hits per window per key, then frees them as the window slides', () => {
		const rl = createRateLimiter(3, 1000);
		expect([0, 1, 2].map((t) => rl.hit('a', t))).toEqual([true, true, true]);
		expect(rl.hit('a', 500)).toBe(false);
		expect(rl.hit('b', 500)).toBe(true);
		expect(rl.retryAfter('a', 500)).toBe(1);
		expect(rl.hit('a', 1000)).toBe(true);
		expect(rl.hit('a', 1001)).toBe(true);
		expect(rl.hit('a', 1002)).toBe(true);
		expect(rl.hit('a', 1003)).toBe(false);
		rl.close();
	});

	it('is off with a limit of 0', () => {
		const rl = createRateLimiter(0, 1000);
		for (let i = 0; i < 100; i += 1) expect(rl.hit('a', i)).toBe(true);
		rl.close();
	});
});

describe('bucket limits', () => {
	it('counts a request on every key, and refuses it when any key is full', () => {
		const b = createBucketLimits({ sign_in_sign_ups: { limit: 2, windowMs: 1000 } });
		expect(b.take('sign_in_sign_ups', ['ip', 'ip|a'], 0)).toBe(0);
		expect(b.take('sign_in_sign_ups', ['ip', 'ip|b'], 1)).toBe(0);
		// The address is full though this email is new: password spraying stops here.
		expect(b.take('sign_in_sign_ups', ['ip', 'ip|c'], 2)).toBe(1);
		// A refused request was not counted on its fresh key.
		expect(b.take('sign_in_sign_ups', ['other', 'other|c'], 3)).toBe(0);
		expect(b.take('sign_in_sign_ups', ['other', 'other|c'], 4)).toBe(0);
		expect(b.take('sign_in_sign_ups', ['ip'], 1000)).toBe(0);
		expect(() => b.take('nope', ['ip'])).toThrow(/unknown rate-limit bucket/);
		b.close();
	});
});

describe('tokens', () => {
	it('signs GoTrue claims in order and verifies them', async () => {
		const { token, expiresAt } = await signAccessToken(secret, {
			issuer: 'http://127.0.0.1:54321/auth/v1',
			userId: '11111111-1111-1111-1111-111111111111',
			email: 'a@b.co',
			phone: null,
			appMetadata: { provider: 'email' },
			userMetadata: {},
			role: 'authenticated',
			sessionId: '22222222-2222-2222-2222-222222222222',
			authenticatedAt: 1000,
			isAnonymous: false,
			expiresIn: 60,
			now: 2000
		});
		expect(expiresAt).toBe(2060);
		expect(Object.keys(decodeJwt(token))).toEqual([
			'iss',
			'sub',
			'aud',
			'exp',
			'iat',
			'email',
			'phone',
			'app_metadata',
			'user_metadata',
			'role',
			'aal',
			'amr',
			'session_id',
			'is_anonymous'
		]);
		// Expired (iat 2000 is long past): bad_jwt.
		await expect(verifyAccessToken(secret, token)).rejects.toMatchObject({
			status: 403,
			code: 'bad_jwt'
		});
		await expect(verifyAccessToken(secret, 'x.y.z')).rejects.toBeInstanceOf(AuthError);
	});

	it('makes long, unique, url-safe refresh tokens', () => {
		const seen = new Set(Array.from({ length: 1000 }, newRefreshToken));
		expect(seen.size).toBe(1000);
		for (const t of seen) expect(t).toMatch(/^[a-z0-9]{32}$/);
	});
});

describe('passwords', () => {
	it('verifies $2a$ hashes as pgcrypto makes them and refuses junk', async () => {
		const hash = bcrypt.hashSync('pw-123456', 4).replace(/^\$2b\$/, '$2a$');
		expect(isBcryptHash(hash)).toBe(true);
		expect(await verifyPassword('pw-123456', hash)).toBe(true);
		expect(await verifyPassword('pw-1234567', hash)).toBe(false);
		expect(await verifyPassword('pw', null)).toBe(false);
		expect(await verifyPassword('pw', 'plain')).toBe(false);
	});
});

describe('validation', () => {
	it('lower-cases good emails and refuses bad ones', () => {
		expect(validEmail(' Ann@Example.COM ')).toBe('ann@example.com');
		for (const bad of ['', 'a', 'a@', '@b.c', 'a b@c.d', `${'a'.repeat(251)}@b.cd`]) {
			expect(() => validEmail(bad), bad).toThrow(AuthError);
		}
	});

	it('checks password length and the bcrypt byte limit', () => {
		expect(() => checkPassword('1234567', 8)).toThrow(/at least 8/);
		expect(() => checkPassword('12345678', 8)).not.toThrow();
		expect(() => checkPassword('é'.repeat(40), 8)).toThrow(/longer than 72/);
	});

	it('reads Go durations', () => {
		expect(parseGoDuration('24h')).toBe(86_400_000);
		expect(parseGoDuration('1h30m')).toBe(5_400_000);
		expect(parseGoDuration('500ms')).toBe(500);
		expect(parseGoDuration('forever')).toBeNull();
	});
});
