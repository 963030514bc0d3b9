// The realtime service restarted mid-stream loses no database broadcast: rows written to
// realtime.messages while it is down wait in its permanent replication slot and reach the
// client once it is back and the client has rejoined. A gateway of our own runs in this process
// (its own data directory, so its own slot) against the test database.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { startGateway, type Gateway } from '../../stack/gateway.ts';
import { loadProjectConfig } from '../../stack/config.ts';
import { findFreePort } from '../../stack/postgres.ts';
import { SERVICE_ROLE_KEY, adminSql, dbUrl } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const sql = adminSql();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coachline-rt-restart-'));
const slot = `coachline_realtime_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
let gateway: Gateway | null = null;
let supabase: SupabaseClient | null = null;

async function start(port: number): Promise<Gateway> {
	return startGateway({
		port,
		dbPort: Number(new URL(dbUrl()).port),
		config: loadProjectConfig(),
		dataDir,
		quiet: true
	});
}

afterAll(async () => {
	await supabase?.removeAllChannels();
	await gateway?.close();
	await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots
		where slot_name = ${slot} and not active`;
	await sql.end();
	rmSync(dataDir, { recursive: true, force: true });
});

it('delivers broadcasts written while the service was down once it is back', async () => {
	const port = await findFreePort(20000 + Math.floor(Math.random() * 20000));
	gateway = await start(port);
	supabase = createClient(`http://127.0.0.1:${port}`, SERVICE_ROLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const topic = `restart-${process.pid}-${Date.now().toString(36)}`;
	const heard: number[] = [];
	const ch = supabase
		.channel(topic, { config: { private: true } })
		.on('broadcast', { event: 'n' }, (m) => heard.push((m.payload as { n: number }).n));
	await new Promise<void>((resolve, reject) =>
		ch.subscribe((status, err) => {
			if (status === 'SUBSCRIBED') resolve();
			else if (status !== 'CLOSED') reject(err ?? new Error(status));
		})
	);
	const send = (n: number) => sql`select realtime.send(${sql.json({ n })}, 'n', ${topic})`;

	await send(1);
	await waitFor(() => heard.length === 1, 5000);

	await gateway.close();
	gateway = null;
	await send(2);
	await send(3);
	gateway = await start(port);

	await waitFor(() => ch.state === 'joined' && heard.length >= 3, 20_000);
	await send(4);
	await waitFor(() => heard.length >= 4, 5000);
	expect(heard).toEqual([1, 2, 3, 4]);
}, 40_000);
