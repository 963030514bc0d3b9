// The app's background workers, as package.json names them: `coachline.workers.setup` (run to
// completion before anything starts) and `coachline.workers.run` (kept running beside the API).
// Each entry is an npm script with optional arguments ("worker:push run"). The stack reads the
// script's command from package.json and never a path into the app's code, so the app may move
// its workers without the stack knowing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export interface WorkerConfig {
	setup: string[];
	run: string[];
}

interface PackageJson {
	scripts?: Record<string, string>;
	coachline?: { workers?: Partial<WorkerConfig> };
}

function packageJson(): PackageJson {
	return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
}

export function loadWorkers(): WorkerConfig {
	const w = packageJson().coachline?.workers ?? {};
	return { setup: w.setup ?? [], run: w.run ?? [] };
}

/**
 * "worker:push run" → the program and arguments to spawn. A script of the form `node <file> …`
 * runs on this process's Node (24, whatever `node` the shell would find); anything else runs
 * through the shell.
 */
export function workerCommand(entry: string): { cmd: string; args: string[] } {
	const [script, ...extra] = entry.trim().split(/\s+/);
	const line = packageJson().scripts?.[script];
	if (!line) throw new Error(`package.json has no script "${script}" (named in coachline.workers)`);
	const words = line.trim().split(/\s+/);
	if (words[0] === 'node' && words.every((w) => /^[\w@%+=:,./-]+$/.test(w))) {
		return { cmd: process.execPath, args: [...words.slice(1), ...extra] };
	}
	return { cmd: 'sh', args: ['-c', `${line} "$@"`, script, ...extra] };
}

export function runWorkerSync(entry: string, env: NodeJS.ProcessEnv) {
	const { cmd, args } = workerCommand(entry);
	return spawnSync(cmd, args, { cwd: repoRoot, env, stdio: 'ignore' });
}

export function spawnWorker(entry: string, env: NodeJS.ProcessEnv, logFd: number): ChildProcess {
	const { cmd, args } = workerCommand(entry);
	return spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', logFd, 'inherit'] });
}
