// The API gateway on :54321, standing where Kong stands in the Supabase CLI: one HTTP server that
// maps API keys, answers CORS, stamps a request id, logs, and routes /<service>/v1 to a service.
import http, { type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import {
	HttpError,
	sendJson,
	type GatewayRequest,
	type Service,
	type ServiceContext
} from './http.ts';
import { ANON_KEY, PUBLISHABLE_KEY, SECRET_KEY, SERVICE_ROLE_KEY, JWT_SECRET } from './keys.ts';
import type { ProjectConfig } from './config.ts';
import { serviceFactories } from './services.ts';
import { installQueryThenable } from './postgres-thenable.ts';

export interface GatewayOptions {
	port: number;
	dbPort: number;
	config: ProjectConfig;
	dataDir: string;
	/** SMTP of the local mail catcher auth sends to unless [auth.email.smtp] names a server. */
	mailSmtp?: { host: string; port: number } | null;
	/** Structured logs to stdout (JSON lines); quiet in tests unless COACHLINE_LOG=1. */
	quiet?: boolean;
}

export interface Gateway {
	url: string;
	close(): Promise<void>;
}

/** Maps the opaque sb_ keys to the JWTs they stand for, as the CLI's Kong template does. */
export function mapApiKey(key: string | null | undefined): string | null {
	if (!key) return null;
	if (key === SECRET_KEY) return SERVICE_ROLE_KEY;
	if (key === PUBLISHABLE_KEY) return ANON_KEY;
	return key;
}

// What a browser reads on an actual response: who may read it and which headers it may see.
const ALLOW_ORIGIN = '*';
const EXPOSE_HEADERS =
	'content-range, content-location, content-profile, preference-applied, x-request-id, x-supabase-api-version, x-sb-error-code, x-total-count, link, location, etag, retry-after';
// What only a preflight (OPTIONS) answer needs (Fetch standard, CORS-preflight fetch); sending
// them on every response would cost ~300 bytes and three header writes per request for nothing.
const PREFLIGHT_HEADERS: Record<string, string> = {
	'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
	'access-control-allow-headers':
		'authorization, x-client-info, apikey, content-type, content-profile, accept-profile, prefer, range, range-unit, x-supabase-api-version, x-upsert, cache-control, x-metadata, accept, x-request-id',
	'access-control-max-age': '86400'
};

/** Request targets that `new URL` would hand back unchanged: plain path, printable-ASCII query. */
const PLAIN_TARGET = /^\/[\w-][\w/-]*(?:\?[\x21-\x22\x24-\x7e]*)?$/;

/** The path and query of a request target, as `new URL(target, base)` would give them. */
function splitTarget(
	target: string,
	base: string
): { pathname: string; searchParams: URLSearchParams } {
	if (PLAIN_TARGET.test(target)) {
		const q = target.indexOf('?');
		return q < 0
			? { pathname: target, searchParams: new URLSearchParams() }
			: { pathname: target.slice(0, q), searchParams: new URLSearchParams(target.slice(q + 1)) };
	}
	return new URL(target, base);
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
	const apiUrl = `http://127.0.0.1:${opts.port}`;
	const log: ServiceContext['log'] = (level, msg, fields = {}) => {
		if (opts.quiet && level === 'info') return;
		process.stdout.write(
			`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields })}\n`
		);
	};
	const ctx: ServiceContext = {
		config: opts.config,
		dbUrl: (role) => `postgresql://${role}:postgres@127.0.0.1:${opts.dbPort}/postgres`,
		jwtSecret: JWT_SECRET,
		apiUrl,
		dataDir: opts.dataDir,
		mailSmtp: opts.mailSmtp ?? null,
		log
	};
	// postgres.js queries as plain thenables, for every service's pool (see the module).
	if (!installQueryThenable())
		log('warn', 'postgres.js queries stay Promise subclasses (unexpected Query shape)');
	const services = new Map<string, Service>();
	try {
		for (const factory of serviceFactories) {
			const s = await factory(ctx);
			services.set(s.name, s);
		}
	} catch (e) {
		// Leave nothing running behind a gateway that never opened.
		for (const s of services.values()) await s.close().catch(() => {});
		throw e;
	}

	const route = (raw: http.IncomingMessage): { service: Service; req: GatewayRequest } | null => {
		const url = splitTarget(raw.url ?? '/', apiUrl);
		const m = url.pathname.match(/^\/(auth|rest|realtime|storage)\/v1(\/.*)?$/);
		const service = m ? services.get(m[1]) : undefined;
		if (!m || !service) return null;
		const req = raw as GatewayRequest;
		req.servicePath = m[2] ?? '/';
		req.query = url.searchParams;
		req.requestId = (raw.headers['x-request-id'] as string | undefined) ?? randomUUID();
		const headerKey =
			(raw.headers['apikey'] as string | undefined) ?? url.searchParams.get('apikey');
		req.apikey = mapApiKey(headerKey);
		const auth = raw.headers['authorization'];
		const bearer =
			typeof auth === 'string' ? auth.match(/^bearer\s+(.+)$/i)?.[1]?.trim() : undefined;
		// Kong passes Authorization through unless it is missing or carries an sb_ key.
		req.bearer = bearer && !bearer.startsWith('sb_') ? bearer : req.apikey;
		if (req.bearer) raw.headers['authorization'] = `Bearer ${req.bearer}`;
		if (req.apikey) raw.headers['apikey'] = req.apikey;
		return { service, req };
	};

	const server = http.createServer((raw, res: ServerResponse) => {
		const started = opts.quiet ? 0n : process.hrtime.bigint();
		res.setHeader('access-control-allow-origin', ALLOW_ORIGIN);
		res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
		// Every response carries a request id, preflights and unmatched paths included.
		// A caller's own id is kept when it is a plain token (it ends up in logs).
		const given = raw.headers['x-request-id'];
		const requestId =
			typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
		raw.headers['x-request-id'] = requestId;
		res.setHeader('x-request-id', requestId);
		if (raw.method === 'OPTIONS') {
			res.writeHead(204, PREFLIGHT_HEADERS).end();
			return;
		}
		const r = route(raw);
		if (!r) {
			sendJson(res, 404, { message: 'no Route matched with those values' });
			return;
		}
		// Access logs are info: nothing is built, nor a listener added, when they are off.
		if (!opts.quiet)
			res.on('finish', () => {
				log('info', 'request', {
					id: r.req.requestId,
					method: raw.method,
					path: raw.url?.split('?')[0],
					status: res.statusCode,
					ms: Number(process.hrtime.bigint() - started) / 1e6
				});
			});
		r.service.handle(r.req, res).catch((e: unknown) => {
			if (e instanceof HttpError) {
				sendJson(res, e.status, e.body, e.headers);
				return;
			}
			log('error', 'unhandled service error', {
				id: r.req.requestId,
				error: e instanceof Error ? e.stack : String(e)
			});
			// Never a stack trace in a response.
			sendJson(res, 500, { message: 'Internal server error', request_id: r.req.requestId });
		});
	});
	server.keepAliveTimeout = 65_000;
	server.on('upgrade', (raw, socket: Duplex, head: Buffer) => {
		const r = route(raw);
		if (!r?.service.upgrade) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
			return;
		}
		r.service.upgrade(r.req, socket, head);
	});
	server.on('clientError', (_err, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, '127.0.0.1', () => resolve());
	});
	log('info', 'gateway listening', { url: apiUrl, services: [...services.keys()] });

	return {
		url: apiUrl,
		async close() {
			// Stop accepting. Services that hold upgraded sockets (realtime) close first: a server
			// does not finish closing while those stay open. In-flight HTTP requests get two
			// seconds to finish before the remaining services close their pools.
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeIdleConnections();
			for (const s of services.values()) if (s.upgrade) await s.close();
			const force = setTimeout(() => server.closeAllConnections(), 2000);
			await closed;
			clearTimeout(force);
			for (const s of services.values()) if (!s.upgrade) await s.close();
		}
	};
}
