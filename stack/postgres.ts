// A PostgreSQL 15 cluster from Debian's binaries, configured as Supabase's image is where our
// migrations can tell (pg_cron preloaded, logical WAL, the postgres/postgres login).
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import os from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isRoot, instanceDir } from './paths.ts';
import { ensureSystemPackages, SystemPackageError } from './system-packages.ts';

export const PG_BIN = process.env.COACHLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export class StackError extends Error {}

/** The Debian packages of stack/system-packages.json's database group (see system-packages.ts). */
export function ensurePostgresPackages(log: (s: string) => void = console.log): void {
	try {
		ensureSystemPackages(['database'], log);
	} catch (e) {
		if (e instanceof SystemPackageError) throw new StackError(e.message);
		throw e;
	}
}

export interface ClusterConfig {
	/** Instance name: `dev`, or `test-<pid>` for throwaway test stacks. */
	name: string;
	port: number;
	/** Throwaway clusters trade durability for speed. */
	durable: boolean;
}

export class Cluster {
	readonly dir: string;
	readonly dataDir: string;
	readonly socketDir: string;
	readonly logFile: string;
	readonly config: ClusterConfig;

	constructor(config: ClusterConfig) {
		this.config = config;
		this.dir = instanceDir(config.name);
		this.dataDir = path.join(this.dir, 'pgdata');
		this.socketDir = path.join(this.dir, 'sock');
		this.logFile = path.join(this.dir, 'postgres.log');
	}

	get url(): string {
		return `postgresql://postgres:postgres@127.0.0.1:${this.config.port}/postgres`;
	}

	get initialized(): boolean {
		return existsSync(path.join(this.dataDir, 'PG_VERSION'));
	}

	private runAsServerUser(cmd: string, args: string[], opts: SpawnOptions = {}) {
		const o: SpawnOptions = { ...opts, env: { ...process.env, LC_ALL: 'C.UTF-8', ...opts.env } };
		if (isRoot) {
			const { uid, gid } = postgresUser();
			o.uid = uid;
			o.gid = gid;
		}
		return spawnSync(cmd, args, { encoding: 'utf8', ...o });
	}

	/** Creates the cluster directory and runs initdb. */
	init(): void {
		mkdirSync(this.socketDir, { recursive: true });
		if (isRoot) {
			const { uid, gid } = postgresUser();
			// The chain of parents must be enterable by the postgres user.
			for (const d of [path.dirname(this.dir), this.dir, this.socketDir]) chownSync(d, uid, gid);
		}
		const pwfile = path.join(this.dir, '.pw');
		writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
		if (isRoot) chownSync(pwfile, postgresUser().uid, postgresUser().gid);
		const r = this.runAsServerUser(`${PG_BIN}/initdb`, [
			'-D',
			this.dataDir,
			'-U',
			'postgres',
			'--pwfile',
			pwfile,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'-E',
			'UTF8',
			'--locale=C.UTF-8',
			// Text sorts as people read it (the Unicode root order: "ava", "Bea", "Émile", "Zara",
			// "zoe"), as on a hosted project (en_US.UTF-8), not by bytes (C.UTF-8 put lower-case and
			// accented names after "Z" in every list ordered by name). ICU's root locale, so it does
			// not depend on which libc locales this machine happens to have installed.
			'--locale-provider=icu',
			'--icu-locale=und'
		]);
		rmSync(pwfile, { force: true });
		if (r.status !== 0) throw new StackError(`initdb failed:\n${r.stderr || r.stdout}`);
		this.writeSettings();
	}

	/**
	 * The stack's settings, rewritten into coachline.conf before every start so that a cluster
	 * made by an older checkout gets today's (postgresql.conf includes the file last, so its values
	 * win over anything appended earlier).
	 */
	private writeSettings(): void {
		const settings: Record<string, string> = {
			listen_addresses: "'127.0.0.1'",
			port: String(this.config.port),
			unix_socket_directories: `'${this.socketDir}'`,
			shared_preload_libraries: "'pg_cron'",
			'cron.database_name': "'postgres'",
			// pg_cron opens a libpq connection per job run, as the job's owner. Supabase points it
			// at localhost, where its pg_hba trusts loopback; ours asks a password over TCP, so the
			// jobs connect through this cluster's own socket directory, which initdb's local trust
			// covers (our socket stands for Supabase's trusted loopback). A job then runs as on
			// Supabase: its own backend, logged in as its owner, in its own transaction. (Background
			// workers would skip the login that Supabase's jobs do go through.)
			'cron.host': `'${this.socketDir}'`,
			wal_level: 'logical',
			max_replication_slots: '20',
			max_wal_senders: '20',
			max_connections: '300',
			shared_buffers: `'${sharedBuffersMb()}MB'`,
			timezone: "'UTC'",
			log_timezone: "'UTC'",
			log_min_messages: 'warning',
			log_min_error_statement: 'panic',
			'plpgsql_check.mode': "'disabled'"
		};
		if (!this.config.durable) {
			Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
		}
		const conf = Object.entries(settings)
			.map(([k, v]) => `${k} = ${v}`)
			.join('\n');
		writeFileSync(
			path.join(this.dataDir, 'coachline.conf'),
			`# Written by stack/postgres.ts before every start; edits here are lost.\n${conf}\n`
		);
		const main = path.join(this.dataDir, 'postgresql.conf');
		const text = readFileSync(main, 'utf8');
		const include = "include 'coachline.conf'";
		if (!text.trimEnd().endsWith(include)) {
			writeFileSync(main, `${text.split(`\n${include}\n`).join('\n').trimEnd()}\n${include}\n`);
		}
	}

	/** The postmaster's pid when it is alive, else null (a stale pid file counts as not running). */
	pid(): number | null {
		const pidFile = path.join(this.dataDir, 'postmaster.pid');
		if (!existsSync(pidFile)) return null;
		const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
		if (!Number.isInteger(pid) || pid <= 0) return null;
		return processAlive(pid) ? pid : null;
	}

	async start(): Promise<void> {
		if (this.pid()) return;
		// A pid file whose server is gone (or is a zombie nobody reaped, which Postgres' own check
		// takes for alive) is stale: remove it. Crash recovery then runs on start by itself.
		rmSync(path.join(this.dataDir, 'postmaster.pid'), { force: true });
		this.removeStaleSocketLock();
		await assertPortFree(this.config.port, 'PostgreSQL');
		this.writeSettings();
		let r = this.pgCtlStart();
		if (r.status !== 0) {
			// Backends orphaned by a killed server exit within moments; give them that, once.
			await new Promise((res) => setTimeout(res, 1500));
			r = this.pgCtlStart();
		}
		if (r.status !== 0) {
			const tail = existsSync(this.logFile)
				? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n')
				: '';
			throw new StackError(`PostgreSQL did not start (see ${this.logFile}):\n${tail || r.stderr}`);
		}
	}

	/**
	 * The socket's lock file also names the server that held it. Postgres refuses to start while
	 * that pid answers a signal, and a killed server that nobody reaped yet (a zombie: the machine's
	 * init may never reap it) still does. Only a lock whose server is not alive by our own check
	 * (`processAlive`, zombies count as gone) is removed; a live server's lock stays.
	 */
	private removeStaleSocketLock(): void {
		const lock = path.join(this.socketDir, `.s.PGSQL.${this.config.port}.lock`);
		if (!existsSync(lock)) return;
		const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
		if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return;
		rmSync(lock, { force: true });
		rmSync(path.join(this.socketDir, `.s.PGSQL.${this.config.port}`), { force: true });
	}

	private pgCtlStart() {
		return this.runAsServerUser(`${PG_BIN}/pg_ctl`, [
			'start',
			'-w',
			'-t',
			'60',
			'-D',
			this.dataDir,
			'-l',
			this.logFile,
			'-o',
			`-p ${this.config.port}`
		]);
	}

	stop(): void {
		if (!this.pid()) return;
		this.runAsServerUser(`${PG_BIN}/pg_ctl`, ['stop', '-w', '-m', 'fast', '-D', this.dataDir]);
	}

	/** Stops the server and removes every file of this instance. */
	destroy(): void {
		this.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** True for a live process; a killed server nobody reaped yet (a zombie) is not alive. */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return true;
	}
}

export function postgresUser(): { uid: number; gid: number } {
	const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
	const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
	if (r.status !== 0) {
		throw new StackError(
			'Running as root needs the `postgres` OS user (created by the postgresql-15 package).'
		);
	}
	return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The process listening on a TCP port, as "name (pid N)", when `ss` can tell. */
export function portHolder(port: number): string | null {
	const ss = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
	if (ss.status !== 0 || !ss.stdout.trim()) return null;
	const holder = ss.stdout.match(/users:\(\("([^"]+)",pid=(\d+)/);
	return holder ? `${holder[1]} (pid ${holder[2]})` : 'another process';
}

/** Fails with a message naming the port and, where we can find it, the process holding it. */
export async function assertPortFree(port: number, what: string): Promise<void> {
	const free = await isPortFree(port);
	if (free) return;
	const holder = portHolder(port);
	const who = holder ? ` by ${holder}` : '';
	throw new StackError(
		`Port ${port} (${what}) is already in use${who}. Stop that process or free the port, then retry.`
	);
}

export function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** A free port at or above `from`, for throwaway instances. */
export async function findFreePort(from: number): Promise<number> {
	for (let p = from; p < from + 500; p++) if (await isPortFree(p)) return p;
	throw new StackError(`No free port found from ${from}`);
}

/** Runs psql against the cluster; ON_ERROR_STOP so a failure stops at the statement. */
export function psql(
	url: string,
	args: string[],
	input?: string
): { ok: boolean; out: string; err: string } {
	const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], {
		encoding: 'utf8',
		input,
		maxBuffer: 64 * 1024 * 1024
	});
	return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

export { spawn };

/**
 * shared_buffers sized to the machine the way Supabase sizes its computes (a quarter of the RAM:
 * 256 MB on 1 GB, 2 GB on 8 GB), between 128 MB and 2 GB. Postgres touches the memory only as it
 * fills it. At a fixed 256 MB the hot right edges of the messages indexes (one per conversation)
 * no longer fit once an organization holds millions of messages, and every send read and wrote
 * pages through the kernel (the messaging bench: 1,209 sends/s at 50,000 messages, 609/s at 5 M).
 * COACHLINE_PG_SHARED_BUFFERS_MB overrides it.
 */
export function sharedBuffersMb(totalBytes: number = os.totalmem()): number {
	const forced = Number(process.env.COACHLINE_PG_SHARED_BUFFERS_MB);
	if (Number.isInteger(forced) && forced >= 16) return forced;
	return Math.min(2048, Math.max(128, Math.floor(totalBytes / 4 / 1024 / 1024)));
}
