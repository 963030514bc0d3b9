// Who is calling: the bearer JWT verified, its session still alive, its role allowed.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { badJwt, noAuthorization, notAdmin, sessionNotFound, AuthError } from './errors.ts';
import { sessionIsActive } from './sessions.ts';
import { verifyAccessToken, type VerifiedClaims } from './tokens.ts';
import { findUserById, type UserRow } from './users.ts';

const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);

export async function requireClaims(
	ctx: AuthContext,
	req: GatewayRequest
): Promise<VerifiedClaims> {
	if (!req.bearer) throw noAuthorization();
	return verifyAccessToken(ctx.secret, req.bearer);
}

export interface Caller {
	claims: VerifiedClaims;
	user: UserRow;
	sessionId: string | null;
}

/** An end user's access token whose session and user still exist. */
export async function requireUser(ctx: AuthContext, req: GatewayRequest): Promise<Caller> {
	const claims = await requireClaims(ctx, req);
	if (!claims.sub) throw badJwt('invalid claim: missing sub claim');
	if (!/^[0-9a-f-]{36}$/i.test(claims.sub)) throw badJwt('invalid claim: sub claim must be a UUID');
	const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
	if (sessionId !== null) {
		if (!/^[0-9a-f-]{36}$/i.test(sessionId)) throw sessionNotFound();
		if (!(await sessionIsActive(ctx.sql, sessionId))) throw sessionNotFound();
	}
	const user = await findUserById(ctx.sql, claims.sub);
	if (!user) {
		throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
	}
	return { claims, user, sessionId };
}

export async function requireAdmin(ctx: AuthContext, req: GatewayRequest): Promise<VerifiedClaims> {
	const claims = await requireClaims(ctx, req);
	if (!claims.role || !ADMIN_ROLES.has(claims.role)) throw notAdmin();
	return claims;
}
