// The stack's own faults: a killed server, a stale pid file, a port in use. Each must be
// recovered or named clearly, never left for a person to debug.
import net from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import {
	Cluster,
	findFreePort,
	psql,
	assertPortFree,
	processAlive,
	postgresUser
} from '../../stack/postgres.ts';
import { completeMarker, prepareDatabase } from '../../stack/instance.ts';
import { waitFor } from '../support/wait.ts';

const clusters: Cluster[] = [];
afterAll(() => {
	for (const c of clusters) c.destroy();
});

async function freshCluster(): Promise<Cluster> {
	const port = await findFreePort(56000 + Math.floor(Math.random() * 2000));
	const c = new Cluster({ name: `fault-${process.pid}-${port}`, port, durable: true });
	clusters.push(c);
	c.init();
	await c.start();
	return c;
}

describe('the PostgreSQL cluster', () => {
	it('recovers after the server is killed, keeping committed data', async () => {
		const c = await freshCluster();
		expect(psql(c.url, ['-c', 'create table kept (id int); insert into kept values (42)']).ok).toBe(
			true
		);
		process.kill(c.pid()!, 'SIGKILL');
		await waitFor(() => c.pid() === null, {
			timeout: 10_000,
			what: 'a killed server to stop being reported as running'
		});
		await c.start();
		expect(psql(c.url, ['-tAc', 'select id from kept']).out.trim()).toBe('42');
	}, 60_000);

	it('starts over a stale pid file and a socket lock naming an unreaped server', async () => {
		const c = await freshCluster();
		c.stop();
		// A killed server that nobody reaped stays a zombie: it still answers kill(pid, 0), so
		// PostgreSQL's own check takes its locks for a live server. Make a real zombie: `true` exits,
		// and its parent, replaced by `sleep`, never reaps it.
		// It belongs to the server's user, as the killed server did (root runs the server as postgres).
		const owner = process.getuid?.() === 0 ? postgresUser() : {};
		const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 60'], {
			...owner,
			stdio: ['ignore', 'pipe', 'ignore']
		});
		try {
			const zombie = Number(
				await new Promise<string>((r) => parent.stdout.once('data', (d) => r(String(d))))
			);
			await waitFor(() => !processAlive(zombie), {
				timeout: 5_000,
				what: 'the child to become a zombie'
			});
			writeFileSync(path.join(c.dataDir, 'postmaster.pid'), `${zombie}\n${c.dataDir}\n`);
			writeFileSync(
				path.join(c.socketDir, `.s.PGSQL.${c.config.port}.lock`),
				`${zombie}\n${c.dataDir}\n`
			);
			await c.start();
			expect(psql(c.url, ['-tAc', 'select 1']).out.trim()).toBe('1');
		} finally {
			parent.kill();
		}
	}, 60_000);

	it('names the port and its holder when the port is taken', async () => {
		const port = await findFreePort(58000 + Math.floor(Math.random() * 1000));
		const srv = net.createServer();
		await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
		try {
			await expect(assertPortFree(port, 'PostgreSQL')).rejects.toThrow(
				new RegExp(`Port ${port} \\(PostgreSQL\\) is already in use`)
			);
		} finally {
			srv.close();
		}
	});
});

describe('a first start that does not finish', () => {
	// The bare platform is enough to tell a finished cluster from a half-built one, and quick.
	const platformOnly = async <T>(work: () => Promise<T>): Promise<T> => {
		const before = process.env.COACHLINE_NO_MIGRATIONS;
		process.env.COACHLINE_NO_MIGRATIONS = '1';
		try {
			return await work();
		} finally {
			if (before === undefined) delete process.env.COACHLINE_NO_MIGRATIONS;
			else process.env.COACHLINE_NO_MIGRATIONS = before;
		}
	};
	const roleExists = (c: Cluster, role: string) =>
		psql(c.url, ['-tAc', `select count(*) from pg_roles where rolname = '${role}'`]).out.trim();

	it('while its port is taken leaves nothing, and the next start after freeing it works', async () => {
		const port = await findFreePort(59000 + Math.floor(Math.random() * 500));
		const c = new Cluster({ name: `halfbuilt-${process.pid}-${port}`, port, durable: false });
		clusters.push(c);
		const srv = net.createServer();
		await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
		try {
			await expect(platformOnly(() => prepareDatabase(c, () => {}))).rejects.toThrow(
				/is already in use/
			);
		} finally {
			await new Promise((r) => srv.close(r));
		}
		expect(existsSync(c.dir), 'nothing half-built is left behind').toBe(false);
		const r = await platformOnly(() => prepareDatabase(c, () => {}));
		expect(r.created).toBe(true);
		expect(roleExists(c, 'anon')).toBe('1');
	}, 120_000);

	it('interrupted after initdb (no completion marker) is rebuilt by the next start', async () => {
		const port = await findFreePort(59500 + Math.floor(Math.random() * 400));
		const c = new Cluster({ name: `interrupted-${process.pid}-${port}`, port, durable: false });
		clusters.push(c);
		// What a killed first start leaves: a cluster that initdb made, running, without the platform.
		c.init();
		await c.start();
		expect(roleExists(c, 'anon')).toBe('0');
		expect(existsSync(completeMarker(c))).toBe(false);
		const logged: string[] = [];
		const r = await platformOnly(() => prepareDatabase(c, (s) => logged.push(s)));
		expect(r.created).toBe(true);
		expect(logged.join('\n')).toMatch(/did not finish: rebuilding it/);
		expect(roleExists(c, 'anon')).toBe('1');
		expect(existsSync(completeMarker(c))).toBe(true);
	}, 120_000);
});
