// `npm test`: every gate, each reported even when an earlier one failed, on a throwaway stack
// (own cluster, ports and data directory) that is torn down at the end, also on failure. It never
// touches the dev instance, so it passes while `npm start` is running.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { bootTestStack, type TestStack } from '../stack/test-stack.ts';
import { repoRoot } from '../stack/paths.ts';
import { runCatalogLint } from '../stack/catalog-lint.ts';
import { generateTypes } from '../stack/types.ts';
import { generateSchemaSnapshot } from '../stack/schema-snapshot.ts';
import { generateApiDocs } from '../stack/api-docs.ts';
import { runPgTap } from '../stack/pgtap.ts';
import { supabaseCli } from '../stack/migrate.ts';

interface StepResult {
	name: string;
	ok: boolean;
	seconds: number;
	note?: string;
}

const results: StepResult[] = [];
let passedTests = 0;
let failedTests = 0;
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, {
			cwd: repoRoot,
			stdio: 'inherit',
			env: { ...process.env, ...env }
		});
		child.on('exit', (code) => resolve(code ?? 1));
		child.on('error', () => resolve(1));
	});
}

async function step(name: string, fn: () => Promise<boolean | { ok: boolean; note?: string }>) {
	console.log(`\n━━ ${name} ━━`);
	const t0 = Date.now();
	let ok = false;
	let note: string | undefined;
	try {
		const r = await fn();
		ok = typeof r === 'boolean' ? r : r.ok;
		note = typeof r === 'boolean' ? undefined : r.note;
	} catch (e) {
		note = e instanceof Error ? e.message : String(e);
		console.error(note);
	}
	results.push({ name, ok, seconds: (Date.now() - t0) / 1000, note });
}

let stack: TestStack | null = null;
let stackError: string | null = null;
const cleanup = async () => {
	const s = stack;
	stack = null;
	await s?.stop();
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
	process.on(sig, () => {
		void cleanup().finally(() => process.exit(130));
	});
}

// Boot the stack while the static gates run: it is mostly waiting on Postgres.
const booting = bootTestStack({ log: (s) => console.log(`[stack] ${s}`) }).then(
	(s) => {
		stack = s;
	},
	(e: unknown) => {
		stackError = e instanceof Error ? e.message : String(e);
	}
);

// eslint's type-aware rules read tsconfig.json, which extends SvelteKit's generated config: a
// fresh clone has none until `svelte-kit sync` writes it.
await run(bin('svelte-kit'), ['sync']);

try {
	await step(
		'format (prettier --check)',
		async () => (await run(bin('prettier'), ['--check', '.', '--log-level', 'warn'])) === 0
	);
	await step(
		'lint (eslint, zero warnings)',
		async () => (await run(bin('eslint'), ['.', '--max-warnings', '0'])) === 0
	);
	await step('typecheck (svelte-check)', async () => {
		if ((await run(bin('svelte-kit'), ['sync'])) !== 0) return false;
		return (
			(await run(bin('svelte-check'), [
				'--tsconfig',
				'./tsconfig.json',
				'--fail-on-warnings',
				'--output',
				'human'
			])) === 0
		);
	});

	await booting;
	const needStack = (): TestStack => {
		if (!stack) throw new Error(`not run: the test stack did not boot:\n${stackError ?? ''}`);
		return stack;
	};
	await step('test stack (platform, migrations, seed, services)', async () => {
		const s = needStack();
		return { ok: true, note: `db ${s.dbUrl}, api ${s.apiUrl}` };
	});
	await step(
		'catalog lint (security and performance rules)',
		async () => (await runCatalogLint(needStack().dbUrl)).ok
	);
	await step('supabase db lint', async () => {
		const r = supabaseCli(
			['db', 'lint', '--fail-on', 'error', '--level', 'warning'],
			needStack().dbUrl
		);
		process.stdout.write(r.out + r.err);
		return r.ok;
	});
	await step('types drift (src/lib/database.types.ts)', async () =>
		generateTypes(needStack().dbUrl, true)
	);
	await step('schema snapshot drift (supabase/schema)', async () =>
		generateSchemaSnapshot(needStack().dbUrl, true)
	);
	await step('API guide drift (docs/api.md)', async () => generateApiDocs(needStack().dbUrl, true));
	await step('pgTAP (supabase/tests)', async () => {
		const r = runPgTap(needStack().dbUrl);
		passedTests += r.tests - r.failed;
		failedTests += r.failed;
		return { ok: r.ok, note: `${r.tests} assertions, ${r.failed} failed` };
	});
	await step('vitest (unit and integration)', async () => {
		const s = needStack();
		const out = path.join(repoRoot, 'test-results', 'vitest.json');
		mkdirSync(path.dirname(out), { recursive: true });
		rmSync(out, { force: true });
		const code = await run(
			bin('vitest'),
			['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
			{ COACHLINE_API_URL: s.apiUrl, COACHLINE_DB_URL: s.dbUrl, COACHLINE_MAIL_URL: s.mailUrl }
		);
		if (existsSync(out)) {
			const j = JSON.parse(readFileSync(out, 'utf8')) as {
				numPassedTests: number;
				numFailedTests: number;
				numTotalTests: number;
			};
			passedTests += j.numPassedTests;
			failedTests += j.numFailedTests;
			return {
				ok: code === 0 && j.numTotalTests > 0,
				note: `${j.numPassedTests} passed, ${j.numFailedTests} failed`
			};
		}
		return code === 0;
	});
} finally {
	await cleanup();
}

console.log('\n━━ summary ━━');
for (const r of results) {
	console.log(
		`${r.ok ? '✔' : '✖'} ${r.name} (${r.seconds.toFixed(1)} s)${r.note && !r.ok ? `\n    ${r.note.split('\n').join('\n    ')}` : r.note ? ` — ${r.note}` : ''}`
	);
}
const failedSteps = results.filter((r) => !r.ok).length;
console.log(`\nsteps: ${results.length - failedSteps} of ${results.length} passed`);
console.log(`${passedTests} passed, ${failedTests + failedSteps} failed`);
process.exit(failedSteps > 0 ? 1 : 0);
