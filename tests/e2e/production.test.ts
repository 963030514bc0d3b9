// The production server (`node build`) refuses to start when a Supabase setting is missing, naming
// it, instead of serving pages that fail on every request.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../stack/postgres.ts';
import { ANON_KEY } from '../../stack/keys.ts';
import { productionEnv, serveBuild } from './production-server.ts';
import { signedInClient } from '../support/stack.ts';

/** Starts `node build` with these settings; resolves with its exit code and stderr, or 'serving'. */
function start(settings: Record<string, string>, port: number) {
	return new Promise<{ code: number | null; stderr: string }>((resolve) => {
		const child = spawn(process.execPath, [path.join(inject('rootDir'), 'build')], {
			env: productionEnv({ HOST: '127.0.0.1', PORT: String(port), ...settings }),
			stdio: ['ignore', 'ignore', 'pipe']
		});
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		// Still up after 10 s means it started: stop it and say so.
		const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stderr });
		});
	});
}

describe('node build with NODE_ENV=production', () => {
	for (const missing of ['PUBLIC_SUPABASE_URL', 'PUBLIC_SUPABASE_ANON_KEY']) {
		it(`exits at start without ${missing}, naming it`, async () => {
			const settings: Record<string, string> = {
				PUBLIC_SUPABASE_URL: inject('apiUrl'),
				PUBLIC_SUPABASE_ANON_KEY: ANON_KEY
			};
			delete settings[missing];
			const r = await start(settings, await findFreePort(5950));
			expect(r.code).not.toBe(0);
			expect(r.code).not.toBeNull();
			expect(r.stderr).toContain(`${missing} is not set`);
		});
	}

	it('serves the sign-in page when both are set', async () => {
		const res = await fetch(`${inject('productionAppUrl')}/login`);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Sign in');
		// The built app, not Vite's dev client.
		expect(html).not.toContain('/@vite/client');
	});

	it('with the API unreachable, a signed-in page says so (503) and sign-in still shows', async () => {
		// A real session, presented to a server whose API address answers nothing.
		const { client } = await signedInClient('athlete01@coachline.dev');
		const { data } = await client.auth.getSession();
		expect(data.session).not.toBeNull();
		const deadApi = `http://127.0.0.1:${await findFreePort(6150)}`;
		const server = await serveBuild(inject('rootDir'), await findFreePort(6100), {
			PUBLIC_SUPABASE_URL: deadApi,
			PUBLIC_SUPABASE_ANON_KEY: ANON_KEY
		});
		try {
			// @supabase/ssr's cookie for that address: sb-<first label of the host>-auth-token.
			const cookie = `sb-127-auth-token=base64-${Buffer.from(JSON.stringify(data.session)).toString('base64url')}`;
			const page = await fetch(`${server.url}/org/northside/today`, {
				headers: { cookie },
				redirect: 'manual'
			});
			expect(page.status).toBe(503);
			expect(await page.text()).toContain('cannot reach its server');
			const signIn = await fetch(`${server.url}/login`, { headers: { cookie } });
			expect(signIn.status).toBe(200);
			expect(await signIn.text()).toContain('Sign in');
		} finally {
			await server.stop();
		}
	});
});
