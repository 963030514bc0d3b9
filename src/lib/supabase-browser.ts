import { createBrowserClient } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import { PUBLIC_SUPABASE_ANON_KEY, PUBLIC_SUPABASE_URL } from '$app/env/public';
import type { Database } from './database.types';

let client: SupabaseClient<Database> | null = null;

/**
 * The browser's one supabase-js client, for what must happen live in the page (realtime, chat).
 * It reads the session from the cookies hooks.server.ts keeps, so it acts as the same person.
 */
export function browserClient(): SupabaseClient<Database> {
	if (typeof window === 'undefined') {
		throw new Error('browserClient() is for the browser; server code uses locals.supabase.');
	}
	client ??= createBrowserClient<Database>(
		PUBLIC_SUPABASE_URL ?? '',
		PUBLIC_SUPABASE_ANON_KEY ?? '',
		{
			auth: { flowType: 'pkce' }
		}
	);
	return client;
}
