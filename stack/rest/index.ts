// The REST service (/rest/v1): PostgREST's HTTP interface over the exposed schemas, in PostgREST's
// stages. Each request is read (api-request.ts), planned against the schema cache (plan*.ts),
// written as one statement (build-sql.ts), run as one transaction (transaction.ts) and answered
// (response.ts); every failure is mapped in errors.ts. This file only wires the stages together.
import type { ServerResponse } from 'node:http';
import postgres from 'postgres';
import type { GatewayRequest, Service, ServiceFactory } from '../http.ts';
import { readApiRequest, type ApiRequest, type RequestSettings } from './api-request.ts';
import { Builder, buildCall, buildMutation, buildRead, qrel, type Statement } from './build-sql.ts';
import { fromPgError, maxAffectedViolation, singularError } from './errors.ts';
import { createAuthenticator, type Identity } from './jwt.ts';
import { ACCESSIBLE_SQL, openApiDocument, type Accessible } from './openapi.ts';
import { findRelation, planRead, relationTarget, rollbackOf } from './plan.ts';
import { planCall } from './plan-call.ts';
import { planMutation } from './plan-mutate.ts';
import {
	respondCall,
	respondEmptyWrite,
	respondPlan,
	respondRead,
	respondWrite,
	send
} from './response.ts';
import { loadSchemaCache, type Relation, type SchemaCache } from './schema-cache.ts';
import {
	POOL_OPTIONS,
	passStringsThrough,
	runTransaction,
	searchPathFor,
	setupParams,
	setupStatement,
	type Row,
	type TxOptions,
	type TxResult
} from './transaction.ts';

/** What a handler needs besides the request: the schema cache and a way to run a transaction. */
interface Runtime {
	cache: SchemaCache;
	maxRows: number;
	/** Runs one transaction as the request's role with its settings. */
	run(o: Omit<TxOptions, 'setup' | 'role'>): Promise<TxResult>;
}

/** GET/HEAD on a table or view. */
async function handleRead(rt: Runtime, api: ApiRequest, rel: Relation, res: ServerResponse) {
	const tree = planRead(rt.cache, api.schema, relationTarget(rel), api.query);
	const count = api.prefer.count ?? null;
	const maxRows = rt.maxRows;
	const plan = buildRead(new Builder(rt.cache), qrel(rel.schema, rel.name), tree, {
		count,
		maxRows,
		head: api.method === 'HEAD',
		...api.page,
		csv: api.media === 'csv'
	});
	if (api.media === 'plan') return respondPlan(res, api, await explain(rt, api, plan, true));
	// PostgREST (Query.hs resultSetWTotal): planned = the planner's estimate of the filtered
	// rows; estimated = the exact count while it stays within db-max-rows, else the larger of
	// the (max_rows + 1 capped) exact count and the estimate. Without db-max-rows PostgREST's
	// `Just n > Nothing` always holds, so it always takes that larger of the two.
	const overMax = (r: postgres.RowList<Row[]>) =>
		maxRows <= 0 || Number(r[0]?.total ?? 0) > maxRows;
	const { rows, planRows } = await rt.run({
		readOnly: true,
		plan,
		rollback: rollbackOf(rt.cache.config, api.prefer),
		explain: count === 'planned' ? 'always' : count === 'estimated' ? overMax : undefined
	});
	const row = rows[0];
	let total = row.total === null ? null : Number(row.total);
	if (count === 'planned') total = planRows;
	else if (count === 'estimated' && planRows !== null) total = Math.max(total ?? 0, planRows);
	respondRead(res, api, { ...row, total: total === null ? null : String(total) }, plan.csvHeader);
}

/**
 * EXPLAIN of the statement, planned (or with analyze, run and rolled back) in the request's
 * transaction as its role, so RLS is part of the plan.
 */
async function explain(rt: Runtime, api: ApiRequest, stmt: Statement, readOnly: boolean) {
	const options = [
		`FORMAT ${api.planFormat.toUpperCase()}`,
		...api.planOptions.map((o) => o.toUpperCase())
	];
	const { rows } = await rt.run({
		readOnly,
		plan: { sql: `EXPLAIN (${options.join(', ')}) ${stmt.sql}`, params: stmt.params },
		rollback: true
	});
	const lines = rows.map((r) => (r as unknown as Record<string, unknown>)['QUERY PLAN']);
	if (api.planFormat === 'json') {
		const doc = lines[0];
		return typeof doc === 'string' ? doc : JSON.stringify(doc);
	}
	return lines.join('\n');
}

/** POST, PUT, PATCH and DELETE on a table or view. */
async function handleWrite(rt: Runtime, api: ApiRequest, rel: Relation, res: ServerResponse) {
	const plan = planMutation(rt.cache, rel, api);
	if (!plan.action) return respondEmptyWrite(res, api, plan.representation);
	const wantRows = plan.locate || plan.returning !== null || plan.countInserted;
	const countOf = (r: postgres.RowList<Row[]>) => (wantRows ? Number(r[0]?.page) : (r.count ?? 0));
	const max = plan.maxAffected;
	// Commit only what the client accepts: one row for a singular Accept, at most max-affected.
	const accept = (n: number) => (!plan.singular || n === 1) && (max === null || n <= max);
	const { rows } = await rt.run({
		readOnly: false,
		plan: buildMutation(new Builder(rt.cache), plan),
		rollback: plan.rollback,
		decide: plan.singular || max !== null ? (r) => accept(countOf(r)) : undefined
	});
	const count = countOf(rows);
	if (plan.singular && count !== 1) throw singularError(count);
	if (max !== null && count > max) throw maxAffectedViolation(count);
	respondWrite(res, api, {
		count,
		row: wantRows ? rows[0] : null,
		representation: plan.representation,
		locateTable: plan.locate ? rel.name : null,
		inserted: plan.countInserted ? Number(rows[0].inserted) : null
	});
}

/** GET, HEAD or POST on /rpc/<function>. */
async function handleCall(rt: Runtime, api: ApiRequest, name: string, res: ServerResponse) {
	const plan = planCall(rt.cache, api, name);
	const max = plan.maxAffected;
	const statement = buildCall(new Builder(rt.cache), plan, api.method === 'HEAD');
	if (api.media === 'plan')
		return respondPlan(res, api, await explain(rt, api, statement, plan.readOnly));
	const { rows } = await rt.run({
		readOnly: plan.readOnly,
		plan: statement,
		rollback: plan.rollback,
		decide: max === null ? undefined : (r) => Number(r[0]?.page) <= max
	});
	if (max !== null && Number(rows[0].page) > max) throw maxAffectedViolation(Number(rows[0].page));
	respondCall(res, api, plan.kind, rows[0], statement.csvHeader);
}

/** GET /: the OpenAPI description of what the requesting role may use. */
async function handleRoot(rt: Runtime, api: ApiRequest, req: GatewayRequest, res: ServerResponse) {
	const { rows } = await rt.run({
		readOnly: true,
		plan: { sql: ACCESSIBLE_SQL, params: [api.schema] },
		rollback: true
	});
	const accessible = JSON.parse(rows[0].body ?? '{}') as Accessible;
	const doc = openApiDocument(rt.cache, api.schema, accessible, req.headers.host ?? '');
	send(res, 200, doc, {}, 'application/openapi+json; charset=utf-8');
}

/** Keeps the schema cache current: reloaded (debounced) on NOTIFY pgrst, as PostgREST does. */
async function watchSchemaCache(
	sql: postgres.Sql,
	exposed: string[],
	onError: (e: unknown) => void
): Promise<{ current(): SchemaCache; close(): Promise<void> }> {
	let cache = await loadSchemaCache(sql, exposed);
	let timer: NodeJS.Timeout | null = null;
	const reload = () => {
		if (timer) clearTimeout(timer);
		timer = setTimeout(() => {
			timer = null;
			loadSchemaCache(sql, exposed).then((c) => (cache = c), onError);
		}, 100);
	};
	const listener = await sql.listen('pgrst', (payload) => {
		if (payload === 'reload schema' || payload === 'reload config' || payload === '') reload();
	});
	return {
		current: () => cache,
		async close() {
			if (timer) clearTimeout(timer);
			await listener.unlisten().catch(() => {});
		}
	};
}

export const createRestService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('authenticator'), {
		...POOL_OPTIONS,
		connection: { application_name: 'coachline-rest' }
	});
	passStringsThrough(sql);
	const settings: RequestSettings = { exposed: ctx.config.schemas, maxRows: ctx.config.maxRows };
	const schemaCache = await watchSchemaCache(sql, settings.exposed, (e) =>
		ctx.log('error', 'schema cache reload failed', { error: String(e) })
	);
	const authenticate = createAuthenticator(ctx.jwtSecret);
	// The setup statement differs only by how many role settings it applies; built once per count.
	const setupSql: string[] = [];
	const searchPaths = new Map<string, string>();
	const searchPath = (schema: string) => {
		let p = searchPaths.get(schema);
		if (p === undefined) searchPaths.set(schema, (p = searchPathFor(ctx.config, schema)));
		return p;
	};

	function runtimeFor(cache: SchemaCache, api: ApiRequest, id: Identity): Runtime {
		const roleSettings = cache.roleSettings.get(id.role);
		const setup = setupParams(
			searchPath(api.schema),
			id.role,
			id.claims,
			api.method,
			api.path,
			api.headersJson,
			api.cookiesJson,
			roleSettings
		);
		const n = roleSettings?.length ?? 0;
		const setupText = (setupSql[n] ??= setupStatement(n));
		return {
			cache,
			maxRows: settings.maxRows,
			async run(o) {
				const conn = await sql.reserve();
				try {
					return await runTransaction(conn, setupText, { ...o, setup, role: id.role });
				} finally {
					conn.release();
				}
			}
		};
	}

	async function handle(req: GatewayRequest, res: ServerResponse): Promise<void> {
		let id: Identity = { role: 'anon', claims: '' };
		try {
			id = await authenticate(req.bearer);
			const cache = schemaCache.current();
			const api = await readApiRequest(req, settings, cache);
			const rt = runtimeFor(cache, api, id);
			const target = api.target;
			if (target.kind === 'root') return await handleRoot(rt, api, req, res);
			if (target.kind === 'rpc') return await handleCall(rt, api, target.name, res);
			const rel = findRelation(cache, api.schema, target.name);
			if (api.isRead) return await handleRead(rt, api, rel, res);
			return await handleWrite(rt, api, rel, res);
		} catch (e) {
			throw fromPgError(e, id.role === 'anon');
		}
	}

	return {
		name: 'rest',
		handle,
		async close() {
			await schemaCache.close();
			await sql.end({ timeout: 2 });
		}
	} satisfies Service;
};
