// auth.users and auth.identities as GoTrue writes and serializes them.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';

export type Sql = postgres.Sql | postgres.TransactionSql;
type Json = Record<string, unknown>;

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface UserRow {
	id: string;
	aud: string | null;
	role: string | null;
	email: string | null;
	encrypted_password: string | null;
	email_confirmed_at: Date | null;
	invited_at: Date | null;
	phone: string | null;
	phone_confirmed_at: Date | null;
	confirmation_sent_at: Date | null;
	confirmed_at: Date | null;
	recovery_sent_at: Date | null;
	email_change: string | null;
	email_change_sent_at: Date | null;
	phone_change: string | null;
	last_sign_in_at: Date | null;
	raw_app_meta_data: Json | null;
	raw_user_meta_data: Json | null;
	created_at: Date | null;
	updated_at: Date | null;
	banned_until: Date | null;
	deleted_at: Date | null;
	is_anonymous: boolean;
}

export interface IdentityRow {
	id: string;
	provider_id: string;
	user_id: string;
	identity_data: Json;
	provider: string;
	last_sign_in_at: Date | null;
	created_at: Date | null;
	updated_at: Date | null;
	email: string | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export function identityJson(i: IdentityRow) {
	return {
		identity_id: i.id,
		id: i.provider_id,
		user_id: i.user_id,
		identity_data: i.identity_data,
		provider: i.provider,
		last_sign_in_at: iso(i.last_sign_in_at),
		created_at: iso(i.created_at),
		updated_at: iso(i.updated_at),
		email: i.email ?? undefined
	};
}

export interface FactorRow {
	id: string;
	friendly_name: string | null;
	factor_type: string;
	status: string;
	created_at: Date;
	updated_at: Date;
	last_challenged_at: Date | null;
}

export function factorJson(f: FactorRow) {
	return {
		id: f.id,
		friendly_name: f.friendly_name ?? '',
		factor_type: f.factor_type,
		status: f.status,
		created_at: iso(f.created_at),
		updated_at: iso(f.updated_at),
		last_challenged_at: iso(f.last_challenged_at)
	};
}

export function findFactors(sql: Sql, userId: string): Promise<FactorRow[]> {
	return sql<FactorRow[]>`
		select id, friendly_name, factor_type::text as factor_type, status::text as status, created_at,
			updated_at, last_challenged_at
		from auth.mfa_factors where user_id = ${userId} order by created_at`;
}

/** models.User as JSON: optional timestamps are left out when null, secrets never appear. */
export function userJson(u: UserRow, identities: IdentityRow[], factors: FactorRow[] = []) {
	return {
		id: u.id,
		aud: u.aud ?? '',
		role: u.role ?? '',
		email: u.email ?? '',
		email_confirmed_at: iso(u.email_confirmed_at),
		phone: u.phone ?? '',
		phone_confirmed_at: iso(u.phone_confirmed_at),
		confirmation_sent_at: iso(u.confirmation_sent_at),
		confirmed_at: iso(u.confirmed_at),
		recovery_sent_at: iso(u.recovery_sent_at),
		new_email: u.email_change || undefined,
		email_change_sent_at: iso(u.email_change_sent_at),
		new_phone: u.phone_change || undefined,
		invited_at: iso(u.invited_at),
		last_sign_in_at: iso(u.last_sign_in_at),
		app_metadata: u.raw_app_meta_data ?? {},
		user_metadata: u.raw_user_meta_data ?? {},
		identities: identities.map(identityJson),
		// omitempty in GoTrue: only users with factors carry the list.
		factors: factors.length ? factors.map(factorJson) : undefined,
		created_at: iso(u.created_at),
		updated_at: iso(u.updated_at),
		banned_until: iso(u.banned_until),
		deleted_at: iso(u.deleted_at),
		is_anonymous: u.is_anonymous
	};
}

export type UserJson = ReturnType<typeof userJson>;

const USER_COLUMNS = `id, aud, role, email, encrypted_password, email_confirmed_at, invited_at, phone,
	phone_confirmed_at, confirmation_sent_at, confirmed_at, recovery_sent_at, email_change,
	email_change_sent_at, phone_change, last_sign_in_at, raw_app_meta_data, raw_user_meta_data,
	created_at, updated_at, banned_until, deleted_at, is_anonymous`;

export async function findUserById(sql: Sql, id: string): Promise<UserRow | null> {
	const rows = await sql<UserRow[]>`
		select ${sql.unsafe(USER_COLUMNS)} from auth.users where id = ${id}`;
	return rows[0] ?? null;
}

/** A user with the identities and factors `userJson` lists. */
export interface UserWithLinks {
	user: UserRow;
	identities: IdentityRow[];
	factors: FactorRow[];
}

/** Timestamps inside the JSON of `findCaller` travel as epoch milliseconds. */
const ms = (v: number | null) => (v === null ? null : new Date(v));

/**
 * The caller of a user route in one statement (one round trip instead of four): the user, its
 * identities and factors, and whether the token's session is still alive. Null when the user is
 * gone or the session has ended (a session belongs to a user and goes with it: ON DELETE CASCADE,
 * so without a user row there is no session either).
 */
export async function findCaller(
	sql: Sql,
	id: string,
	sessionId: string | null
): Promise<(UserWithLinks & { sessionActive: boolean }) | null> {
	const rows = await sql<
		Array<
			UserRow & {
				session_active: boolean;
				identities_json: Array<
					Omit<IdentityRow, 'last_sign_in_at' | 'created_at' | 'updated_at'> & {
						last_sign_in_at: number | null;
						created_at: number | null;
						updated_at: number | null;
					}
				>;
				factors_json: Array<
					Omit<FactorRow, 'last_challenged_at' | 'created_at' | 'updated_at'> & {
						last_challenged_at: number | null;
						created_at: number;
						updated_at: number;
					}
				>;
			}
		>
	>`
		select ${sql.unsafe(USER_COLUMNS)},
			(${sessionId}::uuid is null or exists (
				select 1 from auth.sessions s
				where s.id = ${sessionId}::uuid and (s.not_after is null or s.not_after > now())
			)) as session_active,
			(select coalesce(json_agg(json_build_object(
					'id', i.id, 'provider_id', i.provider_id, 'user_id', i.user_id,
					'identity_data', i.identity_data, 'provider', i.provider,
					'last_sign_in_at', extract(epoch from i.last_sign_in_at) * 1000,
					'created_at', extract(epoch from i.created_at) * 1000,
					'updated_at', extract(epoch from i.updated_at) * 1000, 'email', i.email
				) order by i.created_at), '[]')
			   from auth.identities i where i.user_id = u.id) as identities_json,
			(select coalesce(json_agg(json_build_object(
					'id', f.id, 'friendly_name', f.friendly_name, 'factor_type', f.factor_type::text,
					'status', f.status::text,
					'created_at', extract(epoch from f.created_at) * 1000,
					'updated_at', extract(epoch from f.updated_at) * 1000,
					'last_challenged_at', extract(epoch from f.last_challenged_at) * 1000
				) order by f.created_at), '[]')
			   from auth.mfa_factors f where f.user_id = u.id) as factors_json
		from auth.users u where u.id = ${id}`;
	const r = rows[0];
	if (!r) return null;
	const { session_active, identities_json, factors_json, ...user } = r;
	return {
		user,
		sessionActive: session_active,
		identities: identities_json.map((i) => ({
			...i,
			last_sign_in_at: ms(i.last_sign_in_at),
			created_at: ms(i.created_at),
			updated_at: ms(i.updated_at)
		})),
		factors: factors_json.map((f) => ({
			...f,
			last_challenged_at: ms(f.last_challenged_at),
			created_at: new Date(f.created_at),
			updated_at: new Date(f.updated_at)
		}))
	};
}

export async function findUserByEmail(sql: Sql, email: string): Promise<UserRow | null> {
	const rows = await sql<UserRow[]>`
		select ${sql.unsafe(USER_COLUMNS)} from auth.users
		where email = ${email.toLowerCase()} and is_sso_user = false`;
	return rows[0] ?? null;
}

export function findIdentities(sql: Sql, userId: string): Promise<IdentityRow[]> {
	return sql<IdentityRow[]>`
		select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at,
			updated_at, email
		from auth.identities where user_id = ${userId} order by created_at`;
}

export async function loadUserJson(sql: Sql, id: string): Promise<UserJson | null> {
	const user = await findUserById(sql, id);
	if (!user) return null;
	return userJson(user, await findIdentities(sql, id), await findFactors(sql, id));
}

export interface NewUser {
	id?: string;
	/** null for an anonymous user (no email, no identity). */
	email: string | null;
	passwordHash: string | null;
	userMetadata: Json;
	appMetadata?: Json;
	emailConfirmed: boolean;
	role?: string;
	aud?: string;
}

/** Inserts the user and its email identity; the caller's transaction makes triggers atomic. */
export async function insertUser(tx: Sql, u: NewUser): Promise<UserRow> {
	const id = u.id ?? randomUUID();
	const email = u.email?.toLowerCase() ?? null;
	const appMeta = email
		? { provider: 'email', providers: ['email'], ...(u.appMetadata ?? {}) }
		: { ...(u.appMetadata ?? {}) };
	const [row] = await tx<UserRow[]>`
		insert into auth.users (
			instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
			confirmation_token, recovery_token, email_change_token_new, email_change,
			email_change_token_current, phone_change, phone_change_token, reauthentication_token,
			raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at, is_anonymous
		) values (
			${ZERO_UUID}, ${id}, ${u.aud ?? 'authenticated'}, ${u.role ?? 'authenticated'}, ${email},
			${u.passwordHash ?? ''}, ${u.emailConfirmed ? tx`now()` : null},
			'', '', '', '', '', '', '', '',
			${tx.json(appMeta as postgres.JSONValue)}, ${tx.json(u.userMetadata as postgres.JSONValue)},
			null, now(), now(), ${email === null}
		)
		returning ${tx.unsafe(USER_COLUMNS)}`;
	if (email === null) return row;
	await tx`
		insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at,
			created_at, updated_at)
		values (${id}, ${id}, ${tx.json({
			sub: id,
			email,
			email_verified: u.emailConfirmed,
			phone_verified: false
		})}, 'email', now(), now(), now())`;
	return row;
}

export async function setEmail(tx: Sql, id: string, email: string): Promise<void> {
	const lower = email.toLowerCase();
	await tx`
		update auth.users set email = ${lower}, email_change = '', email_change_token_new = '',
			email_change_token_current = '', email_change_confirm_status = 0, updated_at = now()
		where id = ${id}`;
	await tx`
		update auth.identities
		set identity_data = identity_data || ${tx.json({ email: lower })}, updated_at = now()
		where user_id = ${id} and provider = 'email'`;
}

export async function setPasswordHash(tx: Sql, id: string, hash: string): Promise<void> {
	await tx`update auth.users set encrypted_password = ${hash}, updated_at = now() where id = ${id}`;
}

/**
 * GoTrue merges metadata updates key by key; a null value removes the key.
 * Done in SQL so concurrent updates of different keys do not clobber each other.
 */
export async function mergeMetadata(
	tx: Sql,
	id: string,
	column: 'raw_user_meta_data' | 'raw_app_meta_data',
	patch: Json
): Promise<void> {
	const removed = Object.keys(patch).filter((k) => patch[k] === null);
	const kept = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
	await tx`
		update auth.users
		set ${tx(column)} = (coalesce(${tx(column)}, '{}'::jsonb) - ${removed}::text[])
				|| ${tx.json(kept as postgres.JSONValue)},
			updated_at = now()
		where id = ${id}`;
}

export async function touchSignIn(tx: Sql, id: string): Promise<void> {
	await tx`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${id}`;
	await tx`
		update auth.identities set last_sign_in_at = now()
		where user_id = ${id} and provider = 'email'`;
}

export async function countUsers(sql: Sql): Promise<number> {
	const [{ n }] = await sql<{ n: string }[]>`select count(*) as n from auth.users`;
	return Number(n);
}

export async function listUsers(sql: Sql, page: number, perPage: number): Promise<UserJson[]> {
	const users = await sql<UserRow[]>`
		select ${sql.unsafe(USER_COLUMNS)} from auth.users
		order by created_at desc nulls last, id
		limit ${perPage} offset ${(page - 1) * perPage}`;
	if (users.length === 0) return [];
	const identities = await sql<IdentityRow[]>`
		select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at,
			updated_at, email
		from auth.identities where user_id = any(${users.map((u) => u.id)}::uuid[])
		order by created_at`;
	return users.map((u) =>
		userJson(
			u,
			identities.filter((i) => i.user_id === u.id)
		)
	);
}
