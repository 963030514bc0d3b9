// GoTrue's PKCE flow for the mailed links. A request carrying code_challenge (+ method) starts a
// flow: a row in auth.flow_state for the user and the way they will authenticate, and the mailed
// token stored with a `pkce_` prefix. Following the link (GET /verify) then does not put a session
// in the URL: it issues the flow's auth code and redirects with `?code=`; the client that holds
// the code verifier redeems it once at POST /token?grant_type=pkce. A code typed from the mail
// (POST /verify) still signs in directly, as GoTrue does.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuthContext } from './context.ts';
import { AuthError, validationFailed } from './errors.ts';
import type { GatewayRequest } from '../http.ts';
import { clientInfo } from './request.ts';
import { sessionResponse } from './session-response.ts';
import { createSession, type AuthMethod } from './sessions.ts';
import { findUserById, touchSignIn, type Sql, type UserRow } from './users.ts';

export const PKCE_PREFIX = 'pkce_';
/** GoTrue's GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION default. */
const FLOW_STATE_EXPIRY_SECONDS = 300;

export interface PkceChallenge {
	challenge: string;
	method: 's256' | 'plain';
}

/**
 * The challenge of a request that starts a PKCE flow, null for the implicit flow (neither field);
 * one without the other, or a challenge RFC 7636 would not produce, is refused as GoTrue refuses it.
 */
export function pkceChallenge(p: Record<string, unknown>): PkceChallenge | null {
	const challenge = typeof p.code_challenge === 'string' ? p.code_challenge : '';
	const method = typeof p.code_challenge_method === 'string' ? p.code_challenge_method : '';
	if (!challenge && !method) return null;
	if (!challenge || !method) {
		throw validationFailed('PKCE flow requires code_challenge_method and code_challenge');
	}
	if (challenge.length < 43 || challenge.length > 128) {
		throw validationFailed('code challenge has to be between 43 and 128 characters');
	}
	if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
		throw validationFailed(
			'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes'
		);
	}
	const m = method.toLowerCase();
	if (m !== 's256' && m !== 'plain') {
		throw validationFailed(`unsupported code_challenge method "${method}"`);
	}
	return { challenge, method: m };
}

/**
 * Starts a flow for `userId`: provider email, authenticated by `method` (GoTrue's names:
 * magiclink, recovery, email/signup, email_change). Its auth code exists from the start but is
 * only handed out when the mailed link is verified.
 */
export async function startFlow(
	sql: Sql,
	userId: string,
	pkce: PkceChallenge,
	method: AuthMethod
): Promise<void> {
	// Flows nobody finished (the link never followed, or the code typed instead) are dropped a day
	// later, as GoTrue's cleanup drops them; the created_at index keeps this cheap.
	await sql`delete from auth.flow_state where created_at < now() - interval '24 hours'`;
	await sql`
		insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge,
			provider_type, provider_access_token, provider_refresh_token, created_at, updated_at,
			authentication_method)
		values (${randomUUID()}, ${userId}, ${randomUUID()}, ${pkce.method}, ${pkce.challenge},
			${method === 'email/signup' ? 'email' : method}, '', '', now(), now(), ${method})`;
}

/**
 * The auth code of the user's newest flow for `method`, stamped as issued now (its expiry runs
 * from here, so a link followed an hour after it was mailed still works within the OTP expiry).
 */
export async function issueAuthCode(tx: Sql, userId: string, method: AuthMethod): Promise<string> {
	const [row] = await tx<{ auth_code: string }[]>`
		update auth.flow_state set auth_code_issued_at = now(), updated_at = now()
		where id = (
			select id from auth.flow_state
			where user_id = ${userId} and authentication_method = ${method}
			order by created_at desc limit 1)
		returning auth_code`;
	if (!row) {
		throw new AuthError(422, 'flow_state_not_found', 'No valid flow state found for user.');
	}
	return row.auth_code;
}

function verifierMatches(stored: { code_challenge: string; method: string }, verifier: string) {
	const expected =
		stored.method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
	const a = Buffer.from(expected);
	const b = Buffer.from(stored.code_challenge);
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POST /token?grant_type=pkce {auth_code, code_verifier}: the session of the flow, which is then
 * gone (a second exchange of the same code finds nothing).
 */
export async function pkceGrant(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const b = (body ?? {}) as { auth_code?: unknown; code_verifier?: unknown };
	const authCode = typeof b.auth_code === 'string' ? b.auth_code : '';
	const verifier = typeof b.code_verifier === 'string' ? b.code_verifier : '';
	if (!authCode || !verifier) {
		throw validationFailed('invalid request: both auth code and code verifier should be non-empty');
	}
	return ctx.sql.begin(async (tx) => {
		const [flow] = await tx<
			{
				id: string;
				user_id: string | null;
				code_challenge: string;
				method: string;
				authentication_method: string;
				expired: boolean;
			}[]
		>`
			select id, user_id, code_challenge, code_challenge_method::text as method,
				authentication_method,
				coalesce(auth_code_issued_at, created_at)
					+ make_interval(secs => ${FLOW_STATE_EXPIRY_SECONDS}) < now() as expired
			from auth.flow_state where auth_code = ${authCode}
			for update`;
		if (!flow || !flow.user_id) {
			throw new AuthError(
				404,
				'flow_state_not_found',
				'invalid flow state, no valid flow state found'
			);
		}
		if (flow.expired) {
			throw new AuthError(422, 'flow_state_expired', 'invalid flow state, flow state has expired');
		}
		const user = await findUserById(tx, flow.user_id);
		if (!user) {
			throw new AuthError(
				404,
				'flow_state_not_found',
				'invalid flow state, no valid flow state found'
			);
		}
		if (!verifierMatches(flow, verifier)) {
			throw new AuthError(
				400,
				'bad_code_verifier',
				'code challenge does not match previously saved code verifier'
			);
		}
		const issued = await createSession(
			tx,
			user.id,
			clientInfo(req),
			flow.authentication_method as AuthMethod
		);
		await touchSignIn(tx, user.id);
		await tx`delete from auth.flow_state where id = ${flow.id}`;
		const fresh = (await findUserById(tx, user.id)) as UserRow;
		return sessionResponse(ctx, tx, fresh, issued);
	});
}
