// What a process costs, read from /proc (Linux): CPU time (user + system) and memory, for one
// process or for a PostgreSQL cluster (the postmaster and every backend it forked). The app
// benchmark reads these before and after a phase and divides by the pages served.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on. */
const HZ = 100;

interface Stat {
	ppid: number;
	/** utime + stime of the process itself, ms. */
	own: number;
	/** cutime + cstime: children it has waited for (exited backends, for the postmaster), ms. */
	reaped: number;
}

function stat(pid: number): Stat | null {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return null;
	}
	// The command name is in parentheses and may hold spaces: split after its closing one.
	const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
	// f[0] is field 3 (state): utime is field 14 → f[11], stime f[12], cutime f[13], cstime f[14].
	const ms = (i: number) => (Number(f[i]) * 1000) / HZ;
	return { ppid: Number(f[1]), own: ms(11) + ms(12), reaped: ms(13) + ms(14) };
}

function childrenOf(pid: number): number[] {
	const out: number[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const s = stat(Number(name));
		if (s?.ppid === pid) out.push(Number(name));
	}
	return out;
}

/** CPU ms used so far by one process (not its children). */
export function cpuOf(pid: number): number {
	return stat(pid)?.own ?? NaN;
}

/**
 * CPU ms used so far by a cluster: the postmaster, its live children, and the backends that have
 * exited (the postmaster reaps them, so their time is in its cutime/cstime).
 */
export function cpuOfTree(root: number): number {
	const s = stat(root);
	if (!s) return NaN;
	let total = s.own + s.reaped;
	for (const c of childrenOf(root)) total += stat(c)?.own ?? 0;
	return total;
}

function statusKb(pid: number, field: string): number {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
			readFileSync(`/proc/${pid}/status`, 'utf8')
		);
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

function pssKb(pid: number): number {
	try {
		const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
		return m ? Number(m[1]) : statusKb(pid, 'VmRSS');
	} catch {
		return statusKb(pid, 'VmRSS');
	}
}

/** Resident memory of one process, MB. */
export function rssMb(pid: number): number {
	return statusKb(pid, 'VmRSS') / 1024;
}

/**
 * Memory of a cluster, MB: the proportional set size of the postmaster and its children (shared
 * buffers are counted once, split between the processes that touched them, not once per backend).
 */
export function treePssMb(root: number): number {
	let kb = pssKb(root);
	for (const c of childrenOf(root)) kb += pssKb(c);
	return kb / 1024;
}

/** The machine's load average (1, 5 and 15 minutes) as /proc/loadavg prints it. */
export function loadAverage(): string {
	try {
		return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
	} catch {
		return 'n/a';
	}
}
