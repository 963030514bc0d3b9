// The JWTs realtime accepts: HS256 with the project secret, carrying `role` and `exp`, as the
// real server's connect and join checks demand.
import { jwtVerify, errors } from 'jose';

export interface Claims {
	role: string;
	exp: number;
	sub?: string;
	[k: string]: unknown;
}

export type TokenResult = { ok: true; claims: Claims } | { ok: false; reason: string };

/** Verified tokens remembered, so a client joining many channels is not re-verified each time. */
const CACHE_SIZE = 10_000;

export class TokenVerifier {
	private readonly key: Uint8Array;
	private readonly verified = new Map<string, Claims>();
	constructor(secret: string) {
		this.key = new TextEncoder().encode(secret);
	}

	async verify(token: string | null | undefined): Promise<TokenResult> {
		if (!token) return { ok: false, reason: 'You must provide a JWT' };
		const known = this.verified.get(token);
		// An expired one falls through, for jose to give the reason.
		if (known && known.exp * 1000 > Date.now()) return { ok: true, claims: known };
		this.verified.delete(token);
		const result = await this.verifyNow(token);
		if (result.ok) {
			if (this.verified.size >= CACHE_SIZE) {
				const oldest = this.verified.keys().next();
				if (!oldest.done) this.verified.delete(oldest.value);
			}
			this.verified.set(token, result.claims);
		}
		return result;
	}

	private async verifyNow(token: string): Promise<TokenResult> {
		try {
			const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
			if (typeof payload.role !== 'string' || !payload.role)
				return { ok: false, reason: 'Fields `role` and `exp` are required in JWT' };
			if (typeof payload.exp !== 'number')
				return { ok: false, reason: 'Fields `role` and `exp` are required in JWT' };
			return { ok: true, claims: payload as Claims };
		} catch (e) {
			if (e instanceof errors.JWTExpired) {
				const exp = Number((e.payload as { exp?: number }).exp ?? 0);
				const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
				return { ok: false, reason: `Token has expired ${ago} seconds ago` };
			}
			if (e instanceof errors.JWSSignatureVerificationFailed)
				return { ok: false, reason: 'Signature error' };
			return { ok: false, reason: 'Invalid JWT' };
		}
	}
}
