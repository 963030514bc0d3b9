// The REST side of broadcast: `POST /api/broadcast` (a batch, what realtime-js falls back to) and
// `POST /api/broadcast/<topic>/events/<event>` (httpSend). Private messages are authorized like a
// client's send (INSERT policy on realtime.messages); the service role bypasses RLS as it does there.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import {
	HttpError,
	JsonTooDeepError,
	parseClientJson,
	readBody,
	sendJson,
	type GatewayRequest
} from '../http.ts';
import { writePolicy } from './authorization.ts';
import { namespaceOf, type Hub } from './broadcast.ts';
import { byteSize, type Limits } from './limits.ts';
import type { Claims, TokenVerifier } from './tokens.ts';
import type postgres from 'postgres';

const batch = z.object({
	messages: z
		.array(
			z.object({
				topic: z.string().min(1),
				event: z.string().min(1),
				payload: z.unknown().optional(),
				private: z.boolean().optional()
			})
		)
		.max(1000)
});

export interface HttpApiDeps {
	sql: postgres.Sql;
	hub: Hub;
	verifier: TokenVerifier;
	limits: Limits;
}

function requestHeaders(req: GatewayRequest): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers))
		if (typeof v === 'string' && !['authorization', 'apikey', 'cookie'].includes(k)) out[k] = v;
	return out;
}

async function mayWrite(deps: HttpApiDeps, req: GatewayRequest, topic: string, claims: Claims) {
	if (claims.role === 'service_role') return true;
	try {
		return await writePolicy(deps.sql, topic, 'broadcast', {
			claims,
			headers: requestHeaders(req)
		});
	} catch {
		return false;
	}
}

export async function handleHttp(
	deps: HttpApiDeps,
	req: GatewayRequest,
	res: ServerResponse
): Promise<void> {
	const single = req.servicePath.match(/^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/);
	if (req.servicePath !== '/api/broadcast' && !single) {
		sendJson(res, 404, { message: 'Not found' });
		return;
	}
	if (req.method !== 'POST') throw new HttpError(405, { message: 'Method not allowed' });
	const v = await deps.verifier.verify(req.bearer);
	if (!v.ok) throw new HttpError(401, { message: v.reason, error: v.reason });
	const body = await readBody(req, deps.limits.maxPayloadBytes * 4);

	if (single) {
		const topic = decodeURIComponent(single[1]);
		const event = decodeURIComponent(single[2]);
		const isPrivate = req.query.get('private') === 'true';
		const binary = /octet-stream/.test(req.headers['content-type'] ?? '');
		let payload: unknown;
		if (!binary) {
			try {
				payload = parseClientJson(body.toString('utf8') || 'null');
			} catch (e) {
				const why = e instanceof JsonTooDeepError ? e.message : 'Body is not valid JSON';
				throw new HttpError(400, { message: why, error: 'Invalid JSON' });
			}
		}
		if (body.length > deps.limits.maxPayloadBytes)
			throw new HttpError(413, {
				message: 'payload_size_exceeded',
				error: 'payload_size_exceeded'
			});
		if (isPrivate && !(await mayWrite(deps, req, topic, v.claims))) {
			const reason = `Unauthorized: You do not have permissions to write to this Channel topic: ${topic}`;
			throw new HttpError(403, { message: reason, error: reason });
		}
		deps.hub.broadcast(
			namespaceOf(topic, isPrivate),
			binary ? { event, payload: null, binary: body } : { event, payload }
		);
		sendJson(res, 202, undefined);
		return;
	}

	let parsed: z.infer<typeof batch>;
	try {
		parsed = batch.parse(parseClientJson(body.toString('utf8')));
	} catch (e) {
		throw new HttpError(400, {
			message:
				e instanceof JsonTooDeepError
					? e.message
					: 'Expected {"messages":[{"topic","event","payload","private"}]}',
			error: 'Invalid request body'
		});
	}
	for (const m of parsed.messages) {
		if (byteSize(m.payload) > deps.limits.maxPayloadBytes) continue;
		// Like the real endpoint, messages the caller may not send are dropped, not failed.
		if (m.private && !(await mayWrite(deps, req, m.topic, v.claims))) continue;
		deps.hub.broadcast(namespaceOf(m.topic, m.private === true), {
			event: m.event,
			payload: m.payload ?? {}
		});
	}
	sendJson(res, 202, undefined);
}
