// Streams an object's bytes with the headers a CDN or browser needs, and single byte ranges.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HttpError, type GatewayRequest } from '../http.ts';
import type { StorageContext } from './context.ts';
import { noSuchKey } from './errors.ts';
import type { ObjectRow } from './objects.ts';

function contentDisposition(download: string | null, name: string): string | null {
	if (download === null) return null;
	const filename = download || name.split('/').pop() || 'download';
	return `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function sendObject(
	st: StorageContext,
	req: GatewayRequest,
	res: ServerResponse,
	row: ObjectRow,
	download: string | null
): Promise<void> {
	const size = row.version ? await st.files.size(row.version) : null;
	if (size === null || !row.version) throw noSuchKey();
	const m = row.metadata ?? {};
	const etag = typeof m.eTag === 'string' ? m.eTag : `"${row.version}"`;
	const headers: Record<string, string> = {
		'content-type': typeof m.mimetype === 'string' ? m.mimetype : 'application/octet-stream',
		etag,
		'cache-control': typeof m.cacheControl === 'string' ? m.cacheControl : 'no-cache',
		'last-modified': new Date(
			typeof m.lastModified === 'string' ? m.lastModified : row.updated_at
		).toUTCString(),
		'accept-ranges': 'bytes',
		// User content must not be re-interpreted by the browser (an HTML file served as text/plain).
		'x-content-type-options': 'nosniff'
	};
	const disposition = contentDisposition(download, row.name);
	if (disposition) headers['content-disposition'] = disposition;
	if (req.headers['if-none-match'] === etag) {
		res.writeHead(304, headers).end();
		return;
	}
	let range: { start: number; end: number } | undefined;
	const rangeHeader = req.headers.range;
	if (typeof rangeHeader === 'string') {
		const r = rangeHeader.match(/^bytes=(\d*)-(\d*)$/);
		let start = r?.[1] ? Number(r[1]) : NaN;
		let end = r?.[2] ? Number(r[2]) : size - 1;
		if (r && !r[1] && r[2]) {
			start = Math.max(size - Number(r[2]), 0);
			end = size - 1;
		}
		if (!r || Number.isNaN(start) || start > end || start >= size) {
			throw new HttpError(
				416,
				{
					statusCode: '416',
					code: 'InvalidRange',
					error: 'Range Not Satisfiable',
					message: 'Invalid range'
				},
				{ 'content-range': `bytes */${size}` }
			);
		}
		range = { start, end: Math.min(end, size - 1) };
	}
	const length = range ? range.end - range.start + 1 : size;
	headers['content-length'] = String(length);
	if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
	res.writeHead(range ? 206 : 200, headers);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	await pipeline(st.files.read(row.version, range), res);
}
