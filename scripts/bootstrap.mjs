// Runs on whatever Node the machine has (system Node 20 included) before anything else: installs
// the project's dependencies, which bring Node 24 (the `node` package) for every later step.
// Plain JavaScript on purpose: it must run before TypeScript-capable Node exists.
import { execSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = path.join(root, 'package-lock.json');
const installedLock = path.join(root, 'node_modules', '.package-lock.json');
const node24 = path.join(root, 'node_modules', '.bin', 'node');

const stale =
	!existsSync(installedLock) ||
	!existsSync(node24) ||
	(existsSync(lock) && statSync(lock).mtimeMs > statSync(installedLock).mtimeMs);

if (stale) {
	console.log('Installing dependencies...');
	try {
		execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
	} catch {
		// The Supabase CLI lists a binary package per platform as optional dependencies; when the
		// registry lacks some platforms' builds of that version, npm leaves them out of the lock
		// file and then refuses `npm ci`. `npm install` honours the lock file all the same.
		console.log('npm ci refused the lock file; installing with npm install instead...');
		execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
	}
}

const version = execSync(`"${node24}" --version`, { encoding: 'utf8' }).trim();
if (!/^v(2[4-9]|[3-9]\d)\./.test(version)) {
	console.error(`Expected Node 24+ from node_modules/.bin/node, found ${version}. Run: npm ci`);
	process.exit(1);
}

// `node scripts/bootstrap.mjs <script.ts> [args]` then runs the script on Node 24. Chaining
// `… && node script.ts` in package.json is not enough: on a fresh machine the shell has already
// looked up `node` (system Node 20) before node_modules/.bin existed, and keeps using it.
const [script, ...args] = process.argv.slice(2);
if (script) {
	const child = spawn(node24, [path.join(root, script), ...args], { cwd: root, stdio: 'inherit' });
	for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
		process.on(sig, () => child.kill(sig));
	}
	child.on('exit', (code, signal) => {
		if (signal) process.kill(process.pid, signal);
		else process.exit(code ?? 1);
	});
}
