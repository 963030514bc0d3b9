// Small HTTP helpers shared by the stack's services.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProjectConfig } from './config.ts';

export class HttpError extends Error {
	readonly status: number;
	readonly body: unknown;
	readonly headers: Record<string, string>;
	constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
		super(
			typeof body === 'object' && body && 'message' in body
				? String(body.message)
				: `HTTP ${status}`
		);
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

/** Reads the whole body, refusing more than `limit` bytes with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > limit) throw new HttpError(413, payloadTooLarge(limit));
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new HttpError(413, payloadTooLarge(limit));
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

function payloadTooLarge(limit: number) {
	return { code: 'payload_too_large', message: `Request body is larger than ${limit} bytes` };
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	if (res.headersSent) return;
	const text = body === undefined ? '' : JSON.stringify(body);
	// An explicit length spares the chunked encoding (and the client its chunk parsing).
	res.writeHead(status, {
		...(text
			? {
					'content-type': 'application/json; charset=utf-8',
					'content-length': String(Buffer.byteLength(text))
				}
			: {}),
		...headers
	});
	res.end(text);
}

/** What the gateway hands to each service: the request with the key already mapped. */
export interface GatewayRequest extends IncomingMessage {
	/** Path after the service prefix, starting with `/` (query string excluded). */
	servicePath: string;
	query: URLSearchParams;
	requestId: string;
	/** The JWT to authorize with: Authorization bearer, else the apikey (sb_ keys mapped). */
	bearer: string | null;
	apikey: string | null;
}

export interface ServiceContext {
	config: ProjectConfig;
	/** Connection URL for a database role (every local role's password is `postgres`). */
	dbUrl(role: string): string;
	jwtSecret: string;
	/** Public URL of the gateway, e.g. http://127.0.0.1:54321 */
	apiUrl: string;
	/** The local mail catcher's SMTP address, when the stack runs one ([local_smtp]). */
	mailSmtp: { host: string; port: number } | null;
	/** Directory for the service's files (storage bytes). */
	dataDir: string;
	log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface Service {
	name: string;
	/** Handles HTTP requests under /<name>/v1. */
	handle(req: GatewayRequest, res: ServerResponse): Promise<void>;
	/** Handles WebSocket upgrades under /<name>/v1 (realtime). */
	upgrade?(req: GatewayRequest, socket: Duplex, head: Buffer): void;
	close(): Promise<void>;
}

export type ServiceFactory = (ctx: ServiceContext) => Promise<Service>;

/**
 * How deeply a request's JSON may nest. V8 parses far deeper than this, but everything that
 * walks the value afterwards (stringify, validation, the database's own parser) recurses and
 * runs out of stack around a few thousand levels: a body nested 100,000 deep would turn into a
 * 500. No API of ours takes anything near 512 levels.
 */
export const MAX_JSON_DEPTH = 512;

export class JsonTooDeepError extends SyntaxError {
	constructor(limit: number) {
		super(`JSON is nested more than ${limit} levels deep`);
	}
}

/** Whether `text` opens more than `limit` arrays/objects at once (strings skipped), in one pass. */
export function jsonNestsDeeper(text: string, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i += 1) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i += 1;
			else if (c === 0x22) inString = false;
			continue;
		}
		if (c === 0x22) inString = true;
		else if (c === 0x5b || c === 0x7b) {
			depth += 1;
			if (depth > limit) return true;
		} else if (c === 0x5d || c === 0x7d) depth -= 1;
	}
	return false;
}

/**
 * JSON.parse for anything a client sends: refuses nesting beyond MAX_JSON_DEPTH with a
 * JsonTooDeepError (a SyntaxError, so callers answering bad JSON with 400 keep doing so).
 */
export function parseClientJson(text: string, limit = MAX_JSON_DEPTH): unknown {
	if (jsonNestsDeeper(text, limit)) throw new JsonTooDeepError(limit);
	return JSON.parse(text);
}
