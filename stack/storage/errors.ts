// Storage errors in supabase/storage's shape: HTTP 400 with the real status as a string inside
// (`statusCode`), except JWT failures, which are real HTTP 403s.
import { HttpError } from '../http.ts';

export function storageError(
	statusCode: string,
	code: string,
	error: string,
	message: string
): HttpError {
	return new HttpError(400, { statusCode, code, error, message });
}

export const noSuchKey = (): HttpError =>
	storageError('404', 'NoSuchKey', 'not_found', 'Object not found');
export const noSuchBucket = (): HttpError =>
	storageError('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found');
export const accessDenied = (message = 'new row violates row-level security policy'): HttpError =>
	storageError('403', 'AccessDenied', 'Unauthorized', message);
export const duplicate = (): HttpError =>
	storageError('409', 'Duplicate', 'Duplicate', 'The resource already exists');
export const tooLarge = (): HttpError =>
	storageError(
		'413',
		'EntityTooLarge',
		'Payload too large',
		'The object exceeded the maximum allowed size'
	);
export const invalidMime = (message: string): HttpError =>
	storageError('415', 'InvalidMimeType', 'invalid_mime_type', message);
export const invalidKey = (message: string): HttpError =>
	storageError('400', 'InvalidKey', 'Invalid Input', message);
export const invalidRequest = (message: string): HttpError =>
	storageError('400', 'InvalidRequest', 'Invalid Input', message);
export const invalidJwt = (message: string): HttpError =>
	new HttpError(403, { statusCode: '403', code: 'InvalidJWT', error: 'Unauthorized', message });

/** Turns a database error into the storage error the real service would return. */
export function fromDatabase(e: unknown): unknown {
	const code = (e as { code?: string } | null)?.code;
	if (code === '42501') return accessDenied();
	if (code === '23505') return duplicate();
	if (code === '23503') return noSuchBucket();
	if (code === '22P02' || code === '22023' || code === '23514')
		return invalidRequest((e as Error).message);
	// The database's own refusals (PostgREST's PTnnn convention): status nnn, its message.
	if (code && /^PT[45]\d\d$/.test(code)) {
		return storageError(
			code.slice(2),
			code === 'PT403' ? 'AccessDenied' : 'InvalidRequest',
			'Invalid Input',
			(e as Error).message
		);
	}
	return e;
}
