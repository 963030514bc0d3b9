// Who is asking: the bearer JWT verified as PostgREST does (HS256, 30 s clock skew, role claim,
// anon without a token). Verified tokens are remembered until they expire, which keeps
// signature checks off the hot path for clients that reuse their session token.
import { errors, jwtVerify, decodeProtectedHeader } from 'jose';
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
	const key = new TextEncoder().encode(secret);
	const cache = new Map<string, { id: Identity; exp: number | null }>();
	return async (token) => {
		if (!token) return ANON;
		const hit = cache.get(token);
		const now = Date.now() / 1000;
		if (hit && (hit.exp === null || now <= hit.exp + SKEW)) return hit.id;
		if (hit) cache.delete(token);
		const parts = token.split('.').length;
		if (parts !== 3) throw jwtError('PGRST301', `Expected 3 parts in JWT; got ${parts}`);
		let payload: Record<string, unknown>;
		try {
			decodeProtectedHeader(token);
			({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: SKEW }));
		} catch (e) {
			if (e instanceof errors.JWTExpired) throw jwtError('PGRST303', 'JWT expired');
			if (e instanceof errors.JWTClaimValidationFailed)
				throw jwtError('PGRST303', 'JWT not yet valid');
			if (e instanceof errors.JWSSignatureVerificationFailed)
				throw jwtError('PGRST301', 'JWSError JWSInvalidSignature');
			throw jwtError('PGRST301', 'JWSError (CompactDecodeError Invalid JWT)');
		}
		const role = typeof payload.role === 'string' && payload.role !== '' ? payload.role : 'anon';
		if (!API_ROLES.has(role)) {
			throw new RestError(401, '22023', `role "${role}" does not exist`, null, null, {
				'www-authenticate': 'Bearer'
			});
		}
		const id: Identity = { role, claims: JSON.stringify({ ...payload, role }) };
		if (cache.size >= 5000) cache.clear();
		cache.set(token, { id, exp: typeof payload.exp === 'number' ? payload.exp : null });
		return id;
	};
}
