import { createServerClient } from '@supabase/ssr';
import type { Cookies } from '@sveltejs/kit';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../database.types';
import { apiFetch } from './api-fetch.ts';

type CookieJar = Pick<Cookies, 'getAll' | 'set'>;

/**
 * The request's supabase-js client: the session comes from the request's cookies, decoded once
 * (below), and any change to it (sign-in, sign-out, refresh) is written back to them for the
 * whole site. Its API calls go through `apiFetch` (PostgREST on pooled sockets) unless a test or
 * a benchmark passes its own `fetch`.
 */
export function createRequestClient(
	url: string,
	key: string,
	cookies: CookieJar,
	{ fetch = apiFetch }: { fetch?: typeof globalThis.fetch } = {}
) {
	const client = createServerClient<Database>(url, key, {
		global: { fetch },
		cookies: {
			getAll: () => cookies.getAll(),
			setAll: (cookiesToSet) => {
				for (const { name, value, options } of cookiesToSet) {
					cookies.set(name, value, { ...options, path: '/' });
				}
			}
		},
		auth: { flowType: 'pkce' }
	});
	decodeOncePerRequest(client.auth);
	return client;
}

type Auth = SupabaseClient['auth'];
type Storage = {
	getItem: (key: string) => Promise<string | null> | string | null;
	setItem: (key: string, value: string) => Promise<void> | void;
	removeItem: (key: string) => Promise<void> | void;
};

/**
 * Makes a server client decode its session cookie once per request instead of once per read.
 *
 * supabase-js reads the session before every API call it makes, and its two auth listeners read
 * it once more each when the client starts. On the server every read joined the cookie's chunks
 * and base64url-decoded them in JavaScript, then checked the JSON by parsing it: a page making four
 * calls decoded the same cookie seven times, about a tenth of the app server's CPU under the app
 * bench. Here the cookie storage remembers what it read, per key, until that key is written or
 * removed (a sign-in, sign-out, refresh, code exchange or user update within the request), so
 * every read after a change sees the change. auth-js still does the rest on every read: whether
 * the session is near expiry, and the refresh (once, however many calls wait for it).
 *
 * The storage is auth-js's own field, not its public API: if a release renames it, the client
 * works as before (one decode per read) and `request-session.test.ts` fails on the count.
 */
function decodeOncePerRequest(auth: Auth): void {
	const storage = (auth as unknown as { storage?: Storage }).storage;
	if (!storage || typeof storage.getItem !== 'function') return;
	const read = storage.getItem.bind(storage);
	const write = storage.setItem.bind(storage);
	const remove = storage.removeItem.bind(storage);
	const remembered = new Map<string, Promise<string | null>>();

	storage.getItem = (key) => {
		let value = remembered.get(key);
		if (!value) {
			value = Promise.resolve(read(key));
			remembered.set(key, value);
			value.catch(() => remembered.delete(key));
		}
		return value;
	};
	storage.setItem = async (key, value) => {
		remembered.delete(key);
		await write(key, value);
		remembered.delete(key);
	};
	storage.removeItem = async (key) => {
		remembered.delete(key);
		await remove(key);
		remembered.delete(key);
	};
}
