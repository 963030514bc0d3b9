// Planning a read: the parsed select tree checked against the schema cache, every embed resolved
// to its relationship, each level paired with its own filters, order and page. The SQL builder
// only walks what planning decided.
import {
	aggregatesNotAllowed,
	badQuery,
	embedFilterNotNull,
	embeddedTwice,
	tableNotFound
} from './errors.ts';
import { closest } from './fuzzy.ts';
import {
	emptyNode,
	type Condition,
	type OrderTerm,
	type ParsedQuery,
	type QueryNode,
	type SelectColumn,
	type SelectEmbed,
	type SelectItem,
	type SelectStar
} from './parse-query.ts';
import { findRelationship, type Relationship } from './relationships.ts';
import type { Preferences } from './prefer.ts';
import {
	relKey,
	type Column,
	type DbConfig,
	type Func,
	type Relation,
	type SchemaCache
} from './schema-cache.ts';

/** Whether the request's transaction rolls back: db-tx-end, and Prefer: tx where it may override. */
export function rollbackOf(config: DbConfig, prefer: Preferences): boolean {
	if (config.txEnd.startsWith('rollback')) return prefer.tx !== 'commit';
	return prefer.tx === 'rollback';
}

/** What one level reads from: its columns, and the relation behind it (for embedding). */
export interface Target {
	columns: Map<string, Column>;
	/** The relation behind it, for embedding; null for record-returning functions. */
	relation: Relation | null;
	/** Name used in error messages. */
	label: string;
}

export interface PlannedEmbed {
	kind: 'embed';
	embed: SelectEmbed;
	/** Output key: the alias, else the embedded name. */
	key: string;
	rel: Relationship;
	tree: ReadTree;
}

export type PlannedItem = SelectStar | SelectColumn | PlannedEmbed;

export interface PlannedOrder {
	term: OrderTerm;
	/** For `rel(col)`: the to-one embed ordered by. */
	embed: PlannedEmbed | null;
}

/** One level of a read: where rows come from, what is selected, and how they are narrowed. */
export interface ReadTree {
	target: Target;
	items: PlannedItem[];
	/** Column and logic conditions of this level. */
	conditions: Condition[];
	/** `rel=is.null` / `rel=not.is.null`: the embed, and whether it must be null. */
	embedNulls: Array<{ embed: PlannedEmbed; isNull: boolean }>;
	order: PlannedOrder[];
	limit: number | null;
	offset: number | null;
}

export const relationTarget = (r: Relation): Target => ({
	columns: r.columns,
	relation: r,
	label: r.name
});

/** The exposed table or view a request names, or PGRST205. */
export function findRelation(cache: SchemaCache, schema: string, name: string): Relation {
	const rel = cache.relations.get(relKey(schema, name));
	if (rel && rel.kind !== 'composite') return rel;
	const names: string[] = [];
	for (const r of cache.relations.values())
		if (r.schema === schema && r.kind !== 'composite') names.push(r.name);
	throw tableNotFound(schema, name, closest(names, name, 0.75));
}

/** The rows of a composite-returning function as a target reads can filter and embed from. */
export function functionTarget(cache: SchemaCache, fn: Func): Target {
	const rel = fn.returnRelation
		? cache.relations.get(relKey(fn.returnRelation.schema, fn.returnRelation.name))
		: undefined;
	const columns = rel?.columns ?? new Map<string, Column>(fn.outColumns.map((c) => [c.name, c]));
	return { columns, relation: rel && rel.kind !== 'composite' ? rel : null, label: fn.name };
}

/**
 * Plans the read of `target` with the query's select tree. `mutated`: the rows are a mutation's
 * RETURNING rows, which the mutation already filtered, so the root's conditions do not apply.
 */
export function planRead(
	cache: SchemaCache,
	schema: string,
	target: Target,
	q: ParsedQuery,
	mutated = false
): ReadTree {
	return planLevel(cache, schema, target, q.select ?? [{ kind: 'star' }], '', q, mutated);
}

function planLevel(
	cache: SchemaCache,
	schema: string,
	target: Target,
	select: SelectItem[],
	path: string,
	q: ParsedQuery,
	mutated: boolean
): ReadTree {
	const node: QueryNode = mutated ? emptyNode() : (q.nodes.get(path) ?? emptyNode());
	if (!cache.config.aggregatesEnabled && select.some((i) => i.kind === 'column' && i.aggregate))
		throw aggregatesNotAllowed();
	const items: PlannedItem[] = [];
	const embeds = new Map<string, PlannedEmbed>();
	for (const item of select) {
		if (item.kind !== 'embed') {
			items.push(item);
			continue;
		}
		const planned = planEmbed(cache, schema, target, item, path, q);
		// Two embeds under one key would make one JSON key twice: refused, as Postgres refuses
		// PostgREST's query for it (the alias it gives both is the same).
		if (embeds.has(planned.key) && !item.spread)
			throw embeddedTwice(target.label, planned.key, path === '' ? 1 : path.split('.').length + 1);
		embeds.set(planned.key, planned);
		items.push(planned);
	}
	const tree: ReadTree = {
		target,
		items,
		conditions: [],
		embedNulls: [],
		order: [],
		limit: node.limit,
		offset: node.offset
	};
	for (const c of node.conditions) {
		const embed =
			c.kind === 'filter' && c.field.json.length === 0 && !target.columns.has(c.field.name)
				? embeds.get(c.field.name)
				: undefined;
		if (!embed || c.kind !== 'filter') {
			tree.conditions.push(c);
			continue;
		}
		const v = String(c.value).toLowerCase();
		if (c.op !== 'is' || !['null', 'not_null'].includes(v)) throw embedFilterNotNull();
		tree.embedNulls.push({ embed, isNull: (v === 'null') !== c.negate });
	}
	for (const term of node.order ?? []) {
		if (!term.relation) {
			tree.order.push({ term, embed: null });
			continue;
		}
		const e = embeds.get(term.relation);
		if (!e || !e.rel.toOne || e.rel.junction || e.rel.computed)
			throw badQuery(
				`'${term.relation}' must be a to-one embedded resource in select to order by it`
			);
		tree.order.push({ term, embed: e });
	}
	return tree;
}

function planEmbed(
	cache: SchemaCache,
	schema: string,
	parent: Target,
	item: SelectEmbed,
	path: string,
	q: ParsedQuery
): PlannedEmbed {
	if (!parent.relation)
		throw badQuery(`A related resource cannot be embedded from '${parent.label}'`);
	const rel = findRelationship(cache, schema, parent.relation, item);
	const key = item.alias ?? item.name;
	const childPath = path ? `${path}.${key}` : key;
	// Filters written against the embedded name apply to its alias too.
	const byName = path ? `${path}.${item.name}` : item.name;
	if (!q.nodes.has(childPath) && item.alias && q.nodes.has(byName))
		q.nodes.set(childPath, q.nodes.get(byName)!);
	const tree = planLevel(
		cache,
		schema,
		relationTarget(rel.target),
		item.select,
		childPath,
		q,
		false
	);
	return { kind: 'embed', embed: item, key, rel, tree };
}
