// Brings a cluster to the state the app expects: the platform (what Supabase's image provides),
// then our migrations through the official CLI (history in supabase_migrations.schema_migrations,
// exactly as on real Supabase), then the seed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';
import { psql, StackError } from './postgres.ts';

const platformDir = path.join(repoRoot, 'stack', 'platform');

export function applyPlatform(url: string): void {
	for (const file of readdirSync(platformDir)
		.filter((f) => f.endsWith('.sql'))
		.sort()) {
		const r = psql(url, ['--single-transaction', '-f', path.join(platformDir, file)]);
		if (!r.ok) throw new StackError(`Platform file stack/platform/${file} failed:\n${r.err}`);
	}
}

const supabaseBin = path.join(repoRoot, 'node_modules', '.bin', 'supabase');

/** Runs the official Supabase CLI against a database URL, never touching a linked project. */
export function supabaseCli(
	args: string[],
	url?: string
): { ok: boolean; out: string; err: string } {
	const r = spawnSync(supabaseBin, [...args, ...(url ? [`--remote=${url}`] : [])], {
		cwd: repoRoot,
		encoding: 'utf8',
		env: {
			...process.env,
			PGSSLMODE: 'disable',
			SUPABASE_YES: '1',
			DO_NOT_TRACK: '1',
			SUPABASE_TELEMETRY_DISABLED: '1'
		},
		maxBuffer: 64 * 1024 * 1024
	});
	return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

export function listMigrations(): string[] {
	return readdirSync(path.join(repoRoot, 'supabase', 'migrations'))
		.filter((f) => /^\d{14}_.+\.sql$/.test(f))
		.sort();
}

/**
 * Applies pending migrations. The CLI runs each file in its own transaction, so a failing file
 * leaves nothing half-applied; we name the file and show Postgres' error.
 */
export function migrateUp(url: string): void {
	if (listMigrations().length === 0) return;
	// --include-all: a migration merged from another branch may sort before one already applied
	// here; the CLI would refuse it, and on a development database applying it is what we want.
	const r = supabaseCli(['migration', 'up', '--include-all', '--yes'], url);
	if (!r.ok) {
		const text = `${r.out}\n${r.err}`;
		const applying = [...text.matchAll(/Applying migration (\S+)\.\.\./g)].pop()?.[1];
		const detail = text
			.split('\n')
			.filter(
				(l) =>
					l.trim() && !/^(│|▲|Target:|Confirmed by|Applying migration|Try rerunning)/.test(l.trim())
			)
			.join('\n');
		throw new StackError(
			applying
				? `Migration ${applying} failed; it was rolled back and later files were not applied.\n${detail}`
				: `supabase migration up failed before applying anything:\n${detail}`
		);
	}
}

export function seed(url: string): void {
	const file = path.join(repoRoot, 'supabase', 'seed.sql');
	let sql: string;
	try {
		sql = readFileSync(file, 'utf8');
	} catch {
		return;
	}
	const r = psql(url, ['--single-transaction'], sql);
	if (!r.ok) throw new StackError(`supabase/seed.sql failed (rolled back):\n${r.err}`);
}
