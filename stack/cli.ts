// `npm run stack -- start|stop|status|reset|up|types|schema|test-db|lint`
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Cluster, StackError, assertPortFree, processAlive } from './postgres.ts';
import { prepareDatabase } from './instance.ts';
import { loadProjectConfig } from './config.ts';
import { ANON_KEY, PUBLISHABLE_KEY, SECRET_KEY, SERVICE_ROLE_KEY } from './keys.ts';
import { instanceDir, repoRoot } from './paths.ts';
import { generateTypes } from './types.ts';
import { generateSchemaSnapshot } from './schema-snapshot.ts';
import { generateApiDocs } from './api-docs.ts';
import { runCatalogLint } from './catalog-lint.ts';
import { runPgTap } from './pgtap.ts';

const config = loadProjectConfig();
const APP_PORT = Number(process.env.COACHLINE_APP_PORT ?? 5173);
// COACHLINE_DB_PORT (with COACHLINE_STATE_DIR) runs a second dev cluster beside the first.
const DB_PORT = Number(process.env.COACHLINE_DB_PORT ?? config.dbPort);
const devCluster = () => new Cluster({ name: 'dev', port: DB_PORT, durable: true });
const upLock = path.join(instanceDir('dev'), 'up.pid');

/** The `up` process and the services it started, as recorded in up.pid. */
function upState(): { pid: number; children: number[] } | null {
	if (!existsSync(upLock)) return null;
	try {
		const state = JSON.parse(readFileSync(upLock, 'utf8')) as { pid: number; children: number[] };
		return processAlive(state.pid) || state.children.some(processAlive) ? state : null;
	} catch {
		return null;
	}
}

function upPid(): number | null {
	return upState()?.pid ?? null;
}

function printUrls(cluster: Cluster): void {
	console.log(`
  App         http://127.0.0.1:${APP_PORT}
  API log     ${path.join(instanceDir('dev'), 'api.log')}
  API         http://127.0.0.1:${config.apiPort}   (/auth/v1 /rest/v1 /realtime/v1 /storage/v1)
  Mail        http://127.0.0.1:${config.localSmtp.port}   (every email auth sends; SMTP on ${config.localSmtp.smtpPort})
  Database    ${cluster.url}
  anon key         ${ANON_KEY}
  service_role key ${SERVICE_ROLE_KEY}
  publishable key  ${PUBLISHABLE_KEY}
  secret key       ${SECRET_KEY}
`);
}

async function start(): Promise<Cluster> {
	const cluster = devCluster();
	const r = await prepareDatabase(cluster);
	if (r.platformChanged) {
		console.warn(
			'stack/platform changed since this cluster was created: run `npm run stack -- reset` to rebuild it (demo data is re-seeded).'
		);
	}
	return cluster;
}

async function up(): Promise<void> {
	const running = upPid();
	if (running) {
		console.log(`Coachline is already running (pid ${running}).`);
		printUrls(devCluster());
		return;
	}
	await assertPortFree(APP_PORT, 'the app');
	await assertPortFree(config.apiPort, 'the API gateway');
	if (config.localSmtp.enabled && !config.auth.smtp) {
		await assertPortFree(config.localSmtp.port, 'the mail catcher');
		await assertPortFree(config.localSmtp.smtpPort, "the mail catcher's SMTP");
	}
	const cluster = await start();
	mkdirSync(path.dirname(upLock), { recursive: true });
	const children: ReturnType<typeof spawn>[] = [];
	const record = () =>
		writeFileSync(
			upLock,
			JSON.stringify({ pid: process.pid, children: children.map((c) => c.pid).filter(Boolean) })
		);
	record();
	const env = {
		...process.env,
		PUBLIC_SUPABASE_URL: `http://127.0.0.1:${config.apiPort}`,
		PUBLIC_SUPABASE_ANON_KEY: ANON_KEY
	};
	const api = spawn(process.execPath, [path.join(repoRoot, 'stack', 'serve.ts')], {
		cwd: repoRoot,
		env: {
			...env,
			COACHLINE_API_PORT: String(config.apiPort),
			COACHLINE_DB_PORT: String(DB_PORT)
		},
		// Structured request logs go to a file; errors still reach the terminal.
		stdio: ['ignore', openSync(path.join(instanceDir('dev'), 'api.log'), 'a'), 'inherit']
	});
	children.push(api);
	// The push worker (src/lib/server/push) runs beside the API; its first run writes the VAPID
	// keys into .env, which the app reads, so it goes first.
	const pushCli = path.join(repoRoot, 'src', 'lib', 'server', 'push', 'cli.ts');
	spawnSync(process.execPath, [pushCli, 'keys'], { cwd: repoRoot, stdio: 'ignore' });
	const push = spawn(process.execPath, [pushCli, 'run'], {
		cwd: repoRoot,
		env: { ...env, DATABASE_URL: cluster.url },
		stdio: ['ignore', openSync(path.join(instanceDir('dev'), 'push.log'), 'a'), 'inherit']
	});
	children.push(push);
	const media = spawn(
		process.execPath,
		[path.join(repoRoot, 'src', 'lib', 'server', 'media', 'cli.ts')],
		{
			cwd: repoRoot,
			env: { ...env, DATABASE_URL: cluster.url, SUPABASE_URL: env.PUBLIC_SUPABASE_URL },
			stdio: ['ignore', openSync(path.join(instanceDir('dev'), 'media.log'), 'a'), 'inherit']
		}
	);
	children.push(media);
	const app = spawn(
		path.join(repoRoot, 'node_modules', '.bin', 'vite'),
		['dev', '--host', '127.0.0.1', '--port', String(APP_PORT), '--strictPort'],
		{ cwd: repoRoot, env, stdio: 'inherit' }
	);
	children.push(app);
	record();
	printUrls(cluster);
	console.log(
		'Press Ctrl-C to stop the app (PostgreSQL keeps running; `npm run stack -- stop` stops it).'
	);
	const shutdown = () => {
		for (const c of children) c.kill('SIGTERM');
		rmSync(upLock, { force: true });
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
	for (const child of children) {
		child.on('exit', (code) => {
			for (const c of children) if (c !== child) c.kill('SIGTERM');
			rmSync(upLock, { force: true });
			process.exit(code ?? 0);
		});
	}
}

function stop(): void {
	// The services too: `up` may have died without taking them down (a killed terminal).
	const state = upState();
	for (const pid of [...(state?.children ?? []), ...(state ? [state.pid] : [])]) {
		try {
			process.kill(pid, 'SIGTERM');
		} catch {
			// already gone
		}
	}
	rmSync(upLock, { force: true });
	devCluster().stop();
	console.log('Stopped.');
}

function status(): void {
	const cluster = devCluster();
	const pg = cluster.pid();
	console.log(`PostgreSQL  ${pg ? `running (pid ${pg}) on 127.0.0.1:${DB_PORT}` : 'stopped'}`);
	console.log(`            data: ${cluster.dataDir}`);
	const u = upPid();
	console.log(`App/API     ${u ? `running (pid ${u})` : 'stopped'}`);
	if (pg) printUrls(cluster);
}

async function main(): Promise<void> {
	const [cmd, ...rest] = process.argv.slice(2);
	switch (cmd) {
		case 'up':
			return up();
		case 'start':
			printUrls(await start());
			return;
		case 'stop':
			return stop();
		case 'status':
			return status();
		case 'reset': {
			if (upPid()) throw new StackError('Stop `npm start` first (Ctrl-C), then reset.');
			devCluster().destroy();
			printUrls(await start());
			return;
		}
		case 'types': {
			const cluster = await start();
			process.exitCode = (await generateTypes(cluster.url, rest[0] === '--check')) ? 0 : 1;
			return;
		}
		case 'schema': {
			const cluster = await start();
			process.exitCode = generateSchemaSnapshot(cluster.url, rest[0] === '--check') ? 0 : 1;
			return;
		}
		case 'docs': {
			const cluster = await start();
			process.exitCode = (await generateApiDocs(cluster.url, rest[0] === '--check')) ? 0 : 1;
			return;
		}
		case 'test-db': {
			const cluster = await start();
			process.exitCode = runPgTap(cluster.url, rest).ok ? 0 : 1;
			return;
		}
		case 'lint': {
			const cluster = await start();
			process.exitCode = (await runCatalogLint(cluster.url)).ok ? 0 : 1;
			return;
		}
		default:
			console.log(
				'usage: npm run stack -- start|stop|status|reset|up|types [--check]|schema [--check]|docs [--check]|test-db|lint'
			);
			process.exitCode = cmd ? 1 : 0;
	}
}

main().catch((e: unknown) => {
	if (e instanceof StackError) {
		console.error(`\n✖ ${e.message}`);
		process.exit(1);
	}
	throw e;
});
