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
	userJson,
	findIdentities
} from './users.ts';
import { checkPassword, decode, logoutScope, userUpdateBody, validEmail } from './validate.ts';

export const emailExists = () =>
	unprocessable('email_exists', 'A user with this email address has already been registered');

export async function getUser(ctx: AuthContext, req: GatewayRequest) {
	const { user } = await requireUser(ctx, req);
	return userJson(user, await findIdentities(ctx.sql, user.id));
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
	}
	try {
		await ctx.sql.begin(async (tx) => {
			// With mailer autoconfirm (enable_confirmations = false) GoTrue applies a new email at once.
			if (email) await setEmail(tx, user.id, email);
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
	return loadUserJson(ctx.sql, user.id);
}

export async function logout(ctx: AuthContext, req: GatewayRequest): Promise<void> {
	const parsed = logoutScope.safeParse(req.query.get('scope') ?? 'global');
	if (!parsed.success) throw validationFailed('Unsupported logout scope');
	const { user, sessionId } = await requireUser(ctx, req);
	await endSessions(ctx.sql, user.id, sessionId, parsed.data);
}
