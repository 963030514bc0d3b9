// Auth's edges: error shapes by API version, bad and expired tokens, limits on body and rate.
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { apiUrl, JWT_SECRET, uniqueEmail } from '../support/stack.ts';
import { authFetch, PASSWORD, signedUpUser, V } from './auth-helpers.ts';

const secret = new TextEncoder().encode(JWT_SECRET);

async function jwt(claims: Record<string, unknown>, key = secret, expiresIn = 3600) {
	const iat = Math.floor(Date.now() / 1000);
	return new SignJWT({ aud: 'authenticated', role: 'authenticated', ...claims })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt(iat)
		.setExpirationTime(iat + expiresIn)
		.sign(key);
}

describe('error shapes', () => {
	it('answers {code, message} and echoes the API version when the client sends it', async () => {
		const r = await authFetch('/token?grant_type=password', {
			method: 'POST',
			headers: V,
			body: { email: uniqueEmail('nobody'), password: 'whatever-1' }
		});
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
		expect(r.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(r.headers.get('x-sb-error-code')).toBe('invalid_credentials');
		expect(r.headers.get('content-type')).toMatch(/^application\/json/);
	});

	it('answers the legacy {code: status, error_code, msg} without the header', async () => {
		const r = await authFetch('/token?grant_type=password', {
			method: 'POST',
			body: { email: uniqueEmail('nobody'), password: 'whatever-1' }
		});
		expect(r.status).toBe(400);
		expect(r.json).toEqual({
			code: 400,
			error_code: 'invalid_credentials',
			msg: 'Invalid login credentials'
		});
		expect(r.headers.get('x-supabase-api-version')).toBeNull();
		expect(r.headers.get('x-sb-error-code')).toBe('invalid_credentials');
		const weak = await authFetch('/signup', {
			method: 'POST',
			body: { email: uniqueEmail('weak'), password: 'x' }
		});
		expect(weak.status).toBe(422);
		expect(weak.json).toEqual({
			code: 422,
			error_code: 'weak_password',
			msg: 'Password should be at least 8 characters.',
			weak_password: { reasons: ['length'] }
		});
	});

	it('answers malformed JSON and wrongly typed fields with bad_json', async () => {
		for (const body of ['{"email": ', '[1,2]', '{"email": 5, "password": "x"}']) {
			const r = await authFetch('/signup', { method: 'POST', headers: V, body });
			expect(r.status, body).toBe(400);
			expect(r.json?.code).toBe('bad_json');
			expect(r.text).not.toMatch(/\n\s+at /);
		}
		const grant = await authFetch('/token?grant_type=magic', {
			method: 'POST',
			headers: V,
			body: {}
		});
		expect(grant.status).toBe(400);
		expect(grant.json?.code).toBe('validation_failed');
	});

	it('answers unknown routes with 404 and wrong methods with 405', async () => {
		expect((await authFetch('/nope', { headers: V })).status).toBe(404);
		const wrong = await authFetch('/signup', { headers: V });
		expect(wrong.status).toBe(405);
	});
});

describe('bearer tokens', () => {
	it('refuses expired, badly signed, malformed and missing tokens with GoTrue codes', async () => {
		const { user, session } = await signedUpUser(uniqueEmail('tokens'));
		const cases: [string, string | null, number, string][] = [
			['expired', await jwt({ sub: user.id }, secret, -60), 403, 'bad_jwt'],
			[
				'bad signature',
				await jwt({ sub: user.id }, new TextEncoder().encode('x'.repeat(40))),
				403,
				'bad_jwt'
			],
			['garbage', 'not.a.jwt', 403, 'bad_jwt'],
			['anon key (no sub)', null, 403, 'bad_jwt'],
			[
				'unknown session',
				await jwt({ sub: user.id, session_id: randomUUID() }),
				403,
				'session_not_found'
			],
			['unknown user', await jwt({ sub: randomUUID() }), 403, 'user_not_found']
		];
		for (const [name, token, status, code] of cases) {
			const headers: Record<string, string> = { ...V };
			if (token) headers.authorization = `Bearer ${token}`;
			const r = await authFetch('/user', { headers });
			expect(r.status, name).toBe(status);
			expect(r.json?.code, name).toBe(code);
		}
		const missing = await fetch(`${apiUrl()}/auth/v1/user`, { headers: V });
		expect(missing.status).toBe(401);
		expect(((await missing.json()) as { code: string }).code).toBe('no_authorization');
		const ok = await authFetch('/user', {
			headers: { ...V, authorization: `Bearer ${session.access_token}` }
		});
		expect(ok.status).toBe(200);
		expect(ok.headers.get('x-supabase-api-version')).toBe('2024-01-01');
	});
});

describe('limits', () => {
	it('refuses a body over 64 KB with 413', async () => {
		const r = await authFetch('/signup', {
			method: 'POST',
			headers: V,
			body: { email: uniqueEmail('big'), password: PASSWORD, data: { blob: 'x'.repeat(70_000) } }
		});
		expect(r.status).toBe(413);
		expect(r.json?.code).toBe('request_too_large');
	});
});

describe('public routes', () => {
	it('serves settings, health and an empty JWKS', async () => {
		const settings = await authFetch('/settings');
		expect(settings.status).toBe(200);
		expect(settings.json).toMatchObject({
			disable_signup: false,
			mailer_autoconfirm: true,
			external: { email: true, phone: false, anonymous_users: false }
		});
		const health = await authFetch('/health');
		expect(health.json?.name).toBe('GoTrue');
		const jwks = await authFetch('/.well-known/jwks.json');
		expect(jwks.json).toEqual({ keys: [] });
	});
});
