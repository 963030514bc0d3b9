// The signed-in user's own routes: GET/PUT /user and POST /logout.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { databaseWriteError } from './db-errors.ts';
import { unprocessable, validationFailed } from './errors.ts';
import { requireUser } from './guard.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { logout as endSessions } from './sessions.ts';
import {
	findUserByEmail,
	loadUserJson,
	mergeMetadata,
	setEmail,
	setPasswordHash,
	userJson
} from './users.ts';
import { checkPassword, decode, logoutScope, userUpdateBody, validEmail } from './validate.ts';
import { consumeNonce, sendEmailChange } from './email-routes.ts';
import { pkceChallenge } from './pkce.ts';
import { allowedRedirect } from './otp.ts';
import { AuthError } from './errors.ts';

export const emailExists = () =>
	unprocessable('email_exists', 'A user with this email address has already been registered');

export async function getUser(ctx: AuthContext, req: GatewayRequest) {
	const { user, identities, factors } = await requireUser(ctx, req);
	return userJson(user, identities, factors);
}

export async function updateUser(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const { user, sessionId } = await requireUser(ctx, req);
	const p = decode(userUpdateBody, body);
	if (p.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	let email: string | null = null;
	if (p.email) {
		email = validEmail(p.email);
		if (email === user.email) email = null;
		else if (await findUserByEmail(ctx.sql, email)) throw emailExists();
	}
	let hash: string | null = null;
	if (p.password) {
		checkPassword(p.password, ctx.settings.minimumPasswordLength);
		if (await verifyPassword(p.password, user.encrypted_password)) {
			throw unprocessable(
				'same_password',
				'New password should be different from the old password.'
			);
		}
		hash = await hashPassword(p.password);
		if (ctx.settings.securePasswordChange && !p.nonce) {
			throw new AuthError(
				400,
				'reauthentication_needed',
				'Password update requires reauthentication'
			);
		}
	}
	// With enable_confirmations the new address (and, with double_confirm_changes, the current
	// one) must confirm by mail first; without it GoTrue applies a new email at once.
	const confirmEmail = email !== null && ctx.settings.enableConfirmations && !user.is_anonymous;
	try {
		await ctx.sql.begin(async (tx) => {
			if (hash && p.nonce) await consumeNonce(ctx, tx, user, p.nonce);
			if (email && !confirmEmail) await setEmail(tx, user.id, email);
			if (hash) {
				await setPasswordHash(tx, user.id, hash);
				// A new password ends every other session, as GoTrue's UpdatePassword does.
				if (sessionId) {
					await tx`delete from auth.sessions where user_id = ${user.id} and id <> ${sessionId}`;
				}
			}
			if (p.data) await mergeMetadata(tx, user.id, 'raw_user_meta_data', p.data);
		});
	} catch (e) {
		throw databaseWriteError(ctx, e, 'Database error updating user', { unique: emailExists() });
	}
	if (confirmEmail && email) {
		await sendEmailChange(
			ctx,
			user,
			email,
			allowedRedirect(ctx, req.query.get('redirect_to')),
			pkceChallenge(p)
		);
	}
	return loadUserJson(ctx.sql, user.id);
}

export async function logout(ctx: AuthContext, req: GatewayRequest): Promise<void> {
	const parsed = logoutScope.safeParse(req.query.get('scope') ?? 'global');
	if (!parsed.success) throw validationFailed('Unsupported logout scope');
	const { user, sessionId } = await requireUser(ctx, req);
	await endSessions(ctx.sql, user.id, sessionId, parsed.data);
}
