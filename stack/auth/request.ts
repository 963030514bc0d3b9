// Reading what a request carries: a bounded JSON body, the client's address and user agent.
import { HttpError, parseClientJson, readBody, type GatewayRequest } from '../http.ts';
import { AuthError } from './errors.ts';
import type { ClientInfo } from './sessions.ts';

export const BODY_LIMIT = 64 * 1024;

/** The JSON object body; an empty body reads as `{}`. */
export async function readJsonObject(req: GatewayRequest): Promise<Record<string, unknown>> {
	let raw: Buffer;
	try {
		raw = await readBody(req, BODY_LIMIT);
	} catch (e) {
		if (e instanceof HttpError && e.status === 413) {
			throw new AuthError(
				413,
				'request_too_large',
				`Request body is larger than ${BODY_LIMIT} bytes`
			);
		}
		throw new AuthError(400, 'bad_json', 'Could not read request body');
	}
	const text = raw.toString('utf8').trim();
	if (!text) return {};
	let value: unknown;
	try {
		value = parseClientJson(text);
	} catch (e) {
		throw new AuthError(
			400,
			'bad_json',
			`Could not parse request body as JSON: ${e instanceof Error ? e.message : 'invalid JSON'}`
		);
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new AuthError(
			400,
			'bad_json',
			'Could not parse request body as JSON: expected an object'
		);
	}
	return value as Record<string, unknown>;
}

export function clientInfo(req: GatewayRequest): ClientInfo {
	const ua = req.headers['user-agent'];
	// The socket's address, never X-Forwarded-For: the gateway is the edge, nothing proxies to it.
	return {
		userAgent: typeof ua === 'string' ? ua : null,
		ip: req.socket.remoteAddress ?? null
	};
}
