// Who is calling: the bearer JWT verified, its session still alive, its role allowed.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { badJwt, noAuthorization, notAdmin, sessionNotFound, AuthError } from './errors.ts';
import { verifyAccessToken, type VerifiedClaims } from './tokens.ts';
import { findCaller, type FactorRow, type IdentityRow, type UserRow } from './users.ts';

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
	/** The user's identities and factors as they were read with the session check. */
	identities: IdentityRow[];
	factors: FactorRow[];
}

/** An end user's access token whose session and user still exist. */
export async function requireUser(ctx: AuthContext, req: GatewayRequest): Promise<Caller> {
	const claims = await requireClaims(ctx, req);
	if (!claims.sub) throw badJwt('invalid claim: missing sub claim');
	if (!/^[0-9a-f-]{36}$/i.test(claims.sub)) throw badJwt('invalid claim: sub claim must be a UUID');
	const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
	if (sessionId !== null && !/^[0-9a-f-]{36}$/i.test(sessionId)) throw sessionNotFound();
	// The session, the user, its identities and factors in one statement: this runs on every
	// page of the app (the session check), so one round trip instead of four.
	const caller = await findCaller(ctx.sql, claims.sub, sessionId);
	// No user row means no session either (sessions go with their user), so a token whose
	// session ended answers session_not_found whether or not its user still exists, as before.
	if (sessionId !== null && !caller?.sessionActive) throw sessionNotFound();
	if (!caller) {
		throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
	}
	const { user, identities, factors } = caller;
	return { claims, user, sessionId, identities, factors };
}

export async function requireAdmin(ctx: AuthContext, req: GatewayRequest): Promise<VerifiedClaims> {
	const claims = await requireClaims(ctx, req);
	if (!claims.role || !ADMIN_ROLES.has(claims.role)) throw notAdmin();
	return claims;
}
