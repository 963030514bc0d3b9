import { createServerClient } from '@supabase/ssr';
import type { Cookies } from '@sveltejs/kit';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../database.types';

type CookieJar = Pick<Cookies, 'getAll' | 'set'>;

/**
 * The request's supabase-js client: the session comes from the request's cookies, is read once
 * (below), and any change to it (sign-in, sign-out, refresh) is written back to them for the
 * whole site.
 */
export function createRequestClient(url: string, key: string, cookies: CookieJar) {
	const session = new SessionOncePerRequest();
	const client = createServerClient<Database>(url, key, {
		cookies: {
			getAll: () => cookies.getAll(),
			setAll: (cookiesToSet) => {
				session.forget();
				for (const { name, value, options } of cookiesToSet) {
					cookies.set(name, value, { ...options, path: '/' });
				}
			}
		},
		auth: { flowType: 'pkce' }
	});
	session.serve(client.auth);
	return client;
}

/**
 * auth-js refreshes a session that expires within 90 s. A remembered session is handed out only
 * while it is further from expiry than that (with 10 s to spare), so a refresh still happens
 * exactly when auth-js would have done it.
 */
const REFRESH_MARGIN_MS = 100_000;

type Auth = SupabaseClient['auth'];
type SessionResult = Awaited<ReturnType<Auth['getSession']>>;

/**
 * Makes a server client read its session cookie once per request instead of once per call.
 *
 * supabase-js asks `auth.getSession()` before every API call it makes, and on the server each ask
 * reads the cookie again: its chunks joined, base64url-decoded in JavaScript and parsed twice.
 * A page making four calls decoded the same cookie five times, about a tenth of the app server's
 * CPU under the app bench. Here the first answer is remembered and shared (parallel calls wait
 * for the same read, so an expired session is refreshed once, never twice with one refresh
 * token), and forgotten:
 * - when the cookie is written (`forget`, which the client's `setAll` calls): after a sign-in,
 *   sign-out, refresh, code exchange or user update within the request, the next call reads the
 *   new session;
 * - when the remembered session comes near its expiry, so auth-js refreshes it as it would have;
 * - when the read failed, so the next call tries again.
 */
export class SessionOncePerRequest {
	#remembered: Promise<SessionResult> | null = null;

	/** Answers `auth.getSession()` from the remembered read while it stands. */
	serve(auth: Auth): void {
		const read = auth.getSession.bind(auth);
		const usable = ({ data, error }: SessionResult) =>
			!error &&
			(!data.session?.expires_at ||
				data.session.expires_at * 1000 - Date.now() > REFRESH_MARGIN_MS);

		auth.getSession = async () => {
			const pending = this.#remembered;
			if (pending) {
				const result = await pending;
				if (pending === this.#remembered && usable(result)) return result;
			}
			const next = read();
			this.#remembered = next;
			const result = await next;
			if (this.#remembered === next && !usable(result)) this.#remembered = null;
			return result;
		};
	}

	/** The cookie was written: the next ask reads it again. */
	forget(): void {
		this.#remembered = null;
	}
}
