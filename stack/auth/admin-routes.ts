// Service-role-only user management: /admin/users and /admin/users/{id}.
import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { databaseWriteError } from './db-errors.ts';
import { userNotFound, validationFailed } from './errors.ts';
import { requireAdmin } from './guard.ts';
import { hashPassword, isBcryptHash } from './passwords.ts';
import { emailExists } from './user-routes.ts';
import {
	countUsers,
	findUserByEmail,
	findUserById,
	insertUser,
	listUsers as pageOfUsers,
	loadUserJson,
	mergeMetadata,
	setEmail,
	setPasswordHash,
	type Sql
} from './users.ts';
import {
	adminUserBody,
	checkPassword,
	decode,
	isUuid,
	parseGoDuration,
	validEmail
} from './validate.ts';
import { z } from 'zod';

type AdminBody = z.infer<typeof adminUserBody>;

function positiveInt(v: string | null, fallback: number): number {
	if (v === null || v === '') return fallback;
	if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw validationFailed('Bad Pagination Parameters');
	return Number(v);
}

export async function listUsers(ctx: AuthContext, req: GatewayRequest, res: ServerResponse) {
	await requireAdmin(ctx, req);
	const page = positiveInt(req.query.get('page'), 1);
	const perPage = Math.min(positiveInt(req.query.get('per_page'), 50), 1000);
	const [total, users] = await Promise.all([
		countUsers(ctx.sql),
		pageOfUsers(ctx.sql, page, perPage)
	]);
	const last = Math.max(1, Math.ceil(total / perPage));
	const link = (p: number, rel: string) =>
		`<${ctx.settings.apiUrl}/auth/v1/admin/users?page=${p}&per_page=${perPage}>; rel="${rel}"`;
	const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [link(last, 'last')];
	res.setHeader('x-total-count', String(total));
	res.setHeader('link', links.join(', '));
	return { users, aud: 'authenticated' };
}

async function passwordHashFrom(ctx: AuthContext, p: AdminBody): Promise<string | null> {
	if (p.password) {
		checkPassword(p.password, ctx.settings.minimumPasswordLength);
		return hashPassword(p.password);
	}
	if (p.password_hash) {
		if (!isBcryptHash(p.password_hash)) {
			throw validationFailed('Invalid password hash format: only bcrypt hashes are supported');
		}
		return p.password_hash;
	}
	return null;
}

function banUntil(duration: string): Date | null {
	if (duration === 'none') return null;
	const ms = parseGoDuration(duration);
	if (ms === null) throw validationFailed('invalid format for ban duration');
	return new Date(Date.now() + ms);
}

async function applyAdminFields(tx: Sql, id: string, p: AdminBody): Promise<void> {
	if (p.user_metadata) await mergeMetadata(tx, id, 'raw_user_meta_data', p.user_metadata);
	if (p.app_metadata) await mergeMetadata(tx, id, 'raw_app_meta_data', p.app_metadata);
	if (p.role) await tx`update auth.users set role = ${p.role}, updated_at = now() where id = ${id}`;
	if (p.email_confirm) {
		await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()),
			updated_at = now() where id = ${id}`;
		await tx`update auth.identities set identity_data = identity_data || '{"email_verified":true}'
			where user_id = ${id} and provider = 'email'`;
	}
	if (p.ban_duration) {
		await tx`update auth.users set banned_until = ${banUntil(p.ban_duration)}, updated_at = now()
			where id = ${id}`;
		if (p.ban_duration !== 'none') await tx`delete from auth.sessions where user_id = ${id}`;
	}
}

export async function createUser(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	await requireAdmin(ctx, req);
	const p = decode(adminUserBody, body);
	if (!p.email) {
		throw validationFailed(
			p.phone ? 'Phone logins are disabled' : 'Unable to validate email address: invalid format'
		);
	}
	const email = validEmail(p.email);
	if (p.id && !isUuid(p.id)) throw validationFailed('id must be a UUID');
	if (p.ban_duration) banUntil(p.ban_duration);
	const hash = await passwordHashFrom(ctx, p);
	if (await findUserByEmail(ctx.sql, email)) throw emailExists();
	if (p.id && (await findUserById(ctx.sql, p.id))) {
		throw validationFailed('A user with this id already exists');
	}
	let id: string;
	try {
		id = await ctx.sql.begin(async (tx) => {
			const u = await insertUser(tx, {
				id: p.id?.toLowerCase(),
				email,
				passwordHash: hash,
				// Set on insert, so triggers on auth.users see them as they do under GoTrue.
				userMetadata: p.user_metadata ?? {},
				appMetadata: p.app_metadata ?? {},
				role: p.role ?? undefined,
				emailConfirmed: p.email_confirm === true
			});
			if (p.ban_duration) await applyAdminFields(tx, u.id, { ban_duration: p.ban_duration });
			return u.id;
		});
	} catch (e) {
		throw databaseWriteError(ctx, e, 'Database error creating new user', { unique: emailExists() });
	}
	return loadUserJson(ctx.sql, id);
}

function userIdFrom(raw: string): string {
	if (!isUuid(raw)) throw userNotFound();
	return raw.toLowerCase();
}

export async function getUser(ctx: AuthContext, req: GatewayRequest, rawId: string) {
	await requireAdmin(ctx, req);
	const user = await loadUserJson(ctx.sql, userIdFrom(rawId));
	if (!user) throw userNotFound();
	return user;
}

export async function updateUser(
	ctx: AuthContext,
	req: GatewayRequest,
	rawId: string,
	body: unknown
) {
	await requireAdmin(ctx, req);
	const id = userIdFrom(rawId);
	const p = decode(adminUserBody, body);
	const user = await findUserById(ctx.sql, id);
	if (!user) throw userNotFound();
	let email: string | null = null;
	if (p.email) {
		email = validEmail(p.email);
		if (email === user.email) email = null;
		else if (await findUserByEmail(ctx.sql, email)) throw emailExists();
	}
	if (p.ban_duration) banUntil(p.ban_duration);
	const hash = await passwordHashFrom(ctx, p);
	try {
		await ctx.sql.begin(async (tx) => {
			if (email) await setEmail(tx, id, email);
			if (hash) await setPasswordHash(tx, id, hash);
			await applyAdminFields(tx, id, p);
		});
	} catch (e) {
		throw databaseWriteError(ctx, e, 'Database error updating user', { unique: emailExists() });
	}
	return loadUserJson(ctx.sql, id);
}

export async function deleteUser(
	ctx: AuthContext,
	req: GatewayRequest,
	rawId: string,
	body: unknown
) {
	await requireAdmin(ctx, req);
	const id = userIdFrom(rawId);
	const soft = z.looseObject({ should_soft_delete: z.boolean().nullish() }).safeParse(body);
	if (!(await findUserById(ctx.sql, id))) throw userNotFound();
	try {
		await ctx.sql.begin(async (tx) => {
			if (soft.success && soft.data.should_soft_delete) {
				// GoTrue's soft delete: the row stays (for foreign keys), but can never sign in again.
				await tx`delete from auth.sessions where user_id = ${id}`;
				await tx`delete from auth.identities where user_id = ${id}`;
				await tx`update auth.users set deleted_at = now(), updated_at = now(),
					email = null, phone = null, encrypted_password = '',
					raw_app_meta_data = '{}'::jsonb, raw_user_meta_data = '{}'::jsonb
					where id = ${id}`;
			} else {
				await tx`delete from auth.users where id = ${id}`;
			}
		});
	} catch (e) {
		throw databaseWriteError(ctx, e, 'Database error deleting user');
	}
	return {};
}
