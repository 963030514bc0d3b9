// `npm run bench -- realtime [clients] [messages]`: a throwaway stack, N WebSocket clients (raw
// `ws` speaking vsn 2.0.0, as realtime-js does) each joined to its own private topic under an RLS
// policy, then database broadcasts (`select realtime.send(...)`) timed from the INSERT until the
// client decodes the kind 4 frame; then a burst for throughput; then presence with every client in
// one channel (time until all see all, then until all see 10% of them leave).
//
// The stack runs alone in this process; the clients and the senders run in a child process (this
// same file, forked), so the stack's memory and event loop are measured without the test sockets
// and the clients' own work does not delay the stack. The stack's RSS is sampled throughout.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import WebSocket from 'ws';
import { bootTestStack } from '../../stack/test-stack.ts';
import { ANON_KEY, JWT_SECRET } from '../../stack/keys.ts';

interface ChildConfig {
	apiUrl: string;
	dbUrl: string;
	nClients: number;
	nMessages: number;
}

type ChildMessage =
	| { type: 'phase'; name: string }
	| { type: 'line'; text: string }
	| { type: 'done' }
	| { type: 'failed'; error: string };

const MB = 2 ** 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

const percentile = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

// --- the stack's side -------------------------------------------------------------------------

export default async function bench(args: string[]): Promise<void> {
	const nClients = Number(args[0] ?? 1000);
	const nMessages = Number(args[1] ?? 2000);
	console.log(`realtime bench: ${nClients} clients, ${nMessages} database broadcasts`);
	const stack = await bootTestStack();
	const sql = postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 100);
	const loop = monitorEventLoopDelay({ resolution: 5 });
	try {
		await sql.unsafe(`
			create policy "bench clients read their own topic" on realtime.messages
				for select to authenticated
				using ((select realtime.topic()) = 'bench:' || (select auth.uid())::text
				       or (select realtime.topic()) = 'bench-presence');
			create policy "bench clients track presence" on realtime.messages
				for insert to authenticated
				with check ((select realtime.topic()) = 'bench-presence' and extension = 'presence');`);
		const idle = process.memoryUsage();
		console.log(`stack idle: rss ${mb(idle.rss)}, heap ${mb(idle.heapUsed)}`);
		const cfg: ChildConfig = { apiUrl: stack.apiUrl, dbUrl: stack.dbUrl, nClients, nMessages };
		const child = fork(fileURLToPath(import.meta.url), [], {
			execArgv: [],
			env: { ...process.env, COACHLINE_RT_BENCH_CHILD: JSON.stringify(cfg) },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		loop.enable();
		await new Promise<void>((resolve, reject) => {
			child.on('message', (m: ChildMessage) => {
				if (m.type === 'line') console.log(m.text);
				else if (m.type === 'phase') {
					const mem = process.memoryUsage();
					console.log(
						`  stack after ${m.name}: rss ${mb(mem.rss)} (peak ${mb(peakRss)}), heap ${mb(mem.heapUsed)}, ` +
							`event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`
					);
					loop.reset();
					// COACHLINE_RT_BENCH_HEAPSNAP=joins writes the stack's heap after that phase.
					if (process.env.COACHLINE_RT_BENCH_HEAPSNAP === m.name)
						console.log(`  heap snapshot: ${writeHeapSnapshot()}`);
				} else if (m.type === 'done') resolve();
				else reject(new Error(m.error));
			});
			child.on('exit', (code) => reject(new Error(`bench clients exited with ${code}`)));
		});
		child.kill();
		console.log(`stack (gateway + services, no test sockets): peak rss ${mb(peakRss)}`);
		console.log('targets: p50 <= 20 ms, p99 <= 100 ms, stack memory <= 300 MB');
		console.log('Supabase (broadcast from the database, its cluster): p50 46 ms, p99 159 ms');
	} finally {
		clearInterval(sampler);
		loop.disable();
		await sql
			.unsafe(
				`drop policy if exists "bench clients read their own topic" on realtime.messages;
				 drop policy if exists "bench clients track presence" on realtime.messages;`
			)
			.catch(() => {});
		await sql.end();
		await stack.stop();
	}
}

// --- the clients' side (child process) --------------------------------------------------------

interface Client {
	ws: WebSocket;
	sub: string;
	topic: string;
	token: string;
	/** Presence keys this client currently sees in `bench-presence`. */
	seen: Set<string>;
}

function decodeKind4(buf: Buffer): { topic: string; event: string; payload: unknown } | null {
	if (buf[0] !== 4) return null;
	const [tl, el, ml] = [buf[1], buf[2], buf[3]];
	let o = 5;
	const topic = buf.toString('utf8', o, (o += tl));
	const event = buf.toString('utf8', o, (o += el));
	o += ml;
	return { topic, event, payload: JSON.parse(buf.toString('utf8', o)) as unknown };
}

const report = (m: ChildMessage) =>
	new Promise<void>((resolve) => process.send?.(m, undefined, {}, () => resolve()));
const line = (text: string) => report({ type: 'line', text });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runClients(cfg: ChildConfig): Promise<void> {
	const { nClients, nMessages } = cfg;
	const sql = postgres(cfg.dbUrl, { max: 8, onnotice: () => {} });
	const key = new TextEncoder().encode(JWT_SECRET);
	const wsUrl = `${cfg.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${ANON_KEY}&vsn=2.0.0`;
	const clients: Client[] = [];
	const latencies: number[] = [];
	const sentAt = new Map<number, number>();
	let received = 0;
	let presenceFrames = 0;
	let presenceBytes = 0;
	let tracked = 0;
	let allTrackedAt = 0;

	const t0 = performance.now();
	for (let batch = 0; batch < nClients; batch += 100) {
		await Promise.all(
			Array.from({ length: Math.min(100, nClients - batch) }, async () => {
				const sub = randomUUID();
				const token = await new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
					.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
					.setExpirationTime('2h')
					.sign(key);
				const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
				const c: Client = { ws, sub, topic: `bench:${sub}`, token, seen: new Set() };
				await new Promise<void>((resolve, reject) => {
					ws.once('open', () => resolve());
					ws.once('error', reject);
				});
				const joinedOk = new Promise<void>((resolve, reject) => {
					ws.on('message', (data, isBinary) => {
						if (isBinary) {
							const m = decodeKind4(data as Buffer);
							const n = (m?.payload as { n?: number } | undefined)?.n;
							const at = n === undefined ? undefined : sentAt.get(n);
							if (at !== undefined) {
								latencies.push(performance.now() - at);
								received++;
							}
							return;
						}
						const text = String(data);
						const [, ref, , event, payload] = JSON.parse(text) as [
							string,
							string,
							string,
							string,
							{ status?: string; response?: unknown; joins?: object; leaves?: object }
						];
						if (ref === '1' && event === 'phx_reply') {
							if (payload.status === 'ok') resolve();
							else reject(new Error(JSON.stringify(payload.response)));
						}
						if (ref === '3' && event === 'phx_reply' && ++tracked === nClients)
							allTrackedAt = performance.now();
						if (event === 'presence_state' || event === 'presence_diff') {
							presenceFrames++;
							presenceBytes += text.length;
						}
						// Each member tracks one meta under its own key, so keys are enough here.
						if (event === 'presence_state') c.seen = new Set(Object.keys(payload));
						if (event === 'presence_diff') {
							for (const k of Object.keys(payload.joins ?? {})) c.seen.add(k);
							for (const k of Object.keys(payload.leaves ?? {})) c.seen.delete(k);
						}
					});
				});
				ws.send(
					JSON.stringify([
						'1',
						'1',
						`realtime:${c.topic}`,
						'phx_join',
						{ config: { private: true }, access_token: token }
					])
				);
				await joinedOk;
				clients.push(c);
			})
		);
	}
	await line(
		`joined ${clients.length} private channels in ${(performance.now() - t0).toFixed(0)} ms`
	);
	await report({ type: 'phase', name: 'joins' });

	// Latency: one broadcast every 2 ms to a random client's topic, each timed separately.
	const tLat = performance.now();
	for (let n = 0; n < nMessages; n++) {
		const c = clients[Math.floor(Math.random() * clients.length)];
		sentAt.set(n, performance.now());
		// postgres queries run when awaited or then'd; this one must not hold up the pacing.
		sql`select realtime.send(${sql.json({ n })}, 'tick', ${c.topic})`.then(
			() => {},
			() => {}
		);
		await sleep(2);
	}
	const sendSeconds = (performance.now() - tLat) / 1000;
	const until = Date.now() + 10_000;
	while (received < nMessages && Date.now() < until) await sleep(20);
	await line(
		`database broadcast latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms (${received}/${nMessages} delivered, offered ${(nMessages / sendSeconds).toFixed(0)} msg/s)`
	);
	await report({ type: 'phase', name: 'latency' });

	// Throughput: a burst of broadcasts sent as fast as 8 connections allow.
	received = 0;
	latencies.length = 0;
	sentAt.clear();
	const burst = nMessages * 2;
	const tBurst = performance.now();
	await Promise.all(
		Array.from({ length: burst }, (_, n) => {
			sentAt.set(n, performance.now());
			const c = clients[n % clients.length];
			return sql`select realtime.send(${sql.json({ n })}, 'tick', ${c.topic})`;
		})
	);
	const insertedSeconds = (performance.now() - tBurst) / 1000;
	const until2 = Date.now() + 20_000;
	while (received < burst && Date.now() < until2) await sleep(10);
	const burstSeconds = (performance.now() - tBurst) / 1000;
	await line(
		`throughput: ${(received / burstSeconds).toFixed(0)} messages/s (${received}/${burst} in ${burstSeconds.toFixed(2)} s, inserts took ${insertedSeconds.toFixed(2)} s; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms under burst, counted from when each insert was queued)`
	);
	await report({ type: 'phase', name: 'burst' });

	// The same, 100 broadcasts per statement (one transaction each), so the database's commit
	// rate bounds it less and the service's own delivery rate shows.
	received = 0;
	latencies.length = 0;
	sentAt.clear();
	const tBatch = performance.now();
	const topics = clients.map((c) => c.topic);
	await Promise.all(
		Array.from({ length: burst / 100 }, (_, b) => {
			const now = performance.now();
			for (let n = b * 100; n < (b + 1) * 100; n++) sentAt.set(n, now);
			return sql`select realtime.send(jsonb_build_object('n', g), 'tick',
					(${topics}::text[])[1 + g % ${topics.length}])
				from generate_series(${b * 100}::int, ${(b + 1) * 100 - 1}::int) g`;
		})
	);
	const until5 = Date.now() + 20_000;
	while (received < burst && Date.now() < until5) await sleep(10);
	const batchSeconds = (performance.now() - tBatch) / 1000;
	await line(
		`throughput, 100 per statement: ${(received / batchSeconds).toFixed(0)} messages/s (${received}/${burst} in ${batchSeconds.toFixed(2)} s; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms)`
	);
	await report({ type: 'phase', name: 'batched burst' });

	// Presence: every client joins one channel and tracks; done when all see everyone.
	const tPres = performance.now();
	for (const [i, c] of clients.entries()) {
		c.ws.send(
			JSON.stringify([
				'2',
				'2',
				'realtime:bench-presence',
				'phx_join',
				{
					config: { private: true, presence: { key: c.sub, enabled: true } },
					access_token: c.token
				}
			])
		);
		c.ws.send(
			JSON.stringify([
				'2',
				'3',
				'realtime:bench-presence',
				'presence',
				{ type: 'presence', event: 'track', payload: { i } }
			])
		);
	}
	const n = clients.length;
	const until3 = Date.now() + 60_000;
	while (clients.some((c) => c.seen.size < n) && Date.now() < until3) await sleep(20);
	const converged = clients.filter((c) => c.seen.size === n).length;
	await line(
		`presence: ${converged}/${n} members see all ${n} in ${(performance.now() - tPres).toFixed(0)} ms (all joined and tracked after ${allTrackedAt ? (allTrackedAt - tPres).toFixed(0) : '-'} ms; ${presenceFrames} presence frames, ${mb(presenceBytes)} received)`
	);
	await report({ type: 'phase', name: 'presence join' });

	// Then a tenth of them untrack; done when the others see the rest.
	const leaving = clients.slice(0, Math.floor(n / 10));
	const staying = clients.slice(leaving.length);
	const tLeave = performance.now();
	presenceFrames = 0;
	presenceBytes = 0;
	for (const c of leaving)
		c.ws.send(
			JSON.stringify([
				'2',
				'4',
				'realtime:bench-presence',
				'presence',
				{ type: 'presence', event: 'untrack' }
			])
		);
	const until4 = Date.now() + 30_000;
	while (staying.some((c) => c.seen.size !== staying.length) && Date.now() < until4)
		await sleep(20);
	await line(
		`presence: ${leaving.length} untracked, ${staying.filter((c) => c.seen.size === staying.length).length}/${staying.length} saw it in ${(performance.now() - tLeave).toFixed(0)} ms (${presenceFrames} presence frames)`
	);
	await report({ type: 'phase', name: 'presence leave' });
	await line(`clients' process: rss ${mb(process.memoryUsage().rss)}`);
	for (const c of clients) c.ws.terminate();
	await sql.end();
}

const childConfig = process.env.COACHLINE_RT_BENCH_CHILD;
if (childConfig && process.send) {
	try {
		await runClients(JSON.parse(childConfig) as ChildConfig);
		await report({ type: 'done' });
	} catch (e) {
		await report({
			type: 'failed',
			error: e instanceof Error ? (e.stack ?? e.message) : String(e)
		});
	}
	process.disconnect();
}
