// `npm run bench -- session-cookie [pages=3000]`: the app server's cost of the signed-in
// person's session on one page, with the request client as the app makes it
// (`createRequestClient`, which decodes the session cookie once) beside a plain
// `createServerClient` (which decodes it on every read), for pages making 1, 2 and 4 API calls.
// The network is answered in-process, so only the client's own work is counted: CPU ms per page,
// measured with process.cpuUsage() after a warm-up, in the same run. No stack needed.
import { createServerClient } from '@supabase/ssr';
import { createRequestClient } from '../../src/lib/server/request-session.ts';

const URL_ = 'http://127.0.0.1:54321';
const ANON = 'anon-key';

/** A session as GoTrue answers a password sign-in, with a user of one e-mail identity. */
function session() {
	const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
	const now = Math.floor(Date.now() / 1000);
	const id = '3f1c2a9e-6b7d-4e21-9a55-0c8d7e6f5a41';
	const at = new Date().toISOString();
	const claims = {
		iss: `${URL_}/auth/v1`,
		sub: id,
		aud: 'authenticated',
		exp: now + 3600,
		iat: now,
		email: 'coach.alex@coachline.dev',
		phone: '',
		app_metadata: { provider: 'email', providers: ['email'] },
		user_metadata: { email_verified: true },
		role: 'authenticated',
		aal: 'aal1',
		amr: [{ method: 'password', timestamp: now }],
		session_id: 'a0d6a0b4-2f0e-4c3e-8f5e-1b2c3d4e5f60',
		is_anonymous: false
	};
	return {
		access_token: `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.${'s'.repeat(43)}`,
		token_type: 'bearer',
		expires_in: 3600,
		expires_at: now + 3600,
		refresh_token: 'r4nd0mr3fr35h',
		user: {
			id,
			aud: 'authenticated',
			role: 'authenticated',
			email: claims.email,
			email_confirmed_at: at,
			phone: '',
			confirmed_at: at,
			last_sign_in_at: at,
			app_metadata: claims.app_metadata,
			user_metadata: claims.user_metadata,
			identities: [
				{
					identity_id: 'c6a1f1d2-8b1e-4a0f-9d3c-2e4f6a8b0c1d',
					id,
					user_id: id,
					identity_data: {
						email: claims.email,
						email_verified: false,
						phone_verified: false,
						sub: id
					},
					provider: 'email',
					last_sign_in_at: at,
					created_at: at,
					updated_at: at,
					email: claims.email
				}
			],
			created_at: at,
			updated_at: at,
			is_anonymous: false
		}
	};
}

export default async function sessionCookie(args: string[]): Promise<void> {
	const pages = Number(args.find((a) => a.startsWith('pages='))?.slice(6) ?? 3000);
	const value = 'base64-' + Buffer.from(JSON.stringify(session())).toString('base64url');
	const cookies = [{ name: 'sb-127-auth-token', value }];
	globalThis.fetch = (async () =>
		new Response('[]', { headers: { 'content-type': 'application/json' } })) as typeof fetch;

	const plain = () =>
		createServerClient(URL_, ANON, {
			cookies: { getAll: () => cookies, setAll: () => {} },
			auth: { flowType: 'pkce' }
		});
	const app = () =>
		createRequestClient(URL_, ANON, { getAll: () => cookies, set: () => {} } as never, {
			fetch: globalThis.fetch
		});

	/** One page as the app serves it: the session read first, then its API calls. */
	const page = async (make: () => ReturnType<typeof plain>, calls: number) => {
		const client = make();
		await client.auth.getSession();
		for (let i = 0; i < calls; i++) await client.rpc('x');
	};
	const cpuPerPage = async (make: () => ReturnType<typeof plain>, calls: number) => {
		for (let i = 0; i < pages / 5; i++) await page(make, calls);
		const before = process.cpuUsage();
		for (let i = 0; i < pages; i++) await page(make, calls);
		const used = process.cpuUsage(before);
		return (used.user + used.system) / 1000 / pages;
	};

	console.log(
		`session-cookie bench: cookie of ${value.length} characters, ${pages} pages each, CPU ms per page`
	);
	const rows = [];
	for (const calls of [1, 2, 4]) {
		// Twice each, interleaved: the second pair is the one printed (JIT settled).
		await cpuPerPage(plain, calls);
		await cpuPerPage(app, calls);
		const before = await cpuPerPage(plain, calls);
		const after = await cpuPerPage(app, calls);
		rows.push({
			'API calls': calls,
			'decoded on every read ms': before.toFixed(3),
			'decoded once (the app) ms': after.toFixed(3),
			saved: `${(before - after).toFixed(3)} ms (${((1 - after / before) * 100).toFixed(0)} %)`
		});
	}
	console.table(rows);
}
