import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { sequence, type Handle, type ServerInit } from '@sveltejs/kit/hooks';
import { PUBLIC_SUPABASE_ANON_KEY, PUBLIC_SUPABASE_URL } from '$app/env/public';
import { safeNext } from './lib/safe-next';
import { DbError } from './lib/db/errors';
import { readSessionContext, type SessionContext } from './lib/db/session';
import { createRequestClient } from './lib/server/request-session';

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

function tokenPart(token: string, i: 0 | 1): Record<string, unknown> {
	try {
		return JSON.parse(
			Buffer.from(token.split('.')[i] ?? '', 'base64url').toString('utf8')
		) as Record<string, unknown>;
	} catch {
		return {};
	}
}

/**
 * The signed-in person, verified once per request, with one request.
 *
 * The session comes from the cookie (refreshed there when expired), which anyone can write, so
 * its access token counts only once the API has accepted it: session_context is the first read
 * every page makes anyway (the shell's profile and organizations), and answering it the API
 * verifies the token (HS256 with the project's secret or an asymmetric signing key, whichever
 * the project uses) and the database says whether its session is still active and whether a
 * second factor is due (auth.mfa_factors, never the cookie's copy of the user, which could say
 * "no factors" for someone who has one). The auth server's /user is not asked: it would verify
 * the same token a second time, one more round trip on every page.
 */
async function verifySession(supabase: App.Locals['supabase']): Promise<SessionContext> {
	const { data, error } = await supabase.auth.getSession();
	if (error || !data.session?.access_token) return { state: 'signed_out' };
	return readSessionContext(supabase);
}

/** One supabase-js client per request, reading and refreshing the session through cookies. */
const supabase: Handle = async ({ event, resolve }) => {
	const url = PUBLIC_SUPABASE_URL;
	const key = PUBLIC_SUPABASE_ANON_KEY;
	if (!url || !key) {
		throw new Error(
			'PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY must be set (npm start sets them).'
		);
	}
	// The session cookie is decoded once per request (again only after the session changes), not
	// on every read; auth-js refreshes an expired session once, however many reads wait for it.
	event.locals.supabase = createRequestClient(url, key, event.cookies);
	let cached: Promise<SessionContext> | null = null;
	let reread: Promise<SessionContext> | null = null;
	event.locals.session = (afterChange = false) => {
		cached ??= verifySession(event.locals.supabase);
		if (!afterChange) return cached;
		// A form action may have changed what the shell shows (a name, a new organization, one
		// left): the page rendered after it reads the session once more.
		reread ??= cached.then(() => verifySession(event.locals.supabase));
		return reread;
	};
	event.locals.claimedUser = () =>
		event.locals.supabase.auth.getSession().then(({ data }) => claimsUser(data.session));

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

/** Who the cookie's access token says it is: not verified, see authGuard for how it is used. */
function claimsUser(session: { access_token: string } | null): SessionUser | null {
	if (!session?.access_token) return null;
	const claims = tokenPart(session.access_token, 1);
	if (typeof claims.sub !== 'string') return null;
	return { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null };
}

/** Throws the redirect a verified session calls for on this page, if any. */
function guard(url: URL, context: SessionContext): void {
	const { pathname, search } = url;
	const active = context.state === 'active';
	if (!active && !isPublic(pathname)) {
		const next = encodeURIComponent(pathname + search);
		redirect(303, `/login?next=${next}`);
	}
	// Someone with a verified second factor who signed in with the password alone (aal1) is asked
	// for the code before anything else. The database says whether they have a verified factor.
	if (active && context.secondFactorDue && !AAL1_PATHS.includes(pathname)) {
		redirect(303, `/login/mfa?next=${encodeURIComponent(pathname + search)}`);
	}
	if (active && GUEST_ONLY.includes(pathname)) {
		redirect(303, safeNext(url.searchParams.get('next')));
	}
}

/**
 * The session's verdict, or for a public page when the API cannot be reached, signed out (the
 * landing and sign-in pages still show). Any other page says the server is unreachable: sending
 * the person to sign in again would not help.
 */
async function verdict(event: RequestEvent): Promise<SessionContext> {
	try {
		return await event.locals.session();
	} catch (e) {
		if (isPublic(event.url.pathname)) return { state: 'signed_out' };
		if (e instanceof DbError && e.code === 'unreachable') {
			error(503, 'Coachline cannot reach its server right now. Try again in a moment.');
		}
		throw e;
	}
}

const authGuard: Handle = async ({ event, resolve }) => {
	const verifying = verdict(event);
	// Settled here so a rendering dropped below cannot leave it unhandled.
	verifying.catch(() => {});
	const { pathname } = event.url;
	// A page load (GET) of a signed-in page renders while the session is verified, so its own
	// reads that need only who the person claims to be do not wait one round trip for the check:
	// the API verifies the same token on every read anyway, and nothing rendered leaves this
	// function before the verdict. A forged or ended session, or a second factor due, gets the
	// same redirect as below and the rendering is dropped. Form actions and other methods (they
	// change things) wait for the verdict first.
	if (event.request.method === 'GET' && !isPublic(pathname) && !AAL1_PATHS.includes(pathname)) {
		const claimed = await event.locals.claimedUser();
		if (claimed) {
			event.locals.user = claimed;
			const rendered = resolve(event);
			// Dropped when the verdict redirects: its own failure must not surface unhandled.
			rendered.catch(() => {});
			const context = await verifying;
			if (context.state !== 'active' || context.user.id !== claimed.id) {
				redirect(303, `/login?next=${encodeURIComponent(pathname + event.url.search)}`);
			}
			guard(event.url, context);
			event.locals.user = context.user;
			return rendered;
		}
	}
	const context = await verifying;
	event.locals.user = context.state === 'active' ? context.user : null;
	guard(event.url, context);
	return resolve(event);
};

export const handle = sequence(supabase, emailLink, authGuard);
