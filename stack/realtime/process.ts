// The realtime service in a process of its own, behind the same gateway (the default;
// COACHLINE_REALTIME_PROCESS=0 keeps it in the gateway's process, see stack/services.ts).
//
// Why: in the gateway's process a message waits for the event loop, which under a crowd is busy
// with REST and auth work (JSON, the driver's parsing, responses): a direct message's NOTIFY could
// sit behind tens of milliseconds of other people's pages, and the tail of delivery grew to half
// a second with 220 people on two cores. In its own process the realtime service has its own
// event loop, and the kernel's scheduler, which favours a process that mostly sleeps, runs it as
// soon as the notification arrives.
//
// How: the gateway still accepts every connection on its one port. A WebSocket upgrade is handed
// over whole: the socket itself (its file descriptor, over the IPC channel) with the request's
// head, so frames then flow between the client and this process without passing through the
// gateway at all. The few HTTP requests (the REST broadcast endpoints) are proxied to a loopback
// port of the child. Logs come back over IPC so the gateway's logging settings apply.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { GatewayRequest, ServiceContext, ServiceFactory } from '../http.ts';

/** What the parent tells the child at start (everything of ServiceContext realtime uses). */
export interface RealtimeChildConfig {
	/** `dbUrl(ROLE_MARK)`: the child puts the role in place of the mark. */
	dbUrlTemplate: string;
	jwtSecret: string;
	apiUrl: string;
	dataDir: string;
}

/** A WebSocket upgrade as the gateway routed it; the socket travels beside it. */
export interface UpgradeMessage {
	type: 'upgrade';
	method: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	/** Bytes read past the request head (base64). */
	head: string;
	servicePath: string;
	query: string;
	requestId: string;
	bearer: string | null;
	apikey: string | null;
}

export type ChildToParent =
	| { type: 'ready'; port: number }
	| { type: 'failed'; error: string }
	| { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
	| { type: 'closed' };

export type ParentToChild = UpgradeMessage | { type: 'close' };

/** The realtime process's nice value when the system lets us raise it (lower is sooner). */
const REALTIME_NICE = -5;

/** Stands for the role in `RealtimeChildConfig.dbUrlTemplate`. */
export const ROLE_MARK = '__coachline_role__';

const childFile = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Hop-by-hop headers a proxy must not forward (RFC 9110 7.6.1). */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export const createRealtimeProcessService: ServiceFactory = async (ctx: ServiceContext) => {
	const child: ChildProcess = fork(childFile, [], {
		// The gateway's own flags (a test runner's loaders, inspectors) are not for this process.
		execArgv: [],
		env: {
			...process.env,
			COACHLINE_REALTIME_CHILD: JSON.stringify({
				dbUrlTemplate: ctx.dbUrl(ROLE_MARK),
				jwtSecret: ctx.jwtSecret,
				apiUrl: ctx.apiUrl,
				dataDir: ctx.dataDir
			} satisfies RealtimeChildConfig)
		},
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		serialization: 'advanced'
	});
	// Deliveries first: a notification should reach its sockets before the next page is built.
	// Raising a process's priority needs privileges (root or CAP_SYS_NICE); without them the child
	// keeps the ordinary priority and only the separate event loop remains.
	try {
		if (child.pid) os.setPriority(child.pid, REALTIME_NICE);
	} catch {
		// not permitted here: ordinary priority
	}
	let exited = false;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exited = true;
			if (!closing) ctx.log('error', 'realtime process exited', { code, signal });
			resolve();
		})
	);
	let closing = false;
	const port = await new Promise<number>((resolve, reject) => {
		child.on('message', (m: ChildToParent) => {
			if (m.type === 'ready') resolve(m.port);
			else if (m.type === 'failed') reject(new Error(`realtime process failed: ${m.error}`));
			else if (m.type === 'log') ctx.log(m.level, m.msg, m.fields);
		});
		void exit.then(() => reject(new Error('realtime process exited before it was ready')));
	});
	// Kept-alive connections to the child for the proxied HTTP requests.
	const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

	return {
		name: 'realtime',
		handle(req: GatewayRequest, res) {
			return new Promise<void>((resolve) => {
				const headers: http.OutgoingHttpHeaders = {};
				for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
				const out = http.request(
					{ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent },
					(answer) => {
						const back: http.OutgoingHttpHeaders = {};
						for (const [k, v] of Object.entries(answer.headers)) if (!HOP.has(k)) back[k] = v;
						res.writeHead(answer.statusCode ?? 502, back);
						answer.pipe(res);
						answer.on('end', resolve);
						answer.on('error', () => resolve());
					}
				);
				out.on('error', () => {
					if (!res.headersSent) {
						res.writeHead(502, { 'content-type': 'application/json' });
						res.end(JSON.stringify({ message: 'The realtime service is not reachable.' }));
					} else res.destroy();
					resolve();
				});
				req.pipe(out);
			});
		},
		upgrade(req: GatewayRequest, socket: Duplex, head: Buffer) {
			// Stop this process reading the socket before it travels. Sending detaches the handle
			// but leaves it reading until this copy is closed, and what it reads then goes nowhere:
			// a client that answers the child's 101 at once (the channel join) lost those bytes
			// whenever they arrived inside that window. Bytes this side already holds go along with
			// the head; everything later waits in the kernel for the child.
			const s = socket as Socket & { _handle?: { readStop?: () => number } | null };
			const held = s.readableLength > 0 ? (s.read(s.readableLength) as Buffer | null) : null;
			s._handle?.readStop?.();
			if (held) head = Buffer.concat([head, held]);
			const msg: UpgradeMessage = {
				type: 'upgrade',
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				headers: req.headers,
				head: head.toString('base64'),
				servicePath: req.servicePath,
				query: req.query.toString(),
				requestId: req.requestId,
				bearer: req.bearer,
				apikey: req.apikey
			};
			if (exited || closing) {
				socket.destroy();
				return;
			}
			// The socket goes to the child; this process closes its copy once it is sent.
			child.send(msg, socket as Socket, (e) => {
				if (e) socket.destroy();
			});
		},
		async close() {
			if (closing) return exit;
			closing = true;
			agent.destroy();
			if (!exited) {
				child.send({ type: 'close' } satisfies ParentToChild);
				const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
				await exit;
				clearTimeout(force);
			}
		}
	};
};
