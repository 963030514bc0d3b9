// The request's client decodes the session cookie once, not once per read, and still sends the
// right token after the session changes within the request: the real @supabase/ssr and auth-js,
// with a cookie jar and the network answered here.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequestClient } from './request-session.ts';

const URL_ = 'http://127.0.0.1:54321';
const ANON = 'anon-key';
const COOKIE = 'sb-127-auth-token';

function jwt(sub: string, expiresAt: number) {
	const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
	return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, exp: expiresAt, role: 'authenticated' })}.sig`;
}

function session(name: string, expiresInS: number) {
	const expires_at = Math.floor(Date.now() / 1000) + expiresInS;
	return {
		access_token: jwt(name, expires_at),
		refresh_token: `refresh-${name}`,
		token_type: 'bearer',
		expires_in: expiresInS,
		expires_at,
		user: {
			id: '00000000-0000-4000-8000-000000000001',
			aud: 'authenticated',
			email: 'a@example.test'
		}
	};
}

/** A request's cookies, counting how often the client reads them. */
function jar(initial: Record<string, string>) {
	const cookies = new Map(Object.entries(initial));
	const jar = {
		reads: 0,
		written: [] as string[],
		getAll: () => {
			jar.reads++;
			return [...cookies].map(([name, value]) => ({ name, value }));
		},
		set: (name: string, value: string) => {
			jar.written.push(name);
			if (value) cookies.set(name, value);
			else cookies.delete(name);
		}
	};
	return jar;
}

const encoded = (s: object) => 'base64-' + Buffer.from(JSON.stringify(s)).toString('base64url');
const bearerOf = (init: RequestInit | undefined) =>
	new Headers(init?.headers).get('authorization')?.replace('Bearer ', '');

/** The network: the API answers an empty list, auth answers refresh and logout. */
function network(refreshed?: object) {
	const calls: { url: string; bearer: string | undefined }[] = [];
	const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = String(input);
		calls.push({ url, bearer: bearerOf(init) });
		if (url.includes('/auth/v1/token?grant_type=refresh_token')) {
			return Response.json(refreshed);
		}
		if (url.includes('/auth/v1/logout')) return new Response(null, { status: 204 });
		return Response.json([]);
	});
	vi.stubGlobal('fetch', fetch);
	return { calls, api: () => calls.filter((c) => c.url.includes('/rest/v1/')) };
}

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('the request client decodes its session cookie once', () => {
	it('sends the cookie’s token on every call, and more calls read the cookie no more', async () => {
		const a = session('alice', 3600);
		const cookies = jar({ [COOKIE]: encoded(a) });
		const net = network();
		const client = createRequestClient(URL_, ANON, cookies, { fetch: (i, o) => fetch(i, o) });

		await client.from('profiles').select('id');
		// The client's start-up (supabase-js's and @supabase/ssr's listeners) and its first call
		// read the session: the cookie was read once for all three.
		expect(cookies.reads).toBe(1);

		await Promise.all([1, 2, 3].map(() => client.from('profiles').select('id')));
		await client.rpc('session_context');
		await client.from('organizations').select('id');
		await client.auth.getSession();

		expect(net.api().map((c) => c.bearer)).toEqual(Array(6).fill(a.access_token));
		expect(cookies.reads).toBe(1);
	});

	it('after a sign-out within the request, the next call goes as anon', async () => {
		const a = session('alice', 3600);
		const cookies = jar({ [COOKIE]: encoded(a) });
		const net = network();
		const client = createRequestClient(URL_, ANON, cookies, { fetch: (i, o) => fetch(i, o) });

		await client.from('profiles').select('id');
		await client.auth.signOut({ scope: 'local' });
		await client.from('profiles').select('id');

		expect(net.api().map((c) => c.bearer)).toEqual([a.access_token, ANON]);
		expect(cookies.written).toContain(COOKIE);
		expect((await client.auth.getSession()).data.session).toBeNull();
	});

	it('an expiring session is refreshed once for parallel calls, and the new token is used after', async () => {
		const old = session('alice', 30);
		const fresh = session('alice-refreshed', 3600);
		const cookies = jar({ [COOKIE]: encoded(old) });
		const net = network(fresh);
		const client = createRequestClient(URL_, ANON, cookies, { fetch: (i, o) => fetch(i, o) });

		await Promise.all([1, 2, 3].map(() => client.from('profiles').select('id')));
		await client.from('organizations').select('id');

		const refreshes = net.calls.filter((c) => c.url.includes('grant_type=refresh_token'));
		expect(refreshes).toHaveLength(1);
		expect(net.api().map((c) => c.bearer)).toEqual(Array(4).fill(fresh.access_token));
		// The refreshed session went back to the browser.
		expect(cookies.written).toContain(COOKIE);
	});

	it('a session read while still valid is read again once it nears expiry', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			const a = session('alice', 200);
			const fresh = session('alice-refreshed', 3600);
			const cookies = jar({ [COOKIE]: encoded(a) });
			const net = network(fresh);
			const client = createRequestClient(URL_, ANON, cookies, { fetch: (i, o) => fetch(i, o) });

			await client.from('profiles').select('id');
			vi.setSystemTime(Date.now() + 150_000);
			await client.from('profiles').select('id');

			expect(net.api().map((c) => c.bearer)).toEqual([a.access_token, fresh.access_token]);
		} finally {
			vi.useRealTimers();
		}
	});
});
