// What integration tests share: the stack's URLs, the well-known keys, and clients.
import { inject } from 'vitest';
import postgres from 'postgres';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	SERVICE_ROLE_KEY,
	PUBLISHABLE_KEY,
	SECRET_KEY,
	JWT_SECRET
} from '../../stack/keys.ts';

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

let counter = 0;
/** A unique email per call, so tests never collide on a shared database. */
export function uniqueEmail(prefix = 'user'): string {
	counter += 1;
	return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter}@test.coachline.dev`;
}
