// The JWTs realtime accepts: HS256 with the project secret, carrying `role` and `exp`, as the
// real server's connect and join checks demand. The signature check and its cache are the
// stack's shared one (stack/jwt.ts); this class keeps realtime's own reasons.
import { JwtError, verifyJwt } from '../jwt.ts';

export interface Claims {
	role: string;
	exp: number;
	sub?: string;
	[k: string]: unknown;
}

export type TokenResult = { ok: true; claims: Claims } | { ok: false; reason: string };

export class TokenVerifier {
	private readonly secret: string;
	constructor(secret: string) {
		this.secret = secret;
	}

	async verify(token: string | null | undefined): Promise<TokenResult> {
		if (!token) return { ok: false, reason: 'You must provide a JWT' };
		try {
			const payload = await verifyJwt(this.secret, token);
			if (typeof payload.role !== 'string' || !payload.role || typeof payload.exp !== 'number')
				return { ok: false, reason: 'Fields `role` and `exp` are required in JWT' };
			return { ok: true, claims: payload as Claims };
		} catch (e) {
			const kind = e instanceof JwtError ? e.kind : 'malformed';
			if (kind === 'expired') {
				const exp = Number((e as JwtError).payload?.exp ?? 0);
				const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
				return { ok: false, reason: `Token has expired ${ago} seconds ago` };
			}
			if (kind === 'signature') return { ok: false, reason: 'Signature error' };
			return { ok: false, reason: 'Invalid JWT' };
		}
	}
}
