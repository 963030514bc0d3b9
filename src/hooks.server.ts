import { createServerClient } from '@supabase/ssr';
import { redirect } from '@sveltejs/kit';
import { sequence, type Handle } from '@sveltejs/kit/hooks';
import { PUBLIC_SUPABASE_ANON_KEY, PUBLIC_SUPABASE_URL } from '$app/env/public';
import type { Database } from './lib/database.types';
import { safeNext } from './lib/safe-next';

/** One supabase-js client per request, reading and refreshing the session through cookies. */
const supabase: Handle = async ({ event, resolve }) => {
	const url = PUBLIC_SUPABASE_URL;
	const key = PUBLIC_SUPABASE_ANON_KEY;
	if (!url || !key) {
		throw new Error(
			'PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY must be set (npm start sets them).'
		);
	}
	event.locals.supabase = createServerClient<Database>(url, key, {
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll: (cookiesToSet) => {
				for (const { name, value, options } of cookiesToSet) {
					event.cookies.set(name, value, { ...options, path: '/' });
				}
			}
		},
		auth: { flowType: 'pkce' }
	});

	let cached: Promise<{ user: SessionUser | null }> | null = null;
	event.locals.safeGetSession = () => {
		// getClaims() verifies the access token (by JWKS, or by asking the auth server for HS256
		// tokens) and refreshes an expired session through the cookie storage above.
		cached ??= event.locals.supabase.auth.getClaims().then(({ data, error }) => {
			if (error || !data?.claims?.sub) return { user: null };
			const email = typeof data.claims.email === 'string' ? data.claims.email : null;
			return { user: { id: data.claims.sub, email } };
		});
		return cached;
	};

	return resolve(event, {
		filterSerializedResponseHeaders: (name) =>
			name === 'content-range' || name === 'x-supabase-api-version'
	});
};

/**
 * Who the access token names, read without verifying it (the auth server does that alongside);
 * the token rather than the session's user object, which supabase-js warns is not to be trusted.
 */
function unverifiedClaims(token: string | undefined): SessionUser | null {
	const part = token?.split('.')[1];
	if (!part) return null;
	try {
		const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as {
			sub?: unknown;
			email?: unknown;
		};
		if (typeof claims.sub !== 'string' || !claims.sub) return null;
		return { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null };
	} catch {
		return null;
	}
}

/** Pages anyone may open; everything else needs a signed-in person. */
const PUBLIC_PATHS = ['/', '/login', '/signup'];
const GUEST_ONLY = ['/login', '/signup'];

function isPublic(pathname: string): boolean {
	return (
		PUBLIC_PATHS.includes(pathname) ||
		pathname.startsWith('/invite/') ||
		pathname === '/manifest.webmanifest'
	);
}

const authGuard: Handle = async ({ event, resolve }) => {
	const { pathname, search } = event.url;
	const reading = event.request.method === 'GET' || event.request.method === 'HEAD';
	if (reading && !isPublic(pathname)) {
		// A page a signed-in person reads: its loads start with the session the cookie carries
		// (read locally, refreshed first when expired) while the auth server confirms it, instead
		// of after; every API call still carries the access token, which the API verifies. The
		// page is sent only once the session is confirmed, and only for that same person. Form
		// actions change things, so they wait for the confirmation below.
		const { data } = await event.locals.supabase.auth.getSession();
		const claimed = unverifiedClaims(data.session?.access_token);
		if (claimed) {
			event.locals.user = claimed;
			const [response, { user }] = await Promise.all([
				resolve(event),
				event.locals.safeGetSession()
			]);
			if (user?.id === claimed.id) return response;
		}
	}
	const { user } = await event.locals.safeGetSession();
	event.locals.user = user;

	if (!user && !isPublic(pathname)) {
		const next = encodeURIComponent(pathname + search);
		redirect(303, `/login?next=${next}`);
	}
	if (user && GUEST_ONLY.includes(pathname)) {
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
	return resolve(event);
};

export const handle = sequence(supabase, authGuard);
