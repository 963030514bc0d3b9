// A production deployment that forgot a variable must stop at once, naming it: the workers are
// started for real here with NODE_ENV=production and one variable missing.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingSettingError, setting } from './production-env.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const SETTINGS = [
	'DATABASE_URL',
	'SUPABASE_URL',
	'PUBLIC_SUPABASE_URL',
	'SUPABASE_SERVICE_ROLE_KEY',
	'VAPID_PUBLIC_KEY',
	'VAPID_PRIVATE_KEY'
];

/** Runs a worker's entry point with exactly these settings (none inherited). */
function worker(file: string, args: string[], env: Record<string, string>) {
	const base = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => !SETTINGS.includes(k))
	) as Record<string, string>;
	// An empty directory as cwd: no .env with keys to find.
	return spawnSync(process.execPath, [path.join(here, file), ...args], {
		cwd: '/',
		env: { ...base, ...env },
		encoding: 'utf8',
		// A worker that did not refuse would start working; it must not get that far.
		timeout: 15_000
	});
}

const full = {
	DATABASE_URL: 'postgresql://app:secret@db.example.invalid:5432/postgres',
	SUPABASE_URL: 'https://project.example.invalid',
	SUPABASE_SERVICE_ROLE_KEY: 'service-role-key',
	VAPID_PUBLIC_KEY: 'public',
	VAPID_PRIVATE_KEY: 'private'
};
const without = (name: keyof typeof full) =>
	Object.fromEntries(Object.entries(full).filter(([k]) => k !== name));

describe('workers refuse to start in production without their settings', () => {
	for (const missing of ['DATABASE_URL', 'SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'] as const) {
		it(`media worker without ${missing}`, () => {
			const r = worker('media/cli.ts', [], { ...without(missing), NODE_ENV: 'production' });
			expect(r.status).toBe(1);
			expect(r.stderr).toContain(`${missing} is not set`);
		});
	}
	for (const missing of ['DATABASE_URL', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY'] as const) {
		it(`push worker without ${missing}`, () => {
			const r = worker('push/cli.ts', ['run'], { ...without(missing), NODE_ENV: 'production' });
			expect(r.status).toBe(1);
			expect(r.stderr).toContain(`${missing} is not set`);
		});
	}
});

describe('setting()', () => {
	it('falls back to the local default outside production only', () => {
		const before = process.env.NODE_ENV;
		try {
			delete process.env.COACHLINE_TEST_SETTING;
			process.env.NODE_ENV = 'development';
			expect(setting('COACHLINE_TEST_SETTING', 'A test.', 'local')).toBe('local');
			process.env.NODE_ENV = 'production';
			expect(() => setting('COACHLINE_TEST_SETTING', 'A test.', 'local')).toThrow(
				MissingSettingError
			);
			process.env.COACHLINE_TEST_SETTING = 'set';
			expect(setting('COACHLINE_TEST_SETTING', 'A test.', 'local')).toBe('set');
		} finally {
			process.env.NODE_ENV = before;
			delete process.env.COACHLINE_TEST_SETTING;
		}
	});
});
