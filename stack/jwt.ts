// The one place the stack checks a JWT: HS256 with the project secret, and one bounded cache of
// tokens already verified, shared by every service in the process (auth, rest, realtime, storage).
// A session token is presented on nearly every request and often to several services in a row, so
// the signature check runs once per token instead of once per request per service.
//
// The cache only remembers "this token's signature is good and these are its claims". Time is
// checked on every call (a remembered token that has since expired is re-verified, so the caller
// gets the real reason), and what a claim means (role allowed, url matching, ...) stays with each
// service, as does the wording of the error it answers with.
import { jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';

export type JwtFailure = 'malformed' | 'signature' | 'expired' | 'not_yet_valid';

export class JwtError extends Error {
	readonly kind: JwtFailure;
	/** The claims as decoded (unverified) when the failure is about time; null otherwise. */
	readonly payload: JWTPayload | null;
	constructor(kind: JwtFailure, message: string, payload: JWTPayload | null = null) {
		super(message);
		this.kind = kind;
		this.payload = payload;
	}
}

export interface VerifyOptions {
	/** Seconds of clock skew tolerated on exp/nbf (PostgREST allows 30; GoTrue none). */
	clockTolerance?: number;
}

/** Most tokens at once; past it the least recently used is dropped (one policy for all). */
export const JWT_CACHE_SIZE = 10_000;

interface Entry {
	payload: JWTPayload;
	exp: number | null;
	nbf: number | null;
}

/**
 * A bounded map that drops the least recently used entry when full. Map iteration order is
 * insertion order, so re-inserting on every hit keeps the first key the least recently used.
 */
export class LruCache<V> {
	private readonly map = new Map<string, V>();
	readonly limit: number;
	constructor(limit: number) {
		this.limit = limit;
	}
	get(key: string): V | undefined {
		const v = this.map.get(key);
		if (v !== undefined) {
			this.map.delete(key);
			this.map.set(key, v);
		}
		return v;
	}
	set(key: string, value: V): void {
		this.map.delete(key);
		if (this.map.size >= this.limit) {
			const oldest = this.map.keys().next();
			if (!oldest.done) this.map.delete(oldest.value);
		}
		this.map.set(key, value);
	}
	delete(key: string): void {
		this.map.delete(key);
	}
	get size(): number {
		return this.map.size;
	}
}

// Keyed by secret id + token, so stacks with different secrets in one process (tests) never
// accept each other's tokens.
const cache = new LruCache<Entry>(JWT_CACHE_SIZE);
const secretIds = new Map<string, number>();
const keys = new Map<number, Uint8Array>();

function secretId(secret: string | Uint8Array): number {
	const text = typeof secret === 'string' ? secret : Buffer.from(secret).toString('latin1');
	const mark = typeof secret === 'string' ? `s:${text}` : `b:${text}`;
	let id = secretIds.get(mark);
	if (id === undefined) {
		id = secretIds.size + 1;
		secretIds.set(mark, id);
		keys.set(id, typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
	}
	return id;
}

function fresh(e: Entry, tolerance: number): boolean {
	const now = Date.now() / 1000;
	if (e.exp !== null && now > e.exp + tolerance) return false;
	if (e.nbf !== null && now + tolerance < e.nbf) return false;
	return true;
}

/** Verifies `token` (HS256, `secret`) and returns its claims, or throws a JwtError. */
export async function verifyJwt(
	secret: string | Uint8Array,
	token: string,
	options: VerifyOptions = {}
): Promise<JWTPayload> {
	const tolerance = options.clockTolerance ?? 0;
	const id = secretId(secret);
	const cacheKey = `${id}:${token}`;
	const hit = cache.get(cacheKey);
	if (hit) {
		if (fresh(hit, tolerance)) return hit.payload;
		cache.delete(cacheKey);
	}
	let payload: JWTPayload;
	try {
		({ payload } = await jwtVerify(token, keys.get(id)!, {
			algorithms: ['HS256'],
			clockTolerance: tolerance
		}));
	} catch (e) {
		if (e instanceof joseErrors.JWTExpired) throw new JwtError('expired', e.message, e.payload);
		if (e instanceof joseErrors.JWTClaimValidationFailed)
			throw new JwtError('not_yet_valid', e.message, e.payload);
		if (e instanceof joseErrors.JWSSignatureVerificationFailed)
			throw new JwtError('signature', e.message);
		throw new JwtError('malformed', e instanceof Error ? e.message : String(e));
	}
	cache.set(cacheKey, {
		payload,
		exp: typeof payload.exp === 'number' ? payload.exp : null,
		nbf: typeof payload.nbf === 'number' ? payload.nbf : null
	});
	return payload;
}

/** How many verified tokens are remembered now (for tests of the bound). */
export function jwtCacheSize(): number {
	return cache.size;
}
