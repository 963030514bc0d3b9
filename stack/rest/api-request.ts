// Stage 1, the request as PostgREST reads it (its ApiRequest): method, target (table, function or
// the root), schema profile, Prefer, content negotiation, the query string, the page asked for,
// and the JSON payload. Nothing here decides what the request means for the schema: planning does.
import { parseClientJson, readBody, type GatewayRequest } from '../http.ts';
import {
	badJson,
	badQuery,
	mediaNotAvailable,
	schemaNotExposed,
	unsupportedMethod
} from './errors.ts';
import { parseQuery, type ParsedQuery } from './parse-query.ts';
import { parsePrefer, type Preferences } from './prefer.ts';
import { parseRangeHeader } from './range.ts';
import { relKey, type SchemaCache } from './schema-cache.ts';

const BODY_LIMIT = 10 * 1024 * 1024;
export const OBJECT_MEDIA = 'application/vnd.pgrst.object+json';

/** `plan`: EXPLAIN of the statement (application/vnd.pgrst.plan, where db-plan-enabled). */
export type Media = 'json' | 'object' | 'csv' | 'plan';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'];

export type ApiTarget =
	{ kind: 'root' } | { kind: 'relation'; name: string } | { kind: 'rpc'; name: string };

export interface ApiRequest {
	method: Method;
	/** GET or HEAD. */
	isRead: boolean;
	path: string;
	target: ApiTarget;
	/** From Accept-Profile (reads) or Content-Profile (writes), else the first exposed schema. */
	schema: string;
	prefer: Preferences;
	media: Media;
	/** `nulls=stripped` on the array or object media type: keys whose value is null are left out. */
	stripNulls: boolean;
	/** For `plan`: its format and EXPLAIN options (analyze, verbose, settings, buffers, wal). */
	planFormat: 'json' | 'text';
	planOptions: string[];
	query: ParsedQuery;
	/** The page: limit/offset parameters, else the Range header, capped at db-max-rows. */
	page: { limit: number | null; offset: number };
	/** The parsed JSON body; undefined when the request carries none. */
	payload: unknown;
	/** The payload's text as sent (a function's single json argument takes it whole). */
	payloadText: string;
	/**
	 * A POST to /rpc sent as text/plain, text/xml or application/octet-stream: the body is the
	 * single unnamed text, xml or bytea argument (bytea as `\x` hex), never JSON.
	 */
	rawArgument: 'text' | 'xml' | 'bytea' | null;
	/** request.headers and request.cookies as JSON, for the transaction's settings. */
	headersJson: string;
	cookiesJson: string;
}

export interface RequestSettings {
	exposed: string[];
	maxRows: number;
}

type Negotiated = Pick<ApiRequest, 'media' | 'stripNulls' | 'planFormat' | 'planOptions'>;

/** Accept, as PostgREST negotiates it: the first type it can produce, with its parameters. */
function chooseMedia(accept: string | undefined, planEnabled: boolean): Negotiated {
	const base: Negotiated = {
		media: 'json',
		stripNulls: false,
		planFormat: 'json',
		planOptions: []
	};
	if (!accept) return base;
	const types: string[] = [];
	for (const part of accept.split(',')) {
		const [rawType, ...rawParams] = part.split(';');
		const t = rawType.trim().toLowerCase();
		types.push(t);
		const params = new Map(
			rawParams.map((p) => {
				const [k, v = ''] = p.split('=');
				return [k.trim().toLowerCase(), v.trim().replace(/^"|"$/g, '')] as const;
			})
		);
		const stripNulls = params.get('nulls') === 'stripped';
		if (t === OBJECT_MEDIA) return { ...base, media: 'object', stripNulls };
		if (t === 'application/vnd.pgrst.array+json' || t === 'application/vnd.pgrst.array')
			return { ...base, stripNulls };
		if (t === 'application/json' || t === '*/*' || t === 'application/*' || t === '') return base;
		if (t === 'text/csv') return { ...base, media: 'csv' };
		const plan = /^application\/vnd\.pgrst\.plan(\+json|\+text)?$/.exec(t);
		if (plan && planEnabled)
			return {
				...base,
				media: 'plan',
				planFormat: plan[1] === '+json' ? 'json' : 'text',
				planOptions: (params.get('options') ?? '').split('|').filter((o) => PLAN_OPTIONS.has(o))
			};
	}
	throw mediaNotAvailable(types);
}

const PLAN_OPTIONS = new Set(['analyze', 'verbose', 'settings', 'buffers', 'wal']);

function parseCookies(header: string | undefined): string {
	const out: Record<string, string> = {};
	if (header) {
		for (const part of header.split(';')) {
			const eq = part.indexOf('=');
			if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
		}
	}
	return JSON.stringify(out);
}

function parseJson(text: string): unknown {
	if (text.trim() === '') throw badJson();
	try {
		return parseClientJson(text);
	} catch (e) {
		throw badJson(e instanceof Error ? e.message : null);
	}
}

function targetOf(path: string): ApiTarget {
	if (path === '/' || path === '') return { kind: 'root' };
	const m = /^\/(rpc\/)?([^/]+)\/?$/.exec(path);
	// No such table: planning reports it as PostgREST does (PGRST205).
	if (!m) return { kind: 'relation', name: path.slice(1) };
	let name: string;
	try {
		name = decodeURIComponent(m[2]);
	} catch {
		throw badQuery('Invalid path');
	}
	return m[1] ? { kind: 'rpc', name } : { kind: 'relation', name };
}

function pageOf(
	req: GatewayRequest,
	isRead: boolean,
	q: ParsedQuery,
	maxRows: number
): ApiRequest['page'] {
	const root = q.nodes.get('')!;
	const range = isRead ? parseRangeHeader(req.headers.range) : null;
	let offset = root.offset ?? range?.offset ?? 0;
	let limit = root.limit ?? range?.limit ?? null;
	if (range && root.offset === null && root.limit === null) {
		offset = range.offset;
		limit = range.limit;
	}
	if (maxRows > 0 && (limit === null || limit > maxRows)) limit = maxRows;
	return { limit, offset };
}

const RAW_TYPES: Record<string, 'text' | 'xml' | 'bytea'> = {
	'text/plain': 'text',
	'text/xml': 'xml',
	'application/octet-stream': 'bytea'
};

/** Reads the body where the method carries one; a call without a body means no arguments. */
async function readPayload(
	req: GatewayRequest,
	method: Method,
	target: ApiTarget
): Promise<Pick<ApiRequest, 'payload' | 'payloadText' | 'rawArgument'>> {
	const carries =
		target.kind === 'rpc'
			? method === 'POST'
			: target.kind === 'relation' && ['POST', 'PUT', 'PATCH'].includes(method);
	if (!carries) return { payload: undefined, payloadText: '', rawArgument: null };
	const buf = await readBody(req, BODY_LIMIT);
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const raw = target.kind === 'rpc' ? (RAW_TYPES[type] ?? null) : null;
	if (raw === 'bytea')
		return { payload: undefined, payloadText: `\\x${buf.toString('hex')}`, rawArgument: raw };
	const text = buf.toString('utf8');
	if (raw) return { payload: undefined, payloadText: text, rawArgument: raw };
	if (target.kind === 'rpc' && text.trim() === '')
		return { payload: {}, payloadText: '{}', rawArgument: null };
	const payload = parseJson(text);
	return { payload, payloadText: JSON.stringify(payload), rawArgument: null };
}

/**
 * Stage 1. `cache` is consulted only for the argument names of a function called by GET, which
 * the query string carries beside filters.
 */
export async function readApiRequest(
	req: GatewayRequest,
	settings: RequestSettings,
	cache: SchemaCache
): Promise<ApiRequest> {
	const method = (req.method ?? 'GET') as Method;
	if (!METHODS.includes(method)) throw unsupportedMethod(method);
	const isRead = method === 'GET' || method === 'HEAD';
	const path = req.servicePath;
	const profile = req.headers[isRead ? 'accept-profile' : 'content-profile'];
	const schema = typeof profile === 'string' && profile !== '' ? profile : settings.exposed[0];
	const target = targetOf(path);
	if (target.kind !== 'root' && !settings.exposed.includes(schema))
		throw schemaNotExposed(settings.exposed);
	const prefer = parsePrefer(req.headers.prefer);
	// Prefer: tx counts only where db-tx-end lets the client override how transactions end.
	if (prefer.tx && !cache.config.txEnd.endsWith('allow-override')) {
		prefer.applied = prefer.applied.filter((a) => !a.startsWith('tx='));
		delete prefer.tx;
	}
	const negotiated: Negotiated =
		target.kind === 'root'
			? { media: 'json', stripNulls: false, planFormat: 'json', planOptions: [] }
			: chooseMedia(req.headers.accept, cache.config.planEnabled);
	let argNames: Set<string> | undefined;
	if (target.kind === 'rpc' && isRead) {
		const overloads = cache.functions.get(relKey(schema, target.name)) ?? [];
		argNames = new Set(overloads.flatMap((f) => f.args.map((a) => a.name)));
	}
	const query = parseQuery(req.query, argNames ?? (target.kind === 'rpc' ? new Set() : undefined));
	const { payload, payloadText, rawArgument } = await readPayload(req, method, target);
	return {
		method,
		isRead,
		path,
		target,
		schema,
		prefer,
		...negotiated,
		query,
		page: pageOf(req, isRead, query, settings.maxRows),
		payload,
		payloadText,
		rawArgument,
		headersJson: JSON.stringify(req.headers),
		cookiesJson: parseCookies(req.headers.cookie)
	};
}
