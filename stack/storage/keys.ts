// Bucket ids and object names from the raw request path. The gateway's URL parser would already
// have resolved `..` and `%2e%2e`, so these read req.url as the client sent it and refuse every
// traversal form outright instead of normalising it away.
import { invalidBucketName, invalidKey } from './errors.ts';

const BUCKET = /^[A-Za-z0-9_\-.!*'() &$@=;:+,]{1,100}$/;
// Percent-escapes that survive one decoding: a second decoder would turn them into . / \ or NUL.
const DOUBLE_ENCODED = /%(2e|2f|5c|00|25)/i;

function decode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw invalidKey(`Invalid key: malformed percent-encoding in "${segment}"`);
	}
}

export function parseBucket(raw: string | undefined): string {
	const id = decode(raw ?? '');
	if (!BUCKET.test(id) || id === '.' || id === '..') throw invalidBucketName();
	return id;
}

/** Validates an object name given as text (JSON bodies) or as decoded path segments. */
export function checkKey(name: unknown): string {
	if (typeof name !== 'string' || name.length === 0) throw invalidKey('Invalid key: empty');
	if (Buffer.byteLength(name) > 1024) throw invalidKey('Invalid key: longer than 1024 bytes');
	if (name.startsWith('/')) throw invalidKey(`Invalid key: absolute path ${JSON.stringify(name)}`);
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(name))
		throw invalidKey('Invalid key: control characters (NUL, newline …) are not allowed');
	if (name.includes('\\')) throw invalidKey('Invalid key: backslashes are not allowed');
	if (DOUBLE_ENCODED.test(name))
		throw invalidKey('Invalid key: percent-encoded dots, slashes or NUL are not allowed');
	for (const seg of name.split('/')) {
		if (seg === '.' || seg === '..')
			throw invalidKey(`Invalid key: "${seg}" path segments are not allowed`);
		if (seg === '') throw invalidKey('Invalid key: empty path segment');
	}
	return name;
}

/** Joins raw URL segments into an object name, refusing an encoded `/` inside a segment. */
export function parseKey(rawSegments: string[]): string {
	if (rawSegments.length === 0) throw invalidKey('Invalid key: empty');
	const parts = rawSegments.map((raw) => {
		const seg = decode(raw);
		if (seg.includes('/')) throw invalidKey('Invalid key: encoded "/" in a path segment');
		return seg;
	});
	return checkKey(parts.join('/'));
}
