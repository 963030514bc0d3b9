// Runs pgTAP the way `supabase test db` does: pgtap in the extensions schema, then pg_prove over
// supabase/tests, so both commands run the same files.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.ts';
import { ensurePostgresPackages, psql, StackError } from './postgres.ts';

export interface TapResult {
	ok: boolean;
	tests: number;
	failed: number;
	output: string;
}

export function runPgTap(url: string, files: string[] = []): TapResult {
	// pg_prove and pgTAP: a stack booted elsewhere (another checkout, stack-up) may not have them.
	ensurePostgresPackages();
	const ext = psql(url, ['-c', 'create extension if not exists pgtap with schema extensions']);
	if (!ext.ok) throw new StackError(`Could not create the pgtap extension:\n${ext.err}`);
	const u = new URL(url);
	const targets = files.length ? files : [path.join(repoRoot, 'supabase', 'tests')];
	const r = spawnSync('pg_prove', ['--ext', '.pg', '--ext', '.sql', '-r', ...targets], {
		cwd: repoRoot,
		encoding: 'utf8',
		env: {
			...process.env,
			PGHOST: u.hostname,
			PGPORT: u.port,
			PGUSER: decodeURIComponent(u.username),
			PGPASSWORD: decodeURIComponent(u.password),
			PGDATABASE: u.pathname.slice(1)
		},
		maxBuffer: 64 * 1024 * 1024
	});
	const output = `${r.stdout}${r.stderr}`;
	process.stdout.write(output);
	const tests = Number(output.match(/Tests=(\d+)/)?.[1] ?? 0);
	const failedList = output.match(/Failed (\d+)\/(\d+) subtests/g) ?? [];
	const failed = failedList.reduce((n, s) => n + Number(s.match(/Failed (\d+)/)?.[1] ?? 0), 0);
	return { ok: r.status === 0 && tests > 0, tests, failed, output };
}
