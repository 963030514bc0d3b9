// auth.sessions and auth.refresh_tokens: sign-in creates a session with its first refresh token,
// refreshing rotates the token (parent chain), logout deletes sessions (tokens cascade).
import { randomUUID } from 'node:crypto';
import { AuthError, badRequest } from './errors.ts';
import { newRefreshToken } from './tokens.ts';
import type postgres from 'postgres';
import { ZERO_UUID, type Sql } from './users.ts';

export interface IssuedSession {
	userId: string;
	sessionId: string;
	refreshToken: string;
	/** Seconds since epoch when the session was authenticated (the amr timestamp). */
	authenticatedAt: number;
}

export interface ClientInfo {
	userAgent: string | null;
	ip: string | null;
}

async function insertRefreshToken(
	tx: Sql,
	userId: string,
	sessionId: string,
	parent: string | null
): Promise<string> {
	const token = newRefreshToken();
	await tx`
		insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at,
			parent, session_id)
		values (${ZERO_UUID}, ${token}, ${userId}, false, now(), now(), ${parent}, ${sessionId})`;
	return token;
}

/**
 * How a session was authenticated, GoTrue's amr methods: password, otp (email code or magic
 * link), recovery, invite, email/signup (confirmation link), email_change, anonymous, totp.
 */
export type AuthMethod =
	| 'password'
	| 'otp'
	| 'magiclink'
	| 'recovery'
	| 'invite'
	| 'email/signup'
	| 'email_change'
	| 'anonymous'
	| 'totp';

/** Records that the session was (also) authenticated by `method` now (auth.mfa_amr_claims). */
export async function addAmrClaim(tx: Sql, sessionId: string, method: AuthMethod): Promise<void> {
	await tx`
		insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
		values (${sessionId}, now(), now(), ${method}, ${randomUUID()})
		on conflict (session_id, authentication_method) do update set updated_at = now()`;
}

export interface SessionAssurance {
	aal: 'aal1' | 'aal2' | 'aal3';
	amr: { method: string; timestamp: number }[];
}

/** The session's level and methods for its access token; newest method first, as GoTrue sorts. */
export async function sessionAssurance(sql: Sql, sessionId: string): Promise<SessionAssurance> {
	const rows = await sql<{ aal: string | null; method: string | null; at: Date | null }[]>`
		select s.aal::text as aal, c.authentication_method as method, c.updated_at as at
		from auth.sessions s
		left join auth.mfa_amr_claims c on c.session_id = s.id
		where s.id = ${sessionId}
		order by c.updated_at desc nulls last`;
	const aal = (rows[0]?.aal ?? 'aal1') as SessionAssurance['aal'];
	const amr = rows
		.filter((r) => r.method && r.at)
		.map((r) => ({ method: r.method as string, timestamp: Math.floor(r.at!.getTime() / 1000) }));
	return { aal, amr };
}

export async function createSession(
	tx: Sql,
	userId: string,
	client: ClientInfo,
	method: AuthMethod = 'password'
): Promise<IssuedSession> {
	const sessionId = randomUUID();
	const [{ created }] = await tx<{ created: Date }[]>`
		insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
		values (${sessionId}, ${userId}, now(), now(), 'aal1', ${client.userAgent?.slice(0, 1000) ?? null},
			${client.ip}::inet)
		returning created_at as created`;
	await addAmrClaim(tx, sessionId, method);
	const refreshToken = await insertRefreshToken(tx, userId, sessionId, null);
	return {
		userId,
		sessionId,
		refreshToken,
		authenticatedAt: Math.floor(created.getTime() / 1000)
	};
}

export const refreshTokenNotFound = () =>
	badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
export const refreshTokenAlreadyUsed = () =>
	badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');

interface TokenRow {
	id: string;
	token: string;
	user_id: string;
	revoked: boolean;
	session_id: string | null;
	reusable: boolean;
	session_created: Date | null;
	session_ended: boolean | null;
}

/**
 * Rotates a refresh token. Reusing a revoked token within `reuseInterval` seconds (a client
 * racing itself) answers with the session's current token; later reuse is treated as theft:
 * every token of the session is revoked and the session ended.
 */
export async function rotateRefreshToken(
	sql: postgres.Sql,
	token: string,
	reuseInterval: number
): Promise<IssuedSession> {
	const outcome = await sql.begin(async (tx): Promise<IssuedSession | AuthError> => {
		const [row] = await tx<TokenRow[]>`
			select rt.id, rt.token, rt.user_id, rt.revoked, rt.session_id,
				rt.updated_at + make_interval(secs => ${reuseInterval}) > now() as reusable,
				s.created_at as session_created,
				s.not_after is not null and s.not_after <= now() as session_ended
			from auth.refresh_tokens rt
			left join auth.sessions s on s.id = rt.session_id
			where rt.token = ${token}
			for update of rt`;
		if (!row || !row.session_id || row.session_created === null) return refreshTokenNotFound();
		if (row.session_ended) return refreshTokenAlreadyUsed();
		const base = {
			userId: row.user_id,
			sessionId: row.session_id,
			authenticatedAt: Math.floor(row.session_created.getTime() / 1000)
		};
		if (row.revoked) {
			if (row.reusable) {
				const [active] = await tx<{ token: string }[]>`
					select token from auth.refresh_tokens
					where session_id = ${row.session_id} and revoked = false
					order by id desc limit 1`;
				if (active) return { ...base, refreshToken: active.token };
			}
			await tx`
				update auth.refresh_tokens set revoked = true, updated_at = now()
				where session_id = ${row.session_id} and revoked = false`;
			await tx`update auth.sessions set not_after = now(), updated_at = now()
				where id = ${row.session_id}`;
			return refreshTokenAlreadyUsed();
		}
		await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
		const next = await insertRefreshToken(tx, row.user_id, row.session_id, row.token);
		await tx`update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now()
			where id = ${row.session_id}`;
		return { ...base, refreshToken: next };
	});
	// Thrown after commit, so the revocation of a stolen chain sticks.
	if (outcome instanceof AuthError) throw outcome;
	return outcome;
}

export type LogoutScope = 'global' | 'local' | 'others';

export async function logout(
	sql: Sql,
	userId: string,
	sessionId: string | null,
	scope: LogoutScope
): Promise<void> {
	if (scope === 'global') {
		await sql`delete from auth.sessions where user_id = ${userId}`;
	} else if (!sessionId) {
		return;
	} else if (scope === 'local') {
		await sql`delete from auth.sessions where id = ${sessionId}`;
	} else {
		await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
	}
}
