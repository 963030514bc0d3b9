// Storage errors as supabase/storage renders them: `{ statusCode, code, error, message }` with the
// real status as a string in statusCode, sent with HTTP 400 (500 for server faults). `error` is the
// code unless Storage gives it a legacy word (not_found, Duplicate, Unauthorized, …).
import { HttpError } from '../http.ts';

export function storageError(
	statusCode: string,
	code: string,
	error: string,
	message: string
): HttpError {
	return new HttpError(statusCode === '500' ? 500 : 400, { statusCode, code, error, message });
}

export const noSuchKey = (): HttpError =>
	storageError('404', 'NoSuchKey', 'not_found', 'Object not found');
export const noSuchBucket = (): HttpError =>
	storageError('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found');
export const accessDenied = (message = 'new row violates row-level security policy'): HttpError =>
	storageError('403', 'AccessDenied', 'Unauthorized', message);
/** `code`: KeyAlreadyExists for objects, BucketAlreadyExists for buckets. */
export const duplicate = (code = 'KeyAlreadyExists'): HttpError =>
	storageError('409', code, 'Duplicate', 'The resource already exists');
export const tooLarge = (): HttpError =>
	storageError(
		'413',
		'EntityTooLarge',
		'Payload too large',
		'The object exceeded the maximum allowed size'
	);
export const invalidMime = (message: string): HttpError =>
	storageError('415', 'InvalidMimeType', 'invalid_mime_type', message);
/** `message` starts "Invalid key: " as Storage's does; the rest says what is wrong. */
export const invalidKey = (message: string): HttpError =>
	storageError('400', 'InvalidKey', 'InvalidKey', message);
export const invalidBucketName = (): HttpError =>
	storageError('400', 'InvalidBucketName', 'Invalid Input', 'Bucket name invalid');
export const invalidRequest = (message: string): HttpError =>
	storageError('400', 'InvalidRequest', 'InvalidRequest', message);
/**
 * A caller JWT that does not verify: Storage's JWT hook answers AccessDenied (status "403" inside
 * an HTTP 400) with the JWT library's own message.
 */
export const invalidJwt = (message: string): HttpError => accessDenied(message);
/** A signed URL's token that does not verify. */
export const invalidSignedToken = (message: string): HttpError =>
	storageError('400', 'InvalidJWT', 'InvalidJWT', message);
export const invalidSignature = (message = 'Invalid signature'): HttpError =>
	storageError('400', 'InvalidSignature', 'InvalidSignature', message);
/** Fastify's answer to a body or query string its schema refuses. */
export const badRequest = (message: string): HttpError =>
	new HttpError(400, { statusCode: '400', code: 'InvalidRequest', error: 'Bad Request', message });
/** Storage's not-found handler: a real HTTP 404. */
export const routeNotFound = (method: string, url: string): HttpError =>
	new HttpError(404, {
		statusCode: '404',
		code: 'InvalidRequest',
		error: 'Not Found',
		message: `Route ${method}:${url} not found`
	});

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
			code === 'PT403' ? 'Unauthorized' : 'InvalidRequest',
			(e as Error).message
		);
	}
	return e;
}
