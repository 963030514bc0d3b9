// Access tokens (HS256 JWTs with exactly GoTrue's claims) and opaque refresh tokens.
import { randomBytes } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { JwtError, verifyJwt } from '../jwt.ts';
import { badJwt } from './errors.ts';

export interface AccessClaimsInput {
	issuer: string;
	userId: string;
	email: string | null;
	phone: string | null;
	appMetadata: Record<string, unknown>;
	userMetadata: Record<string, unknown>;
	role: string;
	sessionId: string;
	/** When the session was authenticated (seconds), for the amr entry. */
	authenticatedAt: number;
	isAnonymous: boolean;
	expiresIn: number;
	/** The session's assurance level and methods; without them, aal1 by password. */
	aal?: string;
	amr?: { method: string; timestamp: number }[];
	now?: number;
}

export interface VerifiedClaims extends JWTPayload {
	role?: string;
	email?: string;
	session_id?: string;
	is_anonymous?: boolean;
}

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

export async function signAccessToken(
	secret: Uint8Array,
	c: AccessClaimsInput
): Promise<{ token: string; expiresAt: number }> {
	const iat = c.now ?? nowSeconds();
	const exp = iat + c.expiresIn;
	// Key order as GoTrue serializes AccessTokenClaims.
	const payload = {
		iss: c.issuer,
		sub: c.userId,
		aud: 'authenticated',
		exp,
		iat,
		email: c.email ?? '',
		phone: c.phone ?? '',
		app_metadata: c.appMetadata,
		user_metadata: c.userMetadata,
		role: c.role,
		aal: c.aal ?? 'aal1',
		amr: c.amr?.length ? c.amr : [{ method: 'password', timestamp: c.authenticatedAt }],
		session_id: c.sessionId,
		is_anonymous: c.isAnonymous
	};
	const token = await new SignJWT(payload)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(secret);
	return { token, expiresAt: exp };
}

/** Verifies an HS256 bearer (the stack's shared check); failures become GoTrue's 403 bad_jwt. */
export async function verifyAccessToken(
	secret: Uint8Array,
	token: string
): Promise<VerifiedClaims> {
	try {
		return (await verifyJwt(secret, token)) as VerifiedClaims;
	} catch (e) {
		const kind = e instanceof JwtError ? e.kind : 'malformed';
		if (kind === 'expired') throw badJwt('token has invalid claims: token is expired');
		if (kind === 'not_yet_valid') throw badJwt('token has invalid claims: token is not valid yet');
		if (kind === 'signature') {
			throw badJwt('unable to parse or verify signature, signature is invalid');
		}
		throw badJwt('unable to parse or verify signature, token is malformed');
	}
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An opaque refresh token: 32 lower-case alphanumerics (~165 bits), URL-safe like GoTrue's. */
export function newRefreshToken(): string {
	let out = '';
	while (out.length < 32) {
		for (const b of randomBytes(40)) {
			// 252 = 7 * 36: dropping the tail keeps every character equally likely.
			if (b < 252 && out.length < 32) out += ALPHABET[b % 36];
		}
	}
	return out;
}
