// Maps method and path under /auth/v1 to a handler and writes its answer or error.
import type { ServerResponse } from 'node:http';
import { HttpError, sendJson, type GatewayRequest } from '../http.ts';
import * as admin from './admin-routes.ts';
import type { AuthContext } from './context.ts';
import { AuthError, requestedApiVersion, sendAuthError } from './errors.ts';
import * as pub from './public-routes.ts';
import { readJsonObject } from './request.ts';
import * as own from './user-routes.ts';
import * as mail from './email-routes.ts';
import * as mfa from './mfa-routes.ts';

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
	{ path: /^\/authorize$/, methods: { GET: async (_ctx, req) => pub.authorize(req) } },
	{
		path: /^\/recover$/,
		methods: { POST: async (ctx, req) => mail.recover(ctx, req, await body(req)) }
	},
	{
		path: /^\/(?:otp|magiclink)$/,
		methods: { POST: async (ctx, req) => mail.otp(ctx, req, await body(req)) }
	},
	{
		path: /^\/verify$/,
		methods: {
			GET: async (ctx, req, res) => {
				await mail.verifyGet(ctx, req, res);
				return undefined;
			},
			POST: async (ctx, req) => mail.verifyPost(ctx, req, await body(req))
		}
	},
	{
		path: /^\/resend$/,
		methods: { POST: async (ctx, req) => mail.resend(ctx, req, await body(req)) }
	},
	{
		path: /^\/invite$/,
		methods: { POST: async (ctx, req) => mail.invite(ctx, req, await body(req)) }
	},
	{
		path: /^\/admin\/generate_link$/,
		methods: { POST: async (ctx, req) => mail.generateLink(ctx, req, await body(req)) }
	},
	{ path: /^\/reauthenticate$/, methods: { GET: (ctx, req) => mail.reauthenticate(ctx, req) } },
	{
		path: /^\/factors$/,
		methods: { POST: async (ctx, req) => mfa.enroll(ctx, req, await body(req)) }
	},
	{
		path: /^\/factors\/([^/]+)\/challenge$/,
		methods: { POST: (ctx, req, _res, [id]) => mfa.challenge(ctx, req, id) }
	},
	{
		path: /^\/factors\/([^/]+)\/verify$/,
		methods: { POST: async (ctx, req, _res, [id]) => mfa.verify(ctx, req, id, await body(req)) }
	},
	{
		path: /^\/factors\/([^/]+)$/,
		methods: { DELETE: (ctx, req, _res, [id]) => mfa.unenroll(ctx, req, id) }
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
