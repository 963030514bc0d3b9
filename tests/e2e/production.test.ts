// The production server (`node build`) refuses to start when a Supabase setting is missing, naming
// it, instead of serving pages that fail on every request.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../stack/postgres.ts';
import { ANON_KEY } from '../../stack/keys.ts';
import { productionEnv } from './production-server.ts';

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
});
