// The Debian packages the machine needs, read from stack/system-packages.json (JSON so that
// .ci/run can read it with the machine's own Node before the project's Node 24 exists). Each
// entry names a file whose presence proves the package is installed; what is missing is installed
// with apt-get when we are root, otherwise the error names the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRoot, repoRoot } from './paths.ts';

export type PackageGroup = 'database' | 'browser';

export interface SystemPackage {
	package: string;
	group: PackageGroup;
	/** A file the package installs: present means installed. */
	proof: string;
	/** On a new machine already; CI never removes it. */
	base: boolean;
	why: string;
}

export class SystemPackageError extends Error {}

export function systemPackages(): SystemPackage[] {
	const file = path.join(repoRoot, 'stack', 'system-packages.json');
	return (JSON.parse(readFileSync(file, 'utf8')) as { packages: SystemPackage[] }).packages;
}

/** The packages of these groups whose proof file is absent. */
export function missingPackages(groups: PackageGroup[]): SystemPackage[] {
	return systemPackages().filter((p) => groups.includes(p.group) && !existsSync(p.proof));
}

/** The command a person runs to install these packages. */
export function installCommand(packages: string[]): string {
	return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Makes sure every package of the groups is installed. As root: `apt-get update` (package lists
 * on a new machine are empty or old) then one `apt-get install` of all that is missing. Otherwise
 * throws with the line to run under sudo.
 */
export function ensureSystemPackages(
	groups: PackageGroup[],
	log: (s: string) => void = console.log
): void {
	const missing = missingPackages(groups);
	if (missing.length === 0) return;
	const names = missing.map((p) => p.package);
	const command = installCommand(names);
	const why = missing.map((p) => `  ${p.package}: ${p.why}`).join('\n');
	if (!isRoot) {
		throw new SystemPackageError(
			`Debian packages are missing:\n${why}\nInstall them with:\n  sudo ${command}`
		);
	}
	log(`Installing ${names.join(', ')} from Debian (once)...`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [
		['update', '-qq'],
		['install', '-y', '-qq', '--no-install-recommends', ...names]
	]) {
		// Another apt-get on the machine holds the lock for a while: wait for it, not fail.
		const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
			stdio: ['ignore', 'ignore', 'pipe'],
			env,
			encoding: 'utf8'
		});
		if (r.status !== 0) {
			throw new SystemPackageError(
				`apt-get ${args[0]} failed:\n${r.stderr.trim()}\nRun by hand:\n  ${command}`
			);
		}
	}
	const still = missingPackages(groups).filter((p) => names.includes(p.package));
	if (still.length > 0) {
		throw new SystemPackageError(
			`apt-get finished but ${still.map((p) => p.proof).join(', ')} is absent`
		);
	}
}

// `node stack/system-packages.ts [group...]`: installs (or names) what the groups need; with no
// group, all of them.
if (import.meta.url === `file://${process.argv[1]}`) {
	const groups = (process.argv.slice(2) as PackageGroup[]).filter(Boolean);
	try {
		ensureSystemPackages(groups.length ? groups : ['database', 'browser']);
		console.log('All Debian packages present.');
	} catch (e) {
		console.error((e as Error).message);
		process.exit(1);
	}
}
