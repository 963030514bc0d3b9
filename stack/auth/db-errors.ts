// Turns a failed write into GoTrue's answer. Errors raised by triggers on auth.users (other
// engineers' migrations) are the caller's data problem: 422 with the database's message. Anything
// else is ours: logged, and a bare 500 without details.
import { AuthError } from './errors.ts';
import type { AuthContext } from './context.ts';

interface PgError {
	code: string;
	message: string;
	constraint_name?: string;
}

const isPgError = (e: unknown): e is PgError =>
	typeof e === 'object' &&
	e !== null &&
	typeof (e as PgError).code === 'string' &&
	/^[0-9A-Z]{5}$/.test((e as PgError).code);

const OWN_UNIQUE = new Set([
	'users_pkey',
	'users_email_partial_key',
	'identities_provider_id_provider_unique'
]);

export function databaseWriteError(
	ctx: AuthContext,
	e: unknown,
	message: string,
	overrides: { unique?: AuthError } = {}
): AuthError {
	if (e instanceof AuthError) return e;
	if (isPgError(e)) {
		if (e.code === '23505' && overrides.unique && OWN_UNIQUE.has(e.constraint_name ?? '')) {
			return overrides.unique;
		}
		if (/^(22|23|P0)/.test(e.code)) {
			return new AuthError(422, 'validation_failed', `${message}: ${e.message}`);
		}
	}
	ctx.log('error', message, { error: e instanceof Error ? e.stack : String(e) });
	return new AuthError(500, 'unexpected_failure', message);
}
