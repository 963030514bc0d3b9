// Attachments in bucket `attachments`: where an upload goes, what the browser refuses early, the
// upload itself (XMLHttpRequest, for progress events) and signed read URLs with a small cache.
// The database and storage decide in the end; these checks only spare a wasted upload.
import { PUBLIC_SUPABASE_ANON_KEY } from '$app/env/public';
import type { Db } from './client';
import { imageSize } from '../image-size';
import type { Attachment } from './attachment-json';

export { parseAttachments, type Attachment } from './attachment-json';

export const BUCKET = 'attachments';
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 100 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/heic': 'heic',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm'
};
/** The accept attribute of a file input. */
export const ACCEPT = Object.keys(EXTENSIONS).join(',') + ',.heic';

/** The x-metadata header Supabase Storage stores as the object's user_metadata (base64 JSON). */
export function sizeMetadataHeader(size: { width: number; height: number }): string {
	return btoa(JSON.stringify({ width: size.width, height: size.height }));
}

/** A file's mime type, with HEIC recognised by its extension (browsers often leave it blank). */
export function mimeOf(file: File): string {
	const type = file.type.toLowerCase();
	if (type) return type === 'image/jpg' ? 'image/jpeg' : type;
	return /\.heic$/i.test(file.name) ? 'image/heic' : '';
}

const megabytes = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** Why the browser will not upload this file, or null when it may try. */
export function fileProblem(file: File): string | null {
	const mime = mimeOf(file);
	if (!EXTENSIONS[mime]) {
		return `“${file.name}” is not a supported file: attach JPEG, PNG, WebP or HEIC images, or MP4, QuickTime or WebM videos.`;
	}
	if (file.size === 0) return `“${file.name}” is empty.`;
	const video = mime.startsWith('video/');
	const max = video ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES;
	if (file.size > max) {
		return `“${file.name}” is ${megabytes(file.size)}: ${video ? 'videos' : 'images'} can be at most ${megabytes(max)}.`;
	}
	return null;
}

/** `<organization_id>/<my_user_id>/<uuid>.<ext>`: the only folder the storage policy lets me write. */
export function uploadPath(organizationId: string, userId: string, file: File): string {
	return `${organizationId}/${userId}/${crypto.randomUUID()}.${EXTENSIONS[mimeOf(file)]}`;
}

export interface UploadHandle {
	promise: Promise<string>;
	cancel: () => void;
}

/**
 * Uploads through a signed upload URL with XMLHttpRequest, so `onProgress` gets byte counts.
 * Resolves to the object path to pass to post_workout_comment / send_message_with_attachments.
 */
export function uploadAttachment(
	db: Db,
	path: string,
	file: File,
	onProgress: (fraction: number) => void
): UploadHandle {
	let xhr: XMLHttpRequest | null = null;
	let cancelled = false;
	const promise = (async () => {
		const { data, error } = await db.storage.from(BUCKET).createSignedUploadUrl(path);
		if (error || !data) throw new Error(error?.message ?? 'Could not start the upload.');
		const size = await imageSize(file);
		if (cancelled) throw new Error('Upload cancelled.');
		return await new Promise<string>((resolve, reject) => {
			const req = new XMLHttpRequest();
			xhr = req;
			req.open('PUT', data.signedUrl);
			req.setRequestHeader('content-type', mimeOf(file));
			req.setRequestHeader('x-upsert', 'false');
			req.setRequestHeader('apikey', PUBLIC_SUPABASE_ANON_KEY ?? '');
			if (size) req.setRequestHeader('x-metadata', sizeMetadataHeader(size));
			req.upload.onprogress = (e) => {
				if (e.lengthComputable) onProgress(e.loaded / e.total);
			};
			req.onload = () => {
				if (req.status >= 200 && req.status < 300) {
					onProgress(1);
					resolve(path);
					return;
				}
				let message = `The upload failed (${req.status}).`;
				try {
					const body = JSON.parse(req.responseText) as { message?: string; error?: string };
					message = body.message ?? body.error ?? message;
				} catch {
					// not JSON: keep the status message
				}
				reject(new Error(message));
			};
			req.onerror = () => reject(new Error('The upload failed: check your connection.'));
			req.onabort = () => reject(new Error('Upload cancelled.'));
			req.send(file);
		});
	})();
	return {
		promise,
		cancel: () => {
			cancelled = true;
			xhr?.abort();
		}
	};
}

// Signed URLs last an hour; reuse them for 50 minutes so thumbnails do not re-sign on every render.
const TTL_SECONDS = 3600;
const REUSE_MS = 50 * 60 * 1000;
const cache = new Map<string, { url: Promise<string | null>; at: number }>();

/** The media worker's thumbnail box (src/lib/server/media/worker.ts), longest side in pixels. */
export const PREVIEW_SIZE = 320;
const PREVIEW_TRANSFORM = { width: PREVIEW_SIZE, height: PREVIEW_SIZE, resize: 'contain' } as const;

/**
 * A signed read URL for one object (cached), or null when it cannot be read. With `preview`, a
 * URL of the picture rendered at thumbnail size by Storage's image transformation; a project
 * without transformations signs the plain object URL instead (Storage ignores `transform` there),
 * so the picture still shows, at full size.
 */
export function signedUrl(db: Db, path: string, preview = false): Promise<string | null> {
	const key = preview ? `${path}#preview` : path;
	const hit = cache.get(key);
	if (hit && Date.now() - hit.at < REUSE_MS) return hit.url;
	const url = db.storage
		.from(BUCKET)
		.createSignedUrl(path, TTL_SECONDS, preview ? { transform: PREVIEW_TRANSFORM } : undefined)
		.then(({ data, error }) => {
			if (error || !data) {
				cache.delete(key);
				return null;
			}
			return data.signedUrl;
		});
	cache.set(key, { url, at: Date.now() });
	return url;
}

/** Types Storage's renderer decodes (HEIC is left to the worker, which reports what it cannot). */
const RENDERABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * The small picture to show in a list. The worker's thumbnail when it made one: a plain stored
 * object, so it costs nothing per view on any plan and is what every later view gets. Until then
 * (a message just sent, or a backlog), a rendition of the original where Storage can make one,
 * rather than the full photo, up to 10 MB, in a 90 px tile.
 */
export function preview(a: Attachment): { path: string; render: boolean } {
	if (a.thumbnail_r2_key) return { path: a.thumbnail_r2_key, render: false };
	return { path: a.r2_key, render: RENDERABLE.has(a.mime_type.toLowerCase()) };
}

/**
 * The attachments of these direct messages, by message id, in one query (conversation_messages
 * returns only the count). Messages without attachments are absent from the map.
 */
export async function messageAttachments(
	db: Db,
	messageIds: string[]
): Promise<Map<string, Attachment[]>> {
	const out = new Map<string, Attachment[]>();
	if (messageIds.length === 0) return out;
	const { data, error } = await db
		.from('message_attachments')
		.select('id, message_id, type, r2_key, size, mime_type, thumbnail_r2_key, width, height')
		.in('message_id', messageIds)
		.order('attach_order');
	if (error) throw new Error(error.message);
	for (const row of data ?? []) {
		const { message_id, ...attachment } = row;
		if (!message_id) continue;
		const list = out.get(message_id) ?? [];
		list.push(attachment as Attachment);
		out.set(message_id, list);
	}
	return out;
}
