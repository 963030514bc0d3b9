// GoTrue's error responses: `{code, message}` for clients that send X-Supabase-Api-Version
// (auth-js always does), the legacy `{code:<status>, error_code, msg}` otherwise.
import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../http.ts';

export const API_VERSION = '2024-01-01';

export class AuthError extends Error {
	readonly status: number;
	readonly code: string;
	readonly extra: Record<string, unknown>;
	/** Response headers that travel with the error (Retry-After on 429). */
	readonly headers: Record<string, string>;
	constructor(
		status: number,
		code: string,
		message: string,
		extra: Record<string, unknown> = {},
		headers: Record<string, string> = {}
	) {
		super(message);
		this.status = status;
		this.code = code;
		this.extra = extra;
		this.headers = headers;
	}
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);
export const validationFailed = (message: string) =>
	new AuthError(400, 'validation_failed', message);

export const invalidCredentials = () =>
	new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
export const noAuthorization = () =>
	new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
export const badJwt = (detail: string) => new AuthError(403, 'bad_jwt', `invalid JWT: ${detail}`);
export const notAdmin = () => new AuthError(403, 'not_admin', 'User not allowed');
export const userNotFound = (status = 404) =>
	new AuthError(status, 'user_not_found', 'User not found');
export const sessionNotFound = () =>
	new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
export const weakPassword = (min: number) =>
	new AuthError(422, 'weak_password', `Password should be at least ${min} characters.`, {
		weak_password: { reasons: ['length'] }
	});

/** The API version the client asked for, if it is one we speak. */
export function requestedApiVersion(req: GatewayRequest): string | null {
	const v = req.headers['x-supabase-api-version'];
	const s = Array.isArray(v) ? v[0] : v;
	if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
	return s >= API_VERSION ? API_VERSION : null;
}

export function sendAuthError(req: GatewayRequest, res: ServerResponse, err: AuthError): void {
	if (res.headersSent) {
		res.end();
		return;
	}
	const version = requestedApiVersion(req);
	const headers: Record<string, string> = {
		...err.headers,
		'content-type': 'application/json; charset=utf-8',
		'x-sb-error-code': err.code
	};
	let body: Record<string, unknown>;
	if (version) {
		headers['x-supabase-api-version'] = version;
		body = { code: err.code, message: err.message, ...err.extra };
	} else {
		body = { code: err.status, error_code: err.code, msg: err.message, ...err.extra };
	}
	res.writeHead(err.status, headers);
	res.end(JSON.stringify(body));
}
