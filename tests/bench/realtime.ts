// `npm run bench -- realtime [clients] [messages]`: a throwaway stack, N WebSocket clients (raw
// `ws` speaking vsn 2.0.0, as realtime-js does) each joined to its own private topic under an RLS
// policy, then database broadcasts (`select realtime.send(...)`) timed from the INSERT until the
// client decodes the kind 4 frame; then presence with every client in one channel; then memory.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import WebSocket from 'ws';
import { bootTestStack } from '../../stack/test-stack.ts';
import { ANON_KEY, JWT_SECRET } from '../../stack/keys.ts';

interface Client {
	ws: WebSocket;
	sub: string;
	topic: string;
	presenceKeys: number;
}

const percentile = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function decodeKind4(buf: Buffer): { topic: string; event: string; payload: unknown } | null {
	if (buf[0] !== 4) return null;
	const [tl, el, ml] = [buf[1], buf[2], buf[3]];
	let o = 5;
	const topic = buf.toString('utf8', o, (o += tl));
	const event = buf.toString('utf8', o, (o += el));
	o += ml;
	return { topic, event, payload: JSON.parse(buf.toString('utf8', o)) as unknown };
}

export default async function bench(args: string[]): Promise<void> {
	const nClients = Number(args[0] ?? 1000);
	const nMessages = Number(args[1] ?? 2000);
	console.log(`realtime bench: ${nClients} clients, ${nMessages} database broadcasts`);
	const stack = await bootTestStack();
	const sql = postgres(stack.dbUrl, { max: 8, onnotice: () => {} });
	const clients: Client[] = [];
	try {
		await sql.unsafe(`
			create policy "bench clients read their own topic" on realtime.messages
				for select to authenticated
				using ((select realtime.topic()) = 'bench:' || (select auth.uid())::text
				       or (select realtime.topic()) = 'bench-presence');
			create policy "bench clients track presence" on realtime.messages
				for insert to authenticated
				with check ((select realtime.topic()) = 'bench-presence' and extension = 'presence');`);
		const key = new TextEncoder().encode(JWT_SECRET);
		const wsUrl = `${stack.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${ANON_KEY}&vsn=2.0.0`;
		const latencies: number[] = [];
		const sentAt = new Map<number, number>();
		let received = 0;

		const t0 = performance.now();
		for (let batch = 0; batch < nClients; batch += 100) {
			await Promise.all(
				Array.from({ length: Math.min(100, nClients - batch) }, async () => {
					const sub = randomUUID();
					const token = await new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
						.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
						.setExpirationTime('2h')
						.sign(key);
					const ws = new WebSocket(wsUrl);
					const c: Client = { ws, sub, topic: `bench:${sub}`, presenceKeys: 0 };
					await new Promise<void>((resolve, reject) => {
						ws.once('open', () => resolve());
						ws.once('error', reject);
					});
					const joinedOk = new Promise<void>((resolve, reject) => {
						ws.on('message', (data, isBinary) => {
							if (isBinary) {
								const m = decodeKind4(data as Buffer);
								const n = (m?.payload as { n?: number } | undefined)?.n;
								if (n !== undefined && sentAt.has(n)) {
									latencies.push(performance.now() - (sentAt.get(n) ?? 0));
									received++;
								}
								return;
							}
							const [, ref, , event, payload] = JSON.parse(String(data)) as [
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
							if (event === 'presence_state') c.presenceKeys = Object.keys(payload).length;
							if (event === 'presence_diff')
								c.presenceKeys +=
									Object.keys(payload.joins ?? {}).length -
									Object.keys(payload.leaves ?? {}).length;
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
					(c as Client & { token: string }).token = token;
				})
			);
		}
		console.log(
			`joined ${clients.length} private channels in ${(performance.now() - t0).toFixed(0)} ms`
		);

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
			await new Promise((r) => setTimeout(r, 2));
		}
		const until = Date.now() + 10_000;
		while (received < nMessages && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
		const seconds = (performance.now() - tLat) / 1000;
		console.log(
			`database broadcast latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms (${received}/${nMessages} delivered)`
		);

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
		const until2 = Date.now() + 20_000;
		while (received < burst && Date.now() < until2) await new Promise((r) => setTimeout(r, 10));
		const burstSeconds = (performance.now() - tBurst) / 1000;
		console.log(
			`throughput: ${(received / burstSeconds).toFixed(0)} messages/s (${received}/${burst} in ${burstSeconds.toFixed(2)} s; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms under burst); latency phase ${seconds.toFixed(1)} s`
		);

		// Presence: every client joins one channel and tracks; done when all see everyone.
		const tPres = performance.now();
		for (const [i, c] of clients.entries()) {
			const token = (c as Client & { token: string }).token;
			c.ws.send(
				JSON.stringify([
					'2',
					'2',
					'realtime:bench-presence',
					'phx_join',
					{
						config: { private: true, presence: { key: c.sub, enabled: true } },
						access_token: token
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
		const until3 = Date.now() + 60_000;
		while (clients.some((c) => c.presenceKeys < clients.length) && Date.now() < until3)
			await new Promise((r) => setTimeout(r, 50));
		const converged = clients.filter((c) => c.presenceKeys === clients.length).length;
		console.log(
			`presence: ${converged}/${clients.length} members see all ${clients.length} in ${(performance.now() - tPres).toFixed(0)} ms`
		);

		const mem = process.memoryUsage();
		console.log(
			`memory (one process: gateway + services + the ${clients.length} test sockets): rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB`
		);
		console.log('targets: p50 <= 20 ms, p99 <= 100 ms, memory <= 300 MB');
		console.log('Supabase (broadcast from the database, its cluster): p50 46 ms, p99 159 ms');
	} finally {
		for (const c of clients) c.ws.terminate();
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
