// Browser tests drive Debian's Chromium through playwright-core; a browser is never downloaded
// from anywhere else. When /usr/bin/chromium is missing and we are root, install it with apt-get;
// otherwise say exactly what to run and fail.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function run(cmd: string, args: string[]): void {
	const r = spawnSync(cmd, args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

export function ensureChromium(): string {
	if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM_PATH}. Install it with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core`
		);
	}
	console.log('Installing Debian chromium with apt-get…');
	run('apt-get', ['update']);
	run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core']);
	if (!existsSync(CHROMIUM_PATH))
		throw new Error(`apt-get finished but ${CHROMIUM_PATH} is absent`);
	return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		console.log(ensureChromium());
	} catch (e) {
		console.error((e as Error).message);
		process.exit(1);
	}
}
