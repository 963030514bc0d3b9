// Who is asking, and the transaction their request runs in: the storage admin connection switches
// to the caller's role with their claims set, so RLS on storage.objects decides, as in
// supabase/storage's scope.ts. The service role bypasses RLS because the role itself does.
import { JwtError, verifyJwt } from '../jwt.ts';
import type postgres from 'postgres';
import { HttpError, type GatewayRequest } from '../http.ts';
import { fromDatabase, invalidJwt } from './errors.ts';

export interface Caller {
	role: string;
	sub: string | null;
	claims: Record<string, unknown>;
	jwt: string;
}

const ROLES = new Set(['anon', 'authenticated', 'service_role']);

/** The words of the JWT library Storage verifies with (jose) for each way a token fails. */
export function jwtFailure(e: unknown): string {
	const kind = e instanceof JwtError ? e.kind : 'malformed';
	if (kind === 'expired') return '"exp" claim timestamp check failed';
	if (kind === 'signature') return 'signature verification failed';
	return 'Invalid Compact JWS';
}

export async function verifyCaller(req: GatewayRequest, secret: Uint8Array): Promise<Caller> {
	const jwt = req.bearer;
	let claims: Record<string, unknown>;
	try {
		claims = await verifyJwt(secret, jwt ?? '');
	} catch (e) {
		throw invalidJwt(jwtFailure(e));
	}
	const role = typeof claims.role === 'string' ? claims.role : 'anon';
	// Storage's role check is a real 403.
	if (!ROLES.has(role))
		throw new HttpError(403, {
			statusCode: '403',
			code: 'AccessDenied',
			error: 'Unauthorized',
			message: 'Access denied: Invalid role'
		});
	return { role, sub: typeof claims.sub === 'string' ? claims.sub : null, claims, jwt: jwt ?? '' };
}

/** A caller for work the service does on its own authority (signed upload URLs). */
export function serviceCaller(sub: string | null): Caller {
	return { role: 'service_role', sub, claims: { role: 'service_role', sub }, jwt: '' };
}

export type Tx = postgres.TransactionSql;

/** Runs `fn` in one transaction as the caller; database errors come out as storage errors. */
export async function asCaller<T>(
	sql: postgres.Sql,
	caller: Caller,
	req: GatewayRequest,
	operation: string,
	fn: (tx: Tx) => Promise<T>
): Promise<T> {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers)) {
		if (typeof v === 'string') headers[k] = v;
		else if (Array.isArray(v)) headers[k] = v.join(', ');
	}
	try {
		return (await sql.begin(async (tx) => {
			await tx`
				select
					set_config('role', ${caller.role}, true),
					set_config('request.jwt.claim.role', ${caller.role}, true),
					set_config('request.jwt', ${caller.jwt}, true),
					set_config('request.jwt.claim.sub', ${caller.sub ?? ''}, true),
					set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
					set_config('request.headers', ${JSON.stringify(headers)}, true),
					set_config('request.method', ${req.method ?? ''}, true),
					set_config('request.path', ${req.servicePath}, true),
					set_config('storage.operation', ${operation}, true),
					set_config('storage.allow_delete_query', 'true', true)`;
			return fn(tx);
		})) as T;
	} catch (e) {
		throw fromDatabase(e);
	}
}
