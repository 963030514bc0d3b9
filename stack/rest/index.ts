// The REST service (/rest/v1): PostgREST's HTTP interface over the exposed schemas. Each request is
// one transaction on a pooled `authenticator` connection, pipelined as BEGIN; set_config(role,
// claims, request.*); <one statement>; COMMIT so a read costs a single round trip.
import type { ServerResponse } from 'node:http';
import postgres from 'postgres';
import type { ProjectConfig } from '../config.ts';
import {
	parseClientJson,
	readBody,
	type GatewayRequest,
	type Service,
	type ServiceFactory
} from '../http.ts';
import {
	RestError,
	badJson,
	badQuery,
	fromPgError,
	singularError,
	tableNotFound
} from './errors.ts';
import { createAuthenticator, type Identity } from './jwt.ts';
import { parseQuery, type ParsedQuery } from './parse-query.ts';
import { parsePrefer, type Preferences } from './prefer.ts';
import { contentRange, parseRangeHeader, rangeStatus } from './range.ts';
import { loadSchemaCache, type Relation, type SchemaCache } from './schema-cache.ts';
import {
	Builder,
	buildDelete,
	buildInsert,
	buildRead,
	buildUpdate,
	qi,
	rootConditions,
	wrapInsertForLocation,
	wrapMutation,
	type ReadPlan
} from './build-sql.ts';
import { callShape, functionSource, resolveFunction } from './rpc.ts';

const BODY_LIMIT = 10 * 1024 * 1024;
const OBJECT_MEDIA = 'application/vnd.pgrst.object+json';

interface Row {
	total: string | null;
	page: string | number;
	body: string | null;
}

type Media = 'json' | 'object' | 'csv';

/** The driver must hand our text parameters to Postgres untouched, whatever type it infers. */
function passStringsThrough(sql: postgres.Sql): void {
	const s = sql.options.serializers as Record<string, (x: unknown) => unknown>;
	for (const k of Object.keys(s)) {
		const orig = s[k];
		s[k] = (x: unknown) => (typeof x === 'string' ? x : orig(x));
	}
}

function chooseMedia(accept: string | undefined): Media {
	if (!accept) return 'json';
	const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
	for (const t of types) {
		if (t === OBJECT_MEDIA) return 'object';
		if (t === 'application/json' || t === '*/*' || t === 'application/*' || t === '') return 'json';
		if (t === 'text/csv') return 'csv';
	}
	throw new RestError(
		406,
		'PGRST107',
		`None of these media types are available: ${types.join(', ')}`
	);
}

function toCsv(json: string): string {
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

function parseJsonBody(buf: Buffer): unknown {
	const text = buf.toString('utf8');
	if (text.trim() === '') throw badJson();
	try {
		return parseClientJson(text);
	} catch (e) {
		throw badJson(e instanceof Error ? e.message : null);
	}
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The statement that opens every request's transaction: search_path, role, claims and the
 * request.* settings, then the role's own settings (ALTER ROLE … SET), all transaction-local.
 * The outer `select from` returns one row of no columns: set_config returns the value it set,
 * and the claims and headers (the bearer token twice) would otherwise travel back on every
 * request only to be dropped. The planner keeps the subquery's outputs because set_config is
 * volatile, so every setting is still applied, left to right.
 */
export function setupStatement(roleSettings: number): string {
	let s = `select from (select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true), set_config('request.path', $5, true), set_config('request.headers', $6, true), set_config('request.cookies', $7, true)`;
	for (let i = 0; i < roleSettings; i++) s += `, set_config($${8 + i * 2}, $${9 + i * 2}, true)`;
	return `${s}) setup`;
}

export function searchPathFor(config: ProjectConfig, schema: string): string {
	return [schema, ...config.extraSearchPath].map(qi).join(', ');
}

/** The parameters of `setupStatement`; `searchPath` as `searchPathFor` makes it. */
export function setupParams(
	searchPath: string,
	role: string,
	claims: string,
	method: string,
	path: string,
	headersJson: string,
	cookiesJson: string,
	roleSettings: ReadonlyArray<readonly [string, string]> | undefined
): string[] {
	const p = [searchPath, role, claims, method, path, headersJson, cookiesJson];
	if (roleSettings) for (const [k, v] of roleSettings) p.push(k, v);
	return p;
}

/**
 * postgres.js sends a statement without parameters as a simple query, which it does not pipeline
 * behind others; `simple: false` (honoured at run time, absent from its types) keeps it in the
 * extended protocol so it rides in the same write.
 */
export const EXTENDED_PROTOCOL = { prepare: true, simple: false };

/**
 * The pool every request leases a connection from. `fetch_types` must stay on: with it off,
 * postgres 3.4's `reserve()` never hands out a connection that it had to open itself (the
 * connection stays "connecting" and the lease waits for another), which silently shrinks the pool
 * to the connections plain queries happened to open, and wedges it for good once those have all
 * been recycled (max_lifetime).
 */
export const POOL_OPTIONS = { max: 16, fetch_types: true, onnotice: () => {} } as const;

export const createRestService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('authenticator'), {
		...POOL_OPTIONS,
		connection: { application_name: 'coachline-rest' }
	});
	passStringsThrough(sql);
	const exposed = ctx.config.schemas;
	let cache: SchemaCache = await loadSchemaCache(sql, exposed);
	let reloadTimer: NodeJS.Timeout | null = null;
	const scheduleReload = () => {
		if (reloadTimer) clearTimeout(reloadTimer);
		reloadTimer = setTimeout(() => {
			reloadTimer = null;
			loadSchemaCache(sql, exposed).then(
				(c) => {
					cache = c;
				},
				(e: unknown) => ctx.log('error', 'schema cache reload failed', { error: String(e) })
			);
		}, 100);
	};
	const listener = await sql.listen('pgrst', (payload) => {
		if (payload === 'reload schema' || payload === 'reload config' || payload === '')
			scheduleReload();
	});
	const authenticate = createAuthenticator(ctx.jwtSecret);
	const setupSql: string[] = [];
	const setupFor = (role: string): string => {
		const n = cache.roleSettings.get(role)?.length ?? 0;
		return (setupSql[n] ??= setupStatement(n));
	};
	const searchPaths = new Map<string, string>();
	const searchPath = (schema: string) => {
		let p = searchPaths.get(schema);
		if (p === undefined) searchPaths.set(schema, (p = searchPathFor(ctx.config, schema)));
		return p;
	};

	async function run(o: TxOptions): Promise<TxResult> {
		const conn = await sql.reserve();
		try {
			return await runTransaction(conn, setupFor(o.role), o);
		} finally {
			conn.release();
		}
	}

	async function handle(req: GatewayRequest, res: ServerResponse): Promise<void> {
		const method = req.method ?? 'GET';
		let id: Identity = { role: 'anon', claims: '' };
		try {
			if (!['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(method))
				throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
			id = await authenticate(req.bearer);
			await route(req, res, method, id);
		} catch (e) {
			const err = fromPgError(e, id.role === 'anon');
			throw err;
		}
	}

	async function route(
		req: GatewayRequest,
		res: ServerResponse,
		method: string,
		id: Identity
	): Promise<void> {
		const path = req.servicePath;
		if (path === '/' || path === '') {
			const paths: Record<string, unknown> = {};
			for (const r of cache.relations.values())
				if (r.schema === exposed[0] && r.kind !== 'composite') paths[`/${r.name}`] = {};
			send(
				res,
				200,
				JSON.stringify({ swagger: '2.0', info: { title: 'Coachline REST', version: '14' }, paths }),
				{}
			);
			return;
		}
		const isRead = method === 'GET' || method === 'HEAD';
		const profileHeader = req.headers[isRead ? 'accept-profile' : 'content-profile'];
		const schema =
			typeof profileHeader === 'string' && profileHeader !== '' ? profileHeader : exposed[0];
		if (!exposed.includes(schema))
			throw new RestError(
				406,
				'PGRST106',
				`The schema must be one of the following: ${exposed.join(', ')}`,
				null,
				null
			);
		const m = /^\/(rpc\/)?([^/]+)\/?$/.exec(path);
		if (!m) throw tableNotFound(schema, path.slice(1));
		const rpc = !!m[1];
		let name: string;
		try {
			name = decodeURIComponent(m[2]);
		} catch {
			throw badQuery('Invalid path');
		}
		const prefer = parsePrefer(req.headers.prefer);
		const media = chooseMedia(req.headers.accept);
		const setup = setupParams(
			searchPath(schema),
			id.role,
			id.claims,
			method,
			path,
			JSON.stringify(req.headers),
			parseCookies(req.headers.cookie),
			cache.roleSettings.get(id.role)
		);
		const headers: Record<string, string> = { 'content-profile': schema };
		if (prefer.applied.length) headers['preference-applied'] = prefer.applied.join(', ');
		const ctxr: RequestCtx = { req, res, method, id, schema, prefer, media, setup, headers };
		if (rpc) return rpcCall(ctxr, name);
		const rel = cache.relations.get(`${schema}\u0000${name}`);
		if (!rel || rel.kind === 'composite') throw tableNotFound(schema, name);
		if (isRead) return read(ctxr, rel);
		return write(ctxr, rel);
	}

	interface RequestCtx {
		req: GatewayRequest;
		res: ServerResponse;
		method: string;
		id: Identity;
		schema: string;
		prefer: Preferences;
		media: Media;
		setup: Array<string | null>;
		headers: Record<string, string>;
	}

	function send(
		res: ServerResponse,
		status: number,
		body: string | null,
		headers: Record<string, string>,
		contentType = 'application/json; charset=utf-8'
	) {
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

	function pageOf(c: RequestCtx, q: ParsedQuery): { limit: number | null; offset: number } {
		const root = q.nodes.get('')!;
		const range =
			c.method === 'GET' || c.method === 'HEAD' ? parseRangeHeader(c.req.headers.range) : null;
		let offset = root.offset ?? range?.offset ?? 0;
		let limit = root.limit ?? range?.limit ?? null;
		if (range && root.offset === null && root.limit === null) {
			offset = range.offset;
			limit = range.limit;
		}
		const max = ctx.config.maxRows;
		if (max > 0 && (limit === null || limit > max)) limit = max;
		return { limit, offset };
	}

	/** Turns the one-row result of a read-shaped statement into the response. */
	function respondRows(
		c: RequestCtx,
		row: Row,
		offset: number,
		opts: { countHeader: boolean; status?: number }
	) {
		const total = row.total === null ? null : Number(row.total);
		const page = Number(row.page);
		const head = c.method === 'HEAD';
		if (c.media === 'object' && page !== 1) throw singularError(page);
		let status = opts.status ?? rangeStatus(offset, page, total);
		if (status === 416) {
			throw new RestError(
				416,
				'PGRST103',
				'Requested range not satisfiable',
				`An offset of ${offset} was requested, but there are only ${total} rows.`,
				null,
				{
					'content-range': `*/${total}`
				}
			);
		}
		const headers = { ...c.headers, 'content-range': contentRange(offset, page, total) };
		if (head) return send(c.res, status, null, headers);
		let body = row.body ?? '[]';
		let type = 'application/json; charset=utf-8';
		if (c.media === 'object') {
			body = body.slice(1, -1);
			type = `${OBJECT_MEDIA}; charset=utf-8`;
		} else if (c.media === 'csv') {
			body = toCsv(body);
			type = 'text/csv; charset=utf-8';
		}
		if (status === 200 && opts.status === undefined && c.media === 'object') status = 200;
		send(c.res, status, body, headers, type);
	}

	async function read(c: RequestCtx, rel: Relation): Promise<void> {
		const q = parseQuery(c.req.query);
		const b = new Builder(cache, c.schema);
		const { limit, offset } = pageOf(c, q);
		const count = c.prefer.count ?? null;
		const maxRows = ctx.config.maxRows;
		const plan = buildRead(b, Builder.relationSource(rel), q, {
			count,
			maxRows,
			head: c.method === 'HEAD',
			limit,
			offset
		});
		// PostgREST (Query.hs resultSetWTotal): planned = the planner's estimate of the filtered
		// rows; estimated = the exact count while it stays within db-max-rows, else the larger of
		// the (max_rows + 1 capped) exact count and the estimate. Without db-max-rows PostgREST's
		// `Just n > Nothing` always holds, so it always takes that larger of the two.
		const overMax = (r: postgres.RowList<Row[]>) =>
			maxRows <= 0 || Number(r[0]?.total ?? 0) > maxRows;
		const { rows, planRows } = await run({
			readOnly: true,
			setup: c.setup,
			role: c.id.role,
			plan,
			rollback: false,
			explain: count === 'planned' ? 'always' : count === 'estimated' ? overMax : undefined
		});
		const row = rows[0];
		let total = row.total === null ? null : Number(row.total);
		if (count === 'planned') total = planRows;
		else if (count === 'estimated' && planRows !== null) total = Math.max(total ?? 0, planRows);
		respondRows(c, { ...row, total: total === null ? null : String(total) }, offset, {
			countHeader: true
		});
	}

	async function write(c: RequestCtx, rel: Relation): Promise<void> {
		const q = parseQuery(c.req.query);
		const b = new Builder(cache, c.schema);
		const src = Builder.relationSource(rel);
		const representation = c.prefer.return === 'representation';
		let mutation: string;
		if (c.method === 'POST' || c.method === 'PUT') {
			const body = parseJsonBody(await readBody(c.req, BODY_LIMIT));
			const rows = Array.isArray(body) ? body : [body];
			if (!rows.every(isObject)) throw badJson('All object keys must match');
			let conflict: { columns: string[]; action: 'merge' | 'ignore' } | null = null;
			const keys = q.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
			if (c.method === 'PUT') {
				if (rows.length !== 1) throw badJson('PUT requires a single object');
				const root = q.nodes.get('')!;
				const eqs = new Map<string, string>();
				for (const cond of root.conditions)
					if (
						cond.kind === 'filter' &&
						cond.op === 'eq' &&
						!cond.negate &&
						cond.field.json.length === 0
					)
						eqs.set(cond.field.name, String(cond.value));
				if (
					rel.pk.length === 0 ||
					root.conditions.length !== rel.pk.length ||
					!rel.pk.every((k) => eqs.has(k))
				)
					throw new RestError(
						405,
						'PGRST105',
						"Filters must include all and only primary key columns with 'eq' operators"
					);
				if (!rel.pk.every((k) => rows[0][k] !== undefined && String(rows[0][k]) === eqs.get(k)))
					throw new RestError(
						400,
						'PGRST115',
						'Payload values do not match URL in primary key column(s)'
					);
				conflict = { columns: rel.pk, action: 'merge' };
			} else if (c.prefer.resolution) {
				const cols = q.onConflict ?? rel.pk;
				if (cols.length === 0)
					throw badQuery('on_conflict requires columns: the table has no primary key');
				conflict = {
					columns: cols,
					action: c.prefer.resolution === 'ignore-duplicates' ? 'ignore' : 'merge'
				};
			}
			if (rows.length === 0) {
				// Nothing to insert: PostgREST answers as if zero rows were written.
				c.headers['content-range'] = '*/0';
				return send(c.res, 201, representation ? '[]' : null, c.headers);
			}
			mutation = buildInsert(b, rel, {
				columns: keys,
				missingDefault: c.prefer.missing === 'default',
				conflict,
				bodyJson: JSON.stringify(rows)
			});
		} else {
			const where = rootConditions(b, src, q);
			const verb = c.method === 'PATCH' ? 'UPDATE' : 'DELETE';
			if (where.length === 0) throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
			if (c.method === 'PATCH') {
				const body = parseJsonBody(await readBody(c.req, BODY_LIMIT));
				if (!isObject(body)) throw badJson('PATCH requires a JSON object');
				const keys = q.columns ?? Object.keys(body);
				if (keys.length === 0) {
					c.headers['content-range'] = '*/*';
					return send(c.res, representation ? 200 : 204, representation ? '[]' : null, c.headers);
				}
				mutation = buildUpdate(b, rel, keys, JSON.stringify(body), where);
			} else {
				mutation = buildDelete(rel, where);
			}
		}
		const singular = c.media === 'object';
		const rollback = c.prefer.tx === 'rollback';
		// return=headers-only on POST: PostgREST sends Location for a single inserted row of a
		// table with a primary key (Statements.hs mainWrite locF); otherwise it is return=minimal.
		const locate = c.method === 'POST' && c.prefer.return === 'headers-only' && rel.pk.length > 0;
		const wantRows = representation || singular || locate;
		const plan: ReadPlan = locate
			? wrapInsertForLocation(b, rel, mutation)
			: wantRows
				? wrapMutation(b, rel, mutation, q, !representation)
				: { sql: mutation, params: b.params.values };
		const { rows } = await run({
			readOnly: false,
			setup: c.setup,
			role: c.id.role,
			plan,
			rollback,
			decide: singular ? (r) => Number(r[0]?.page) === 1 : undefined
		});
		const n = wantRows ? Number(rows[0].page) : (rows.count ?? 0);
		if (singular && n !== 1) throw singularError(n);
		const total = c.prefer.count === 'exact' || c.prefer.count ? String(n) : '*';
		if (c.method === 'PATCH')
			c.headers['content-range'] = n > 0 ? `0-${n - 1}/${total}` : `*/${total}`;
		else c.headers['content-range'] = `*/${total}`;
		const status = c.method === 'POST' ? 201 : representation ? 200 : 204;
		if (locate && n === 1 && rows[0].body) {
			const pairs = JSON.parse(rows[0].body) as Array<[string, string | null]>;
			c.headers['location'] = locationOf(rel.name, pairs);
		}
		if (!representation) return send(c.res, status, null, c.headers);
		let body = rows[0].body ?? '[]';
		let type = 'application/json; charset=utf-8';
		if (singular) {
			body = body.slice(1, -1);
			type = `${OBJECT_MEDIA}; charset=utf-8`;
		} else if (c.media === 'csv') {
			body = toCsv(body);
			type = 'text/csv; charset=utf-8';
		}
		send(c.res, status, body, c.headers, type);
	}

	async function rpcCall(c: RequestCtx, name: string): Promise<void> {
		const isGet = c.method === 'GET' || c.method === 'HEAD';
		const overloads = cache.functions.get(`${c.schema}\u0000${name}`) ?? [];
		const argNames = new Set(overloads.flatMap((f) => f.args.map((a) => a.name)));
		const q = parseQuery(c.req.query, isGet ? argNames : new Set());
		let args: Record<string, unknown> = {};
		let bodyText = '{}';
		let bodyIsObject = true;
		if (isGet) {
			for (const [k, v] of q.rest) args[k] = v;
		} else if (c.method === 'POST') {
			const buf = await readBody(c.req, BODY_LIMIT);
			const parsed = buf.toString('utf8').trim() === '' ? {} : parseJsonBody(buf);
			bodyText = JSON.stringify(parsed);
			bodyIsObject = isObject(parsed);
			if (isObject(parsed)) args = parsed;
			else if (!Array.isArray(parsed)) throw badJson();
		} else {
			throw new RestError(405, 'PGRST101', 'Cannot use the ' + c.method + ' method on RPC');
		}
		const { fn, wholeBody } = resolveFunction(
			cache,
			c.schema,
			name,
			wholeBodyKeys(args, bodyIsObject),
			bodyIsObject
		);
		const b = new Builder(cache, c.schema);
		const shape = callShape(b, fn, args, wholeBody, bodyText);
		const readOnly = isGet || fn.volatility !== 'v';
		const rollback = c.prefer.tx === 'rollback';
		let plan: ReadPlan;
		let kind: 'void' | 'scalar' | 'rows' | 'row' | 'scalars';
		const argsFrom = shape.argsFrom ? ` FROM ${shape.argsFrom}` : '';
		const { limit, offset } = pageOf(c, q);
		if (fn.returnsVoid) {
			kind = 'void';
			plan = {
				sql: `SELECT NULL::int8 AS total, 0 AS page, (SELECT ${shape.call}::text${argsFrom}) AS body`,
				params: b.params.values
			};
		} else if (!fn.returnsComposite && !fn.returnsSet) {
			kind = 'scalar';
			plan = {
				sql: `SELECT NULL::int8 AS total, 1 AS page, (SELECT to_json(${shape.call})${argsFrom})::text AS body`,
				params: b.params.values
			};
		} else if (!fn.returnsComposite) {
			kind = 'scalars';
			let inner = `SELECT t0 AS v FROM ${shape.from} t0`;
			if (limit !== null) inner += ` LIMIT ${b.params.add(String(limit))}::int8`;
			if (offset) inner += ` OFFSET ${b.params.add(String(offset))}::int8`;
			plan = {
				sql: `SELECT NULL::int8 AS total, count(*) AS page, coalesce(json_agg(_r.v), '[]')::text AS body FROM (${inner}) _r`,
				params: b.params.values
			};
		} else {
			kind = fn.returnsSet ? 'rows' : 'row';
			// PostgREST counts function results exactly for count=exact|estimated and not at all for
			// count=planned (no EXPLAIN on calls).
			plan = buildRead(b, functionSource(cache, fn, shape), q, {
				count: c.prefer.count === 'exact' || c.prefer.count === 'estimated' ? 'exact' : null,
				head: c.method === 'HEAD',
				limit: fn.returnsSet ? limit : null,
				offset: fn.returnsSet ? offset : 0
			});
		}
		const { rows } = await run({ readOnly, setup: c.setup, role: c.id.role, plan, rollback });
		const row = rows[0];
		if (kind === 'void') return send(c.res, 204, null, c.headers);
		if (kind === 'scalar') {
			if (c.media === 'object') throw singularError(Number(row.page));
			return send(c.res, 200, c.method === 'HEAD' ? null : (row.body ?? 'null'), c.headers);
		}
		if (kind === 'row') {
			const page = Number(row.page);
			const body = page === 0 ? 'null' : (row.body ?? '[]').slice(1, -1);
			if (c.media === 'object' && page !== 1) throw singularError(page);
			return send(
				c.res,
				200,
				c.method === 'HEAD' ? null : body,
				c.headers,
				c.media === 'object' ? `${OBJECT_MEDIA}; charset=utf-8` : undefined
			);
		}
		respondRows(c, row, offset, { countHeader: true });
	}

	return {
		name: 'rest',
		handle,
		async close() {
			if (reloadTimer) clearTimeout(reloadTimer);
			await listener.unlisten().catch(() => {});
			await sql.end({ timeout: 2 });
		}
	} satisfies Service;
};

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

/** How a request's transaction runs: see `runTransaction`. */
export interface TxOptions {
	readOnly: boolean;
	setup: Array<string | null>;
	role: string;
	plan: ReadPlan;
	rollback: boolean;
	/** Decides after seeing the result whether to commit (writes with a singular Accept). */
	decide?: (rows: postgres.RowList<Row[]>) => boolean;
	/**
	 * Runs `plan.explain` in the same transaction: always (pipelined behind the main statement)
	 * or only when the main result asks for it (count=estimated past max_rows).
	 */
	explain?: 'always' | ((rows: postgres.RowList<Row[]>) => boolean);
}

export interface TxResult {
	rows: postgres.RowList<Row[]>;
	/** "Plan Rows" of the top node of `plan.explain`, when it ran. */
	planRows: number | null;
}

/** The part of a leased postgres.js connection a transaction uses. */
export type TxConnection = Pick<postgres.ReservedSql, 'unsafe'>;

/**
 * One request's transaction on a leased connection: BEGIN, the setup statement (`setupSql` with
 * `o.setup`), the statement, and COMMIT (or ROLLBACK) in one round trip whenever the outcome is
 * known up front; writes that decide after seeing their rows, and estimated counts that need a
 * plan only past max_rows, end it in a second one.
 */
export async function runTransaction(
	conn: TxConnection,
	setupSql: string,
	o: TxOptions
): Promise<TxResult> {
	const explainSql = o.explain ? o.plan.explain : undefined;
	const explainNow = () =>
		conn.unsafe<Array<{ 'QUERY PLAN': unknown }>>(explainSql!.sql, explainSql!.params as string[], {
			prepare: true
		});
	const deferEnd = !!o.decide || (!!explainSql && o.explain !== 'always');
	const begin = conn.unsafe(o.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
	const setup = conn.unsafe(setupSql, o.setup as string[], { prepare: true });
	const main = conn.unsafe<Row[]>(o.plan.sql, o.plan.params as string[], { prepare: true });
	const pipelinedExplain = explainSql && o.explain === 'always' ? explainNow() : null;
	// Extended protocol (prepare) for the end too, so postgres.js sends it in the same write.
	const end = deferEnd
		? null
		: conn.unsafe(o.rollback ? 'ROLLBACK' : 'COMMIT', [], EXTENDED_PROTOCOL);
	// postgres.js sends a query only once something asks for its result, so everything that
	// belongs in this round trip is awaited together: the end too. Awaited after the others,
	// it went out only when their results were back, a second round trip on every request.
	// After a failed statement Postgres answers the pipelined COMMIT with ROLLBACK.
	const statements: Array<PromiseLike<unknown>> = [begin, setup, main];
	if (pipelinedExplain) statements.push(pipelinedExplain);
	if (end) statements.push(end);
	const settled = await Promise.allSettled(statements);
	const failed = settled.find((r) => r.status === 'rejected');
	if (failed) {
		if (!end) await conn.unsafe('ROLLBACK').catch(() => {});
		throw (failed as PromiseRejectedResult).reason;
	}
	const rows = (settled[2] as PromiseFulfilledResult<postgres.RowList<Row[]>>).value;
	let planRows: number | null = null;
	if (pipelinedExplain)
		planRows = planRowsOf(
			(settled[3] as PromiseFulfilledResult<Array<{ 'QUERY PLAN': unknown }>>).value
		);
	else if (explainSql && typeof o.explain === 'function' && o.explain(rows)) {
		try {
			planRows = planRowsOf(await explainNow());
		} catch (e) {
			await conn.unsafe('ROLLBACK').catch(() => {});
			throw e;
		}
	}
	if (!end) {
		const commit = !o.rollback && (o.decide ? o.decide(rows) : true);
		await conn.unsafe(commit ? 'COMMIT' : 'ROLLBACK');
	}
	return { rows, planRows };
}

/** "Plan Rows" of the top node of an `EXPLAIN (FORMAT JSON)` result. */
function planRowsOf(rows: ReadonlyArray<{ 'QUERY PLAN': unknown }>): number | null {
	let doc = rows[0]?.['QUERY PLAN'];
	if (typeof doc === 'string') doc = JSON.parse(doc);
	const n = (doc as Array<{ Plan?: { 'Plan Rows'?: unknown } }> | undefined)?.[0]?.Plan?.[
		'Plan Rows'
	];
	return typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null;
}

function wholeBodyKeys(args: Record<string, unknown>, bodyIsObject: boolean): string[] {
	return bodyIsObject ? Object.keys(args) : [];
}
