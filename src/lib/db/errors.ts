import { fail } from '@sveltejs/kit';
import type { PostgrestError } from '@supabase/supabase-js';

/** A database refusal as the UI shows it: the readable message, the stable code, an HTTP status. */
export class DbError extends Error {
	readonly code: string;
	readonly status: number;

	constructor(message: string, code: string, status: number) {
		super(message);
		this.code = code;
		this.status = status;
	}
}

function statusOf(error: Pick<PostgrestError, 'code'>): number {
	const m = /^PT(\d{3})$/.exec(error.code ?? '');
	if (m) return Number(m[1]);
	switch (error.code) {
		case '23505':
			return 409;
		case '23514':
		case '23502':
		case '22001':
		case '22P02':
			return 422;
		case '42501':
			return 403;
		case 'PGRST116':
			return 404;
		default:
			return 400;
	}
}

const FRIENDLY: Record<string, string> = {
	'42501': 'You do not have permission to do that.',
	'23514': 'Some values are outside what is allowed.',
	PGRST116: 'Not found.'
};

/** Turns a PostgREST error into a DbError; the database's own message is what people read. */
export function toDbError(error: PostgrestError): DbError {
	const code = error.hint && /^[a-z][a-z0-9_]*$/.test(error.hint) ? error.hint : error.code;
	const message =
		/^PT\d{3}$/.test(error.code ?? '') || error.hint
			? error.message
			: (FRIENDLY[error.code] ?? error.message);
	return new DbError(message, code, statusOf(error));
}

/** Unwraps a supabase-js result, throwing a DbError when the database refused. */
export function must<T>(result: { data: T; error: PostgrestError | null }): NonNullable<T> {
	if (result.error) throw toDbError(result.error);
	return result.data as NonNullable<T>;
}

export type FieldErrors = Record<string, string[] | undefined> & { form?: string[] };

/** The failure shape every form action returns: fail(status, { errors, values }). */
export function failWith(status: number, errors: FieldErrors, values: Record<string, string> = {}) {
	return fail(status, { errors, values });
}

/** A form action's catch: DbErrors become a form-level message, anything else is rethrown. */
export function failFromDb(e: unknown, values: Record<string, string> = {}) {
	if (e instanceof DbError) {
		return fail(e.status >= 400 && e.status < 600 ? e.status : 400, {
			errors: { form: [e.message] } as FieldErrors,
			values,
			code: e.code
		});
	}
	throw e;
}
