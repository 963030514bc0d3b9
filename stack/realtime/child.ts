// The realtime service's own process (see process.ts): forked by the gateway, it runs the service
// with a loopback HTTP server for the REST broadcast endpoints and takes over the WebSocket
// upgrades the gateway hands it, socket and all.
import http from 'node:http';
import type { Socket } from 'node:net';
import { HttpError, sendJson, type GatewayRequest, type ServiceContext } from '../http.ts';
import type { ProjectConfig } from '../config.ts';
import { installQueryThenable } from '../postgres-thenable.ts';
import { createRealtimeService } from './index.ts';
import {
	ROLE_MARK,
	type ChildToParent,
	type ParentToChild,
	type RealtimeChildConfig
} from './process.ts';

const send = (m: ChildToParent) => {
	if (process.connected) process.send?.(m);
};

async function main() {
	const cfg = JSON.parse(process.env.COACHLINE_REALTIME_CHILD ?? '{}') as RealtimeChildConfig;
	installQueryThenable();
	const ctx: ServiceContext = {
		// Realtime reads none of the project settings; the context's shape asks for them.
		config: {} as ProjectConfig,
		dbUrl: (role) => cfg.dbUrlTemplate.replace(ROLE_MARK, role),
		jwtSecret: cfg.jwtSecret,
		apiUrl: cfg.apiUrl,
		mailSmtp: null,
		dataDir: cfg.dataDir,
		log: (level, msg, fields) => send({ type: 'log', level, msg, fields })
	};
	const service = await createRealtimeService(ctx);

	// HTTP requests the gateway proxies, already routed and with the key mapped (its headers).
	const server = http.createServer((raw, res) => {
		const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
		const req = raw as GatewayRequest;
		req.servicePath = url.pathname.replace(/^\/realtime\/v1/, '') || '/';
		req.query = url.searchParams;
		req.requestId = String(raw.headers['x-request-id'] ?? '');
		const auth = raw.headers['authorization'];
		req.bearer = typeof auth === 'string' ? (auth.match(/^bearer\s+(.+)$/i)?.[1] ?? null) : null;
		const key = raw.headers['apikey'];
		req.apikey = typeof key === 'string' ? key : null;
		service.handle(req, res).catch((e: unknown) => {
			if (e instanceof HttpError) return sendJson(res, e.status, e.body, e.headers);
			ctx.log('error', 'unhandled service error', {
				id: req.requestId,
				error: e instanceof Error ? e.stack : String(e)
			});
			sendJson(res, 500, { message: 'Internal server error', request_id: req.requestId });
		});
	});
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;

	let closing = false;
	const close = async () => {
		if (closing) return;
		closing = true;
		server.close();
		server.closeAllConnections();
		await service.close().catch((e: unknown) => ctx.log('error', String(e)));
		send({ type: 'closed' });
		process.exit(0);
	};
	process.on('message', (m: ParentToChild, socket?: Socket) => {
		if (m.type === 'close') return void close();
		if (m.type !== 'upgrade' || !socket) return;
		if (closing) return void socket.destroy();
		// What the upgrade needs of the request the gateway parsed.
		const req = {
			method: m.method,
			url: m.url,
			headers: m.headers,
			servicePath: m.servicePath,
			query: new URLSearchParams(m.query),
			requestId: m.requestId,
			bearer: m.bearer,
			apikey: m.apikey
		} as unknown as GatewayRequest;
		service.upgrade?.(req, socket, Buffer.from(m.head, 'base64'));
	});
	// The gateway went away without closing us (killed): nothing would ever reach us again.
	process.on('disconnect', () => void close());
	send({ type: 'ready', port });
}

main().catch((e: unknown) => {
	send({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
	process.exit(1);
});
