// Signed URL tokens, HS256 with the project's JWT secret as supabase/storage signs them:
// downloads carry {url, scope?}, uploads {owner, url, upsert, scope:'upload', jti}. The jti lets a
// signed upload URL be used once: the object it wrote remembers it (see uploadObject).
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { verifyJwt } from '../jwt.ts';
import { badRequest, invalidSignedToken, invalidSignature } from './errors.ts';
import { jwtFailure } from './scope.ts';

export const UPLOAD_URL_SECONDS = 2 * 60 * 60;

export async function signDownload(
	secret: Uint8Array,
	url: string,
	expiresIn: number,
	transformations?: string
): Promise<string> {
	// A transformed image's options travel in the token, so they cannot be changed once signed.
	return new SignJWT({ url, scope: 'download', ...(transformations ? { transformations } : {}) })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
		.sign(secret);
}

export async function signUpload(
	secret: Uint8Array,
	url: string,
	owner: string | null,
	upsert: boolean
): Promise<string> {
	return new SignJWT({ owner: owner ?? undefined, url, upsert, scope: 'upload', jti: randomUUID() })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime(Math.floor(Date.now() / 1000) + UPLOAD_URL_SECONDS)
		.sign(secret);
}

export interface SignedClaims {
	url: string;
	owner: string | null;
	upsert: boolean;
	scope: string | null;
	/** The upload token's id (absent from tokens signed before ids existed). */
	jti: string | null;
	/** A download token's image transformation (`width:200,height:200`), or ''. */
	transformations: string;
	exp: number;
}

/** Verifies a signed-URL token and that it was issued for exactly `url`. */
export async function verifySigned(
	secret: Uint8Array,
	token: string | null,
	url: string
): Promise<SignedClaims> {
	if (!token) throw badRequest("querystring must have required property 'token'");
	let payload: Record<string, unknown>;
	try {
		payload = await verifyJwt(secret, token);
	} catch (e) {
		throw invalidSignedToken(jwtFailure(e));
	}
	if (payload.url !== url) throw invalidSignature();
	return {
		url,
		owner: typeof payload.owner === 'string' ? payload.owner : null,
		upsert: payload.upsert === true,
		scope: typeof payload.scope === 'string' ? payload.scope : null,
		jti: typeof payload.jti === 'string' ? payload.jti : null,
		transformations: typeof payload.transformations === 'string' ? payload.transformations : '',
		exp: typeof payload.exp === 'number' ? payload.exp : 0
	};
}
