// `npm run bench -- push [--rows 5000]`: notifications per second from the outbox to a local
// push service in its own process (which decrypts every payload, as a browser would), and the
// delay from an outbox insert to the push service receiving it (p50, p99) with a worker that
// wakes on NOTIFY.
import { fork } from 'node:child_process';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import webpush from 'web-push';
import { Cluster, findFreePort } from '../../stack/postgres.ts';
import { prepareDatabase } from '../../stack/instance.ts';
import { PushWorker } from '../../src/lib/server/push/worker.ts';
import type { Subscription } from '../support/push-service.ts';

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export default async function bench(args: string[]): Promise<void> {
	const rows = Number(args[args.indexOf('--rows') + 1] || 5000);
	const cluster = new Cluster({
		name: `bench-push-${process.pid}`,
		port: await findFreePort(57000),
		durable: false
	});
	await prepareDatabase(cluster, () => {});
	const sql = postgres(cluster.url, { max: 8, onnotice: () => {} });
	const here = path.dirname(fileURLToPath(import.meta.url));
	const child = fork(path.join(here, '..', 'support', 'push-service-process.ts'));
	const received = new Map<string, number>();
	const waiters = new Map<string, () => void>();
	let setup: ((m: { subscriptions: Subscription[]; ca: string }) => void) | null = null;
	child.on('message', (m: Record<string, unknown>) => {
		if (typeof m.received === 'string') {
			received.set(m.received, m.at as number);
			waiters.get(m.received)?.();
		} else if (m.subscriptions) setup?.(m as never);
	});
	await new Promise<void>((r) => child.once('message', () => r()));
	const { subscriptions, ca } = await new Promise<{ subscriptions: Subscription[]; ca: string }>(
		(r) => {
			setup = r;
			child.send({ subscribe: 200 });
		}
	);
	const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 64 });
	const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:bench@coachline.local' };
	try {
		const people: string[] = [];
		// The local push service is a test host: listed explicitly, as push.test.ts does.
		await sql`insert into private.push_test_endpoint_hosts (host) values ('127.0.0.1') on conflict do nothing`;
		for (const [i, sub] of subscriptions.entries()) {
			const id = randomUUID();
			await sql`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
			            raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
			          values ('00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated',
			            ${`bench.${i}@bench.local`}, '', now(), '{}', '{}', now(), now())`;
			await sql`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
			          values (${id}, ${sub.endpoint}, ${sub.p256dh}, ${sub.auth})`;
			people.push(id);
		}

		// Throughput: a backlog of `rows` notifications drained by one worker.
		const ids = await sql<Array<{ id: string }>>`
			insert into public.notification_outbox (user_id, category, payload)
			select (${sql.array(people)}::uuid[])[1 + (g % 200)], 'newMessage',
			       jsonb_build_object('title', 'Coach', 'preview', 'Bench message ' || g)
			  from generate_series(1, ${rows}) g
			returning id`;
		const worker = new PushWorker({
			databaseUrl: cluster.url,
			vapid,
			agent,
			testEndpointHosts: ['127.0.0.1'],
			batchSize: 200,
			concurrency: 64
		});
		const t0 = performance.now();
		await worker.drain();
		const secs = (performance.now() - t0) / 1000;
		await new Promise((r) => setTimeout(r, 200));
		const delivered = ids.filter((r) => received.has(r.id)).length;
		console.log(
			`throughput: ${rows} notifications in ${secs.toFixed(2)} s = ${(rows / secs).toFixed(0)}/s (target ≥ 500/s); decrypted by the push service: ${delivered}/${rows}`
		);

		// Latency: one at a time through enqueue_notification; the worker wakes on NOTIFY.
		await worker.start();
		const delays: number[] = [];
		for (let i = 0; i < 300; i++) {
			const t = Date.now();
			const [{ id }] = await sql<[{ id: string }]>`
				select private.enqueue_notification(${people[i % 200]}, 'newMessage',
				       ${sql.json({ preview: `latency ${i}` })}) as id`;
			if (!received.has(id)) await new Promise<void>((r) => waiters.set(id, r));
			delays.push(received.get(id)! - t);
		}
		await worker.stop();
		console.log(
			`insert → push service: p50 ${pct(delays, 50)} ms, p99 ${pct(delays, 99)} ms (${delays.length} messages)`
		);
	} finally {
		agent.destroy();
		child.send({ stop: true });
		await sql.end();
		cluster.destroy();
	}
}
