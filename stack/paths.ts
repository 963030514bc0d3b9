// Where the stack keeps its state. Postgres refuses to run as root, so when we are root the
// server runs as the `postgres` OS user, which cannot enter /root: the state then lives under
// /var/tmp, keyed by the checkout so two clones never share a cluster.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function stateRoot(): string {
	if (process.env.COACHLINE_STATE_DIR) return path.resolve(process.env.COACHLINE_STATE_DIR);
	if (isRoot) {
		const key = createHash('sha256').update(repoRoot).digest('hex').slice(0, 10);
		return `/var/tmp/coachline-${key}`;
	}
	return path.join(repoRoot, '.stack');
}

/** One named instance: `dev` for npm start, `test-<pid>` for a throwaway test stack. */
export function instanceDir(name: string): string {
	return path.join(stateRoot(), name);
}
