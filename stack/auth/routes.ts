// Maps method and path under /auth/v1 to a handler and writes its answer or error.
import type { ServerResponse } from 'node:http';
import { HttpError, sendJson, type GatewayRequest } from '../http.ts';
import * as admin from './admin-routes.ts';
import type { AuthContext } from './context.ts';
import { AuthError, requestedApiVersion, sendAuthError } from './errors.ts';
import * as pub from './public-routes.ts';
import { readJsonObject } from './request.ts';
import * as own from './user-routes.ts';

type Handler = (
	ctx: AuthContext,
	req: GatewayRequest,
	res: ServerResponse,
	params: string[]
) => Promise<unknown>;

const body = (req: GatewayRequest) => readJsonObject(req);

const ROUTES: { path: RegExp; methods: Record<string, Handler> }[] = [
	{ path: /^\/health$/, methods: { GET: async () => pub.health() } },
	{ path: /^\/settings$/, methods: { GET: async (ctx) => pub.settings(ctx) } },
	{ path: /^\/\.well-known\/jwks\.json$/, methods: { GET: async () => pub.jwks() } },
	{
		path: /^\/signup$/,
		methods: { POST: async (ctx, req) => pub.signup(ctx, req, await body(req)) }
	},
	{
		path: /^\/token$/,
		methods: { POST: async (ctx, req) => pub.token(ctx, req, await body(req)) }
	},
	{
		path: /^\/user$/,
		methods: {
			GET: (ctx, req) => own.getUser(ctx, req),
			PUT: async (ctx, req) => own.updateUser(ctx, req, await body(req))
		}
	},
	{
		path: /^\/logout$/,
		methods: {
			POST: async (ctx, req, res) => {
				await own.logout(ctx, req);
				res.writeHead(204, versionHeader(req)).end();
				return undefined;
			}
		}
	},
	{
		path: /^\/admin\/users$/,
		methods: {
			GET: (ctx, req, res) => admin.listUsers(ctx, req, res),
			POST: async (ctx, req) => admin.createUser(ctx, req, await body(req))
		}
	},
	{
		path: /^\/admin\/users\/([^/]+)$/,
		methods: {
			GET: (ctx, req, _res, [id]) => admin.getUser(ctx, req, id),
			PUT: async (ctx, req, _res, [id]) => admin.updateUser(ctx, req, id, await body(req)),
			DELETE: async (ctx, req, _res, [id]) => admin.deleteUser(ctx, req, id, await body(req))
		}
	}
];

function versionHeader(req: GatewayRequest): Record<string, string> {
	const v = requestedApiVersion(req);
	return v ? { 'x-supabase-api-version': v } : {};
}

export async function route(ctx: AuthContext, req: GatewayRequest, res: ServerResponse) {
	try {
		const path = req.servicePath;
		const match = ROUTES.map((r) => ({ r, m: path.match(r.path) })).find((x) => x.m);
		if (!match?.m) throw new AuthError(404, 'not_found', 'Not Found');
		const handler = match.r.methods[req.method ?? 'GET'];
		if (!handler) throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed');
		const result = await handler(ctx, req, res, match.m.slice(1));
		if (!res.headersSent) sendJson(res, 200, result ?? {}, versionHeader(req));
	} catch (e) {
		sendAuthError(req, res, toAuthError(ctx, req, e));
	}
}

function toAuthError(ctx: AuthContext, req: GatewayRequest, e: unknown): AuthError {
	if (e instanceof AuthError) return e;
	if (e instanceof HttpError) {
		return new AuthError(
			e.status,
			e.status === 413 ? 'request_too_large' : 'unexpected_failure',
			e.message
		);
	}
	ctx.log('error', 'auth: unexpected error', {
		id: req.requestId,
		error: e instanceof Error ? e.stack : String(e)
	});
	return new AuthError(
		500,
		'unexpected_failure',
		'Unexpected failure, please check server logs for more information'
	);
}
