// The flows that go through the person's mailbox: password recovery, magic link and email code
// (/otp, /magiclink), /verify (the link's GET redirect and the code's POST), /resend, admin
// invitations and /admin/generate_link, /reauthenticate, and the confirmation mail of signup and
// of an email change. Shapes and error codes as GoTrue answers them.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { databaseWriteError } from './db-errors.ts';
import { AuthError, unprocessable, validationFailed } from './errors.ts';
import { requireAdmin, requireUser } from './guard.ts';
import type { MailKind } from './mailer.ts';
import {
	allowedRedirect,
	assertNotTooSoon,
	findByToken,
	issueToken,
	otpExpired,
	tokenHash,
	type TokenColumn
} from './otp.ts';
import { hashPassword } from './passwords.ts';
import {
	PKCE_PREFIX,
	issueAuthCode,
	pkceChallenge,
	startFlow,
	type PkceChallenge
} from './pkce.ts';
import { enforceRateLimit } from './rate-limit.ts';
import { clientInfo } from './request.ts';
import { sessionResponse } from './session-response.ts';
import { createSession, type AuthMethod } from './sessions.ts';
import {
	findUserByEmail,
	findUserById,
	insertUser,
	loadUserJson,
	setEmail,
	touchSignIn,
	type Sql,
	type UserRow
} from './users.ts';
import { decode, validEmail } from './validate.ts';

const str = z.string().nullish();
const obj = z.record(z.string(), z.unknown()).nullish();
const emailBody = z.looseObject({
	email: str,
	phone: str,
	code_challenge: str,
	code_challenge_method: str
});
const otpBody = z.looseObject({
	email: str,
	phone: str,
	create_user: z.boolean().nullish(),
	data: obj,
	code_challenge: str,
	code_challenge_method: str
});
const verifyBody = z.looseObject({
	type: str,
	token: str,
	token_hash: str,
	email: str,
	phone: str,
	redirect_to: str
});
const resendBody = z.looseObject({ type: str, email: str, phone: str });
const inviteBody = z.looseObject({ email: str, data: obj });
const generateLinkBody = z.looseObject({
	type: str,
	email: str,
	new_email: str,
	password: str,
	data: obj,
	redirect_to: str
});

/** GoTrue's verification types and where each one's hash lives. */
const VERIFY_TYPES: Record<string, TokenColumn[]> = {
	signup: ['confirmation_token'],
	invite: ['confirmation_token'],
	magiclink: ['recovery_token'],
	recovery: ['recovery_token'],
	// An email code signs in whether it was mailed to confirm a new user or to an existing one.
	email: ['confirmation_token', 'recovery_token'],
	email_change: ['email_change_token_new', 'email_change_token_current']
};

const METHOD: Record<string, AuthMethod> = {
	signup: 'email/signup',
	invite: 'invite',
	magiclink: 'otp',
	email: 'otp',
	recovery: 'recovery',
	email_change: 'email_change'
};

/** The authentication method of the PKCE flow a link of each type belongs to (GoTrue's names). */
const FLOW_METHOD: Record<string, AuthMethod> = {
	signup: 'email/signup',
	magiclink: 'magiclink',
	recovery: 'recovery',
	email_change: 'email_change'
};

function redirectParam(req: GatewayRequest): string | null {
	return req.query.get('redirect_to');
}

/** The link in the mail: GoTrue's /verify with the token hash, leading on to `redirectTo`. */
function verifyUrl(ctx: AuthContext, hash: string, type: string, redirectTo: string): string {
	const q = new URLSearchParams({ token: hash, type, redirect_to: redirectTo });
	return `${ctx.settings.issuer}/verify?${q}`;
}

async function mail(
	ctx: AuthContext,
	kind: MailKind,
	to: string,
	user: UserRow,
	token: { otp: string; hash: string },
	type: string,
	redirectTo: string,
	extra: { newEmail?: string; email?: string } = {}
): Promise<void> {
	await ctx.mailer.send(kind, to, {
		ConfirmationURL: verifyUrl(ctx, token.hash, type, redirectTo),
		Token: token.otp,
		TokenHash: token.hash,
		SiteURL: ctx.settings.siteUrl,
		RedirectTo: redirectTo,
		Email: extra.email ?? user.email ?? to,
		NewEmail: extra.newEmail,
		Data: user.raw_user_meta_data ?? {}
	});
}

function requireEmail(p: { email?: string | null; phone?: string | null }): string {
	if (!p.email && p.phone) {
		throw unprocessable('phone_provider_disabled', 'Unsupported phone provider');
	}
	if (!p.email) throw validationFailed('An email address is required');
	return validEmail(p.email);
}

/** POST /recover: mails a reset link and code; answers {} whether or not the address is known. */
export async function recover(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const p = decode(emailBody, body);
	const email = requireEmail(p);
	const pkce = pkceChallenge(p);
	const user = await findUserByEmail(ctx.sql, email);
	if (!user) return {};
	await assertNotTooSoon(ctx, ctx.sql, user.id, 'recovery_token');
	if (pkce) await startFlow(ctx.sql, user.id, pkce, 'recovery');
	const token = await issueToken(ctx, ctx.sql, user.id, email, 'recovery_token', !!pkce);
	await mail(
		ctx,
		'recovery',
		email,
		user,
		token,
		'recovery',
		allowedRedirect(ctx, redirectParam(req))
	);
	return {};
}

/**
 * POST /otp (and the older /magiclink): a magic link with its code. An unknown address becomes a
 * new, unconfirmed user unless create_user is false; the link then also confirms it.
 */
export async function otp(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const p = decode(otpBody, body);
	const email = requireEmail(p);
	const pkce = pkceChallenge(p);
	let user = await findUserByEmail(ctx.sql, email);
	const redirectTo = allowedRedirect(ctx, redirectParam(req));
	if (!user) {
		if (p.create_user === false || !ctx.settings.enableSignup) {
			throw unprocessable('otp_disabled', 'Signups not allowed for otp');
		}
		try {
			user = await ctx.sql.begin((tx) =>
				insertUser(tx, {
					email,
					passwordHash: null,
					userMetadata: p.data ?? {},
					emailConfirmed: false
				})
			);
		} catch (e) {
			throw databaseWriteError(ctx, e, 'Database error saving new user');
		}
		await assertNotTooSoon(ctx, ctx.sql, user.id, 'confirmation_token');
		if (pkce) await startFlow(ctx.sql, user.id, pkce, 'email/signup');
		const token = await issueToken(ctx, ctx.sql, user.id, email, 'confirmation_token', !!pkce);
		await mail(ctx, 'confirmation', email, user, token, 'signup', redirectTo);
		return {};
	}
	await assertNotTooSoon(ctx, ctx.sql, user.id, 'recovery_token');
	if (pkce) await startFlow(ctx.sql, user.id, pkce, 'magiclink');
	const token = await issueToken(ctx, ctx.sql, user.id, email, 'recovery_token', !!pkce);
	await mail(ctx, 'magic_link', email, user, token, 'magiclink', redirectTo);
	return {};
}

interface Verified {
	session: Awaited<ReturnType<typeof sessionResponse>> | null;
	/** A followed link of a PKCE flow: the auth code to redirect with, instead of a session. */
	authCode: string | null;
	/** Set when an email change still waits for the other address's confirmation. */
	pendingMessage: string | null;
	type: string;
}

/**
 * Spends the token and signs the user in. `link`: the mailed link was followed (GET /verify),
 * which for a PKCE flow's token answers the flow's auth code rather than a session.
 */
async function verifyToken(
	ctx: AuthContext,
	req: GatewayRequest,
	type: string,
	hash: string,
	link = false
): Promise<Verified> {
	const columns = VERIFY_TYPES[type];
	return ctx.sql.begin(async (tx): Promise<Verified> => {
		const found = await findByToken(ctx, tx, columns, hash);
		if (!found) throw otpExpired();
		const user = (await findUserById(tx, found.id)) as UserRow;
		if (user.banned_until && user.banned_until.getTime() > Date.now()) {
			throw new AuthError(400, 'user_banned', 'User is banned');
		}
		if (type === 'email_change') {
			const pending = await confirmEmailChange(ctx, tx, user, found.column);
			if (pending) return { session: null, authCode: null, pendingMessage: pending, type };
		} else {
			await tx`
				update auth.users set ${tx(found.column)} = '',
					email_confirmed_at = coalesce(email_confirmed_at, now()),
					invited_at = case when ${type} = 'invite' then coalesce(invited_at, now()) else invited_at end,
					updated_at = now()
				where id = ${user.id}`;
			await tx`
				update auth.identities
				set identity_data = identity_data || '{"email_verified": true}'::jsonb
				where user_id = ${user.id} and provider = 'email'`;
		}
		if (link && found.pkce && FLOW_METHOD[type]) {
			const authCode = await issueAuthCode(tx, user.id, FLOW_METHOD[type]);
			return { session: null, authCode, pendingMessage: null, type };
		}
		const issued = await createSession(tx, user.id, clientInfo(req), METHOD[type]);
		await touchSignIn(tx, user.id);
		const fresh = (await findUserById(tx, user.id)) as UserRow;
		return {
			session: await sessionResponse(ctx, tx, fresh, issued),
			authCode: null,
			pendingMessage: null,
			type
		};
	});
}

/**
 * One of the two confirmations of an email change. With double_confirm_changes both the current
 * and the new address must confirm (email_change_confirm_status counts the first); returns the
 * message GoTrue answers while the other one is still missing, or null once the change is made.
 */
async function confirmEmailChange(
	ctx: AuthContext,
	tx: Sql,
	user: UserRow,
	column: TokenColumn
): Promise<string | null> {
	const [row] = await tx<{ status: number; email_change: string }[]>`
		select email_change_confirm_status as status, email_change from auth.users where id = ${user.id}`;
	if (ctx.settings.doubleConfirmChanges && user.email && row.status === 0) {
		await tx`
			update auth.users set ${tx(column)} = '', email_change_confirm_status = 1, updated_at = now()
			where id = ${user.id}`;
		return 'Confirmation link accepted. Please proceed to confirm link sent to the other email';
	}
	await setEmail(tx, user.id, row.email_change);
	await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`;
	return null;
}

function checkType(type: string | null | undefined): string {
	if (!type) throw validationFailed('Verify requires a verification type');
	if (!VERIFY_TYPES[type]) throw validationFailed('Unsupported verification type');
	return type;
}

/** POST /verify: {type, token, email} (the mailed code) or {type, token_hash} (SSR links). */
export async function verifyPost(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	enforceRateLimit(ctx, req, 'token_verifications');
	const p = decode(verifyBody, body);
	const type = checkType(p.type);
	let hash: string;
	if (p.token_hash) hash = p.token_hash.trim().toLowerCase();
	else if (p.token) {
		if (!p.email) {
			throw validationFailed('Verify requires the email address the code was sent to');
		}
		hash = tokenHash(validEmail(p.email), p.token.trim());
	} else throw validationFailed('Verify requires either a token or a token hash');
	const result = await verifyToken(ctx, req, type, hash);
	if (result.pendingMessage) return { msg: result.pendingMessage, code: 200 };
	return result.session;
}

/**
 * GET /verify?token=<hash>&type=…&redirect_to=…: the link in the mail. Like GoTrue it redirects
 * (303) to redirect_to: in the implicit flow with the session in the fragment; for a PKCE flow's
 * token (`pkce_…`) with `?code=<auth code>` in the query, for the client holding the verifier to
 * exchange. A spent or expired link leads there with error/error_code/error_description in the
 * fragment, and for a PKCE token in the query too (where a server-side callback can read them).
 */
export async function verifyGet(ctx: AuthContext, req: GatewayRequest, res: ServerResponse) {
	enforceRateLimit(ctx, req, 'token_verifications');
	const redirectTo = allowedRedirect(ctx, req.query.get('redirect_to'));
	const token = req.query.get('token');
	const pkceLink = token?.startsWith(PKCE_PREFIX) ?? false;
	const go = (fragment: URLSearchParams | null, query?: URLSearchParams) => {
		let base = redirectTo.split('#')[0];
		if (query) base += `${base.includes('?') ? '&' : '?'}${query}`;
		res.writeHead(303, { location: fragment ? `${base}#${fragment}` : base }).end();
	};
	try {
		const type = checkType(req.query.get('type'));
		if (!token) throw validationFailed('Verify requires a token or a token hash');
		const result = await verifyToken(ctx, req, type, token.trim().toLowerCase(), true);
		if (result.pendingMessage) {
			go(new URLSearchParams({ message: result.pendingMessage }));
			return;
		}
		if (result.authCode) {
			go(null, new URLSearchParams({ code: result.authCode }));
			return;
		}
		const s = result.session!;
		go(
			new URLSearchParams({
				access_token: s.access_token,
				expires_at: String(s.expires_at),
				expires_in: String(s.expires_in),
				refresh_token: s.refresh_token,
				token_type: 'bearer',
				type
			})
		);
	} catch (e) {
		if (!(e instanceof AuthError) || e.status >= 500) throw e;
		const error = new URLSearchParams({
			error: e.code === 'otp_expired' ? 'access_denied' : 'invalid_request',
			error_code: e.code,
			error_description:
				e.code === 'otp_expired' ? 'Email link is invalid or has expired' : e.message
		});
		go(error, pkceLink ? error : undefined);
	}
}

/** POST /resend: the signup confirmation or the email-change mail again. */
export async function resend(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const p = decode(resendBody, body);
	if (p.type !== 'signup' && p.type !== 'email_change') {
		if (p.type === 'sms' || p.type === 'phone_change') {
			throw unprocessable('phone_provider_disabled', 'Unsupported phone provider');
		}
		throw validationFailed('Missing one of these types: signup, email_change, sms, phone_change');
	}
	const email = requireEmail(p);
	const redirectTo = allowedRedirect(ctx, redirectParam(req));
	if (p.type === 'signup') {
		const user = await findUserByEmail(ctx.sql, email);
		if (!user) return {};
		if (user.email_confirmed_at) {
			throw unprocessable('email_address_not_authorized', 'Email address already confirmed');
		}
		await assertNotTooSoon(ctx, ctx.sql, user.id, 'confirmation_token');
		const token = await issueToken(ctx, ctx.sql, user.id, email, 'confirmation_token');
		await mail(ctx, 'confirmation', email, user, token, 'signup', redirectTo);
		return {};
	}
	const [row] = await ctx.sql<{ id: string }[]>`
		select id from auth.users where email_change = ${email} limit 1`;
	if (!row) return {};
	const user = (await findUserById(ctx.sql, row.id)) as UserRow;
	await sendEmailChange(ctx, user, email, redirectTo);
	return {};
}

/** Starts an email change that needs confirming: mail(s) out, user.new_email set. */
export async function sendEmailChange(
	ctx: AuthContext,
	user: UserRow,
	newEmail: string,
	redirectTo: string,
	pkce: PkceChallenge | null = null
): Promise<void> {
	await assertNotTooSoon(ctx, ctx.sql, user.id, 'email_change_token_new');
	if (pkce) await startFlow(ctx.sql, user.id, pkce, 'email_change');
	await ctx.sql`
		update auth.users set email_change = ${newEmail}, email_change_confirm_status = 0,
			email_change_token_current = '', updated_at = now()
		where id = ${user.id}`;
	const toNew = await issueToken(ctx, ctx.sql, user.id, newEmail, 'email_change_token_new', !!pkce);
	await mail(ctx, 'email_change', newEmail, user, toNew, 'email_change', redirectTo, {
		newEmail
	});
	if (ctx.settings.doubleConfirmChanges && user.email) {
		const toCurrent = await issueToken(
			ctx,
			ctx.sql,
			user.id,
			user.email,
			'email_change_token_current',
			!!pkce
		);
		await mail(ctx, 'email_change', user.email, user, toCurrent, 'email_change', redirectTo, {
			newEmail
		});
	}
}

/** POST /signup's mail when enable_confirmations is on; `pkce` when the client started a flow. */
export async function sendSignupConfirmation(
	ctx: AuthContext,
	req: GatewayRequest,
	user: UserRow,
	pkce: PkceChallenge | null = null
): Promise<void> {
	if (pkce) await startFlow(ctx.sql, user.id, pkce, 'email/signup');
	const token = await issueToken(ctx, ctx.sql, user.id, user.email!, 'confirmation_token', !!pkce);
	await mail(
		ctx,
		'confirmation',
		user.email!,
		user,
		token,
		'signup',
		allowedRedirect(ctx, redirectParam(req))
	);
}

/** POST /invite (service role): creates the user if needed and mails the invitation. */
export async function invite(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	await requireAdmin(ctx, req);
	const p = decode(inviteBody, body);
	const email = requireEmail(p);
	let user = await findUserByEmail(ctx.sql, email);
	if (user?.email_confirmed_at) {
		throw unprocessable(
			'email_exists',
			'A user with this email address has already been registered'
		);
	}
	if (!user) {
		try {
			user = await ctx.sql.begin((tx) =>
				insertUser(tx, {
					email,
					passwordHash: null,
					userMetadata: p.data ?? {},
					emailConfirmed: false
				})
			);
		} catch (e) {
			throw databaseWriteError(ctx, e, 'Database error saving new user');
		}
	}
	await ctx.sql`update auth.users set invited_at = now() where id = ${user.id}`;
	const token = await issueToken(ctx, ctx.sql, user.id, email, 'confirmation_token');
	await mail(ctx, 'invite', email, user, token, 'invite', allowedRedirect(ctx, redirectParam(req)));
	return loadUserJson(ctx.sql, user.id);
}

const LINK_TYPES = [
	'signup',
	'invite',
	'magiclink',
	'recovery',
	'email_change_current',
	'email_change_new'
] as const;

/**
 * POST /admin/generate_link (service role): the link and code a mail would carry, without
 * sending it, merged into the user's JSON as GoTrue answers (auth-js splits off `properties`).
 */
export async function generateLink(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	await requireAdmin(ctx, req);
	const p = decode(generateLinkBody, body);
	const type = p.type as (typeof LINK_TYPES)[number];
	if (!LINK_TYPES.includes(type))
		throw validationFailed('Invalid email action link type requested');
	const email = requireEmail(p);
	const redirectTo = allowedRedirect(ctx, p.redirect_to ?? redirectParam(req));
	let user = await findUserByEmail(ctx.sql, email);
	if (!user) {
		if (type !== 'signup' && type !== 'invite')
			throw new AuthError(404, 'user_not_found', 'User with this email not found');
		if (type === 'signup' && !p.password)
			throw validationFailed('Signup requires a valid password');
		const hash = p.password ? await hashPassword(p.password) : null;
		try {
			user = await ctx.sql.begin((tx) =>
				insertUser(tx, {
					email,
					passwordHash: hash,
					userMetadata: p.data ?? {},
					emailConfirmed: false
				})
			);
		} catch (e) {
			throw databaseWriteError(ctx, e, 'Database error saving new user');
		}
	} else if ((type === 'signup' || type === 'invite') && user.email_confirmed_at) {
		throw unprocessable(
			'email_exists',
			'A user with this email address has already been registered'
		);
	}
	let column: TokenColumn;
	let verification: string;
	let tokenEmail = email;
	if (type === 'email_change_current' || type === 'email_change_new') {
		if (!p.new_email) throw validationFailed('The new email address must be provided');
		const newEmail = validEmail(p.new_email);
		if (await findUserByEmail(ctx.sql, newEmail)) {
			throw unprocessable(
				'email_exists',
				'A user with this email address has already been registered'
			);
		}
		await ctx.sql`update auth.users set email_change = ${newEmail}, email_change_confirm_status = 0 where id = ${user.id}`;
		column = type === 'email_change_new' ? 'email_change_token_new' : 'email_change_token_current';
		if (type === 'email_change_new') tokenEmail = newEmail;
		verification = 'email_change';
	} else {
		column = type === 'signup' || type === 'invite' ? 'confirmation_token' : 'recovery_token';
		verification = type;
		if (type === 'invite')
			await ctx.sql`update auth.users set invited_at = now() where id = ${user.id}`;
	}
	const token = await issueToken(ctx, ctx.sql, user.id, tokenEmail, column);
	const json = await loadUserJson(ctx.sql, user.id);
	return {
		...json,
		action_link: verifyUrl(ctx, token.hash, verification, redirectTo),
		email_otp: token.otp,
		hashed_token: token.hash,
		verification_type: verification,
		redirect_to: redirectTo
	};
}

/** GET /reauthenticate: mails a code that a later PUT /user {password, nonce} must carry. */
export async function reauthenticate(ctx: AuthContext, req: GatewayRequest) {
	const { user } = await requireUser(ctx, req);
	if (!user.email)
		throw unprocessable(
			'email_address_not_provided',
			'Reauthentication requires the user to have an email or a phone number'
		);
	if (!user.email_confirmed_at)
		throw unprocessable('email_not_confirmed', 'Please verify your email first.');
	await assertNotTooSoon(ctx, ctx.sql, user.id, 'reauthentication_token');
	const token = await issueToken(ctx, ctx.sql, user.id, user.email, 'reauthentication_token');
	await mail(
		ctx,
		'reauthentication',
		user.email,
		user,
		token,
		'reauthentication',
		ctx.settings.siteUrl
	);
	return {};
}

/** Checks and spends the reauthentication nonce (the mailed code) of a password change. */
export async function consumeNonce(
	ctx: AuthContext,
	tx: Sql,
	user: UserRow,
	nonce: string
): Promise<void> {
	const hash = tokenHash(user.email ?? '', nonce.trim());
	const found = await findByToken(ctx, tx, ['reauthentication_token'], hash);
	if (!found || found.id !== user.id) {
		throw new AuthError(422, 'reauthentication_not_valid', 'Requires reauthentication');
	}
	await tx`update auth.users set reauthentication_token = '' where id = ${user.id}`;
}
