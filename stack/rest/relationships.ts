// Which relationship an embed means: foreign keys in either direction and many-to-many through a
// junction, found in the schema cache during planning (never while SQL is being written).
import { ambiguousRelationship, relationshipNotFound } from './errors.ts';
import { closest, fuzzyMatches } from './fuzzy.ts';
import type { SelectEmbed } from './parse-query.ts';
import { relKey, type Func, type Relation, type SchemaCache } from './schema-cache.ts';

export interface Relationship {
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
		/** The junction's foreign keys to the source and to the target. */
		sourceConstraint: string;
		targetConstraint: string;
	};
	/** A computed relationship: a function taking the source's row, returning the target's. */
	computed: Func | null;
	constraint: string;
	cardinality: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
	/** Both ends are the same table (one foreign key gives a many-to-one and a one-to-many). */
	self: boolean;
	/** The target is a view: PostgREST then matches it by its name only. */
	targetIsView: boolean;
}

const isUnique = (r: Relation, cols: string[]) =>
	r.uniques.some((u) => u.length === cols.length && u.every((c) => cols.includes(c)));
const same = (r: Relation, schema: string, name: string) => r.schema === schema && r.name === name;

/** Every relationship through a foreign key that `from` holds or that points at `from`. */
function foreignKeyRelationships(cache: SchemaCache, from: Relation): Relationship[] {
	const out: Relationship[] = [];
	for (const fk of cache.foreignKeys) {
		if (same(from, fk.schema, fk.table)) {
			const target = cache.relations.get(relKey(fk.refSchema, fk.refTable));
			if (target) {
				const one = isUnique(from, fk.columns);
				out.push({
					toOne: true,
					target,
					pairs: fk.refColumns.map((c, i) => [c, fk.columns[i]]),
					junction: null,
					computed: null,
					constraint: fk.name,
					cardinality: one ? 'one-to-one' : 'many-to-one',
					self: same(target, from.schema, from.name),
					targetIsView: target.kind === 'view'
				});
			}
		}
		if (same(from, fk.refSchema, fk.refTable)) {
			const target = cache.relations.get(relKey(fk.schema, fk.table));
			if (target) {
				const one = isUnique(target, fk.columns);
				out.push({
					toOne: one,
					target,
					pairs: fk.columns.map((c, i) => [c, fk.refColumns[i]]),
					junction: null,
					computed: null,
					constraint: fk.name,
					cardinality: one ? 'one-to-one' : 'one-to-many',
					self: same(target, from.schema, from.name),
					targetIsView: target.kind === 'view'
				});
			}
		}
	}
	return out;
}

/** Many-to-many through a junction table whose key covers both of its foreign keys. */
function junctionRelationships(cache: SchemaCache, from: Relation): Relationship[] {
	const out: Relationship[] = [];
	const fks = cache.foreignKeys.filter((fk) => !fk.viaView);
	for (const a of fks) {
		if (!same(from, a.refSchema, a.refTable)) continue;
		const junction = cache.relations.get(relKey(a.schema, a.table));
		if (!junction || junction.kind !== 'table' || same(junction, from.schema, from.name)) continue;
		for (const b of fks) {
			if (b === a || b.schema !== a.schema || b.table !== a.table) continue;
			const target = cache.relations.get(relKey(b.refSchema, b.refTable));
			if (!target || same(target, junction.schema, junction.name)) continue;
			const covered = junction.uniques.some((u) =>
				[...a.columns, ...b.columns].every((c) => u.includes(c))
			);
			if (!covered) continue;
			out.push({
				toOne: false,
				target,
				pairs: [],
				junction: {
					relation: junction,
					sourcePairs: a.columns.map((c, i) => [c, a.refColumns[i]]),
					targetPairs: b.columns.map((c, i) => [c, b.refColumns[i]]),
					name: junction.name,
					sourceConstraint: a.name,
					targetConstraint: b.name
				},
				computed: null,
				constraint: `${a.name},${b.name}`,
				cardinality: 'many-to-many',
				self: false,
				targetIsView: target.kind === 'view'
			});
		}
	}
	return out;
}

/** Functions taking a row of `from` and returning rows of a table or view. */
function computedRelationships(cache: SchemaCache, from: Relation): Relationship[] {
	const out: Relationship[] = [];
	for (const list of cache.functions.values())
		for (const fn of list) {
			const arg = fn.argRelation;
			const ret = fn.returnRelation;
			if (!arg || !ret || !same(from, arg.schema, arg.name)) continue;
			const target = cache.relations.get(relKey(ret.schema, ret.name));
			if (!target || target.kind === 'composite') continue;
			const toOne = !fn.returnsSet || fn.rows === 1;
			out.push({
				toOne,
				target,
				pairs: [],
				junction: null,
				computed: fn,
				constraint: fn.name,
				cardinality: toOne ? 'many-to-one' : 'one-to-many',
				self: false,
				targetIsView: target.kind === 'view'
			});
		}
	return out;
}

/** The single-column foreign key's column on the source side, and on the target side. */
const sourceColumn = (r: Relationship) => (r.pairs.length === 1 ? r.pairs[0][1] : null);
const targetColumn = (r: Relationship) => (r.pairs.length === 1 ? r.pairs[0][0] : null);

/**
 * Whether `embed` (its name and `!hint`) picks `r`, by PostgREST's rules: the target's name, the
 * constraint's name or the source's FK column (not for views), a hint naming the constraint, a
 * column on either side or the junction; for a self-reference the name means the one-to-many
 * and a column name the many-to-one, and a hint names the target-side column of a one-to-many.
 */
function picks(r: Relationship, embed: SelectEmbed): boolean {
	const { name, hint } = embed;
	if (r.computed) return name === r.computed.name;
	const byTable = name === r.target.name;
	const direct = r.junction === null;
	if (r.self && direct) {
		if (hint === null)
			return (
				(byTable && r.cardinality === 'one-to-many') ||
				(sourceColumn(r) === name && r.cardinality === 'many-to-one')
			);
		return byTable && r.cardinality === 'one-to-many' && targetColumn(r) === hint;
	}
	if (hint === null)
		return (
			byTable || (direct && !r.targetIsView && (r.constraint === name || sourceColumn(r) === name))
		);
	return (
		byTable &&
		(direct
			? r.constraint === hint || sourceColumn(r) === hint || targetColumn(r) === hint
			: r.junction!.name === hint)
	);
}

/** The tables `r` has a foreign-key relationship with, in either direction. */
function relatedTables(cache: SchemaCache, r: { schema: string; name: string }): string[] {
	const out: string[] = [];
	for (const fk of cache.foreignKeys) {
		if (fk.schema === r.schema && fk.table === r.name) out.push(fk.refTable);
		if (fk.refSchema === r.schema && fk.refTable === r.name) out.push(fk.table);
	}
	return out;
}

/**
 * PostgREST's hint for PGRST200: when `from` has relationships, the closest related table to the
 * embedded name (never the name itself); otherwise the closest table that has relationships.
 */
function noRelationshipHint(
	cache: SchemaCache,
	schema: string,
	from: Relation,
	child: string
): string | null {
	const related = relatedTables(cache, from);
	if (related.length > 0) {
		const best = fuzzyMatches(related, child).find(([score]) => score < 1 && score >= 0.33);
		return best ? `Perhaps you meant '${best[1]}' instead of '${child}'.` : null;
	}
	const parents = new Set<string>();
	for (const fk of cache.foreignKeys) {
		if (fk.schema === schema) parents.add(fk.table);
		if (fk.refSchema === schema) parents.add(fk.refTable);
	}
	const parent = closest(parents, from.name);
	return parent ? `Perhaps you meant '${parent}' instead of '${from.name}'.` : null;
}

const cols = (names: string[]) => `(${names.join(', ')})`;

/** `<constraint> using <table>(<columns>) and <table>(<columns>)`, as PostgREST words it. */
function describe(from: Relation, r: Relationship): string {
	if (r.junction) {
		const j = r.junction;
		return `${j.name} using ${j.sourceConstraint}${cols(j.sourcePairs.map((p) => p[0]))} and ${j.targetConstraint}${cols(j.targetPairs.map((p) => p[0]))}`;
	}
	return `${r.constraint} using ${from.name}${cols(r.pairs.map((p) => p[1]))} and ${r.target.name}${cols(r.pairs.map((p) => p[0]))}`;
}

/**
 * Every relationship of `from`, listed once per schema cache: finding junctions walks all pairs
 * of foreign keys and computed relationships all functions, too much to redo on each request.
 * A reload builds new Relation objects, so the memo never outlives the cache it was built from.
 */
const memo = new WeakMap<Relation, Relationship[]>();
function relationshipsOf(cache: SchemaCache, from: Relation): Relationship[] {
	let all = memo.get(from);
	if (!all) {
		all = [
			...foreignKeyRelationships(cache, from),
			...junctionRelationships(cache, from),
			...computedRelationships(cache, from)
		];
		memo.set(from, all);
	}
	return all;
}

/** The one relationship `embed` names from `from`, or PostgREST's PGRST200/PGRST201. */
export function findRelationship(
	cache: SchemaCache,
	schema: string,
	from: Relation,
	embed: SelectEmbed
): Relationship {
	const candidates = relationshipsOf(cache, from).filter((r) => picks(r, embed));
	if (candidates.length === 1) return candidates[0];
	if (candidates.length === 0)
		throw relationshipNotFound(
			schema,
			from.name,
			embed.name,
			embed.hint,
			noRelationshipHint(cache, schema, from, embed.name)
		);
	throw ambiguousRelationship(
		from.name,
		embed.name,
		candidates.map((c) => ({
			cardinality: c.cardinality,
			target: c.target.name,
			relationship: describe(from, c),
			hint: c.junction ? c.junction.name : c.constraint
		}))
	);
}
