// Who is asking: the bearer JWT verified as PostgREST does (HS256, 30 s clock skew, role claim,
// anon without a token). The check and its cache are the stack's shared one (stack/jwt.ts); this
// file only maps its failures to PostgREST's codes and the claims to a role.
import { JwtError, verifyJwt } from '../jwt.ts';
import { RestError, jwtError } from './errors.ts';

export interface Identity {
	role: string;
	/** request.jwt.claims: the claims, with "role" always present */
	claims: string;
}

const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);
const SKEW = 30;
const ANON: Identity = { role: 'anon', claims: '{"role":"anon"}' };

export function createAuthenticator(secret: string): (token: string | null) => Promise<Identity> {
	return async (token) => {
		if (!token) return ANON;
		const parts = token.split('.').length;
		if (parts !== 3) throw jwtError('PGRST301', `Expected 3 parts in JWT; got ${parts}`);
		let payload: Record<string, unknown>;
		try {
			payload = await verifyJwt(secret, token, { clockTolerance: SKEW });
		} catch (e) {
			const kind = e instanceof JwtError ? e.kind : 'malformed';
			if (kind === 'expired') throw jwtError('PGRST303', 'JWT expired');
			if (kind === 'not_yet_valid') throw jwtError('PGRST303', 'JWT not yet valid');
			if (kind === 'signature') throw jwtError('PGRST301', 'JWSError JWSInvalidSignature');
			throw jwtError('PGRST301', 'JWSError (CompactDecodeError Invalid JWT)');
		}
		const role = typeof payload.role === 'string' && payload.role !== '' ? payload.role : 'anon';
		if (!API_ROLES.has(role)) {
			throw new RestError(401, '22023', `role "${role}" does not exist`, null, null, {
				'www-authenticate': 'Bearer'
			});
		}
		return { role, claims: JSON.stringify({ ...payload, role }) };
	};
}
