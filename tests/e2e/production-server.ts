// The production server the e2e suite drives for part of its files: `vite build` (adapter-node)
// once, then `node build` configured only by environment variables, as README's hosted section
// runs it. What ships is what those files test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ProductionServer {
	url: string;
	stop(): Promise<void>;
}

/**
 * Builds the app into `<root>/build` for `origin` (plain http needs the origin at build time, see
 * vite.config.ts); returns the seconds it took.
 */
export function buildApp(root: string, origin: string): number {
	const t0 = Date.now();
	// Not the test runner's variables: vite.config.ts fills in defaults when it sees VITEST.
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))
	);
	const r = spawnSync(
		path.join(root, 'node_modules', '.bin', 'vite'),
		['build', '--logLevel', 'warn'],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
			env: { ...env, NODE_ENV: 'production', ORIGIN: origin }
		}
	);
	// Its output (timings, "run npm run preview") is noise in a test run, unless it failed.
	if (r.status !== 0)
		throw new Error(`vite build failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
	return (Date.now() - t0) / 1000;
}

/** Environment for `node build`: the variables a deployment sets, nothing inherited by accident. */
export function productionEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
	const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
	const base = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => keep.includes(k))
	) as NodeJS.ProcessEnv;
	return { ...base, NODE_ENV: 'production', ...settings };
}

/**
 * localhost, not 127.0.0.1: in production SvelteKit marks cookies Secure except on
 * http://localhost, and a browser keeps no Secure cookie from plain http elsewhere (a real
 * deployment is behind HTTPS).
 */
export function productionOrigin(port: number): string {
	return `http://localhost:${port}`;
}

export async function serveBuild(
	root: string,
	port: number,
	settings: Record<string, string>
): Promise<ProductionServer> {
	const url = productionOrigin(port);
	const child: ChildProcess = spawn(process.execPath, [path.join(root, 'build')], {
		cwd: root,
		env: productionEnv({ HOST: '127.0.0.1', PORT: String(port), ...settings }),
		stdio: ['ignore', 'ignore', 'inherit']
	});
	let exited: number | null = null;
	child.on('exit', (code) => (exited = code ?? 1));
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (exited !== null) throw new Error(`node build exited (${exited}) before serving`);
		const ok = await fetch(`http://127.0.0.1:${port}/login`)
			.then((r) => r.ok)
			.catch(() => false);
		if (ok) break;
		if (Date.now() > deadline) {
			child.kill('SIGTERM');
			throw new Error(`node build did not answer on ${url} within 30 s`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		stop: () =>
			new Promise((resolve) => {
				if (exited !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}
