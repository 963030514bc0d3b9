import { defineEnvVars } from '@sveltejs/kit/env';

// Read when the app starts (not inlined at build time), so one build runs against any backend.
// Optional here so `vite build` runs without them; hooks.server.ts refuses requests, saying
// which variable is missing, when the app starts without them.
const optional = (value: string | undefined) => value || undefined;

export const variables = defineEnvVars({
	PUBLIC_SUPABASE_URL: {
		public: true,
		schema: optional,
		description: 'The Supabase API, e.g. http://127.0.0.1:54321 (npm start and the tests set it).'
	},
	PUBLIC_SUPABASE_ANON_KEY: {
		public: true,
		schema: optional,
		description: 'The anon (or publishable) key: the app acts as the signed-in person under RLS.'
	},
	SUPABASE_SERVICE_ROLE_KEY: {
		schema: optional,
		description:
			'Server-only: lets the app email invitations through the Auth admin API. Locally the CLI key is used when unset.'
	},
	PUBLIC_VAPID_PUBLIC_KEY: {
		public: true,
		schema: optional,
		description:
			'The VAPID public key browsers subscribe to web push with (npm start generates it into .env).'
	}
});
