// `npm run bench -- rest [seconds] [rounds=N] [pk|list] [http|raw] [agent]`: the REST service against
// the raw driver doing the same database work. A primary-key GET under RLS and a 20-row page with
// one embedded relation, at 16 concurrent connections, each through HTTP and as the same
// transaction (the service's own setup statement: role, claims, request.* — and the SQL it builds
// for the request) straight through a pooled `postgres` driver. Each kind warms both paths up for
// 3 s, then runs N rounds (default 3) of 10 s per phase, HTTP and raw back to back, and reports
// medians and the median paired ratio.
//
// The stack runs on the main thread. The HTTP load generator runs in a worker thread, so the two
// never share an event loop: 16 keep-alive sockets, one request in flight on each (no pipelining),
// and a minimal HTTP/1.1 reader (status line + Content-Length), as wrk or autocannon would do. On a
// 2-core machine the load generator shares the CPUs with the server and Postgres, so a heavyweight
// client (http.Agent: ~100 µs of JS per request) measurably lowers what the server can show; pass
// `agent` to drive it through http.Agent instead. The raw-driver phases run in a worker thread too.
//
// Besides requests/s, p50 and p99, each phase prints the CPU it cost per request in this process
// (server + client, or the driver) and in the Postgres backends, which stays meaningful when other
// work on the machine makes the throughput noisy.
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { readFileSync, readdirSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { SignJWT } from 'jose';
import { median, watchGc, type GcPauses } from './_measure.ts';

const CONCURRENCY = 16;
const WARMUP_SECONDS = 3;
const USERS = 10;
const ROWS = 10_000;

type Kind = 'pk' | 'list';
interface HttpJob {
	mode: 'http';
	postmaster: number;
	url: string;
	seconds: number;
	tokens: string[];
	kind: Kind;
	client: 'raw' | 'agent';
}
interface RawJob {
	mode: 'raw';
	postmaster: number;
	dbUrl: string;
	seconds: number;
	kind: Kind;
	/** The setup statement and its parameters per user, and the main statement. */
	setup: string;
	setupParams: string[][];
	sql: string;
	maxRows: number;
}
type Job = HttpJob | RawJob;
interface Result {
	count: number;
	errors: number;
	latencies: Float64Array;
	seconds: number;
	/** CPU seconds over the timed loop: this process (all threads), the Postgres server. */
	nodeCpu: number;
	pgCpu: number;
	/** The load thread's own GC pauses: the raw driver's, or the HTTP load generator's. */
	gc: GcPauses;
}

const userId = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
/** Rows are dealt round-robin, so user u owns ids u+1, u+1+USERS, … */
const randomOwnedId = (u: number) => u + 1 + USERS * Math.floor(Math.random() * (ROWS / USERS));
const randomOffset = () => Math.floor(Math.random() * (ROWS / USERS - 20));
const LIST_QS = 'select=id,name,value,rest_b_details(note)&order=id&limit=20';
const pathFor = (kind: Kind, u: number) =>
	kind === 'pk'
		? `/rest/v1/rest_b_items?id=eq.${randomOwnedId(u)}`
		: `/rest/v1/rest_b_items?${LIST_QS}&offset=${randomOffset()}`;

async function loop(
	seconds: number,
	postmaster: number,
	once: (worker: number) => Promise<boolean>
): Promise<Result> {
	const cpu0 = process.cpuUsage();
	const pg0 = postgresCpu(postmaster);
	const gc = watchGc();
	const latencies: number[] = [];
	let errors = 0;
	const started = performance.now();
	const end = started + seconds * 1000;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async (_, w) => {
			while (performance.now() < end) {
				const t = performance.now();
				const ok = await once(w);
				latencies.push(performance.now() - t);
				if (!ok) errors++;
			}
		})
	);
	const seconds_ = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpu0);
	return {
		count: latencies.length,
		errors,
		latencies: Float64Array.from(latencies),
		seconds: seconds_,
		nodeCpu: (cpu.user + cpu.system) / 1e6,
		pgCpu: postgresCpu(postmaster) - pg0,
		gc: await gc.stop()
	};
}

/** One keep-alive connection, one request at a time; resolves true on a 200. */
function rawHttpConnection(
	host: string,
	port: number
): (path: string, token: string) => Promise<boolean> {
	let socket: net.Socket | null = null;
	let buf: Buffer = Buffer.alloc(0);
	let pending: ((ok: boolean) => void) | null = null;
	const finish = (ok: boolean) => {
		const p = pending;
		pending = null;
		buf = Buffer.alloc(0);
		p?.(ok);
	};
	const connect = () => {
		const s = net.connect({ host, port, noDelay: true });
		s.on('data', (chunk: Buffer) => {
			buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
			const headEnd = buf.indexOf('\r\n\r\n');
			if (headEnd < 0) return;
			const head = buf.toString('latin1', 0, headEnd);
			const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
			if (!m) {
				// Not something this reader understands (chunked): start over on a new socket.
				s.destroy();
				return;
			}
			if (buf.length < headEnd + 4 + Number(m[1])) return;
			finish(head.startsWith('HTTP/1.1 200'));
		});
		s.on('error', () => {});
		s.on('close', () => {
			if (socket === s) socket = null;
			finish(false);
		});
		return s;
	};
	return (path, token) =>
		new Promise<boolean>((resolve) => {
			pending = resolve;
			socket ??= connect();
			socket.write(
				`GET ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\nauthorization: Bearer ${token}\r\napikey: ${token}\r\n\r\n`
			);
		});
}

function agentConnection(host: string, port: number, agent: http.Agent) {
	return (path: string, token: string) =>
		new Promise<boolean>((resolve) => {
			const req = http.request(
				{ host, port, path, agent, headers: { authorization: `Bearer ${token}`, apikey: token } },
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode === 200));
				}
			);
			req.on('error', () => resolve(false));
			req.end();
		});
}

async function httpPhase(job: HttpJob): Promise<Result> {
	const base = new URL(job.url);
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const conns = Array.from({ length: CONCURRENCY }, () =>
		job.client === 'agent'
			? agentConnection(base.hostname, Number(base.port), agent)
			: rawHttpConnection(base.hostname, Number(base.port))
	);
	// Open the sockets and warm the path before the clock starts.
	await Promise.all(
		conns.map((get, w) => get(pathFor(job.kind, w % USERS), job.tokens[w % USERS]))
	);
	const r = await loop(job.seconds, job.postmaster, (w) => {
		const u = w % USERS;
		return conns[w](pathFor(job.kind, u), job.tokens[u]);
	});
	agent.destroy();
	return r;
}

async function rawPhase(job: RawJob): Promise<Result> {
	// The service's own pool settings (see POOL_OPTIONS for why fetch_types is on).
	const { POOL_OPTIONS, EXTENDED_PROTOCOL } = await import('../../stack/rest/transaction.ts');
	const { installQueryThenable } = await import('../../stack/postgres-thenable.ts');
	const raw = postgres(job.dbUrl, { ...POOL_OPTIONS, max: CONCURRENCY });
	// Queries as plain thenables, as the service has them (see stack/postgres-thenable.ts).
	installQueryThenable(raw);
	// The same transaction the service sends for a read: BEGIN READ ONLY; setup; main; COMMIT,
	// pipelined on one leased connection.
	const once = async (w: number) => {
		const u = w % USERS;
		const params =
			job.kind === 'pk'
				? [String(randomOwnedId(u)), String(job.maxRows)]
				: ['20', String(randomOffset())];
		const c = await raw.reserve();
		try {
			const [, , rows] = await Promise.all([
				c.unsafe('BEGIN READ ONLY'),
				c.unsafe(job.setup, job.setupParams[u], { prepare: true }),
				c.unsafe(job.sql, params, { prepare: true }),
				c.unsafe('COMMIT', [], EXTENDED_PROTOCOL)
			]);
			return (rows as unknown as Array<{ body: string | null }>)[0].body !== null;
		} finally {
			c.release();
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => once(w)));
	const r = await loop(job.seconds, job.postmaster, once);
	await raw.end();
	return r;
}

if (!isMainThread) {
	const job = workerData as Job;
	const r = job.mode === 'http' ? await httpPhase(job) : await rawPhase(job);
	parentPort!.postMessage(r, [r.latencies.buffer as ArrayBuffer]);
}

function runInWorker(job: Job): Promise<Result> {
	return new Promise((resolve, reject) => {
		const w = new Worker(fileURLToPath(import.meta.url), { workerData: job });
		w.once('message', (r: Result) => {
			resolve(r);
			void w.terminate();
		});
		w.once('error', reject);
	});
}

/** CPU seconds used so far by the Postgres server processes (postmaster's children). */
function postgresCpu(postmasterPid: number): number {
	const tick = 100; // USER_HZ on Linux
	let total = 0;
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// f[1] is ppid; utime and stime are fields 14 and 15 (f[11], f[12]).
			if (Number(d) === postmasterPid || Number(f[1]) === postmasterPid)
				total += (Number(f[11]) + Number(f[12])) / tick;
		} catch {
			// The process ended meanwhile.
		}
	}
	return total;
}

interface Figures {
	rps: number;
	p50: number;
	p99: number;
}

/** The rounds of one phase: median throughput and median of each latency percentile. */
function combine(rounds: Figures[]): Figures {
	return {
		rps: median(rounds.map((r) => r.rps)),
		p50: median(rounds.map((r) => r.p50)),
		p99: median(rounds.map((r) => r.p99))
	};
}

async function phase(
	name: string,
	mode: 'http' | 'raw',
	run: () => Promise<Result>
): Promise<Figures> {
	const load = os.loadavg()[0];
	// The HTTP server runs on this thread: its pauses are the ones requests wait through.
	const serverGc = watchGc();
	const serverCpu0 = process.threadCpuUsage();
	const r = await run();
	const serverCpu = process.threadCpuUsage(serverCpu0);
	const serverPauses = await serverGc.stop();
	const gc = mode === 'http' ? serverPauses : r.gc;
	const sorted = r.latencies.sort();
	const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
	const rps = r.count / r.seconds;
	const perReq = (s: number) => ((s / Math.max(1, r.count)) * 1e6).toFixed(0).padStart(5);
	const server =
		mode === 'http' ? ` (server ${perReq((serverCpu.user + serverCpu.system) / 1e6).trim()})` : '';
	console.log(
		`${name.padEnd(34)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${q(0.5).toFixed(2).padStart(6)} ms  p99 ${q(0.99).toFixed(2).padStart(6)} ms  errors ${r.errors}  cpu/req: node ${perReq(r.nodeCpu)}${server} µs, postgres ${perReq(r.pgCpu)} µs  gc (${mode === 'http' ? 'server' : 'driver'}): ${gc.count} pauses, max ${gc.max.toFixed(1)} ms, ${((gc.total / (r.seconds * 1000)) * 100).toFixed(1)} % of the time  (load ${load.toFixed(2)})`
	);
	return { rps, p50: q(0.5), p99: q(0.99) };
}

export default async function main(args: string[]): Promise<void> {
	const seconds = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 10);
	const rounds = Number(
		/^rounds=(\d+)$/.exec(args.find((a) => a.startsWith('rounds=')) ?? '')?.[1] ?? 3
	);
	const kinds: Kind[] = (['pk', 'list'] as const).filter(
		(k) => !args.some((a) => a === 'pk' || a === 'list') || args.includes(k)
	);
	const modes = (['http', 'raw'] as const).filter(
		(m) => !args.some((a) => a === 'http' || a === 'raw') || args.includes(m)
	);
	const client = args.includes('agent') ? 'agent' : 'raw';
	const { bootTestStack } = await import('../../stack/test-stack.ts');
	const { JWT_SECRET } = await import('../../stack/keys.ts');
	const { loadProjectConfig } = await import('../../stack/config.ts');
	console.log(
		`booting a throwaway stack; ${rounds} rounds of ${seconds}s per phase, ${CONCURRENCY} concurrent, ${client === 'raw' ? 'minimal keep-alive' : 'http.Agent'} client; load average ${os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')} on ${os.availableParallelism()} CPUs`
	);
	const stack = await bootTestStack();
	const admin = postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
	try {
		await admin
			.unsafe(
				`
			create table rest_b_items (id serial primary key, owner_id uuid not null, name text not null, value int not null);
			create table rest_b_details (id serial primary key, item_id int not null references rest_b_items(id), note text not null);
			create index on rest_b_items (owner_id);
			create index on rest_b_details (item_id);
			alter table rest_b_items enable row level security;
			alter table rest_b_details enable row level security;
			create policy "Owners read their items" on rest_b_items for select to authenticated using (owner_id = (select auth.uid()));
			create policy "Anyone signed in reads details" on rest_b_details for select to authenticated using (true);
			insert into rest_b_items (owner_id, name, value)
			  select ('00000000-0000-4000-8000-' || lpad((((g - 1) % ${USERS}) + 1)::text, 12, '0'))::uuid, 'item ' || g, g % 97
			  from generate_series(1, ${ROWS}) g;
			insert into rest_b_details (item_id, note) select (g % ${ROWS}) + 1, 'note ' || g from generate_series(1, ${ROWS * 2}) g;
			analyze rest_b_items; analyze rest_b_details;
			notify pgrst, 'reload schema';
		`
			)
			.simple();
		const [{ pid: pgPid }] = await admin<[{ pid: number }]>`
			select pid from pg_stat_activity where backend_type = 'checkpointer'`;
		const postmaster = Number(
			readFileSync(`/proc/${pgPid}/stat`, 'utf8').split(') ')[1].split(' ')[1]
		);
		const key = new TextEncoder().encode(JWT_SECRET);
		const tokens = await Promise.all(
			Array.from({ length: USERS }, (_, i) =>
				new SignJWT({ sub: userId(i), role: 'authenticated', aud: 'authenticated' })
					.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
					.setExpirationTime('2h')
					.sign(key)
			)
		);
		for (let i = 0; i < 200; i++) {
			const r = await fetch(`${stack.apiUrl}/rest/v1/rest_b_items?limit=1`, {
				headers: { authorization: `Bearer ${tokens[0]}` }
			});
			await r.text();
			if (r.status === 200) break;
			await new Promise((res) => setTimeout(res, 50));
		}

		// The raw driver: the service's setup statement and the SQL it builds for each request.
		const { loadSchemaCache } = await import('../../stack/rest/schema-cache.ts');
		const { Builder, buildRead, qrel } = await import('../../stack/rest/build-sql.ts');
		const { parseQuery } = await import('../../stack/rest/parse-query.ts');
		const { findRelation, planRead, relationTarget } = await import('../../stack/rest/plan.ts');
		const { setupStatement, setupParams, searchPathFor } =
			await import('../../stack/rest/transaction.ts');
		const config = loadProjectConfig();
		const rawUrl = stack.dbUrl.replace('postgres:postgres@', 'authenticator:postgres@');
		const meta = postgres(rawUrl, { max: 1, fetch_types: false, onnotice: () => {} });
		const cache = await loadSchemaCache(meta, config.schemas);
		await meta.end();
		const plan = (qs: string, limit: number, offset: number) => {
			const rel = findRelation(cache, 'public', 'rest_b_items');
			const tree = planRead(
				cache,
				'public',
				relationTarget(rel),
				parseQuery(new URLSearchParams(qs))
			);
			return buildRead(new Builder(cache), qrel(rel.schema, rel.name), tree, {
				count: null,
				head: false,
				limit,
				offset
			});
		};
		const sqlFor: Record<Kind, string> = {
			pk: plan('id=eq.1', config.maxRows, 0).sql,
			list: plan(LIST_QS, 20, 1).sql
		};
		const role = 'authenticated';
		const extra = cache.roleSettings.get(role) ?? [];
		// What the service passes for these requests (the headers the client sends).
		const userParams = tokens.map((token, i) =>
			setupParams(
				searchPathFor(config, 'public'),
				role,
				JSON.stringify({ sub: userId(i), role, aud: role }),
				'GET',
				'/rest_b_items',
				JSON.stringify({
					host: new URL(stack.apiUrl).host,
					authorization: `Bearer ${token}`,
					apikey: token,
					'x-request-id': crypto.randomUUID()
				}),
				'{}',
				extra
			)
		);

		// Interleaved rounds: this VM's speed drifts by ±20 % over minutes (the raw phase alone has
		// measured 5.2k–7.9k req/s on one day), so HTTP and raw run back to back in each round, the
		// order flipping every round, and the ratio is the median of the rounds' own ratios.
		const label = { pk: 'PK GET under RLS', list: '20 rows + embed' };
		const jobFor = (mode: 'http' | 'raw', kind: Kind): Job =>
			mode === 'http'
				? { mode, postmaster, url: stack.apiUrl, seconds, tokens, kind, client }
				: {
						mode,
						postmaster,
						dbUrl: rawUrl,
						seconds,
						kind,
						setup: setupStatement(extra.length),
						setupParams: userParams,
						sql: sqlFor[kind],
						maxRows: config.maxRows
					};
		const summary: string[] = [];
		for (const kind of kinds) {
			const runs: Record<'http' | 'raw', Figures[]> = { http: [], raw: [] };
			// Warm-up, not measured: both paths run under load first, so the first measured round
			// does not also pay for JIT compilation and for growing the heaps (it measured ~15 %
			// lower than the rounds after it, on the HTTP side only, which runs first).
			for (const mode of modes)
				await runInWorker({ ...jobFor(mode, kind), seconds: WARMUP_SECONDS });
			for (let round = 0; round < rounds; round++) {
				const order = round % 2 === 0 ? modes : [...modes].reverse();
				for (const mode of order) {
					const name = `${label[kind]}, ${mode === 'http' ? 'HTTP' : 'raw driver'} [${round + 1}/${rounds}]`;
					runs[mode].push(await phase(name, mode, () => runInWorker(jobFor(mode, kind))));
				}
			}
			const h = runs.http.length ? combine(runs.http) : null;
			const r = runs.raw.length ? combine(runs.raw) : null;
			if (!h || !r) continue;
			const ratios = runs.http.map((x, i) => (x.rps / runs.raw[i].rps) * 100);
			const ratio = median(ratios);
			const targets =
				kind === 'pk'
					? `  [targets: ≥ 2,000 req/s ${h.rps >= 2000 ? 'met' : 'MISSED'}, p99 ≤ 20 ms ${h.p99 <= 20 ? 'met' : 'MISSED'}, ≥ 50% ${ratio >= 50 ? 'met' : 'MISSED'}]`
					: '';
			summary.push(
				`${label[kind].padEnd(17)} HTTP ${h.rps.toFixed(0).padStart(6)} req/s (p50 ${h.p50.toFixed(2)} ms, p99 ${h.p99.toFixed(2)} ms)  raw ${r.rps.toFixed(0).padStart(6)} req/s  ratio ${ratio.toFixed(0)}% (rounds: ${ratios.map((x) => `${x.toFixed(0)}%`).join(' ')})${targets}`
			);
		}
		console.log('');
		console.log(`medians over ${rounds} interleaved rounds:`);
		for (const line of summary) console.log(line);
		console.log(
			`load average after: ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`
		);
	} finally {
		await admin.end();
		await stack.stop();
	}
}
