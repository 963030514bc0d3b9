// The gateway in front of the services: key mapping, CORS, request ids.
import { describe, expect, it } from 'vitest';
import { createClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	apiUrl,
	PUBLISHABLE_KEY,
	SECRET_KEY,
	SERVICE_ROLE_KEY,
	uniqueEmail
} from '../support/stack.ts';
import { PASSWORD } from './auth-helpers.ts';

const client = (key: string) =>
	createClient(apiUrl(), key, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});

describe('API keys', () => {
	it('maps sb_publishable_ to the anon role: sign-up works, admin is refused', async () => {
		const c = client(PUBLISHABLE_KEY);
		const { data, error } = await c.auth.signUp({ email: uniqueEmail('pub'), password: PASSWORD });
		expect(error).toBeNull();
		expect(data.session).not.toBeNull();
		const admin = await c.auth.admin.listUsers();
		expect(admin.error?.code).toBe('not_admin');
	});

	it('maps sb_secret_ to the service role: admin works', async () => {
		const { data, error } = await client(SECRET_KEY).auth.admin.listUsers({ perPage: 1 });
		expect(error).toBeNull();
		expect(data.users.length).toBe(1);
	});

	it('maps an sb_ key in the apikey header when Authorization is absent or carries an sb_ key', async () => {
		const variants: Record<string, string>[] = [
			{ apikey: SECRET_KEY },
			{ apikey: SECRET_KEY, authorization: `Bearer ${SECRET_KEY}` }
		];
		for (const headers of variants) {
			const r = await fetch(`${apiUrl()}/auth/v1/admin/users?per_page=1`, { headers });
			expect(r.status).toBe(200);
		}
		const anonBearer = await fetch(`${apiUrl()}/auth/v1/admin/users`, {
			headers: { apikey: SECRET_KEY, authorization: `Bearer ${ANON_KEY}` }
		});
		expect(anonBearer.status).toBe(403);
		const legacy = await fetch(`${apiUrl()}/auth/v1/admin/users?per_page=1`, {
			headers: { apikey: SERVICE_ROLE_KEY }
		});
		expect(legacy.status).toBe(200);
	});
});

describe('CORS and request ids', () => {
	it('answers a browser preflight', async () => {
		const r = await fetch(`${apiUrl()}/auth/v1/token?grant_type=password`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://127.0.0.1:5173',
				'access-control-request-method': 'POST',
				'access-control-request-headers':
					'apikey, authorization, content-type, x-supabase-api-version'
			}
		});
		expect(r.status).toBeLessThan(300);
		expect(r.headers.get('access-control-allow-origin')).toBe('*');
		const allowed = r.headers.get('access-control-allow-headers') ?? '';
		for (const h of ['apikey', 'authorization', 'content-type', 'x-supabase-api-version']) {
			expect(allowed).toContain(h);
		}
		expect(r.headers.get('access-control-allow-methods')).toContain('POST');
	});

	it('stamps a request id on every response and echoes a given one', async () => {
		const responses = await Promise.all([
			fetch(`${apiUrl()}/auth/v1/health`),
			fetch(`${apiUrl()}/auth/v1/user`, { headers: { apikey: ANON_KEY } }),
			fetch(`${apiUrl()}/auth/v1/nowhere`),
			fetch(`${apiUrl()}/auth/v1/token?grant_type=password`, {
				method: 'POST',
				headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
				body: '{'
			})
		]);
		const ids = responses.map((r) => r.headers.get('x-request-id'));
		for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(new Set(ids).size).toBe(ids.length);
		for (const r of responses) {
			expect(r.headers.get('access-control-allow-origin')).toBe('*');
			expect(r.headers.get('access-control-expose-headers')).toContain('x-request-id');
			// Preflight-only headers stay on preflights.
			expect(r.headers.get('access-control-allow-headers')).toBeNull();
			expect(r.headers.get('access-control-max-age')).toBeNull();
		}
		const given = await fetch(`${apiUrl()}/auth/v1/health`, {
			headers: { 'x-request-id': 'trace-123' }
		});
		expect(given.headers.get('x-request-id')).toBe('trace-123');
	});

	it('stamps a request id on preflights and unknown routes too', async () => {
		const pre = await fetch(`${apiUrl()}/auth/v1/user`, { method: 'OPTIONS' });
		expect(pre.headers.get('x-request-id')).toBeTruthy();
		const none = await fetch(`${apiUrl()}/no-such-service/v1/x`);
		expect(none.status).toBe(404);
		expect(none.headers.get('x-request-id')).toBeTruthy();
	});
});
