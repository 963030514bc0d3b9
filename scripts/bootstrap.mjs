// Runs on whatever Node the machine has (system Node 20 included) before anything else: installs
// the project's dependencies, which bring Node 24 (the `node` package) for every later step.
// Plain JavaScript on purpose: it must run before TypeScript-capable Node exists.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

/** True when this Node satisfies package.json's engines (>=22.17). */
function nodeIsNewEnough(version = process.versions.node) {
	const [major, minor] = version.split('.').map(Number);
	return major > 22 || (major === 22 && minor >= 17);
}

/**
 * The directory of a Node that satisfies the engines field, for npm to run on. On an older Node
 * (a new machine's system Node 20) npm would warn about every package that needs a newer one
 * (EBADENGINE) although the install is about to bring Node 24. So the `node` package of the lock
 * file's version is installed alone first, into a cache outside node_modules (which `npm ci`
 * empties), quietly (it is a means, not the install), and the real install runs on it: none of
 * its warnings is silenced, and none has cause to appear.
 */
function installerNodeDir() {
	if (nodeIsNewEnough()) return path.dirname(process.execPath);
	const version = JSON.parse(readFileSync(lock, 'utf8')).packages['node_modules/node'].version;
	const dir = path.join(os.tmpdir(), `coachline-node-${version}`);
	const bin = path.join(dir, 'node_modules', '.bin');
	if (!existsSync(path.join(bin, 'node'))) {
		console.log(`Fetching Node ${version} for the install (system Node is ${process.version})...`);
		mkdirSync(dir, { recursive: true });
		// Its own package.json: npm allows the `node` package's install script (which brings the
		// platform's binary) only where a project says so.
		writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ private: true, allowScripts: { node: true } })
		);
		execFileSync(
			'npm',
			[
				'install',
				'--no-save',
				'--no-package-lock',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
				`node@${version}`
			],
			{ cwd: dir, stdio: 'inherit' }
		);
	}
	return bin;
}

if (stale) {
	const nodeDir = installerNodeDir();
	console.log('Installing dependencies (npm ci)...');
	// `npm` starts with `#!/usr/bin/env node`: the PATH decides which Node it runs on.
	execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, PATH: `${nodeDir}${path.delimiter}${process.env.PATH ?? ''}` }
	});
}

const version = execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim();
if (!nodeIsNewEnough(version.slice(1))) {
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
