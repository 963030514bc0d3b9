// tokens.AccessTokenResponse: the session JSON auth-js stores.
import type { AuthContext } from './context.ts';
import { sessionAssurance, type IssuedSession } from './sessions.ts';
import { signAccessToken } from './tokens.ts';
import { findFactors, findIdentities, userJson, type Sql, type UserRow } from './users.ts';

export async function sessionResponse(
	ctx: AuthContext,
	sql: Sql,
	user: UserRow,
	issued: IssuedSession
) {
	const assurance = await sessionAssurance(sql, issued.sessionId);
	const { token, expiresAt } = await signAccessToken(ctx.secret, {
		aal: assurance.aal,
		amr: assurance.amr,
		issuer: ctx.settings.issuer,
		userId: user.id,
		email: user.email,
		phone: user.phone,
		appMetadata: user.raw_app_meta_data ?? {},
		userMetadata: user.raw_user_meta_data ?? {},
		role: user.role || 'authenticated',
		sessionId: issued.sessionId,
		authenticatedAt: issued.authenticatedAt,
		isAnonymous: user.is_anonymous,
		expiresIn: ctx.settings.jwtExpiry
	});
	return {
		access_token: token,
		token_type: 'bearer',
		expires_in: ctx.settings.jwtExpiry,
		expires_at: expiresAt,
		refresh_token: issued.refreshToken,
		user: userJson(user, await findIdentities(sql, user.id), await findFactors(sql, user.id))
	};
}
