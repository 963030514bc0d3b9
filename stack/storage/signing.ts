// Signed URL tokens, HS256 with the project's JWT secret as supabase/storage signs them:
// downloads carry {url, scope?}, uploads {owner, url, upsert, scope:'upload', jti}. The jti lets a
// signed upload URL be used once: the object it wrote remembers it (see uploadObject).
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { JwtError, verifyJwt } from '../jwt.ts';
import { invalidJwt, storageError } from './errors.ts';

export const UPLOAD_URL_SECONDS = 2 * 60 * 60;

export async function signDownload(
	secret: Uint8Array,
	url: string,
	expiresIn: number
): Promise<string> {
	return new SignJWT({ url })
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
}

/** Verifies a signed-URL token and that it was issued for exactly `url`. */
export async function verifySigned(
	secret: Uint8Array,
	token: string | null,
	url: string
): Promise<SignedClaims> {
	if (!token) throw storageError('400', 'InvalidSignature', 'Invalid Input', 'Missing token');
	let payload: Record<string, unknown>;
	try {
		payload = await verifyJwt(secret, token);
	} catch (e) {
		if (e instanceof JwtError && e.kind === 'expired') throw invalidJwt('jwt expired');
		throw invalidJwt('invalid signature');
	}
	if (payload.url !== url)
		throw storageError(
			'400',
			'InvalidSignature',
			'Invalid Input',
			'The url do not match the signature'
		);
	return {
		url,
		owner: typeof payload.owner === 'string' ? payload.owner : null,
		upsert: payload.upsert === true,
		scope: typeof payload.scope === 'string' ? payload.scope : null,
		jti: typeof payload.jti === 'string' ? payload.jti : null
	};
}
