// What integration tests share: the stack's URLs, the well-known keys, and clients.
import { inject } from 'vitest';
import postgres from 'postgres';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	SERVICE_ROLE_KEY,
	PUBLISHABLE_KEY,
	SECRET_KEY,
	JWT_SECRET
} from '../../stack/keys.ts';
import { DEMO_PASSWORD } from './seed.ts';

export { ANON_KEY, SERVICE_ROLE_KEY, PUBLISHABLE_KEY, SECRET_KEY, JWT_SECRET };

export const apiUrl = (): string => inject('apiUrl');
export const dbUrl = (): string => inject('dbUrl');

/** A superuser connection to the test database, for arranging and checking state. */
export function adminSql(): postgres.Sql {
	return postgres(dbUrl(), { max: 4, onnotice: () => {} });
}

export function anonClient(key = ANON_KEY): SupabaseClient {
	return createClient(apiUrl(), key, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
}

export function serviceClient(): SupabaseClient {
	return createClient(apiUrl(), SERVICE_ROLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
}

/** An HS256 JWT with `claims`, expiring in `ttlSeconds` (negative: already expired). */
export async function mintJwt(
	claims: Record<string, unknown>,
	ttlSeconds = 3600,
	secret = JWT_SECRET
): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
		.sign(new TextEncoder().encode(secret));
}

/** An access token for user `sub` as the auth service would issue it, without a sign-in. */
export function userJwt(sub: string, ttlSeconds = 3600): Promise<string> {
	return mintJwt({ sub, role: 'authenticated', aud: 'authenticated' }, ttlSeconds);
}

/**
 * A client acting as user `sub` with a token minted here, for REST, storage and realtime alike
 * (supabase-js asks the accessToken callback on every request and every realtime rejoin).
 */
export async function clientAs(sub: string): Promise<SupabaseClient> {
	const token = await userJwt(sub);
	const c = createClient(apiUrl(), ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		accessToken: async () => token
	});
	await c.realtime.setAuth(token);
	return c;
}

/**
 * Signs in with a password through /auth/v1 (the seeded people's password unless given) and
 * hands the session to realtime too; returns the client and the person's id.
 */
export async function signedInClient(
	email: string,
	password = DEMO_PASSWORD
): Promise<{ client: SupabaseClient; id: string }> {
	const client = anonClient();
	const { data, error } = await client.auth.signInWithPassword({ email, password });
	if (error || !data.session)
		throw new Error(`sign in ${email}: ${error?.message ?? 'no session'}`);
	await client.realtime.setAuth(data.session.access_token);
	return { client, id: data.user.id };
}

let counter = 0;
/** A unique email per call, so tests never collide on a shared database. */
export function uniqueEmail(prefix = 'user'): string {
	counter += 1;
	return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter}@test.coachline.dev`;
}
