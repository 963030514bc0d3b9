// The stack's own faults: a killed server, a stale pid file, a port in use. Each must be
// recovered or named clearly, never left for a person to debug.
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, findFreePort, psql, assertPortFree } from '../../stack/postgres.ts';

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
		await new Promise((r) => setTimeout(r, 300));
		expect(c.pid(), 'a killed server is not reported as running').toBeNull();
		await c.start();
		expect(psql(c.url, ['-tAc', 'select id from kept']).out.trim()).toBe('42');
	}, 60_000);

	it('starts over a stale pid file', async () => {
		const c = await freshCluster();
		c.stop();
		writeFileSync(path.join(c.dataDir, 'postmaster.pid'), `999999\n${c.dataDir}\n`);
		await c.start();
		expect(psql(c.url, ['-tAc', 'select 1']).out.trim()).toBe('1');
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
