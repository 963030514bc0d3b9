// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './lib/database.types';

declare global {
	namespace App {
		interface Locals {
			/** One server client per request, acting as the signed-in person under RLS. */
			supabase: SupabaseClient<Database>;
			/** Identity verified against the auth server (getClaims), never read from cookies alone. */
			safeGetSession: () => Promise<{ user: SessionUser | null; aal: string | null }>;
			/** Set by the authGuard handle for the rest of the request. */
			user: SessionUser | null;
		}
		// interface Error {}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}

	interface SessionUser {
		id: string;
		email: string | null;
	}
}

export {};
