// The request's transaction: BEGIN; set_config(role, claims, request.*); <one statement>; COMMIT,
// pipelined on one leased `authenticator` connection so a read costs a single round trip.
import type postgres from 'postgres';
import type { ProjectConfig } from '../config.ts';
import { qi, type Statement } from './build-sql.ts';

/** The one row every statement answers: the total (when counted), the page size and the body. */
export interface Row {
	total: string | null;
	page: string | number;
	body: string | null;
	/** Upserts only: how many of the rows written were inserted rather than updated. */
	inserted?: string | null;
}

/** The driver must hand our text parameters to Postgres untouched, whatever type it infers. */
export function passStringsThrough(sql: postgres.Sql): void {
	const s = sql.options.serializers as Record<string, (x: unknown) => unknown>;
	for (const k of Object.keys(s)) {
		const orig = s[k];
		s[k] = (x: unknown) => (typeof x === 'string' ? x : orig(x));
	}
}

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

/** How a request's transaction runs: see `runTransaction`. */
export interface TxOptions {
	readOnly: boolean;
	setup: Array<string | null>;
	role: string;
	plan: Statement;
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
