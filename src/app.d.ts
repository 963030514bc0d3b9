// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './lib/database.types';
import type { SessionContext } from './lib/db/session';

declare global {
	namespace App {
		interface Locals {
			/** One server client per request, acting as the signed-in person under RLS. */
			supabase: SupabaseClient<Database>;
			/**
			 * The session as the API verified it (public.session_context), read once per request:
			 * whether it is active, whether a second factor is due, the profile and memberships.
			 * Never from cookies alone. Throws a DbError (503) when the API cannot answer.
			 * `afterChange` reads it once more, for a page rendered after a form action.
			 */
			session: (afterChange?: boolean) => Promise<SessionContext>;
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
