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

interface Verified {
	user: SessionUser | null;
	aal: string | null;
	/** Whether this person has a verified second factor (from the auth server, never the cookie). */
	hasVerifiedFactor: () => Promise<boolean>;
}

const SIGNED_OUT: Verified = { user: null, aal: null, hasVerifiedFactor: async () => false };

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
 * The signed-in person, verified once per request with one request to the auth server at most.
 *
 * The session comes from the cookie (refreshed there when expired), which anyone can write, so
 * its access token is verified before its claims count: a token signed with a shared secret
 * (HS256, what the local stack and legacy-key projects issue) by the auth server's /user, whose
 * answer also says which second factors the person has verified, so the two-factor check below
 * needs no second request; an asymmetric one (a project with signing keys) locally against the
 * project's JWKS by getClaims(), and then /user only when the two-factor check needs the factors.
 * The cookie's copy of the user is never read: it could say "no factors" for someone who has one.
 */
async function verifySession(
	supabase: App.Locals['supabase'],
	readSession: () => ReturnType<App.Locals['supabase']['auth']['getSession']>
): Promise<Verified> {
	const { data, error } = await readSession();
	const token = data.session?.access_token;
	if (error || !token) return SIGNED_OUT;
	const header = tokenPart(token, 0);
	const symmetric = typeof header.alg !== 'string' || header.alg.startsWith('HS') || !header.kid;
	const verifiedFactorIn = (user: { factors?: { status: string }[] } | null) =>
		(user?.factors ?? []).some((f) => f.status === 'verified');
	let claims: Record<string, unknown>;
	let hasVerifiedFactor: () => Promise<boolean>;
	if (symmetric) {
		const { data: got, error: userError } = await supabase.auth.getUser(token);
		if (userError || !got.user) return SIGNED_OUT;
		// The auth server accepted the token: its claims are the server's own.
		claims = tokenPart(token, 1);
		if (claims.sub !== got.user.id) return SIGNED_OUT;
		const has = verifiedFactorIn(got.user);
		hasVerifiedFactor = async () => has;
	} else {
		const { data: got, error: claimsError } = await supabase.auth.getClaims(token);
		if (claimsError || !got?.claims?.sub) return SIGNED_OUT;
		claims = got.claims as Record<string, unknown>;
		let asked: Promise<boolean> | null = null;
		// Unknown to the auth server after all: treated as due; the MFA page then asks to sign in.
		hasVerifiedFactor = () =>
			(asked ??= supabase.auth
				.getUser(token)
				.then(({ data: u, error: e }) => (e ? true : verifiedFactorIn(u.user))));
	}
	const sub = claims.sub;
	if (typeof sub !== 'string') return SIGNED_OUT;
	return {
		user: { id: sub, email: typeof claims.email === 'string' ? claims.email : null },
		aal: typeof claims.aal === 'string' ? claims.aal : null,
		hasVerifiedFactor
	};
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

	// One read of the cookie's session per request: a read may refresh an expired session, and
	// two refreshes with one refresh token would race.
	let session: ReturnType<typeof event.locals.supabase.auth.getSession> | null = null;
	const readSession = () => (session ??= event.locals.supabase.auth.getSession());
	let cached: Promise<Verified> | null = null;
	event.locals.safeGetSession = () => {
		cached ??= verifySession(event.locals.supabase, readSession);
		return cached;
	};
	event.locals.claimedUser = () => readSession().then(({ data }) => claimsUser(data.session));

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
async function guard(url: URL, verified: Verified): Promise<void> {
	const { pathname, search } = url;
	const { user, aal, hasVerifiedFactor } = verified;
	if (!user && !isPublic(pathname)) {
		const next = encodeURIComponent(pathname + search);
		redirect(303, `/login?next=${next}`);
	}
	// Someone with a verified second factor who signed in with the password alone (aal1) is asked
	// for the code before anything else. The auth server's answer (verifySession) says whether
	// they have a verified factor; the cookie's copy of the user is not trusted for it.
	if (user && aal === 'aal1' && !AAL1_PATHS.includes(pathname) && (await hasVerifiedFactor())) {
		redirect(303, `/login/mfa?next=${encodeURIComponent(pathname + search)}`);
	}
	if (user && GUEST_ONLY.includes(pathname)) {
		redirect(303, safeNext(url.searchParams.get('next')));
	}
}

const authGuard: Handle = async ({ event, resolve }) => {
	const verifying = event.locals.safeGetSession();
	const { pathname } = event.url;
	// A page load (GET) of a signed-in page renders while the session is verified, so its API
	// reads do not wait one round trip for the check: the API verifies the same token on every
	// read anyway, and nothing rendered leaves this function before the verdict. A forged or
	// revoked session, or a second factor due, gets the same redirect as below and the rendering
	// is dropped. Form actions and other methods (they change things) wait for the verdict first.
	if (event.request.method === 'GET' && !isPublic(pathname) && !AAL1_PATHS.includes(pathname)) {
		const claimed = await event.locals.claimedUser();
		if (claimed) {
			event.locals.user = claimed;
			const rendered = resolve(event);
			// Dropped when the verdict redirects: its own failure must not surface unhandled.
			rendered.catch(() => {});
			const verified = await verifying;
			if (verified.user?.id !== claimed.id) {
				redirect(303, `/login?next=${encodeURIComponent(pathname + event.url.search)}`);
			}
			await guard(event.url, verified);
			event.locals.user = verified.user;
			return rendered;
		}
	}
	const verified = await verifying;
	event.locals.user = verified.user;
	await guard(event.url, verified);
	return resolve(event);
};

export const handle = sequence(supabase, emailLink, authGuard);
