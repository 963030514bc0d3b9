// Beyond Supabase, which trusts the declared Content-Type, in buckets that restrict their types
// (allowed_mime_types) the first bytes must agree with it.
// A file whose magic number file-type recognises must be declared as that type; a file it does not
// recognise may only be declared as text (text/*, JSON, XML) or as generic binary.
import { fileTypeFromFile } from 'file-type';
import { invalidMime } from './errors.ts';

/** `Text/Plain; charset=UTF-8` → `text/plain`. */
export function baseMime(contentType: string): string {
	return contentType.split(';')[0].trim().toLowerCase();
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

// Names the same type goes by; file-type reports the value on the right.
const ALIASES: Record<string, string> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/mp3': 'audio/mpeg',
	'application/x-pdf': 'application/pdf',
	'application/x-zip-compressed': 'application/zip',
	'text/xml': 'application/xml',
	'image/x-icon': 'image/x-icon',
	'image/vnd.microsoft.icon': 'image/x-icon',
	'video/x-quicktime': 'video/quicktime'
};
const canonical = (m: string): string => ALIASES[m] ?? m;

function isTextual(mime: string): boolean {
	return (
		mime.startsWith('text/') ||
		mime === 'application/json' ||
		mime.endsWith('+json') ||
		mime === 'application/xml' ||
		mime.endsWith('+xml') ||
		mime === 'application/x-ndjson'
	);
}

/** Whether `mime` is allowed by a bucket's list (`image/*` style wildcards allowed). */
export function mimeAllowed(mime: string, allowed: string[] | null): boolean {
	if (!allowed || allowed.length === 0) return true;
	return allowed.some((pattern) => {
		const p = pattern.trim().toLowerCase();
		if (p === '*/*' || p === '*') return true;
		if (p.endsWith('/*')) return mime.startsWith(p.slice(0, -1));
		return baseMime(p) === mime;
	});
}

export function checkDeclared(contentType: string, allowed: string[] | null): string {
	const mime = baseMime(contentType);
	if (!MIME.test(mime)) throw invalidMime(`Invalid Content-Type: ${contentType}`);
	if (!mimeAllowed(mime, allowed)) throw invalidMime(`mime type ${mime} is not supported`);
	return mime;
}

/** Refuses a file whose first bytes contradict its declared type. */
export async function checkSniffed(file: string, mime: string): Promise<void> {
	const found = await fileTypeFromFile(file);
	if (mime === 'application/octet-stream') return;
	if (!found) {
		if (isTextual(mime)) return;
		throw invalidMime(
			`The file's content does not match its declared type ${mime}: no ${mime} signature found`
		);
	}
	if (canonical(found.mime) === canonical(mime)) return;
	// file-type reads XML-based formats as XML; the declared type names which one.
	if (found.mime === 'application/xml' && isTextual(mime)) return;
	throw invalidMime(
		`The file's content does not match its declared type ${mime}: it looks like ${found.mime}`
	);
}
