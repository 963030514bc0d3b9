import { createServerClient } from '@supabase/ssr';
import { redirect } from '@sveltejs/kit';
import { sequence, type Handle, type ServerInit } from '@sveltejs/kit/hooks';
import { PUBLIC_SUPABASE_ANON_KEY, PUBLIC_SUPABASE_URL } from '$app/env/public';
import type { Database } from './lib/database.types';
import { safeNext } from './lib/safe-next';

/**
 * Runs once when the server starts. In production a missing Supabase setting stops the server
 * right there, naming the variable; in development (npm start, the tests set both) requests are
 * refused with the same message instead, so the dev server stays up while it is fixed.
 */
export const init: ServerInit = () => {
	if (process.env.NODE_ENV !== 'production') return;
	for (const [name, value] of [
		['PUBLIC_SUPABASE_URL', PUBLIC_SUPABASE_URL],
		['PUBLIC_SUPABASE_ANON_KEY', PUBLIC_SUPABASE_ANON_KEY]
	] as const) {
		if (!value) {
			throw new Error(
				`${name} is not set. The app reaches Supabase (the local stack or a hosted project) with PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY; NODE_ENV=production has no default: set ${name} and start again.`
			);
		}
	}
};

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

	let cached: Promise<{ user: SessionUser | null; aal: string | null }> | null = null;
	event.locals.safeGetSession = () => {
		// getClaims() verifies the access token (by JWKS, or by asking the auth server for HS256
		// tokens) and refreshes an expired session through the cookie storage above.
		cached ??= event.locals.supabase.auth.getClaims().then(({ data, error }) => {
			if (error || !data?.claims?.sub) return { user: null, aal: null };
			const email = typeof data.claims.email === 'string' ? data.claims.email : null;
			const aal = typeof data.claims.aal === 'string' ? data.claims.aal : null;
			return { user: { id: data.claims.sub, email }, aal };
		});
		return cached;
	};

	return resolve(event, {
		filterSerializedResponseHeaders: (name) =>
			name === 'content-range' || name === 'x-supabase-api-version'
	});
};

/**
 * The links auth mails (password reset, magic link, invitation) lead to a page of the app with
 * ?token_hash=…&type=…: verified here on the server (the SSR way, so no token ever sits in the
 * browser), which sets the session cookies, then the same page without them. A spent or expired
 * link goes to the sign-in page, which says so.
 *
 * The token_hash link (our templates in supabase/templates) is the primary way: it works in
 * whichever browser the mail is opened, and for invitations, which auth sends without PKCE. A
 * link with Auth's default template ({{ .ConfirmationURL }}) instead goes through Auth's /verify,
 * which for a flow started by this server client (PKCE, as @supabase/ssr does) comes back with
 * ?code=<auth code>: exchanged here with the code verifier the request left in this browser's
 * cookies. So a hosted project without our templates still signs people in.
 */
const EMAIL_LINK_TYPES = new Set([
	'recovery',
	'magiclink',
	'invite',
	'signup',
	'email',
	'email_change'
]);

/** Auth's PKCE auth codes are UUIDs; anything else named `code` is not ours to take. */
const AUTH_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const emailLink: Handle = async ({ event, resolve }) => {
	const { searchParams, pathname } = event.url;
	const code = searchParams.get('code');
	if (code && AUTH_CODE.test(code) && event.request.method === 'GET') {
		const { error } = await event.locals.supabase.auth.exchangeCodeForSession(code);
		if (error) {
			const expired = error.code === 'flow_state_expired' || error.code === 'flow_state_not_found';
			redirect(303, `/login?link=${expired ? 'expired' : 'failed'}`);
		}
		const rest = new URLSearchParams(searchParams);
		rest.delete('code');
		redirect(303, pathname + (rest.size ? `?${rest}` : ''));
	}
	// Auth sends a link's failure to the redirect too (error_code in the query for PKCE links).
	const linkError = searchParams.get('error_code');
	if (linkError && event.request.method === 'GET' && searchParams.has('error_description')) {
		redirect(303, `/login?link=${linkError === 'otp_expired' ? 'expired' : 'failed'}`);
	}
	const tokenHash = searchParams.get('token_hash');
	const type = searchParams.get('type');
	if (!tokenHash || !type || !EMAIL_LINK_TYPES.has(type) || event.request.method !== 'GET') {
		return resolve(event);
	}
	const { error } = await event.locals.supabase.auth.verifyOtp({
		token_hash: tokenHash,
		type: type as 'recovery' | 'magiclink' | 'invite' | 'signup' | 'email' | 'email_change'
	});
	if (error) redirect(303, `/login?link=${error.code === 'otp_expired' ? 'expired' : 'failed'}`);
	const rest = new URLSearchParams(searchParams);
	rest.delete('token_hash');
	rest.delete('type');
	const target = type === 'recovery' ? '/reset-password' : pathname;
	redirect(303, target + (rest.size && type !== 'recovery' ? `?${rest}` : ''));
};

/** Pages anyone may open; everything else needs a signed-in person. */
const PUBLIC_PATHS = ['/', '/login', '/signup', '/forgot-password', '/login/magic'];
const GUEST_ONLY = ['/login', '/signup', '/forgot-password', '/login/magic'];
/** Pages a person signed in with only their password may open while a second factor is due. */
const AAL1_PATHS = ['/login/mfa', '/logout'];

function isPublic(pathname: string): boolean {
	return (
		PUBLIC_PATHS.includes(pathname) ||
		pathname.startsWith('/invite/') ||
		pathname === '/manifest.webmanifest'
	);
}

const authGuard: Handle = async ({ event, resolve }) => {
	const { user, aal } = await event.locals.safeGetSession();
	event.locals.user = user;
	const { pathname, search } = event.url;

	if (!user && !isPublic(pathname)) {
		const next = encodeURIComponent(pathname + search);
		redirect(303, `/login?next=${next}`);
	}
	// Someone with a verified second factor who signed in with the password alone (aal1) is asked
	// for the code before anything else. The session's user (from the cookie, no request) says
	// whether they have a verified factor.
	if (user && aal === 'aal1' && !AAL1_PATHS.includes(pathname)) {
		const { data } = await event.locals.supabase.auth.mfa.getAuthenticatorAssuranceLevel();
		if (data?.nextLevel === 'aal2' && data.currentLevel === 'aal1') {
			redirect(303, `/login/mfa?next=${encodeURIComponent(pathname + search)}`);
		}
	}
	if (user && GUEST_ONLY.includes(pathname)) {
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
	return resolve(event);
};

export const handle = sequence(supabase, emailLink, authGuard);
