// Image transformations (/render/image/…): supabase/storage hands these to imgproxy; here sharp
// renders them. Rendered variants are kept on disk under render/<object version>/, so a new upload
// (a new version) never serves an old variant, removing the object removes its variants, and the
// whole cache is trimmed back, least recently used first, when it grows past its bound.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { HttpError, type GatewayRequest } from '../http.ts';
import type { StorageContext } from './context.ts';
import { noSuchKey, storageError } from './errors.ts';
import type { ObjectRow } from './objects.ts';

export interface TransformOptions {
	width?: number;
	height?: number;
	resize?: 'cover' | 'contain' | 'fill';
	format?: 'origin' | 'avif' | 'webp';
	quality?: number;
}

// supabase/storage's defaults (IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE / _MAX_SIZE): sizes are
// clamped into this range rather than refused.
const MIN_SIZE = 1;
const MAX_SIZE = 2000;
const DEFAULT_QUALITY = 80;
const RESIZE = new Set(['cover', 'contain', 'fill']);
const FORMAT = new Set(['origin', 'avif', 'webp']);

// Fastify's schema validation error, which Storage answers with for bad transformation options.
function badOption(message: string): HttpError {
	return new HttpError(400, {
		statusCode: '400',
		code: 'InvalidRequest',
		error: 'Bad Request',
		message
	});
}

function integer(
	where: string,
	name: string,
	raw: unknown,
	min: number,
	max?: number
): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const n = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isInteger(n)) throw badOption(`${where}/${name} must be integer`);
	if (n < min) throw badOption(`${where}/${name} must be >= ${min}`);
	if (max !== undefined && n > max) throw badOption(`${where}/${name} must be <= ${max}`);
	return n;
}

function oneOf<T extends string>(
	where: string,
	name: string,
	raw: unknown,
	allowed: Set<string>
): T | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (typeof raw !== 'string' || !allowed.has(raw))
		throw badOption(`${where}/${name} must be equal to one of the allowed values`);
	return raw as T;
}

/** Validates options from a query string (`where` = querystring) or a JSON body's `transform`. */
export function parseTransform(
	get: (name: string) => unknown,
	where = 'querystring'
): TransformOptions {
	const o: TransformOptions = {
		width: integer(where, 'width', get('width'), 0),
		height: integer(where, 'height', get('height'), 0),
		resize: oneOf(where, 'resize', get('resize'), RESIZE),
		format: oneOf(where, 'format', get('format'), FORMAT),
		quality: integer(where, 'quality', get('quality'), 20, 100)
	};
	for (const k of Object.keys(o) as (keyof TransformOptions)[]) if (!o[k]) delete o[k];
	return o;
}

/** The options as a signed URL's token carries them (`width:200,height:200,resize:cover`). */
export function transformToString(o: TransformOptions): string {
	return (['height', 'width', 'resize', 'quality', 'format'] as const)
		.filter((k) => o[k] !== undefined)
		.map((k) => `${k}:${o[k]}`)
		.join(',');
}

export function transformFromString(s: string): TransformOptions {
	const fields = Object.fromEntries(
		s
			.split(',')
			.filter(Boolean)
			.map((p) => p.split(':', 2) as [string, string])
	);
	return parseTransform((k) => fields[k], 'token');
}

const clamp = (n: number | undefined): number | undefined =>
	n ? Math.min(Math.max(n, MIN_SIZE), MAX_SIZE) : undefined;

type OutFormat = 'webp' | 'avif' | 'jpeg' | 'png' | 'gif' | 'tiff';

/**
 * The encoding to answer with. `format=origin` keeps the source's; an explicit avif/webp is obeyed;
 * otherwise, like Storage's imgproxy with format detection, WebP (then AVIF) when the client's
 * Accept header says it can show it, else the source's own format.
 */
function outputFormat(o: TransformOptions, source: string, accept: string): OutFormat {
	const origin = (['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff'] as const).find(
		(f) => f === source || (f === 'avif' && source === 'heif')
	);
	if (o.format === 'avif' || o.format === 'webp') return o.format;
	if (o.format !== 'origin') {
		if (/\bimage\/webp\b/i.test(accept)) return 'webp';
		if (/\bimage\/avif\b/i.test(accept)) return 'avif';
	}
	return origin ?? 'jpeg';
}

const MIME: Record<OutFormat, string> = {
	webp: 'image/webp',
	avif: 'image/avif',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	tiff: 'image/tiff'
};

/** Rendered variants on disk, bounded in total size. */
export class RenderCache {
	readonly root: string;
	readonly maxBytes: number;
	private total = 0;
	private trimming: Promise<void> | null = null;
	private readonly inflight = new Map<string, Promise<{ file: string; size: number }>>();

	constructor(root: string, maxBytes: number) {
		this.root = root;
		this.maxBytes = maxBytes;
	}

	async init(): Promise<void> {
		await mkdir(this.root, { recursive: true });
		this.total = (await this.entries()).reduce((sum, e) => sum + e.size, 0);
	}

	private async entries(): Promise<{ file: string; size: number; used: number }[]> {
		const out: { file: string; size: number; used: number }[] = [];
		for (const dir of await readdir(this.root).catch(() => [] as string[])) {
			const files = await readdir(path.join(this.root, dir)).catch(() => [] as string[]);
			for (const f of files) {
				const file = path.join(this.root, dir, f);
				const s = await stat(file).catch(() => null);
				if (s?.isFile()) out.push({ file, size: s.size, used: s.mtimeMs });
			}
		}
		return out;
	}

	/** Drops every variant of one object version (the object was replaced or removed). */
	async forget(version: string | null | undefined): Promise<void> {
		if (!version || !/^[0-9a-f-]{36}$/.test(version)) return;
		const dir = path.join(this.root, version);
		const files = await readdir(dir).catch(() => [] as string[]);
		for (const f of files) {
			const s = await stat(path.join(dir, f)).catch(() => null);
			if (s) this.total -= s.size;
		}
		await rm(dir, { recursive: true, force: true });
	}

	/** The variant's file, rendering it once however many requests ask at the same moment. */
	async get(
		version: string,
		key: string,
		render: () => Promise<Buffer>
	): Promise<{ file: string; size: number }> {
		const file = path.join(this.root, version, key);
		const hit = await stat(file).catch(() => null);
		if (hit) {
			// The mtime records the last use, which trimming goes by.
			const now = new Date();
			await utimes(file, now, now).catch(() => {});
			return { file, size: hit.size };
		}
		const pending = this.inflight.get(file);
		if (pending) return pending;
		const job = (async () => {
			const bytes = await render();
			await mkdir(path.dirname(file), { recursive: true });
			const tmp = `${file}.${randomUUID()}.tmp`;
			await writeFile(tmp, bytes);
			await rename(tmp, file);
			this.total += bytes.length;
			if (this.total > this.maxBytes) void this.trim();
			return { file, size: bytes.length };
		})().finally(() => this.inflight.delete(file));
		this.inflight.set(file, job);
		return job;
	}

	/** Removes least recently used variants until the cache is back under 80 % of its bound. */
	trim(): Promise<void> {
		this.trimming ??= (async () => {
			const all = (await this.entries()).sort((a, b) => a.used - b.used);
			let total = all.reduce((sum, e) => sum + e.size, 0);
			for (const e of all) {
				if (total <= this.maxBytes * 0.8) break;
				await rm(e.file, { force: true });
				total -= e.size;
			}
			this.total = total;
		})().finally(() => {
			this.trimming = null;
		});
		return this.trimming;
	}
}

async function renderImage(
	source: string,
	o: TransformOptions,
	format: OutFormat
): Promise<Buffer> {
	const width = clamp(o.width);
	const height = clamp(o.height);
	// rotate() applies the EXIF orientation first, so a phone photo is not rendered sideways.
	let img = sharp(source, { failOn: 'error' }).rotate();
	if (width || height) {
		img = img.resize({
			width,
			height,
			// Storage's modes: cover crops to fill the box, contain fits inside it, fill stretches.
			fit: o.resize === 'contain' ? 'inside' : o.resize === 'fill' ? 'fill' : 'cover',
			withoutEnlargement: true
		});
	}
	const quality = o.quality ?? DEFAULT_QUALITY;
	switch (format) {
		case 'webp':
			return img.webp({ quality }).toBuffer();
		case 'avif':
			// effort 2: AVIF's default effort costs seconds per image on a small machine.
			return img.avif({ quality, effort: 2 }).toBuffer();
		case 'png':
			return img.png().toBuffer();
		case 'gif':
			return img.gif().toBuffer();
		case 'tiff':
			return img.tiff({ quality }).toBuffer();
		default:
			return img.jpeg({ quality, mozjpeg: true }).toBuffer();
	}
}

/** Answers a transformed image for an object the caller was already allowed to read. */
export async function sendRendered(
	st: StorageContext,
	req: GatewayRequest,
	res: ServerResponse,
	row: ObjectRow,
	o: TransformOptions,
	download: string | null,
	expires?: string
): Promise<void> {
	if (!row.version) throw noSuchKey();
	const version = row.version;
	const source = st.files.pathOf(version);
	const accept = String(req.headers.accept ?? '');
	let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
	try {
		meta = await sharp(source).metadata();
	} catch {
		if ((await st.files.size(version)) === null) throw noSuchKey();
		// imgproxy refuses what it cannot decode with 422; Storage passes that status on.
		throw storageError(
			'422',
			'InvalidRequest',
			'InvalidRequest',
			'Unsupported source image format'
		);
	}
	const format = outputFormat(o, meta.format ?? '', accept);
	const key = createHash('sha256')
		.update(`${transformToString(o)}|${format}`)
		.digest('hex')
		.slice(0, 32);
	const { file, size } = await st.render.get(version, `${key}.${format}`, () =>
		renderImage(source, o, format).catch((e: unknown) => {
			throw storageError(
				'422',
				'InvalidRequest',
				'InvalidRequest',
				`Image transformation failed: ${(e as Error).message}`
			);
		})
	);
	const m = row.metadata ?? {};
	const etag = `"${version.slice(0, 8)}-${key}"`;
	const headers: Record<string, string> = {
		'content-type': MIME[format],
		etag,
		'cache-control': typeof m.cacheControl === 'string' ? m.cacheControl : 'no-cache',
		'last-modified': new Date(
			typeof m.lastModified === 'string' ? m.lastModified : row.updated_at
		).toUTCString(),
		// The encoding depends on Accept unless the caller fixed it.
		vary: 'Accept',
		'x-content-type-options': 'nosniff'
	};
	if (expires) headers.expires = expires;
	if (download !== null) {
		const base = (download || row.name.split('/').pop() || 'image').replace(/\.[^.]*$/, '');
		headers['content-disposition'] =
			`attachment; filename*=UTF-8''${encodeURIComponent(download || `${base}.${format === 'jpeg' ? 'jpg' : format}`)}`;
	}
	if (req.headers['if-none-match'] === etag) {
		res.writeHead(304, headers).end();
		return;
	}
	headers['content-length'] = String(size);
	res.writeHead(200, headers);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	await pipeline(createReadStream(file), res);
}
