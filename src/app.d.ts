// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './lib/database.types';

declare global {
	namespace App {
		interface Locals {
			/** One server client per request, acting as the signed-in person under RLS. */
			supabase: SupabaseClient<Database>;
			/**
			 * Identity verified against the auth server or the project's JWKS, never read from cookies
			 * alone; whether a second factor is due comes from the auth server too.
			 */
			safeGetSession: () => Promise<{
				user: SessionUser | null;
				aal: string | null;
				hasVerifiedFactor: () => Promise<boolean>;
			}>;
			/** Who the session cookie claims to be, unverified (see authGuard in hooks.server.ts). */
			claimedUser: () => Promise<SessionUser | null>;
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
