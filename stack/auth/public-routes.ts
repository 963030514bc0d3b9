// The routes anyone may call: signup, the token grants, settings, health, JWKS.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { badRequest, invalidCredentials, unprocessable, validationFailed } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { clientInfo } from './request.ts';
import { sessionResponse } from './session-response.ts';
import { createSession, refreshTokenNotFound, rotateRefreshToken } from './sessions.ts';
import {
	findUserByEmail,
	findUserById,
	insertUser,
	loadUserJson,
	touchSignIn,
	type UserRow
} from './users.ts';
import { assertNotTooSoon } from './otp.ts';
import {
	checkPassword,
	decode,
	isEmailShaped,
	passwordGrantBody,
	refreshGrantBody,
	signupBody,
	validEmail
} from './validate.ts';
import { databaseWriteError } from './db-errors.ts';
import { enforceRateLimit } from './rate-limit.ts';
import { sendSignupConfirmation } from './email-routes.ts';
import { randomUUID } from 'node:crypto';
import { pkceChallenge, pkceGrant, type PkceChallenge } from './pkce.ts';

function assertCanSignIn(user: UserRow): void {
	if (user.banned_until && user.banned_until.getTime() > Date.now()) {
		throw badRequest('user_banned', 'User is banned');
	}
}

export async function signup(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	if (!ctx.settings.enableSignup) {
		throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
	}
	const p = decode(signupBody, body);
	if (!p.email && p.phone)
		throw unprocessable('phone_provider_disabled', 'Phone signups are disabled');
	if (!p.email) return anonymousSignIn(ctx, req, p.data ?? {});
	const email = validEmail(p.email);
	if (!p.password) throw validationFailed('Signup requires a valid password');
	checkPassword(p.password, ctx.settings.minimumPasswordLength);
	enforceRateLimit(ctx, req, 'sign_in_sign_ups', email);
	const existing = await findUserByEmail(ctx.sql, email);
	if (ctx.settings.enableConfirmations) {
		return signupToConfirm(ctx, req, email, p, existing, pkceChallenge(p));
	}
	if (existing?.email_confirmed_at) {
		throw unprocessable('user_already_exists', 'User already registered');
	}
	if (existing) {
		// An address that exists unconfirmed (invited, or asked for a magic link): with autoconfirm
		// GoTrue confirms it and signs in, but leaves the user as it was (no password or metadata
		// from this request: "we can't be sure of their claimed identity").
		return ctx.sql.begin(async (tx) => {
			await tx`
				update auth.users set email_confirmed_at = now(), confirmation_token = '', updated_at = now()
				where id = ${existing.id}`;
			const issued = await createSession(tx, existing.id, clientInfo(req));
			await touchSignIn(tx, existing.id);
			const user = (await findUserById(tx, existing.id)) as UserRow;
			return sessionResponse(ctx, tx, user, issued);
		});
	}
	const hash = await hashPassword(p.password);
	try {
		return await ctx.sql.begin(async (tx) => {
			const created = await insertUser(tx, {
				email,
				passwordHash: hash,
				userMetadata: p.data ?? {},
				emailConfirmed: true
			});
			const issued = await createSession(tx, created.id, clientInfo(req));
			await touchSignIn(tx, created.id);
			const user = (await findUserById(tx, created.id)) as UserRow;
			return sessionResponse(ctx, tx, user, issued);
		});
	} catch (e) {
		throw databaseWriteError(ctx, e, 'Database error saving new user', {
			unique: unprocessable('user_already_exists', 'User already registered')
		});
	}
}

/**
 * Signup with enable_confirmations: the user is created unconfirmed and mailed a link; the answer
 * is the user without a session. An address already confirmed gets no mail and an answer that
 * looks the same (a fresh id, no identities), so signup cannot tell who has an account.
 */
async function signupToConfirm(
	ctx: AuthContext,
	req: GatewayRequest,
	email: string,
	p: { password?: string | null; data?: Record<string, unknown> | null },
	existing: UserRow | null,
	pkce: PkceChallenge | null
) {
	if (existing?.email_confirmed_at) {
		const now = new Date().toISOString();
		return {
			id: randomUUID(),
			aud: 'authenticated',
			role: 'authenticated',
			email,
			phone: '',
			confirmation_sent_at: now,
			app_metadata: { provider: 'email', providers: ['email'] },
			user_metadata: p.data ?? {},
			identities: [],
			created_at: now,
			updated_at: now,
			is_anonymous: false
		};
	}
	let user = existing;
	if (!user) {
		const hash = await hashPassword(p.password!);
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
			throw databaseWriteError(ctx, e, 'Database error saving new user', {
				unique: unprocessable('user_already_exists', 'User already registered')
			});
		}
	} else {
		await assertNotTooSoon(ctx, ctx.sql, user.id, 'confirmation_token');
	}
	await sendSignupConfirmation(ctx, req, user, pkce);
	const json = await loadUserJson(ctx.sql, user.id);
	return json;
}

/** POST /signup without email or phone: an anonymous user, when the project allows them. */
async function anonymousSignIn(
	ctx: AuthContext,
	req: GatewayRequest,
	data: Record<string, unknown>
) {
	if (!ctx.settings.enableAnonymousSignIns) {
		throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
	}
	enforceRateLimit(ctx, req, 'sign_in_sign_ups');
	return ctx.sql.begin(async (tx) => {
		const created = await insertUser(tx, {
			email: null,
			passwordHash: null,
			userMetadata: data,
			emailConfirmed: false
		});
		const issued = await createSession(tx, created.id, clientInfo(req), 'anonymous');
		await touchSignIn(tx, created.id);
		const user = (await findUserById(tx, created.id)) as UserRow;
		return sessionResponse(ctx, tx, user, issued);
	});
}

export async function token(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const grant = req.query.get('grant_type');
	if (grant === 'password') return passwordGrant(ctx, req, body);
	if (grant === 'refresh_token') {
		enforceRateLimit(ctx, req, 'token_refresh');
		return refreshGrant(ctx, body);
	}
	if (grant === 'pkce') {
		enforceRateLimit(ctx, req, 'token_refresh');
		return pkceGrant(ctx, req, body);
	}
	if (grant === 'id_token') {
		const provider =
			typeof (body as { provider?: unknown }).provider === 'string'
				? (body as { provider: string }).provider
				: '';
		throw badRequest('provider_disabled', `Custom OIDC provider "${provider}" not allowed`);
	}
	throw validationFailed('unsupported_grant_type');
}

/** GET /authorize?provider=…: every OAuth provider is off in this project's config.toml. */
export function authorize(req: GatewayRequest) {
	const provider = req.query.get('provider');
	if (!provider) throw validationFailed('Unsupported provider: missing provider');
	throw badRequest('validation_failed', 'Unsupported provider: provider is not enabled');
}

async function passwordGrant(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const p = decode(passwordGrantBody, body);
	if (!p.email && !p.phone) throw validationFailed('missing email or phone');
	if (!p.email) throw invalidCredentials();
	const email = p.email.trim().toLowerCase();
	enforceRateLimit(ctx, req, 'sign_in_sign_ups', email);
	// A string that is no email address cannot name a user: no lookup, no bcrypt to spend.
	if (!isEmailShaped(email)) throw invalidCredentials();
	const found = await findUserByEmail(ctx.sql, email);
	// Always one bcrypt comparison, so an unknown email takes as long as a wrong password.
	const ok = await verifyPassword(p.password ?? '', found?.encrypted_password ?? null);
	if (!found || !ok || !p.password) throw invalidCredentials();
	assertCanSignIn(found);
	if (!found.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');
	return ctx.sql.begin(async (tx) => {
		const issued = await createSession(tx, found.id, clientInfo(req));
		await touchSignIn(tx, found.id);
		const user = (await findUserById(tx, found.id)) as UserRow;
		return sessionResponse(ctx, tx, user, issued);
	});
}

async function refreshGrant(ctx: AuthContext, body: unknown) {
	const p = decode(refreshGrantBody, body);
	if (!p.refresh_token) throw refreshTokenNotFound();
	if (p.refresh_token.length > 255) throw refreshTokenNotFound();
	const issued = await rotateRefreshToken(
		ctx.sql,
		p.refresh_token,
		ctx.settings.refreshTokenReuseInterval
	);
	const user = await findUserById(ctx.sql, issued.userId);
	if (!user) throw refreshTokenNotFound();
	assertCanSignIn(user);
	return sessionResponse(ctx, ctx.sql, user, issued);
}

const PROVIDERS = [
	'anonymous_users',
	'apple',
	'azure',
	'bitbucket',
	'discord',
	'facebook',
	'figma',
	'fly',
	'github',
	'gitlab',
	'google',
	'keycloak',
	'kakao',
	'linkedin',
	'linkedin_oidc',
	'notion',
	'spotify',
	'slack',
	'slack_oidc',
	'workos',
	'twitch',
	'twitter',
	'email',
	'phone',
	'zoom'
];

export function settings(ctx: AuthContext) {
	return {
		external: Object.fromEntries(
			PROVIDERS.map((p) => [
				p,
				p === 'email' || (p === 'anonymous_users' && ctx.settings.enableAnonymousSignIns)
			])
		),
		disable_signup: !ctx.settings.enableSignup,
		mailer_autoconfirm: !ctx.settings.enableConfirmations,
		phone_autoconfirm: false,
		sms_provider: '',
		saml_enabled: false
	};
}

export function health() {
	return {
		version: 'v2.189.0-coachline',
		name: 'GoTrue',
		description: 'GoTrue is a user registration and authentication API'
	};
}

export function jwks() {
	// HS256 only: the shared secret is never published, so there are no public keys to list.
	return { keys: [] };
}
