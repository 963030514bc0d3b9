// The routes anyone may call: signup, the token grants, settings, health, JWKS.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import {
	AuthError,
	badRequest,
	invalidCredentials,
	unprocessable,
	validationFailed
} from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { clientInfo } from './request.ts';
import { sessionResponse } from './session-response.ts';
import { createSession, refreshTokenNotFound, rotateRefreshToken } from './sessions.ts';
import { findUserByEmail, findUserById, insertUser, touchSignIn, type UserRow } from './users.ts';
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

/**
 * Counts one request against a rate-limit bucket, per client address and (when given) per
 * address + email, as GoTrue does; over the limit it answers 429 over_request_rate_limit with
 * Retry-After (RFC 9110 §10.2.3: whole seconds until the oldest hit leaves the window).
 * Exported so every route that spends a bucket (sign-ins, refreshes, verifications, emails
 * sent) goes through this one place.
 */
export function enforceRateLimit(
	ctx: AuthContext,
	req: GatewayRequest,
	bucket: string,
	email: string | null = null
): void {
	const ip = req.socket.remoteAddress ?? '?';
	const keys: string[] = [];
	if (!ctx.rateLimitExemptIps.has(ip)) keys.push(ip);
	if (email !== null) keys.push(`${ip}|${email}`);
	if (keys.length === 0) return;
	const wait = ctx.limits.take(bucket, keys);
	if (wait > 0) {
		throw new AuthError(
			429,
			'over_request_rate_limit',
			'Request rate limit reached',
			{},
			{ 'retry-after': String(wait) }
		);
	}
}

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
	if (!p.email)
		throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
	const email = validEmail(p.email);
	if (!p.password) throw validationFailed('Signup requires a valid password');
	checkPassword(p.password, ctx.settings.minimumPasswordLength);
	enforceRateLimit(ctx, req, 'sign_in_sign_ups', email);
	if (await findUserByEmail(ctx.sql, email)) {
		throw unprocessable('user_already_exists', 'User already registered');
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

export async function token(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const grant = req.query.get('grant_type');
	if (grant === 'password') return passwordGrant(ctx, req, body);
	if (grant === 'refresh_token') {
		enforceRateLimit(ctx, req, 'token_refresh');
		return refreshGrant(ctx, body);
	}
	throw validationFailed('unsupported_grant_type');
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
		external: Object.fromEntries(PROVIDERS.map((p) => [p, p === 'email'])),
		disable_signup: !ctx.settings.enableSignup,
		mailer_autoconfirm: true,
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
