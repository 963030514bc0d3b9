// The realtime service behind /realtime/v1: Phoenix WebSockets for realtime-js (broadcast,
// presence, postgres_changes, private channels by RLS) and the REST broadcast endpoints.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import postgres from 'postgres';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayRequest, Service, ServiceFactory } from '../http.ts';
import { ANON_KEY, PUBLISHABLE_KEY, SECRET_KEY, SERVICE_ROLE_KEY } from '../keys.ts';
import { Hub, namespaceOf } from './broadcast.ts';
import type { RealtimeDeps } from './channel.ts';
import { Connection } from './connection.ts';
import { SlotStream, type WalChange } from './db-stream.ts';
import { handleHttp } from './http-api.ts';
import { DEFAULT_LIMITS, JoinRateLimiter } from './limits.ts';
import { PostgresChanges } from './postgres-changes.ts';
import type { UserBroadcast } from './socket.ts';
import { TokenVerifier } from './tokens.ts';

const envMs = (name: string, fallback: number): number => {
	const v = Number(process.env[name]);
	return Number.isFinite(v) && v > 0 ? v : fallback;
};

const mapKey = (key: string | undefined): string | undefined =>
	key === SECRET_KEY ? SERVICE_ROLE_KEY : key === PUBLISHABLE_KEY ? ANON_KEY : key;

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers))
		if (typeof v === 'string' && !['authorization', 'apikey', 'x-api-key', 'cookie'].includes(k))
			out[k] = v;
	return out;
}

function refuse(socket: Duplex, status: number, text: string, body: unknown) {
	const json = JSON.stringify(body);
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`
	);
}

/** A realtime.messages row as wal2json decoded it, turned into a user broadcast. */
function messageBroadcast(
	change: WalChange,
	delivered: RecentIds
): { ns: string; b: UserBroadcast } | null {
	if (change.action !== 'I' || !change.table.startsWith('messages')) return null;
	// Most rows went out by the notification already: skip them before decoding anything else.
	const id = change.columns?.find((c) => c.name === 'id')?.value;
	if (typeof id !== 'string' || !delivered.add(id)) return null;
	const row = new Map((change.columns ?? []).map((c) => [c.name, c.value]));
	if (row.get('extension') !== 'broadcast') return null;
	const topic = row.get('topic');
	const event = row.get('event');
	if (typeof topic !== 'string' || typeof event !== 'string') return null;
	const b: UserBroadcast = { event, payload: {}, meta: { id: row.get('id') } };
	const payload = row.get('payload');
	const binary = row.get('binary_payload');
	if (typeof payload === 'string') b.payload = JSON.parse(payload) as unknown;
	else if (typeof binary === 'string') b.binary = Buffer.from(binary.replace(/^\\x/, ''), 'hex');
	return { ns: namespaceOf(topic, row.get('private') === true), b };
}

/** A broadcast row as the notification of stack/platform/06-realtime-delivery.sql carries it. */
interface NotifiedRow {
	id: string;
	topic: string;
	event: string | null;
	private: boolean | null;
	payload: unknown;
}

/**
 * Message ids delivered lately, whether by the notification or by the slot, so the other path
 * skips them. Bounded: the slot catches up within a round or two, far fewer rows than this.
 */
class RecentIds {
	private readonly ids = new Set<string>();
	private readonly max: number;
	constructor(max: number) {
		this.max = max;
	}
	/** Records the id; false if it was already there. */
	add(id: string): boolean {
		if (this.ids.has(id)) return false;
		this.ids.add(id);
		if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
		return true;
	}
}

export const createRealtimeService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('supabase_realtime_admin'), {
		max: 8,
		onnotice: () => {},
		connection: { application_name: 'coachline-realtime' }
	});
	const log = ctx.log;
	const limits = { ...DEFAULT_LIMITS };
	const hub = new Hub(envMs('COACHLINE_REALTIME_REPLAY_MS', 30_000), {
		presenceBatchMs: envMs('COACHLINE_REALTIME_PRESENCE_BATCH_MS', 20)
	});
	const verifier = new TokenVerifier(ctx.jwtSecret);
	const changes = new PostgresChanges(sql, log);
	const deps: RealtimeDeps = {
		sql,
		hub,
		verifier,
		limits,
		joinLimiter: new JoinRateLimiter(limits.maxJoinsPerSecond),
		changes,
		log
	};

	const delivered = new RecentIds(20_000);
	/** Delivers the rows a notification carries; false when it carries none (the slot must). */
	const fastPath = (payload: string): boolean => {
		if (!payload) return false;
		let rows: NotifiedRow[];
		try {
			rows = JSON.parse(payload) as NotifiedRow[];
		} catch {
			return false;
		}
		if (!Array.isArray(rows)) return false;
		for (const r of rows) {
			if (typeof r.topic !== 'string' || typeof r.event !== 'string') continue;
			if (!delivered.add(r.id)) continue;
			hub.broadcast(namespaceOf(r.topic, r.private === true), {
				event: r.event,
				payload: r.payload ?? {},
				meta: { id: r.id }
			});
		}
		return true;
	};

	// One slot per stack instance: the data directory identifies the instance.
	const slot = `coachline_realtime_${createHash('sha256').update(ctx.dataDir).digest('hex').slice(0, 12)}`;
	const idlePollMs = envMs('COACHLINE_REALTIME_SLOT_POLL_MS', 5000);
	const stream = new SlotStream({
		sql,
		slot,
		notifyChannel: 'realtime_messages_inserted',
		addTables: () => changes.addTables(),
		// Reading the slot decodes the WAL from its restart point, which trails the newest WAL by up
		// to ~15 s of writes (it moves at running-xacts records), so every round costs in proportion
		// to recent write volume, not to what it returns. Broadcasts arrive by the fast path
		// (NOTIFY payload); with no postgres_changes subscriber the slot is only read to acknowledge
		// them and as a fallback, every few seconds. At 100 ms it took a third of the database's CPU
		// under a burst of sends (the messaging bench). After a crash, at most that many seconds of
		// broadcasts go out again (at least once, as before).
		pollMs: () => (changes.active ? 100 : idlePollMs),
		forceFlush: () => changes.active,
		fastPath,
		lazyMs: envMs('COACHLINE_REALTIME_SLOT_LAZY_MS', 5000),
		log,
		onChanges: async (batch, startedAt) => {
			if (changes.active) await changes.refresh();
			let handled = 0;
			for (const c of batch) {
				// A large batch (a burst, a backlog) must not hold the event loop for its whole length.
				if (++handled % 256 === 0) await new Promise((r) => setImmediate(r));
				if (c.schema === 'realtime') {
					const m = messageBroadcast(c, delivered);
					if (!m) continue;
					const committed = Date.parse(
						c.timestamp.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')
					);
					hub.broadcast(m.ns, m.b, undefined, { backlog: committed < startedAt });
				} else {
					await changes.handle(c);
				}
			}
		}
	});
	await stream.start();

	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxFrameBytes,
		perMessageDeflate: false
	});
	const connections = new Set<Connection>();

	// Sockets that vanish without a close (a dropped network) are found by ping/pong.
	const sweep = setInterval(
		() => {
			for (const c of connections) {
				if (!c.alive) {
					c.terminate();
					continue;
				}
				c.alive = false;
				c.ping();
			}
		},
		envMs('COACHLINE_REALTIME_PING_MS', 30_000)
	);
	sweep.unref();

	// Policies can change under a joined channel; the real server re-checks on a timer too.
	const recheck = setInterval(
		() => {
			void (async () => {
				for (const c of connections) for (const ch of c.channels.values()) await ch.recheck();
			})();
		},
		envMs('COACHLINE_REALTIME_RECHECK_MS', 60_000)
	);
	recheck.unref();

	// The real server's janitor keeps realtime.messages' daily partitions (yesterday to three days
	// ahead) and drops old ones; so do we, at start and hourly. A failure is logged and retried at
	// the next tick: sends keep working on the partitions made earlier.
	const maintain = () => {
		sql`select realtime.maintain_partitions()`.catch((e: unknown) => {
			log('warn', 'realtime: maintaining message partitions failed', {
				error: (e as Error).message
			});
		});
	};
	maintain();
	const janitor = setInterval(maintain, envMs('COACHLINE_REALTIME_JANITOR_MS', 3_600_000));
	janitor.unref();

	// Defined apart from `upgrade` so that what a connection's listeners capture does not keep the
	// upgrade request (its headers, URL and parser state) alive for the socket's lifetime.
	const accept = (ws: WebSocket, opts: ConstructorParameters<typeof Connection>[2]) => {
		const conn = new Connection(ws, deps, opts);
		connections.add(conn);
		ws.on('close', () => connections.delete(conn));
	};

	const service: Service = {
		name: 'realtime',
		async handle(req: GatewayRequest, res) {
			await handleHttp({ sql, hub, verifier, limits }, req, res);
		},
		upgrade(req: GatewayRequest, socket: Duplex, head: Buffer) {
			if (req.servicePath !== '/websocket') {
				refuse(socket, 404, 'Not Found', { error: 'Not found' });
				return;
			}
			socket.on('error', () => {});
			const headerKey = req.headers['x-api-key'];
			const token =
				mapKey(typeof headerKey === 'string' ? headerKey : undefined) ?? req.apikey ?? null;
			const vsn = req.query.get('vsn')?.startsWith('2.') ? '2.0.0' : '1.0.0';
			const headers = forwardedHeaders(req);
			void verifier.verify(token).then((v) => {
				if (!v.ok) {
					refuse(socket, 401, 'Unauthorized', { error: v.reason });
					return;
				}
				wss.handleUpgrade(req, socket, head, (ws) =>
					accept(ws, { vsn, token: token ?? '', claims: v.claims, headers })
				);
			});
		},
		async close() {
			clearInterval(sweep);
			clearInterval(recheck);
			clearInterval(janitor);
			for (const c of connections) c.terminate();
			await stream.close();
			await new Promise<void>((r) => wss.close(() => r()));
			await sql.end({ timeout: 2 });
		}
	};
	return service;
};
