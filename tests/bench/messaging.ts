// `npm run bench -- messaging [--messages 5000000] [--small 50000] [--athletes 2000]
//   [--iterations 200] [--sends 3000] [--rounds 3] [--db <url> --api <url> [--org <id>]]`: the issue-7
// and issue-21 targets. One organization (the shared generator: 4 coaches, N athletes) where every
// coach talks with every athlete, so coach 1 has one conversation per athlete. First `--small`
// messages (the last week of every conversation), measured; then older history up to `--messages`,
// measured again:
//   - first inbox page (list_conversations) p95, raw SQL as the user (a transaction with role
//     authenticated + request.jwt.claims) and through REST (supabase-js .rpc() with a user JWT);
//     the ratio large/small shows the inbox does not grow with the message count;
//   - a history page (conversation_messages): the newest page and one deep in the history;
//   - sends per second with every trigger (send_message from several connections; REST beside),
//     against a bare insert of the same row in the same run (`--rounds` interleaved rounds, the
//     median ratio decides), with the floor the realtime broadcast alone sets (the bare insert plus
//     the send's two realtime.messages rows); and the work per send beside the bare
//     insert's in counts that do not move with the machine's load (buffers, WAL records and bytes
//     from EXPLAIN (ANALYZE, BUFFERS, WAL)), with the backend's CPU time;
//   - send -> recipient realtime callback latency (supabase-js private channel user:<recipient>).
// EXPLAIN (ANALYZE, BUFFERS) of the statements inside the read functions closes the run. Without
// --db it boots a throwaway stack (cluster + services) and removes it afterwards; with --org it
// measures an organization generated earlier, as it is, without generating anything.
import { availableParallelism, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createClient, type RealtimeChannel } from '@supabase/supabase-js';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { EXTENDED_PROTOCOL } from '../../stack/rest/transaction.ts';
import { PG_BIN } from '../../stack/postgres.ts';
import { uuidV7 } from '../../src/lib/ids.ts';
import { ANON_KEY } from '../../stack/keys.ts';
import { generateOrganization, loadOrganization } from './_generate.ts';
import { generateMessages, type Conversations } from './_messages.ts';
import {
	asUser,
	claims,
	explainInside,
	fmt,
	jwtCache,
	median,
	percentile,
	restClient,
	time
} from './_measure.ts';
import { option } from './seed.ts';

interface Row {
	measure: string;
	size: string;
	target: string;
	sql: number[];
	rest: number[];
}

function report(rows: Row[]): void {
	console.log(
		'\n| measure | messages | target | SQL p50 | SQL p95 | REST p50 | REST p95 | REST/SQL |'
	);
	console.log('|---|---|---|---|---|---|---|---|');
	for (const r of rows) {
		const s95 = percentile(r.sql, 95);
		const r95 = percentile(r.rest, 95);
		console.log(
			`| ${r.measure} | ${r.size} | ${r.target} | ${fmt(percentile(r.sql, 50))} | ${fmt(s95)} | ${fmt(percentile(r.rest, 50))} | ${fmt(r95)} | ${Number.isFinite(r95) ? (r95 / s95).toFixed(2) : 'n/a'} |`
		);
	}
}

interface SendWork {
	n: number;
	hits: number;
	walRecords: number;
	walBytes: number;
	cpuMs: number | null;
}

/** Reads a process's user + system CPU time in ms from /proc (null when not on this machine). */
function processCpuMs(pid: number): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return null;
	}
}

/**
 * What one send (or one bare insert) costs the database in work that does not depend on how busy
 * the machine is: buffers touched and WAL written, summed from EXPLAIN (ANALYZE, BUFFERS, WAL) of
 * the call (the counts include every statement the functions and triggers run), each call in its
 * own transaction as a real send is (a second write to a row the same transaction wrote would
 * repeat its foreign-key checks). The backend's CPU time comes from /proc when the database runs
 * on this machine; it still moves with the load (caches, frequency), the counts do not.
 */
async function sendWork(
	dbUrl: string,
	organizationId: string,
	sender: string,
	recipients: string[],
	bare: boolean,
	n = 300
): Promise<SendWork> {
	const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
	try {
		const [{ pid }] = await db<{ pid: number }[]>`select pg_backend_pid() as pid`;
		const statement = bare
			? `insert into public.bench_bare_messages (organization_id, sender_id, sender_role, recipient_id, content, client_id) values ($1, $2, 'coach', $3, 'bench send', private.uuid_v7())`
			: `select id from public.send_message($1, $3, 'bench send', private.uuid_v7()) where $2::uuid is not null`;
		const one = async (i: number) => {
			let plan: { Plan: Record<string, number> } | undefined;
			await db.begin(async (tx) => {
				await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims(sender)}, true)`;
				const [row] = await tx.unsafe(
					`explain (analyze, buffers, wal, timing off, format json) ${statement}`,
					[organizationId, sender, recipients[(i * 37) % recipients.length]]
				);
				plan = (row['QUERY PLAN'] as { Plan: Record<string, number> }[])[0];
			});
			return plan!.Plan;
		};
		for (let i = 0; i < 20; i++) await one(i);
		let hits = 0;
		let walRecords = 0;
		let walBytes = 0;
		const cpu0 = processCpuMs(pid);
		for (let i = 0; i < n; i++) {
			const p = await one(1000 + i);
			hits += (p['Shared Hit Blocks'] ?? 0) + (p['Shared Read Blocks'] ?? 0);
			walRecords += p['WAL Records'] ?? 0;
			walBytes += p['WAL Bytes'] ?? 0;
		}
		const cpu1 = processCpuMs(pid);
		return {
			n,
			hits: hits / n,
			walRecords: walRecords / n,
			walBytes: walBytes / n,
			cpuMs: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / n
		};
	} finally {
		await db.end();
	}
}

export default async function messaging(args: string[]): Promise<void> {
	const total = Number(option(args, 'messages') ?? 5_000_000);
	const small = Number(option(args, 'small') ?? 50_000);
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const iterations = Number(option(args, 'iterations') ?? 200);
	const sends = Number(option(args, 'sends') ?? 3000);
	let dbUrl = option(args, 'db');
	let apiUrl = option(args, 'api');
	let stack: TestStack | null = null;
	if (!dbUrl || !apiUrl) {
		console.log('Booting a throwaway stack (cluster, migrations, seed.sql, services)…');
		stack = await bootTestStack();
		dbUrl = stack.dbUrl;
		apiUrl = stack.apiUrl;
	}
	const api = apiUrl;
	const sql = postgres(dbUrl, { max: 4, onnotice: () => {} });
	const jwtOf = jwtCache();
	const rows: Row[] = [];
	try {
		const existing = option(args, 'org');
		if (!existing) console.log(`Generating an organization of ${athletes} athletes…`);
		const org = existing
			? await loadOrganization(sql, existing)
			: await generateOrganization(sql, { athletes, days: 7, log: console.log });
		const c: Conversations = {
			organizationId: org.organizationId,
			coachIds: org.coachIds,
			athleteIds: org.athleteIds,
			conversations: org.coachIds.length * org.athleteIds.length
		};
		const coach = org.coachIds[0];
		const other = (i: number) => org.athleteIds[(i * 37) % org.athleteIds.length];

		const measureReads = async (size: string, withHistory: boolean) => {
			const [{ n }] = await sql<{ n: string }[]>`
				select count(*) as n from public.conversation_summaries
				 where owner_id = ${coach} and organization_id = ${c.organizationId}`;
			console.log(`\n-- ${size} messages; coach 1 has ${n} conversations`);
			const reads: [string, string, (i: number) => [string, object]][] = [
				[
					'inbox first page (list_conversations, 30)',
					'≤ 10 ms SQL, ≤ 25 ms REST',
					() => ['list_conversations', { p_organization_id: c.organizationId }]
				],
				[
					'history newest page (conversation_messages, 50)',
					'≤ 10 ms',
					(i) => [
						'conversation_messages',
						{ p_organization_id: c.organizationId, p_other_user_id: other(i) }
					]
				],
				[
					'history page 200 days back',
					'≤ 10 ms',
					(i) => [
						'conversation_messages',
						{
							p_organization_id: c.organizationId,
							p_other_user_id: other(i),
							p_before: new Date(Date.now() - 200 * 86_400_000).toISOString()
						}
					]
				]
			];
			// The deep page is measured once there is a year of history.
			for (const [name, target, make] of withHistory ? reads : reads.slice(0, 2)) {
				const viaSql = async (i: number) => {
					const [fn, params] = make(i);
					await asUser(sql, coach, (tx) => {
						const p = params as Record<string, string>;
						return fn === 'list_conversations'
							? tx`select * from public.list_conversations(${p.p_organization_id})`
							: tx`select * from public.conversation_messages(${p.p_organization_id}, ${p.p_other_user_id}, ${p.p_before ?? null})`;
					});
				};
				const client = restClient(api, await jwtOf(coach));
				const viaRest = async (i: number) => {
					const [fn, params] = make(i);
					const { data, error } = await client.rpc(fn, params);
					if (error) throw new Error(`${fn}: ${error.message}`);
					if (i === 0 && !(data as unknown[]).length) throw new Error(`${fn}: no rows`);
				};
				for (let i = 0; i < 10; i++) await viaSql(i);
				const sqlTimes = await time(iterations, viaSql);
				for (let i = 0; i < 5; i++) await viaRest(i);
				const restTimes = await time(iterations, viaRest);
				rows.push({ measure: name, size, target, sql: sqlTimes, rest: restTimes });
				console.log(
					`${name}: SQL p95 ${fmt(percentile(sqlTimes, 95))}, REST p95 ${fmt(percentile(restTimes, 95))}`
				);
			}
		};

		if (existing) {
			const [{ n }] = await sql<{ n: string }[]>`
				select count(*) as n from public.messages where organization_id = ${c.organizationId}`;
			await measureReads(Number(n).toLocaleString('en'), true);
		} else {
			let t = performance.now();
			const made = await generateMessages(sql, c, 'recent', small, console.log);
			console.log(
				`recent messages: ${made} in ${((performance.now() - t) / 1000).toFixed(1)} s (with summaries)`
			);
			await measureReads(made.toLocaleString('en'), false);

			t = performance.now();
			const older = await generateMessages(sql, c, 'history', total - made, console.log);
			const [{ n: count }] = await sql<{ n: string }[]>`
				select count(*) as n from public.messages where organization_id = ${c.organizationId}`;
			console.log(
				`history: ${older} more in ${((performance.now() - t) / 1000).toFixed(1)} s; ${Number(count).toLocaleString('en')} messages in the organization (${org.organizationId})`
			);
			await measureReads(Number(count).toLocaleString('en'), true);
		}

		// Sends: `--connections` senders at once, each its own pair stream: coaches write to
		// athletes, athletes to coaches, so no two connections update the same summaries. The
		// default is a pool sized to the machine (2 per core), as a server-side sender would use:
		// every send commits a NOTIFY (the realtime fast path, the push worker's wake-up), and
		// Postgres serializes notifying commits, so connections beyond that only queue on that lock
		// (on 2 cores: 1,209/s with 4, 830/s with 8, 891/s with 16 in one run).
		const connections = Number(option(args, 'connections') ?? 2 * availableParallelism());
		const pairs = Array.from({ length: connections }, (_, w) => {
			const coachOf = org.coachIds[w % org.coachIds.length];
			return w < org.coachIds.length
				? { from: coachOf, to: (i: number) => other(i) }
				: { from: other(w * 101), to: () => coachOf };
		});
		const sendSql = async () => {
			const pool = postgres(dbUrl, { max: connections, onnotice: () => {} });
			let sent = 0;
			const t0 = performance.now();
			await Promise.all(
				pairs.map(async ({ from, to }, w) => {
					const conn = await pool.reserve();
					for (let i = w; sent < sends; i += connections) {
						sent++;
						// One round trip per send, as the REST service sends a call: BEGIN, role + claims,
						// the call and COMMIT pipelined in one write, the statements prepared once per
						// connection (extended protocol) rather than parsed and planned on every send.
						await Promise.all([
							conn.unsafe('BEGIN'),
							conn.unsafe(
								`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
								[claims(from)],
								{ prepare: true }
							),
							conn.unsafe(
								'select id from public.send_message($1, $2, $3, $4)',
								[c.organizationId, to(i), `bench send ${i}`, uuidV7()],
								{ prepare: true }
							),
							conn.unsafe('COMMIT', [], EXTENDED_PROTOCOL)
						]);
					}
					conn.release();
				})
			);
			const seconds = (performance.now() - t0) / 1000;
			await pool.end();
			return sent / seconds;
		};
		// The SQL figure comes from pgbench (Postgres's own load generator, a C client): on two
		// cores a Node driver's own CPU per send (~15–20 % of a core's time at this rate) is taken
		// from the database it measures. Same transaction per send as above (BEGIN, role + claims,
		// send_message, COMMIT; prepared), same senders; each client writes to a random athlete, or
		// to its coach when it is an athlete. The Node-driver figure is reported beside it.
		// pgbench runs at one connection per core and at the pool size above: the send path is CPU
		// work, so with a client that waits for nothing, connections beyond the cores only add
		// context switches between backends on the same rows' pages (Postgres CPU per send on this
		// machine: ~1.35 ms at 2 connections, ~1.9 ms at 4). The target must hold at each count.
		// `bare`: the same transaction inserting the same row into bench_bare_messages, a copy of
		// public.messages with the same columns, defaults, constraints and indexes but no
		// triggers, foreign keys or RLS: what a send costs beyond storing the message.
		// `kind`: 'send' (send_message), 'bare' (the bare insert) or 'floor' (the bare insert plus
		// the realtime broadcast a send writes for it: the same two realtime.messages rows through
		// private.broadcast, as the definer, in the same transaction). The floor is not a target:
		// it shows how much of the ratio the delivery through realtime.messages alone takes.
		const sendPgbench = async (connections: number, kind: 'send' | 'bare' | 'floor' = 'send') => {
			const bare = kind !== 'send';
			const list = (ids: string[]) => `array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`;
			const senders = list(pairs.map((p) => p.from));
			const coachCount = Math.min(connections, org.coachIds.length);
			const recipient = `case when :w < ${coachCount} then (${list(org.athleteIds)})[:a] else (${list(org.coachIds)})[:w % ${org.coachIds.length} + 1] end`;
			const script = [
				'\\set w :client_id',
				`\\set a random(1, ${org.athleteIds.length})`,
				'begin;',
				`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"role":"authenticated","sub":"' || (${senders})[:w + 1]::text || '"}', true);`,
				bare
					? `${kind === 'floor' ? 'with m as (' : ''}insert into public.bench_bare_messages as b (organization_id, sender_id, sender_role, recipient_id, content, client_id) values ('${c.organizationId}', (${senders})[:w + 1], case when :w < ${coachCount} then 'coach' else 'member' end::public.sender_role, ${recipient}, 'bench send', private.uuid_v7()) returning ${kind === 'floor' ? 'b) select public.bench_bare_broadcast(m.b) from m' : 'id'};`
					: `select id from public.send_message('${c.organizationId}', ${recipient}, 'bench send', private.uuid_v7());`,
				'commit;',
				''
			].join('\n');
			const dir = mkdtempSync(path.join(tmpdir(), 'coachline-pgbench-'));
			const file = path.join(dir, 'send.sql');
			writeFileSync(file, script);
			try {
				const r = spawnSync(
					path.join(PG_BIN, 'pgbench'),
					[
						'-n',
						'-M',
						'prepared',
						'-c',
						String(connections),
						'-j',
						String(Math.min(connections, availableParallelism())),
						'-t',
						String(Math.ceil(sends / connections)),
						'-f',
						file,
						dbUrl
					],
					{ encoding: 'utf8' }
				);
				const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout);
				if (r.status !== 0 || !tps || /aborted/.test(r.stdout + r.stderr))
					throw new Error(`pgbench failed:\n${r.stdout}\n${r.stderr}`);
				return Number(tps[1]);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		};
		const sendRest = async () => {
			const clients = await Promise.all(
				pairs.map(async ({ from, to }) => ({ to, client: restClient(api, await jwtOf(from)) }))
			);
			let sent = 0;
			const t0 = performance.now();
			await Promise.all(
				clients.map(async ({ client, to }, w) => {
					for (let i = w; sent < sends; i += connections) {
						sent++;
						const { error } = await client.rpc('send_message', {
							p_organization_id: c.organizationId,
							p_recipient_id: to(i),
							p_content: `bench rest send ${i}`,
							p_client_id: uuidV7()
						});
						if (error) throw new Error(`send_message: ${error.message}`);
					}
				})
			);
			return sent / ((performance.now() - t0) / 1000);
		};
		await sql.unsafe(`
			create table public.bench_bare_messages (like public.messages including all);
			grant insert, select on public.bench_bare_messages to authenticated;
			create function public.bench_bare_broadcast(m public.bench_bare_messages) returns void
			language plpgsql security definer set search_path = '' as $$
			declare
			  v_payload jsonb := jsonb_build_object(
			    'message_id', m.id, 'organization_id', m.organization_id, 'sender_id', m.sender_id,
			    'recipient_id', m.recipient_id, 'sender_role', m.sender_role,
			    'workout_assignment_id', m.workout_assignment_id, 'content', m.content,
			    'attachment_count', m.attachment_count, 'created_at', m.created_at,
			    'edited_at', m.edited_at, 'deleted_at', m.deleted_at, 'read_at', m.read_at);
			begin
			  perform private.broadcast('message_created',
			    array['user:' || m.recipient_id::text, 'user:' || m.sender_id::text],
			    array[v_payload, v_payload || jsonb_build_object('client_id', m.client_id)]);
			end $$;
			grant execute on function public.bench_bare_broadcast(public.bench_bare_messages) to authenticated;`);
		const pgbenchRates = new Map<number, number>();
		const bareRates = new Map<number, number>();
		const floorRates = new Map<number, number>();
		const roundRatios = new Map<number, number[]>();
		const pairRounds = Math.max(1, Number(option(args, 'rounds') ?? 3));
		let work: { send: SendWork; bare: SendWork } | null = null;
		try {
			// Send, bare insert and floor back to back at each connection count, so all see the same
			// machine (its speed drifts over minutes): the ratio holds where absolute rates do not.
			// On a machine others share, one pair swings by ±50 %: `--rounds` pairs per count, the
			// order alternating between rounds so a drift favours neither side, and the median of the
			// per-round ratios decides (the rates shown are the medians of each side).
			const counts = [...new Set([availableParallelism(), connections])];
			const runs = new Map(
				counts.map((n) => [
					n,
					{ send: [] as number[], bare: [] as number[], floor: [] as number[] }
				])
			);
			for (let r = 0; r < pairRounds; r++) {
				for (const n of counts) {
					const x = runs.get(n)!;
					const order: ('send' | 'bare' | 'floor')[] =
						r % 2 === 0 ? ['send', 'bare', 'floor'] : ['floor', 'bare', 'send'];
					for (const kind of order) x[kind].push(await sendPgbench(n, kind));
				}
			}
			for (const [n, x] of runs) {
				pgbenchRates.set(n, median(x.send));
				bareRates.set(n, median(x.bare));
				floorRates.set(n, median(x.floor));
				roundRatios.set(
					n,
					x.send.map((s, i) => x.bare[i] / s)
				);
			}
			work = {
				send: await sendWork(dbUrl, c.organizationId, coach, org.athleteIds, false),
				bare: await sendWork(dbUrl, c.organizationId, coach, org.athleteIds, true)
			};
		} finally {
			await sql.unsafe(`drop table public.bench_bare_messages cascade`);
		}
		const sqlRate = Math.max(...pgbenchRates.values());
		const ratios = [...pgbenchRates].map(([n, r]) => ({
			n,
			send: r,
			bare: bareRates.get(n) ?? NaN,
			floor: floorRates.get(n) ?? NaN,
			ratio: median(roundRatios.get(n) ?? [NaN]),
			rounds: roundRatios.get(n) ?? []
		}));
		// The issue's target holds at every connection count measured, so the worst ratio decides.
		const worstRatio = Math.max(...ratios.map((x) => x.ratio));
		console.log(
			`\nsend with every trigger vs a bare insert of the same row (same indexes, no triggers), median of ${pairRounds} interleaved rounds: ${ratios
				.map(
					(x) =>
						`${x.send.toFixed(0)}/s vs ${x.bare.toFixed(0)}/s = ${x.ratio.toFixed(2)}× at ${x.n} connections (rounds ${x.rounds.map((r) => r.toFixed(2)).join(', ')})`
				)
				.join(
					'; '
				)} (target ≤ 2.5× at each: ${worstRatio <= 2.5 ? 'met' : 'MISSED'}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`
		);
		console.log(
			`floor: the bare insert plus the realtime broadcast a send writes (two realtime.messages rows, nothing else): ${ratios
				.map(
					(x) =>
						`${x.floor.toFixed(0)}/s = ${(x.bare / x.floor).toFixed(2)}× the bare insert at ${x.n} connections`
				)
				.join('; ')}`
		);
		if (work) {
			const { send: w, bare: b } = work;
			const cpu = (x: SendWork) => (x.cpuMs === null ? 'n/a' : `${x.cpuMs.toFixed(3)} ms`);
			console.log(
				`work per send (one at a time, each its own transaction, ${w.n} each; counts do not move with the machine's load): ` +
					`send ${w.hits.toFixed(1)} buffers, ${w.walRecords.toFixed(1)} WAL records (${w.walBytes.toFixed(0)} B), backend CPU ${cpu(w)}; ` +
					`bare ${b.hits.toFixed(1)} buffers, ${b.walRecords.toFixed(1)} WAL records (${b.walBytes.toFixed(0)} B), backend CPU ${cpu(b)}; ` +
					`ratios ${(w.hits / b.hits).toFixed(2)}× buffers, ${(w.walRecords / b.walRecords).toFixed(2)}× WAL records` +
					(w.cpuMs !== null && b.cpuMs !== null ? `, ${(w.cpuMs / b.cpuMs).toFixed(2)}× CPU` : '')
			);
		}
		const driverRate = await sendSql();
		const restRate = await sendRest();
		console.log(
			`\nsends with every trigger: SQL (pgbench) ${[...pgbenchRates].map(([n, r]) => `${r.toFixed(0)}/s at ${n} connections`).join(', ')} (target ≥ 1,000/s: ${sqlRate >= 1000 ? 'met' : 'MISSED'}); through a Node driver ${driverRate.toFixed(0)}/s and REST ${restRate.toFixed(0)}/s at ${connections}`
		);

		// Realtime: the athlete listens on its private topic; the coach sends through send_message.
		const athlete = org.athleteIds[1];
		const athleteJwt = await jwtOf(athlete);
		const listener = createClient(api, ANON_KEY, {
			auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
			accessToken: async () => athleteJwt
		});
		await listener.realtime.setAuth(athleteJwt);
		const pending = new Map<string, (at: number) => void>();
		const channel: RealtimeChannel = listener
			.channel(`user:${athlete}`, { config: { private: true } })
			.on('broadcast', { event: 'message_created' }, (m) => {
				const content = (m.payload as { content?: string }).content ?? '';
				pending.get(content)?.(performance.now());
			});
		await new Promise<void>((resolve, reject) => {
			channel.subscribe((status, err) => {
				if (status === 'SUBSCRIBED') resolve();
				else if (status !== 'CLOSED') reject(err ?? new Error(status));
			});
		});
		const latencies: number[] = [];
		const rounds = Math.max(50, Math.floor(iterations / 2));
		for (let i = 0; i < rounds + 5; i++) {
			const content = `latency probe ${i} ${randomUUID()}`;
			const heard = new Promise<number>((resolve, reject) => {
				pending.set(content, resolve);
				setTimeout(() => reject(new Error(`no realtime callback for probe ${i}`)), 5000);
			});
			const t0 = performance.now();
			await asUser(
				sql,
				coach,
				(tx) => tx`select id from public.send_message(${c.organizationId}, ${athlete}, ${content})`
			);
			const at = await heard;
			pending.delete(content);
			if (i >= 5) latencies.push(at - t0);
		}
		await listener.removeAllChannels();
		console.log(
			`send -> recipient realtime callback (${rounds} sends): p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}`
		);

		report(rows);
		const bySize = (m: string) => rows.filter((r) => r.measure === m);
		for (const m of new Set(rows.map((r) => r.measure))) {
			const [a, b] = bySize(m);
			if (a && b)
				console.log(
					`${m}: ${b.size} / ${a.size} p95 ratio — SQL ${(percentile(b.sql, 95) / percentile(a.sql, 95)).toFixed(2)}, REST ${(percentile(b.rest, 95) / percentile(a.rest, 95)).toFixed(2)} (target ≤ 1.5)`
				);
		}
		console.log(
			`sends/s: SQL ${sqlRate.toFixed(0)} with pgbench (target ≥ 1,000), ${driverRate.toFixed(0)} through a Node driver, REST ${restRate.toFixed(0)}; realtime p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}`
		);

		await explainInside(
			dbUrl,
			[
				[
					'list_conversations',
					coach,
					(tx) => tx`select count(*) from public.list_conversations(${c.organizationId})`
				],
				[
					'conversation_messages',
					coach,
					(tx) =>
						tx`select count(*) from public.conversation_messages(${c.organizationId}, ${other(3)})`
				]
			],
			/conversation_summaries|messages m/,
			(url, onnotice) => postgres(url, { max: 1, onnotice })
		);
	} finally {
		await sql.end();
		await stack?.stop();
	}
}
