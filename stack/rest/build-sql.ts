// Plans → SQL. Identifiers come only from the schema cache and are always quoted; every value the
// client sent travels as a $n parameter. One statement per request, embeds as lateral subqueries.
// Which relationship an embed means was settled by planning (plan.ts); this only writes it out.
import { badQuery, columnNotFound, undefinedColumn } from './errors.ts';
import type { Condition, Field, Filter, OrderTerm } from './parse-query.ts';
import type { CallPlan } from './plan-call.ts';
import type { MutatePlan } from './plan-mutate.ts';
import type { PlannedEmbed, PlannedOrder, ReadTree, Target } from './plan.ts';
import { relationTarget } from './plan.ts';
import {
	computedField,
	pgArrayLiteral,
	type Column,
	type Relation,
	type SchemaCache
} from './schema-cache.ts';

export const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`;
export const qrel = (schema: string, name: string): string => `${qi(schema)}.${qi(name)}`;

export class Params {
	readonly values: Array<string | null> = [];
	add(v: string | null): string {
		this.values.push(v);
		return `$${this.values.length}`;
	}
}

export interface Level {
	selectList: string;
	/** Joins needed by the select list (embeds). */
	joins: string[];
	/** Joins the WHERE clause depends on (inner embeds, `rel=is.null`). */
	filterJoins: string[];
	where: string[];
	orderBy: string;
	/** Output key names, in order (for spreads). */
	names: string[];
	/** With aggregates in the select list: every other selected expression. */
	groupBy: string[];
}

const CAST_ALIASES: Record<string, string> = {
	integer: 'int4',
	int: 'int4',
	bigint: 'int8',
	smallint: 'int2',
	boolean: 'bool',
	real: 'float4',
	double: 'float8',
	'double precision': 'float8',
	decimal: 'numeric',
	timestamptz: 'timestamptz',
	character: 'bpchar',
	'character varying': 'varchar'
};

/** Writes the SQL of one statement: collects its parameters and numbers its aliases. */
export class Builder {
	readonly cache: SchemaCache;
	readonly params = new Params();
	private seq = 0;

	constructor(cache: SchemaCache) {
		this.cache = cache;
	}

	private cast(raw: string): string {
		const m = /^([a-z_][a-z0-9_ ]*?)(\[\])?$/i.exec(raw.trim());
		const base = m ? (CAST_ALIASES[m[1].toLowerCase()] ?? m[1].toLowerCase()) : '';
		if (!m || !this.cache.types.has(base))
			throw badQuery(`"failed to parse select parameter" unknown cast ${raw}`);
		return `::${qi(base)}${m[2] ?? ''}`;
	}

	private column(src: Target, name: string): Column {
		const c = src.columns.get(name);
		if (!c) throw undefinedColumn(src.label, name);
		return c;
	}

	/** SQL for a field (column plus json path) and the type of what it yields. */
	fieldSql(src: Target, alias: string, f: Field): { sql: string; type: string } {
		let sql: string;
		let type: string;
		const fn = src.columns.has(f.name) ? undefined : computedField(this.cache, src, f.name);
		if (fn) {
			// A computed field: a function of the row, called with the row itself.
			sql = `${qrel(fn.schema, fn.name)}(${alias})`;
			type = fn.returnType;
		} else {
			sql = `${alias}.${qi(f.name)}`;
			type = this.column(src, f.name).type;
		}
		for (const step of f.json) {
			const isIndex = /^-?\d+$/.test(step.key);
			sql += `${step.arrow}${this.params.add(step.key)}::${isIndex ? 'int4' : 'text'}`;
			type = step.arrow === '->>' ? 'text' : type === 'json' ? 'json' : 'jsonb';
		}
		if (f.json.length > 0) sql = `(${sql})`;
		return { sql, type };
	}

	/** One level of a read: select list, embeds as lateral joins, filters, order. */
	level(tree: ReadTree, alias: string): Level {
		const out: Level = {
			selectList: '',
			joins: [],
			filterJoins: [],
			where: [],
			orderBy: '',
			names: [],
			groupBy: []
		};
		const items: string[] = [];
		const plain: string[] = [];
		let aggregated = false;
		const joinOf = new Map<PlannedEmbed, { join: string; j: string }>();
		for (const item of tree.items) {
			if (item.kind === 'star') {
				for (const c of tree.target.columns.keys()) {
					items.push(`${alias}.${qi(c)}`);
					plain.push(`${alias}.${qi(c)}`);
					out.names.push(c);
				}
			} else if (item.kind === 'column' && item.aggregate) {
				aggregated = true;
				const f = item.field;
				const arg = f.name === '' ? '*' : this.fieldSql(tree.target, alias, f).sql;
				const name = item.alias ?? item.aggregate;
				items.push(
					`${item.aggregate}(${arg})${item.cast ? this.cast(item.cast) : ''} AS ${qi(name)}`
				);
				out.names.push(name);
			} else if (item.kind === 'column') {
				const { sql } = this.fieldSql(tree.target, alias, item.field);
				const f = item.field;
				const name = item.alias ?? (f.json.length ? f.json[f.json.length - 1].key : f.name);
				items.push(`${sql}${item.cast ? this.cast(item.cast) : ''} AS ${qi(name)}`);
				plain.push(sql);
				out.names.push(name);
			} else {
				const n = ++this.seq;
				const { sql: inner, names } = this.embedSql(item, alias, n);
				const j = `j${n}`;
				const join = `LEFT JOIN LATERAL (${inner}) ${j} ON true`;
				joinOf.set(item, { join, j });
				out.joins.push(join);
				if (item.embed.select.length === 0) {
					// `rel()`: only there to filter by, never in the output.
				} else if (item.embed.spread) {
					for (const nm of names) {
						items.push(`${j}.body->${this.params.add(nm)}::text AS ${qi(nm)}`);
						out.names.push(nm);
					}
				} else {
					const key = qi(item.key);
					items.push(
						item.rel.toOne ? `${j}.body AS ${key}` : `COALESCE(${j}.body, '[]'::json) AS ${key}`
					);
					out.names.push(item.key);
				}
				if (item.embed.join === 'inner') {
					out.where.push(`${j}.body IS NOT NULL`);
					out.filterJoins.push(join);
				}
			}
		}
		if (aggregated) out.groupBy = plain;
		out.selectList = items.length ? items.join(', ') : 'NULL::int4 AS "_"';
		if (!items.length) out.names = [];
		for (const { embed, isNull } of tree.embedNulls) {
			const { join, j } = joinOf.get(embed)!;
			out.where.push(`${j}.body IS ${isNull ? '' : 'NOT '}NULL`);
			if (!out.filterJoins.includes(join)) out.filterJoins.push(join);
		}
		for (const c of tree.conditions) out.where.push(this.condition(tree.target, alias, c));
		if (tree.order.length) out.orderBy = this.orderBy(tree.target, alias, tree.order);
		return out;
	}

	private embedSql(item: PlannedEmbed, parentAlias: string, n: number) {
		const { rel, tree } = item;
		const e = `e${n}`;
		const lvl = this.level(tree, e);
		const conds: string[] = [];
		let from = `${qrel(rel.target.schema, rel.target.name)} ${e}`;
		if (rel.computed) {
			from = `${qrel(rel.computed.schema, rel.computed.name)}(${parentAlias}) ${e}`;
		} else if (rel.junction) {
			const x = `x${n}`;
			from += ` JOIN ${qrel(rel.junction.relation.schema, rel.junction.relation.name)} ${x} ON ${rel.junction.targetPairs
				.map(([jc, tc]) => `${x}.${qi(jc)} = ${e}.${qi(tc)}`)
				.join(' AND ')}`;
			for (const [jc, sc] of rel.junction.sourcePairs)
				conds.push(`${x}.${qi(jc)} = ${parentAlias}.${qi(sc)}`);
		} else {
			for (const [tc, sc] of rel.pairs) conds.push(`${e}.${qi(tc)} = ${parentAlias}.${qi(sc)}`);
		}
		conds.push(...lvl.where);
		let sql = `SELECT ${lvl.selectList} FROM ${from} ${lvl.joins.join(' ')} WHERE ${conds.join(' AND ') || 'true'}`;
		if (lvl.groupBy.length) sql += ` GROUP BY ${lvl.groupBy.join(', ')}`;
		if (lvl.orderBy) sql += ` ORDER BY ${lvl.orderBy}`;
		if (tree.limit !== null) sql += ` LIMIT ${this.params.add(String(tree.limit))}::int8`;
		if (tree.offset !== null) sql += ` OFFSET ${this.params.add(String(tree.offset))}::int8`;
		const s = `s${n}`;
		let body: string;
		if (rel.toOne) body = `SELECT row_to_json(${s}) AS body FROM (${sql} LIMIT 1) ${s}`;
		else if (item.embed.spread)
			// A spread to-many relation: one array per column, under the parent's keys.
			body = `SELECT json_build_object(${lvl.names
				.map((nm) => `${this.params.add(nm)}::text, COALESCE(json_agg(${s}.${qi(nm)}), '[]'::json)`)
				.join(', ')}) AS body FROM (${sql}) ${s}`;
		else body = `SELECT json_agg(${s}) AS body FROM (${sql}) ${s}`;
		return { sql: body, names: lvl.names };
	}

	private orderBy(src: Target, alias: string, terms: PlannedOrder[]): string {
		return terms.map(({ term, embed }) => this.orderTerm(src, alias, term, embed)).join(', ');
	}

	private orderTerm(src: Target, alias: string, t: OrderTerm, embed: PlannedEmbed | null): string {
		let expr: string;
		if (embed) {
			const target = embed.rel.target;
			const o = `o${++this.seq}`;
			const f = this.fieldSql(relationTarget(target), o, t.field).sql;
			const cond = embed.rel.pairs
				.map(([tc, sc]) => `${o}.${qi(tc)} = ${alias}.${qi(sc)}`)
				.join(' AND ');
			expr = `(SELECT ${f} FROM ${qrel(target.schema, target.name)} ${o} WHERE ${cond} LIMIT 1)`;
		} else expr = this.fieldSql(src, alias, t.field).sql;
		return `${expr}${t.dir ? ` ${t.dir.toUpperCase()}` : ''}${t.nulls ? ` NULLS ${t.nulls.toUpperCase()}` : ''}`;
	}

	condition(src: Target, alias: string, c: Condition): string {
		if (c.kind === 'logic') {
			const inner = c.children
				.map((ch) => this.condition(src, alias, ch))
				.join(c.op === 'and' ? ' AND ' : ' OR ');
			const sql = `(${inner || (c.op === 'and' ? 'true' : 'false')})`;
			return c.negate ? `NOT ${sql}` : sql;
		}
		const sql = this.filter(src, alias, c);
		return c.negate ? `NOT (${sql})` : sql;
	}

	private filter(src: Target, alias: string, f: Filter): string {
		const { sql: col, type } = this.fieldSql(src, alias, f.field);
		const p = (v: string) => this.params.add(v);
		const v = f.value;
		const cmp: Record<string, string> = {
			eq: '=',
			neq: '<>',
			gt: '>',
			gte: '>=',
			lt: '<',
			lte: '<=',
			like: 'LIKE',
			ilike: 'ILIKE',
			match: '~',
			imatch: '~*'
		};
		const pattern = (s: string) =>
			f.op === 'like' || f.op === 'ilike' ? s.replace(/\*/g, '%') : s;
		if (f.quantifier && Array.isArray(v)) {
			const textual = ['like', 'ilike', 'match', 'imatch'].includes(f.op);
			const arr = pgArrayLiteral(v.map(pattern));
			return `${col} ${cmp[f.op]} ${f.quantifier.toUpperCase()}(${p(arr)}::${textual ? 'text' : arrayBase(type)}[])`;
		}
		switch (f.op) {
			case 'in':
				return `${col} = ANY(${p(pgArrayLiteral(v as string[]))}::${arrayBase(type)}[])`;
			case 'is': {
				const k = String(v).toLowerCase();
				return `${col} IS ${k === 'not_null' ? 'NOT NULL' : k.toUpperCase()}`;
			}
			case 'isdistinct':
				return `${col} IS DISTINCT FROM ${p(String(v))}`;
			case 'fts':
			case 'plfts':
			case 'phfts':
			case 'wfts': {
				const fn = {
					fts: 'to_tsquery',
					plfts: 'plainto_tsquery',
					phfts: 'phraseto_tsquery',
					wfts: 'websearch_to_tsquery'
				}[f.op];
				const lang = f.language ? `${p(f.language)}::regconfig, ` : '';
				const vec = type === 'tsvector' ? col : `to_tsvector(${lang}${col})`;
				return `${vec} @@ ${fn}(${lang}${p(String(v))})`;
			}
			case 'cs':
			case 'cd':
			case 'ov':
			case 'sl':
			case 'sr':
			case 'nxr':
			case 'nxl':
			case 'adj': {
				const op = {
					cs: '@>',
					cd: '<@',
					ov: '&&',
					sl: '<<',
					sr: '>>',
					nxr: '&<',
					nxl: '&>',
					adj: '-|-'
				}[f.op];
				return `${col} ${op} ${p(String(v))}::${type}`;
			}
			default:
				return `${col} ${cmp[f.op]} ${p(pattern(String(v)))}`;
		}
	}
}

/** `text[]` → `text` so `ANY($n::text[])` stays well-formed for array columns. */
function arrayBase(type: string): string {
	return type.replace(/\[\]$/, '');
}

// -----------------------------------------------------------------------------------------------
// whole statements

export interface Statement {
	sql: string;
	params: Array<string | null>;
	/**
	 * `EXPLAIN (FORMAT JSON)` of the count query (the filtered rows, `SELECT 1 FROM …`), for
	 * `Prefer: count=planned|estimated`: the planner's "Plan Rows" of its top node is PostgREST's
	 * planned count. Runs in the request's transaction, so the role's RLS policies are planned in.
	 */
	explain?: Statement;
	/** text/csv: the header line (the body is then the rows as Postgres prints records). */
	csvHeader?: string;
}

export type CountKind = 'exact' | 'planned' | 'estimated';

export interface ReadOptions {
	count: CountKind | null;
	/** db-max-rows (0 = none): count=estimated counts exactly only up to it. */
	maxRows?: number;
	head: boolean;
	limit: number | null;
	offset: number;
	/** text/csv, printed by Postgres as PostgREST prints it: each row's record text unwrapped. */
	csv?: boolean;
}

/** Parameter numbers a generated statement refers to ($n outside quoted identifiers/literals). */
export function referencedParams(sql: string): Set<number> {
	const bare = sql.replace(/"(?:[^"]|"")*"|'(?:[^']|'')*'/g, ' ');
	return new Set([...bare.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/**
 * EXPLAIN of `SELECT 1 FROM <source> <joins> <where>` that takes the main statement's parameters
 * as they are. A parameter the count query does not use (select list, order, limit) would have no
 * type to infer, so each rides along as `$n::text` in the target list, which changes no row
 * estimate.
 */
function explainCount(from: string, rest: string, params: Array<string | null>): Statement {
	const used = referencedParams(`${from} ${rest}`);
	let extra = '';
	for (let i = 1; i <= params.length; i++) if (!used.has(i)) extra += `, $${i}::text`;
	return {
		sql: `EXPLAIN (FORMAT JSON) SELECT 1${extra} FROM ${from} t0 ${rest}`,
		params
	};
}

/** SELECT total, page, body: the rows as one JSON text built by Postgres. */
/** `from`: the SQL after FROM that yields the tree's root rows (a relation or a call). */
export function buildRead(b: Builder, from: string, tree: ReadTree, o: ReadOptions): Statement {
	const lvl = b.level(tree, 't0');
	const where = lvl.where.length ? ` WHERE ${lvl.where.join(' AND ')}` : '';
	let inner = `SELECT ${lvl.selectList} FROM ${from} t0 ${lvl.joins.join(' ')}${where}`;
	if (lvl.groupBy.length) inner += ` GROUP BY ${lvl.groupBy.join(', ')}`;
	if (lvl.orderBy) inner += ` ORDER BY ${lvl.orderBy}`;
	if (o.limit !== null) inner += ` LIMIT ${b.params.add(String(o.limit))}::int8`;
	if (o.offset) inner += ` OFFSET ${b.params.add(String(o.offset))}::int8`;
	const filtered = `${lvl.filterJoins.join(' ')}${where}`;
	const maxRows = o.maxRows ?? 0;
	let total = 'NULL::int8';
	if (o.count === 'exact' || (o.count === 'estimated' && maxRows <= 0))
		total = `(SELECT count(*) FROM ${from} t0 ${filtered})`;
	else if (o.count === 'estimated')
		// Counting past max_rows + 1 is wasted: beyond it the planner's estimate is used.
		total = `(SELECT count(*) FROM (SELECT 1 FROM ${from} t0 ${filtered} LIMIT ${b.params.add(String(maxRows + 1))}::int8) _c)`;
	const body = o.head
		? 'NULL::text'
		: o.csv
			? `coalesce(string_agg(substring(_r::text, 2, length(_r::text) - 2), E'\\n'), '')`
			: `coalesce(json_agg(_r), '[]')::text`;
	const plan: Statement = {
		sql: `SELECT ${total} AS total, count(*) AS page, ${body} AS body FROM (${inner}) _r`,
		params: b.params.values
	};
	if (o.csv) plan.csvHeader = lvl.names.join(',');
	if (o.count === 'planned' || o.count === 'estimated')
		plan.explain = explainCount(from, filtered, b.params.values);
	return plan;
}

/** The WHERE conditions of a write, over the mutated relation aliased t0. */
export function whereOf(b: Builder, rel: Relation, conditions: Condition[]): string[] {
	const target = relationTarget(rel);
	return conditions.map((c) => b.condition(target, 't0', c));
}

/** RETURNING of a wrapped mutation; upserts also say which rows were inserted (xmax = 0). */
const returningOf = (countInserted: boolean) =>
	countInserted ? 'RETURNING t0.*, (t0.xmax = 0) AS "pgrst_inserted"' : 'RETURNING t0.*';
const insertedOf = (countInserted: boolean) =>
	countInserted ? '(SELECT count(*) FROM pgrst_source WHERE pgrst_inserted)' : 'NULL::int8';

/**
 * Wraps a mutation so the response carries the representation (with embeds), or without a
 * `tree` only the count; `tree` was planned over the mutated rows, so it carries no root filters.
 */
export function wrapMutation(
	b: Builder,
	mutation: string,
	tree: ReadTree | null,
	head: boolean,
	countInserted = false
): Statement {
	const head_ = `WITH pgrst_source AS (${mutation} ${returningOf(countInserted)}) SELECT NULL::int8 AS total, count(*) AS page`;
	const inserted = `${insertedOf(countInserted)} AS inserted`;
	if (!tree)
		return {
			sql: `${head_}, NULL::text AS body, ${inserted} FROM pgrst_source`,
			params: b.params.values
		};
	const lvl = b.level(tree, 't0');
	const body = head ? 'NULL::text' : `coalesce(json_agg(_r), '[]')::text`;
	// Computed fields and relationships take the row t0 as the table's row type, which Postgres
	// coerces from the CTE's record only when the columns match: an upsert's extra
	// pgrst_inserted column is left out of the row the representation reads.
	const source = countInserted
		? `(SELECT ${[...tree.target.columns.keys()].map((c) => `_s.${qi(c)}`).join(', ')} FROM pgrst_source _s)`
		: 'pgrst_source';
	return {
		sql: `${head_}, ${body} AS body, ${inserted} FROM (SELECT ${lvl.selectList} FROM ${source} t0 ${lvl.joins.join(' ')}) _r`,
		params: b.params.values
	};
}

/**
 * Wraps an INSERT for `Prefer: return=headers-only`: the number of rows written and, as body, the
 * first row's primary key as `[column, text]` pairs in column order (json_each_text keeps the
 * exact text, e.g. of int8 keys), from which PostgREST builds its Location header.
 */
export function wrapInsertForLocation(
	b: Builder,
	rel: Relation,
	mutation: string,
	countInserted = false
): Statement {
	const pk = b.params.add(pgArrayLiteral(rel.pk));
	return {
		sql: `WITH pgrst_source AS (${mutation} ${returningOf(countInserted)}) SELECT NULL::int8 AS total, (SELECT count(*) FROM pgrst_source) AS page, (SELECT json_agg(json_build_array(k.key, k.value))::text FROM (SELECT row_to_json(_s) AS r FROM pgrst_source _s LIMIT 1) d CROSS JOIN LATERAL json_each_text(d.r) k WHERE k.key = ANY(${pk}::text[])) AS body, ${insertedOf(countInserted)} AS inserted`,
		params: b.params.values
	};
}

export interface InsertOptions {
	columns: string[];
	missingDefault: boolean;
	conflict: { columns: string[]; action: 'merge' | 'ignore' } | null;
	bodyJson: string;
}

export function buildInsert(b: Builder, rel: Relation, o: InsertOptions): string {
	for (const c of o.columns) if (!rel.columns.has(c)) throw columnNotFound(rel.name, c);
	let cols = o.columns;
	let missingDefault = o.missingDefault;
	if (cols.length === 0) {
		cols = [[...rel.columns.values()].find((c) => !c.generated)?.name ?? ''];
		missingDefault = true;
	}
	const t = qrel(rel.schema, rel.name);
	const exprs = cols.map((c) => {
		const col = rel.columns.get(c)!;
		if (!missingDefault) return `_r.${qi(c)}`;
		return `CASE WHEN _j.j ? ${b.params.add(c)}::text THEN _r.${qi(c)} ELSE ${col.default ?? 'NULL'} END`;
	});
	let sql = `INSERT INTO ${t} AS t0 (${cols.map(qi).join(', ')}) SELECT ${exprs.join(', ')} FROM jsonb_array_elements(${b.params.add(o.bodyJson)}::jsonb) WITH ORDINALITY _j(j, n) CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, _j.j) _r ORDER BY _j.n`;
	if (o.conflict) {
		for (const c of o.conflict.columns) if (!rel.columns.has(c)) throw columnNotFound(rel.name, c);
		sql += ` ON CONFLICT (${o.conflict.columns.map(qi).join(', ')}) DO `;
		sql +=
			o.conflict.action === 'ignore'
				? 'NOTHING'
				: `UPDATE SET ${cols.map((c) => `${qi(c)} = EXCLUDED.${qi(c)}`).join(', ')}`;
	}
	return sql;
}

export function buildUpdate(
	b: Builder,
	rel: Relation,
	keys: string[],
	bodyJson: string,
	where: string[]
): string {
	for (const c of keys) if (!rel.columns.has(c)) throw columnNotFound(rel.name, c);
	const t = qrel(rel.schema, rel.name);
	const set = keys.map((c) => `${qi(c)} = _r.${qi(c)}`).join(', ');
	return `UPDATE ${t} AS t0 SET ${set} FROM (SELECT * FROM jsonb_populate_record(NULL::${t}, ${b.params.add(bodyJson)}::jsonb)) _r WHERE ${where.join(' AND ')}`;
}

export function buildDelete(rel: Relation, where: string[]): string {
	return `DELETE FROM ${qrel(rel.schema, rel.name)} AS t0 WHERE ${where.join(' AND ')}`;
}

// -----------------------------------------------------------------------------------------------
// function calls: arguments travel as one JSON parameter, converted by json_to_record to the
// declared types

interface CallShape {
	/** FROM-clause text yielding the function's rows, to be followed by an alias. */
	from: string;
	/** The bare call expression (for scalar functions), valid where `_a` is in scope. */
	call: string;
	/** FROM text bringing the arguments into scope as `_a` (empty when there are none). */
	argsFrom: string;
}

function callShape(b: Builder, plan: CallPlan): CallShape {
	const { fn, args } = plan;
	const fname = qrel(fn.schema, fn.name);
	if (plan.wholeBody) {
		const call = `${fname}(${b.params.add(plan.bodyText)}::${fn.args[0].type})`;
		return { from: call, call, argsFrom: '' };
	}
	const used = fn.args.filter((a) => a.name in args);
	if (used.length === 0) return { from: `${fname}()`, call: `${fname}()`, argsFrom: '' };
	const given: Record<string, unknown> = {};
	for (const a of used) given[a.name] = args[a.name];
	const argsFrom = `json_to_record(${b.params.add(JSON.stringify(given))}::json) AS _a(${used.map((a) => `${qi(a.name)} ${a.type}`).join(', ')})`;
	const call = `${fname}(${used.map((a) => `${a.variadic ? 'VARIADIC ' : ''}${qi(a.name)} := _a.${qi(a.name)}`).join(', ')})`;
	return { from: `${argsFrom} CROSS JOIN LATERAL ${call}`, call, argsFrom };
}

/** The call as a read-shaped statement (total, page, body), whatever the function returns. */
export function buildCall(b: Builder, plan: CallPlan, head: boolean): Statement {
	const shape = callShape(b, plan);
	const argsFrom = shape.argsFrom ? ` FROM ${shape.argsFrom}` : '';
	const { limit, offset } = plan.page;
	switch (plan.kind) {
		case 'void':
			return {
				sql: `SELECT NULL::int8 AS total, 0 AS page, (SELECT ${shape.call}::text${argsFrom}) AS body`,
				params: b.params.values
			};
		case 'scalar':
			return {
				sql: `SELECT ${plan.count ? '1::int8' : 'NULL::int8'} AS total, 1 AS page, (SELECT to_json(${shape.call})${argsFrom})::text AS body`,
				params: b.params.values
			};
		case 'scalars': {
			let inner = `SELECT t0 AS v FROM ${shape.from} t0`;
			if (limit !== null) inner += ` LIMIT ${b.params.add(String(limit))}::int8`;
			if (offset) inner += ` OFFSET ${b.params.add(String(offset))}::int8`;
			const total = plan.count ? `(SELECT count(*) FROM ${shape.from} t0)` : 'NULL::int8';
			return {
				sql: `SELECT ${total} AS total, count(*) AS page, coalesce(json_agg(_r.v), '[]')::text AS body FROM (${inner}) _r`,
				params: b.params.values
			};
		}
		default:
			return buildRead(b, shape.from, plan.tree!, {
				count: plan.count,
				head,
				limit,
				offset,
				csv: plan.csv
			});
	}
}

/** The write as one statement, wrapped when the response needs its rows or its Location. */
export function buildMutation(b: Builder, plan: MutatePlan): Statement {
	const { rel, action } = plan;
	if (!action) throw new Error('a write with nothing to write is answered without SQL');
	let mutation: string;
	if (action.kind === 'insert') mutation = buildInsert(b, rel, action);
	else if (action.kind === 'update')
		mutation = buildUpdate(b, rel, action.keys, action.bodyJson, whereOf(b, rel, action.where));
	else mutation = buildDelete(rel, whereOf(b, rel, action.where));
	if (plan.locate) return wrapInsertForLocation(b, rel, mutation, plan.countInserted);
	if (plan.returning || plan.countInserted)
		return wrapMutation(b, mutation, plan.returning, !plan.representation, plan.countInserted);
	return { sql: mutation, params: b.params.values };
}
