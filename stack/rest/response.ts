// The last stage: status, headers and body as PostgREST answers them (Content-Range, Location,
// the singular object media type, CSV), from the one row a statement returns.
import type { ServerResponse } from 'node:http';
import { OBJECT_MEDIA, type ApiRequest } from './api-request.ts';
import { rangeNotSatisfiable, singularError } from './errors.ts';
import { contentRange, rangeStatus } from './range.ts';
import type { Row } from './transaction.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
const OBJECT_TYPE = `${OBJECT_MEDIA}; charset=utf-8`;
const CSV_TYPE = 'text/csv; charset=utf-8';
const ARRAY_STRIPPED_TYPE = 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8';
const OBJECT_STRIPPED_TYPE = `${OBJECT_MEDIA};nulls=stripped; charset=utf-8`;

export function send(
	res: ServerResponse,
	status: number,
	body: string | null,
	headers: Record<string, string>,
	contentType = JSON_TYPE
): void {
	if (body === null) {
		res.writeHead(status, headers);
		res.end();
		return;
	}
	// An explicit length spares Node the chunked encoding.
	headers['content-type'] = contentType;
	headers['content-length'] = String(Buffer.byteLength(body));
	res.writeHead(status, headers);
	res.end(body);
}

/** Headers every answer to a table or function carries: the profile and the preferences applied. */
export function baseHeaders(api: ApiRequest): Record<string, string> {
	const headers: Record<string, string> = { 'content-profile': api.schema };
	if (api.prefer.applied.length) headers['preference-applied'] = api.prefer.applied.join(', ');
	return headers;
}

export function toCsv(json: string): string {
	const rows = JSON.parse(json) as Array<Record<string, unknown>>;
	if (rows.length === 0) return '';
	const keys = Object.keys(rows[0]);
	const cell = (v: unknown) => {
		if (v === null || v === undefined) return '';
		const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
		return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n');
}

/** Leaves out object keys whose value is null, at every depth (as json_strip_nulls does). */
function stripNulls(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(stripNulls);
	if (v === null || typeof v !== 'object') return v;
	const out: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
	return out;
}

/** A JSON array body in the negotiated media type: as is, its one object, or CSV. */
function formatRows(api: ApiRequest, json: string): { body: string; type: string } {
	if (api.stripNulls) json = JSON.stringify(stripNulls(JSON.parse(json)));
	if (api.media === 'object')
		return { body: json.slice(1, -1), type: api.stripNulls ? OBJECT_STRIPPED_TYPE : OBJECT_TYPE };
	if (api.media === 'csv') return { body: toCsv(json), type: CSV_TYPE };
	return { body: json, type: api.stripNulls ? ARRAY_STRIPPED_TYPE : JSON_TYPE };
}

/**
 * Rows read from a table or a set-returning function: 200, 206 or 416 by the range. With
 * `csvHeader` the body is already CSV rows printed by Postgres (header, newline, rows).
 */
export function respondRead(
	res: ServerResponse,
	api: ApiRequest,
	row: Row,
	csvHeader?: string
): void {
	const offset = api.page.offset;
	const total = row.total === null ? null : Number(row.total);
	const page = Number(row.page);
	if (api.media === 'object' && page !== 1) throw singularError(page);
	const status = rangeStatus(offset, page, total);
	if (status === 416) throw rangeNotSatisfiable(offset, total);
	const headers = { ...baseHeaders(api), 'content-range': contentRange(offset, page, total) };
	if (api.method === 'HEAD') return send(res, status, null, headers);
	if (csvHeader !== undefined)
		return send(res, status, `${page > 0 ? csvHeader : ''}\n${row.body ?? ''}`, headers, CSV_TYPE);
	const { body, type } = formatRows(api, row.body ?? '[]');
	send(res, status, body, headers, type);
}

/** An EXPLAIN of the statement the request would run, where db-plan-enabled allows it. */
export function respondPlan(res: ServerResponse, api: ApiRequest, plan: string): void {
	const type = `application/vnd.pgrst.plan+${api.planFormat}; for="application/json"${
		api.planOptions.length ? `; options=${api.planOptions.join('|')}` : ''
	}; charset=utf-8`;
	send(res, 200, plan, {}, type);
}

/** Percent-encodes the UTF-8 bytes of `s` except those `keep` accepts. */
function percentEncode(s: string, keep: RegExp): string {
	return Array.from(new TextEncoder().encode(s), (byte) => {
		const ch = String.fromCharCode(byte);
		return byte < 0x80 && keep.test(ch)
			? ch
			: `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}).join('');
}

/**
 * PostgREST's Location: `/<table>?<col>=eq.<value>&…` (`is.null` for a NULL key). Keys and values
 * are percent-encoded as http-types' renderSimpleQuery does (only A-Z a-z 0-9 - _ . ~ stay bare);
 * the table name goes out as it is, except bytes a header value cannot carry.
 */
export function locationOf(table: string, pairs: ReadonlyArray<[string, string | null]>): string {
	const enc = (s: string) => percentEncode(s, /[A-Za-z0-9\-_.~]/);
	const query = pairs.map(([k, v]) => `${enc(k)}=${enc(v === null ? 'is.null' : `eq.${v}`)}`);
	return `/${percentEncode(table, /[\x21-\x24\x26-\x7e]/)}?${query.join('&')}`;
}

export interface WriteOutcome {
	/** Rows written. */
	count: number;
	/** The statement's row when the response needed rows (representation, Location). */
	row: Row | null;
	representation: boolean;
	locateTable: string | null;
	/** Upserts: rows inserted rather than updated. */
	inserted: number | null;
}

/**
 * POST answers 201, except an upsert that only updated (200); PUT answers its representation
 * with 201 when it inserted, 200 when it replaced; PATCH and DELETE 200 with a body, else 204.
 */
function writeStatus(api: ApiRequest, w: WriteOutcome): number {
	const inserted = w.inserted ?? 0;
	if (api.method === 'PUT') return w.representation ? (inserted > 0 ? 201 : 200) : 204;
	if (api.method === 'POST')
		return api.prefer.resolution === 'merge-duplicates' && w.inserted !== null && inserted <= 0
			? 200
			: 201;
	return w.representation ? 200 : 204;
}

/** 201 for POST, else 200 with a representation or 204; Content-Range counts what was written. */
export function respondWrite(res: ServerResponse, api: ApiRequest, w: WriteOutcome): void {
	const headers = baseHeaders(api);
	const n = w.count;
	const total = api.prefer.count ? String(n) : '*';
	headers['content-range'] = api.method === 'PATCH' && n > 0 ? `0-${n - 1}/${total}` : `*/${total}`;
	const status = writeStatus(api, w);
	if (w.locateTable && n === 1 && w.row?.body) {
		const pairs = JSON.parse(w.row.body) as Array<[string, string | null]>;
		headers['location'] = locationOf(w.locateTable, pairs);
	}
	if (!w.representation) return send(res, status, null, headers);
	const { body, type } = formatRows(api, w.row?.body ?? '[]');
	send(res, status, body, headers, type);
}

/** A write with nothing to write: PostgREST answers as if zero rows were written. */
export function respondEmptyWrite(res: ServerResponse, api: ApiRequest, representation: boolean) {
	const headers = baseHeaders(api);
	if (api.method === 'PATCH') {
		headers['content-range'] = '*/*';
		return send(res, representation ? 200 : 204, representation ? '[]' : null, headers);
	}
	headers['content-range'] = '*/0';
	send(res, 201, representation ? '[]' : null, headers);
}

/** A function's result: 204 for void, the bare value, one object, or rows. */
export function respondCall(
	res: ServerResponse,
	api: ApiRequest,
	kind: 'void' | 'scalar' | 'scalars' | 'row' | 'rows',
	row: Row,
	csvHeader?: string
): void {
	const headers = baseHeaders(api);
	const head = api.method === 'HEAD';
	if (kind === 'void') return send(res, 204, null, headers);
	// A single value or row is a page of one (counted as one when a count was asked for).
	const total = row.total === null ? null : Number(row.total);
	if (kind === 'scalar') {
		if (api.media === 'object') throw singularError(Number(row.page));
		headers['content-range'] = contentRange(0, 1, total);
		return send(res, 200, head ? null : (row.body ?? 'null'), headers);
	}
	if (kind === 'row') {
		const page = Number(row.page);
		headers['content-range'] = contentRange(0, page, total);
		const body = page === 0 ? 'null' : (row.body ?? '[]').slice(1, -1);
		if (api.media === 'object' && page !== 1) throw singularError(page);
		return send(
			res,
			200,
			head ? null : body,
			headers,
			api.media === 'object' ? OBJECT_TYPE : JSON_TYPE
		);
	}
	respondRead(res, api, row, csvHeader);
}
