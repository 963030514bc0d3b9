// AST → SQL. Identifiers come only from the schema cache and are always quoted; every value the
// client sent travels as a $n parameter. One statement per request, embeds as lateral subqueries.
import { RestError, badQuery, columnNotFound, undefinedColumn } from './errors.ts';
import type {
	Condition,
	Field,
	Filter,
	OrderTerm,
	ParsedQuery,
	SelectEmbed,
	SelectItem
} from './parse-query.ts';
import { emptyNode } from './parse-query.ts';
import {
	pgArrayLiteral,
	relKey,
	type Column,
	type ForeignKey,
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

/** Where rows come from at one level: a relation, a function call, or a CTE. */
export interface Source {
	/** SQL placed after FROM, followed by the level's alias. */
	from: string;
	/** Columns it yields; used to check every name the client sends. */
	columns: Map<string, Column>;
	/** The relation behind it, for embedding; null for record-returning functions. */
	relation: Relation | null;
	/** Name used in error messages. */
	label: string;
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
}

interface Relationship {
	toOne: boolean;
	target: Relation;
	/** Pairs (target column, source column) for a direct FK. */
	pairs: Array<[string, string]>;
	junction: null | {
		relation: Relation;
		/** (junction column, source column) */
		sourcePairs: Array<[string, string]>;
		/** (junction column, target column) */
		targetPairs: Array<[string, string]>;
		name: string;
	};
	constraint: string;
	cardinality: string;
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

export class Builder {
	readonly cache: SchemaCache;
	readonly schema: string;
	readonly params = new Params();
	private seq = 0;

	constructor(cache: SchemaCache, schema: string) {
		this.cache = cache;
		this.schema = schema;
	}

	relation(name: string): Relation | undefined {
		const r = this.cache.relations.get(relKey(this.schema, name));
		return r && r.kind !== 'composite' ? r : undefined;
	}

	static relationSource(r: Relation): Source {
		return { from: qrel(r.schema, r.name), columns: r.columns, relation: r, label: r.name };
	}

	private cast(raw: string): string {
		const m = /^([a-z_][a-z0-9_ ]*?)(\[\])?$/i.exec(raw.trim());
		const base = m ? (CAST_ALIASES[m[1].toLowerCase()] ?? m[1].toLowerCase()) : '';
		if (!m || !this.cache.types.has(base))
			throw badQuery(`"failed to parse select parameter" unknown cast ${raw}`);
		return `::${qi(base)}${m[2] ?? ''}`;
	}

	private column(src: Source, name: string, forWrite = false): Column {
		const c = src.columns.get(name);
		if (!c) throw forWrite ? columnNotFound(src.label, name) : undefinedColumn(src.label, name);
		return c;
	}

	/** SQL for a field (column plus json path) and the type of what it yields. */
	fieldSql(src: Source, alias: string, f: Field): { sql: string; type: string } {
		const col = this.column(src, f.name);
		let sql = `${alias}.${qi(f.name)}`;
		let type = col.type;
		for (const step of f.json) {
			const isIndex = /^-?\d+$/.test(step.key);
			sql += `${step.arrow}${this.params.add(step.key)}::${isIndex ? 'int4' : 'text'}`;
			type = step.arrow === '->>' ? 'text' : type === 'json' ? 'json' : 'jsonb';
		}
		if (f.json.length > 0) sql = `(${sql})`;
		return { sql, type };
	}

	// -------------------------------------------------------------------------------------------
	// relationships

	findRelationship(from: Relation, embed: SelectEmbed): Relationship {
		const candidates: Relationship[] = [];
		const fks = this.cache.foreignKeys;
		const sameName = (schema: string, table: string) =>
			schema === this.schema && table === embed.name;
		const hintOk = (fk: ForeignKey, extra: string[] = []) =>
			embed.hint === null ||
			embed.hint === fk.name ||
			fk.columns.includes(embed.hint) ||
			fk.refColumns.includes(embed.hint) ||
			extra.includes(embed.hint);
		const isUnique = (r: Relation, cols: string[]) =>
			r.uniques.some((u) => u.length === cols.length && u.every((c) => cols.includes(c)));
		for (const fk of fks) {
			// many-to-one (or one-to-one): `from` holds the FK
			if (fk.schema === from.schema && fk.table === from.name) {
				const target = this.cache.relations.get(relKey(fk.refSchema, fk.refTable));
				const byTable = sameName(fk.refSchema, fk.refTable);
				const byColumn = fk.columns.length === 1 && fk.columns[0] === embed.name;
				const byName = fk.name === embed.name;
				if (
					target &&
					(byTable || byColumn || byName) &&
					(byTable ? hintOk(fk, [target.name]) : true)
				) {
					candidates.push({
						toOne: true,
						target,
						pairs: fk.refColumns.map((c, i) => [c, fk.columns[i]]),
						junction: null,
						constraint: fk.name,
						cardinality: isUnique(from, fk.columns) ? 'one-to-one' : 'many-to-one'
					});
				}
			}
			// one-to-many (or one-to-one): the embedded table holds an FK to `from`
			if (
				fk.refSchema === from.schema &&
				fk.refTable === from.name &&
				sameName(fk.schema, fk.table)
			) {
				const target = this.cache.relations.get(relKey(fk.schema, fk.table));
				if (target && hintOk(fk)) {
					const one = isUnique(target, fk.columns);
					candidates.push({
						toOne: one,
						target,
						pairs: fk.columns.map((c, i) => [c, fk.refColumns[i]]),
						junction: null,
						constraint: fk.name,
						cardinality: one ? 'one-to-one' : 'one-to-many'
					});
				}
			}
		}
		// many-to-many through a junction whose key covers both foreign keys
		const target = this.relation(embed.name);
		if (target && target.kind === 'table') {
			for (const a of fks) {
				if (a.refSchema !== from.schema || a.refTable !== from.name) continue;
				for (const b of fks) {
					if (b === a || b.schema !== a.schema || b.table !== a.table) continue;
					if (b.refSchema !== target.schema || b.refTable !== target.name) continue;
					const junction = this.cache.relations.get(relKey(a.schema, a.table));
					if (!junction || junction.name === from.name || junction.name === target.name) continue;
					const covered = junction.uniques.some((u) =>
						[...a.columns, ...b.columns].every((c) => u.includes(c))
					);
					if (!covered) continue;
					if (
						embed.hint !== null &&
						embed.hint !== junction.name &&
						embed.hint !== a.name &&
						embed.hint !== b.name
					)
						continue;
					candidates.push({
						toOne: false,
						target,
						pairs: [],
						junction: {
							relation: junction,
							sourcePairs: a.columns.map((c, i) => [c, a.refColumns[i]]),
							targetPairs: b.columns.map((c, i) => [c, b.refColumns[i]]),
							name: junction.name
						},
						constraint: `${a.name},${b.name}`,
						cardinality: 'many-to-many'
					});
				}
			}
		}
		if (candidates.length === 1) return candidates[0];
		if (candidates.length === 0) {
			throw new RestError(
				400,
				'PGRST200',
				`Could not find a relationship between '${from.name}' and '${embed.name}' in the schema cache`,
				`Searched for a foreign key relationship between '${from.name}' and '${embed.name}'${embed.hint ? ` using the hint '${embed.hint}'` : ''} in the schema '${this.schema}', but no matches were found.`,
				null
			);
		}
		throw new RestError(
			300,
			'PGRST201',
			`Could not embed because more than one relationship was found for '${from.name}' and '${embed.name}'`,
			candidates.map((c) => ({
				cardinality: c.cardinality,
				embedding: `${from.name} with ${c.target.name}`,
				relationship: `${c.constraint} using ${from.name} and ${c.target.name}`
			})),
			`Try changing '${embed.name}' to one of the following: ${candidates
				.map((c) => `'${embed.name}!${c.junction ? c.junction.name : c.constraint}'`)
				.join(', ')}. Find the desired relationship in the 'details' key.`
		);
	}

	// -------------------------------------------------------------------------------------------
	// one level of a read: select list, embeds, filters, order

	level(
		src: Source,
		alias: string,
		select: SelectItem[],
		path: string,
		q: ParsedQuery,
		mutated = false
	): Level {
		// Over a mutation's RETURNING rows the root filters were already applied by the mutation.
		const node = mutated ? emptyNode() : (q.nodes.get(path) ?? emptyNode());
		const out: Level = {
			selectList: '',
			joins: [],
			filterJoins: [],
			where: [],
			orderBy: '',
			names: []
		};
		const items: string[] = [];
		const embeds = new Map<string, { join: string; toOne: boolean; rel: Relationship }>();
		for (const item of select) {
			if (item.kind === 'star') {
				for (const c of src.columns.keys()) {
					items.push(`${alias}.${qi(c)}`);
					out.names.push(c);
				}
			} else if (item.kind === 'column') {
				const { sql } = this.fieldSql(src, alias, item.field);
				const name =
					item.alias ??
					(item.field.json.length
						? item.field.json[item.field.json.length - 1].key
						: item.field.name);
				items.push(`${sql}${item.cast ? this.cast(item.cast) : ''} AS ${qi(name)}`);
				out.names.push(name);
			} else {
				if (!src.relation)
					throw badQuery(`A related resource cannot be embedded from '${src.label}'`);
				const rel = this.findRelationship(src.relation, item);
				const n = ++this.seq;
				const key = item.alias ?? item.name;
				const childPath = path ? `${path}.${key}` : key;
				if (
					!q.nodes.has(childPath) &&
					item.alias &&
					q.nodes.has(path ? `${path}.${item.name}` : item.name)
				) {
					q.nodes.set(childPath, q.nodes.get(path ? `${path}.${item.name}` : item.name)!);
				}
				const inner = this.embedSql(rel, alias, item, childPath, q, n);
				const j = `j${n}`;
				const join = `LEFT JOIN LATERAL (${inner}) ${j} ON true`;
				embeds.set(key, { join, toOne: rel.toOne, rel });
				out.joins.push(join);
				if (item.spread) {
					if (!rel.toOne)
						throw badQuery(
							`A spread operation on '${item.name}' is only supported on to-one relationships`
						);
					const innerNames = this.lastNames;
					for (const nm of innerNames) {
						items.push(`${j}.body->${this.params.add(nm)}::text AS ${qi(nm)}`);
						out.names.push(nm);
					}
				} else {
					items.push(
						rel.toOne ? `${j}.body AS ${qi(key)}` : `COALESCE(${j}.body, '[]'::json) AS ${qi(key)}`
					);
					out.names.push(key);
				}
				if (item.join === 'inner') {
					out.where.push(`${j}.body IS NOT NULL`);
					out.filterJoins.push(join);
				}
			}
		}
		out.selectList = items.length ? items.join(', ') : 'NULL::int4 AS "_"';
		if (!items.length) out.names = [];
		for (const c of node.conditions) {
			// `rel=not.is.null` / `rel=is.null` on an embed
			if (
				c.kind === 'filter' &&
				c.field.json.length === 0 &&
				embeds.has(c.field.name) &&
				!src.columns.has(c.field.name)
			) {
				if (c.op !== 'is' || !['null', 'not_null'].includes(String(c.value).toLowerCase()))
					throw new RestError(
						400,
						'PGRST120',
						'Only is null or not is null filters are allowed on embedded resources'
					);
				const e = embeds.get(c.field.name)!;
				const isNull = (String(c.value).toLowerCase() === 'null') !== c.negate;
				out.where.push(
					`${e.join.match(/\) (j\d+) ON true$/)![1]}.body IS ${isNull ? '' : 'NOT '}NULL`
				);
				if (!out.filterJoins.includes(e.join)) out.filterJoins.push(e.join);
				continue;
			}
			out.where.push(this.condition(src, alias, c));
		}
		if (node.order) out.orderBy = this.orderBy(src, alias, node.order, embeds);
		this.lastNames = out.names;
		return out;
	}

	/** Output names of the most recently built level (read right after an embed is built). */
	private lastNames: string[] = [];

	private embedSql(
		rel: Relationship,
		parentAlias: string,
		item: SelectEmbed,
		path: string,
		q: ParsedQuery,
		n: number
	): string {
		const e = `e${n}`;
		const src = Builder.relationSource(rel.target);
		const lvl = this.level(src, e, item.select, path, q);
		const node = q.nodes.get(path) ?? emptyNode();
		const conds: string[] = [];
		let from = `${src.from} ${e}`;
		if (rel.junction) {
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
		let sql = `SELECT ${lvl.selectList} FROM ${from} ${lvl.joins.join(' ')} WHERE ${conds.join(' AND ')}`;
		if (lvl.orderBy) sql += ` ORDER BY ${lvl.orderBy}`;
		if (node.limit !== null) sql += ` LIMIT ${this.params.add(String(node.limit))}::int8`;
		if (node.offset !== null) sql += ` OFFSET ${this.params.add(String(node.offset))}::int8`;
		const names = lvl.names;
		const s = `s${n}`;
		const body = rel.toOne
			? `SELECT row_to_json(${s}) AS body FROM (${sql} LIMIT 1) ${s}`
			: `SELECT json_agg(${s}) AS body FROM (${sql}) ${s}`;
		this.lastNames = names;
		return body;
	}

	private orderBy(
		src: Source,
		alias: string,
		terms: OrderTerm[],
		embeds: Map<string, { toOne: boolean; rel: Relationship }>
	): string {
		return terms
			.map((t) => {
				let expr: string;
				if (t.relation) {
					const e = embeds.get(t.relation);
					if (!e || !e.toOne || e.rel.junction)
						throw badQuery(
							`'${t.relation}' must be a to-one embedded resource in select to order by it`
						);
					const o = `o${++this.seq}`;
					const f = this.fieldSql(Builder.relationSource(e.rel.target), o, t.field).sql;
					const cond = e.rel.pairs
						.map(([tc, sc]) => `${o}.${qi(tc)} = ${alias}.${qi(sc)}`)
						.join(' AND ');
					expr = `(SELECT ${f} FROM ${qrel(e.rel.target.schema, e.rel.target.name)} ${o} WHERE ${cond} LIMIT 1)`;
				} else expr = this.fieldSql(src, alias, t.field).sql;
				return `${expr}${t.dir ? ` ${t.dir.toUpperCase()}` : ''}${t.nulls ? ` NULLS ${t.nulls.toUpperCase()}` : ''}`;
			})
			.join(', ');
	}

	condition(src: Source, alias: string, c: Condition): string {
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

	private filter(src: Source, alias: string, f: Filter): string {
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

export interface ReadPlan {
	sql: string;
	params: Array<string | null>;
	/**
	 * `EXPLAIN (FORMAT JSON)` of the count query (the filtered rows, `SELECT 1 FROM …`), for
	 * `Prefer: count=planned|estimated`: the planner's "Plan Rows" of its top node is PostgREST's
	 * planned count. Runs in the request's transaction, so the role's RLS policies are planned in.
	 */
	explain?: ReadPlan;
}

export type CountKind = 'exact' | 'planned' | 'estimated';

export interface ReadOptions {
	count: CountKind | null;
	/** db-max-rows (0 = none): count=estimated counts exactly only up to it. */
	maxRows?: number;
	head: boolean;
	limit: number | null;
	offset: number;
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
function explainCount(from: string, rest: string, params: Array<string | null>): ReadPlan {
	const used = referencedParams(`${from} ${rest}`);
	let extra = '';
	for (let i = 1; i <= params.length; i++) if (!used.has(i)) extra += `, $${i}::text`;
	return {
		sql: `EXPLAIN (FORMAT JSON) SELECT 1${extra} FROM ${from} t0 ${rest}`,
		params
	};
}

/** SELECT total, page, body: the rows as one JSON text built by Postgres. */
export function buildRead(b: Builder, src: Source, q: ParsedQuery, o: ReadOptions): ReadPlan {
	const lvl = b.level(src, 't0', q.select ?? [{ kind: 'star' }], '', q);
	const where = lvl.where.length ? ` WHERE ${lvl.where.join(' AND ')}` : '';
	let inner = `SELECT ${lvl.selectList} FROM ${src.from} t0 ${lvl.joins.join(' ')}${where}`;
	if (lvl.orderBy) inner += ` ORDER BY ${lvl.orderBy}`;
	if (o.limit !== null) inner += ` LIMIT ${b.params.add(String(o.limit))}::int8`;
	if (o.offset) inner += ` OFFSET ${b.params.add(String(o.offset))}::int8`;
	const filtered = `${lvl.filterJoins.join(' ')}${where}`;
	const maxRows = o.maxRows ?? 0;
	let total = 'NULL::int8';
	if (o.count === 'exact' || (o.count === 'estimated' && maxRows <= 0))
		total = `(SELECT count(*) FROM ${src.from} t0 ${filtered})`;
	else if (o.count === 'estimated')
		// Counting past max_rows + 1 is wasted: beyond it the planner's estimate is used.
		total = `(SELECT count(*) FROM (SELECT 1 FROM ${src.from} t0 ${filtered} LIMIT ${b.params.add(String(maxRows + 1))}::int8) _c)`;
	const body = o.head ? 'NULL::text' : `coalesce(json_agg(_r), '[]')::text`;
	const plan: ReadPlan = {
		sql: `SELECT ${total} AS total, count(*) AS page, ${body} AS body FROM (${inner}) _r`,
		params: b.params.values
	};
	if (o.count === 'planned' || o.count === 'estimated')
		plan.explain = explainCount(src.from, filtered, b.params.values);
	return plan;
}

/** WHERE conditions at the root for writes (embeds cannot be filtered there). */
export function rootConditions(b: Builder, src: Source, q: ParsedQuery): string[] {
	const node = q.nodes.get('') ?? emptyNode();
	for (const key of q.nodes.keys())
		if (key !== '' && (q.nodes.get(key)?.conditions.length ?? 0) > 0 && !q.select)
			throw badQuery(`embedded filter on '${key}' needs it in select`);
	return node.conditions.map((c) => b.condition(src, 't0', c));
}

/** Wraps a mutation (…RETURNING t0.*) so the response carries the representation (with embeds). */
export function wrapMutation(
	b: Builder,
	rel: Relation,
	mutation: string,
	q: ParsedQuery,
	head: boolean
): ReadPlan {
	const src: Source = {
		from: 'pgrst_source',
		columns: rel.columns,
		relation: rel,
		label: rel.name
	};
	const lvl = b.level(src, 't0', q.select ?? [{ kind: 'star' }], '', q, true);
	const body = head ? 'NULL::text' : `coalesce(json_agg(_r), '[]')::text`;
	return {
		sql: `WITH pgrst_source AS (${mutation} RETURNING t0.*) SELECT NULL::int8 AS total, count(*) AS page, ${body} AS body FROM (SELECT ${lvl.selectList} FROM pgrst_source t0 ${lvl.joins.join(' ')}) _r`,
		params: b.params.values
	};
}

/**
 * Wraps an INSERT for `Prefer: return=headers-only`: the number of rows written and, as body, the
 * first row's primary key as `[column, text]` pairs in column order (json_each_text keeps the
 * exact text, e.g. of int8 keys), from which PostgREST builds its Location header.
 */
export function wrapInsertForLocation(b: Builder, rel: Relation, mutation: string): ReadPlan {
	const pk = b.params.add(pgArrayLiteral(rel.pk));
	return {
		sql: `WITH pgrst_source AS (${mutation} RETURNING t0.*) SELECT NULL::int8 AS total, (SELECT count(*) FROM pgrst_source) AS page, (SELECT json_agg(json_build_array(k.key, k.value))::text FROM (SELECT row_to_json(_s) AS r FROM pgrst_source _s LIMIT 1) d CROSS JOIN LATERAL json_each_text(d.r) k WHERE k.key = ANY(${pk}::text[])) AS body`,
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
	const src = Builder.relationSource(rel);
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
		for (const c of o.conflict.columns) if (!src.columns.has(c)) throw columnNotFound(rel.name, c);
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

/** `OrderTerm`-free helper for tests and callers that need the quoted relation name. */
export const relationName = (r: Relation): string => qrel(r.schema, r.name);
