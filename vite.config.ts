import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';

// SvelteKit validates the app's environment when the plugin loads, and vitest loads it too: the
// app is not under test in unit and integration runs, so point it at the local defaults there.
if (process.env.VITEST) {
	process.env.PUBLIC_SUPABASE_URL ??= process.env.COACHLINE_API_URL ?? 'http://127.0.0.1:54321';
	process.env.PUBLIC_SUPABASE_ANON_KEY ??=
		'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
}

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter(),
			// The public origin, fixed at build time (adapter-node derives it per request otherwise,
			// from the Host header, with https unless PROTOCOL_HEADER names a proxy's header). Set
			// ORIGIN when building for plain http, such as http://localhost:3000 to try the
			// production server locally; behind HTTPS leave it unset.
			...(process.env.ORIGIN ? { paths: { origin: process.env.ORIGIN } } : {}),
			compilerOptions: { runes: true },
			serviceWorker: { register: false }
		})
	],
	server: { host: '127.0.0.1' },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'stack/**/*.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 90_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 180_000,
					hookTimeout: 180_000
				}
			}
		]
	}
});
