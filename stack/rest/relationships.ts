// Which relationship an embed means: foreign keys in either direction and many-to-many through a
// junction, found in the schema cache during planning (never while SQL is being written).
import { ambiguousRelationship, relationshipNotFound } from './errors.ts';
import { closest, fuzzyMatches } from './fuzzy.ts';
import type { SelectEmbed } from './parse-query.ts';
import { relKey, type ForeignKey, type Relation, type SchemaCache } from './schema-cache.ts';

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
	constraint: string;
	cardinality: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
}

const isUnique = (r: Relation, cols: string[]) =>
	r.uniques.some((u) => u.length === cols.length && u.every((c) => cols.includes(c)));

/** Relationships through a foreign key that `from` holds or that points at `from`. */
function directCandidates(
	cache: SchemaCache,
	schema: string,
	from: Relation,
	embed: SelectEmbed
): Relationship[] {
	const out: Relationship[] = [];
	const sameName = (s: string, table: string) => s === schema && table === embed.name;
	const hintOk = (fk: ForeignKey, extra: string[] = []) =>
		embed.hint === null ||
		embed.hint === fk.name ||
		fk.columns.includes(embed.hint) ||
		fk.refColumns.includes(embed.hint) ||
		extra.includes(embed.hint);
	for (const fk of cache.foreignKeys) {
		// many-to-one (or one-to-one): `from` holds the FK
		if (fk.schema === from.schema && fk.table === from.name) {
			const target = cache.relations.get(relKey(fk.refSchema, fk.refTable));
			const byTable = sameName(fk.refSchema, fk.refTable);
			const byColumn = fk.columns.length === 1 && fk.columns[0] === embed.name;
			const byName = fk.name === embed.name;
			if (target && (byTable || byColumn || byName) && (byTable ? hintOk(fk, [target.name]) : true))
				out.push({
					toOne: true,
					target,
					pairs: fk.refColumns.map((c, i) => [c, fk.columns[i]]),
					junction: null,
					constraint: fk.name,
					cardinality: isUnique(from, fk.columns) ? 'one-to-one' : 'many-to-one'
				});
		}
		// one-to-many (or one-to-one): the embedded table holds an FK to `from`
		if (
			fk.refSchema === from.schema &&
			fk.refTable === from.name &&
			sameName(fk.schema, fk.table)
		) {
			const target = cache.relations.get(relKey(fk.schema, fk.table));
			if (target && hintOk(fk)) {
				const one = isUnique(target, fk.columns);
				out.push({
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
	return out;
}

/** Many-to-many through a junction whose key covers both foreign keys. */
function junctionCandidates(
	cache: SchemaCache,
	from: Relation,
	target: Relation,
	embed: SelectEmbed
): Relationship[] {
	const out: Relationship[] = [];
	const fks = cache.foreignKeys;
	for (const a of fks) {
		if (a.refSchema !== from.schema || a.refTable !== from.name) continue;
		for (const b of fks) {
			if (b === a || b.schema !== a.schema || b.table !== a.table) continue;
			if (b.refSchema !== target.schema || b.refTable !== target.name) continue;
			const junction = cache.relations.get(relKey(a.schema, a.table));
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
				constraint: `${a.name},${b.name}`,
				cardinality: 'many-to-many'
			});
		}
	}
	return out;
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

/** The one relationship `embed` names from `from`, or PostgREST's PGRST200/PGRST201. */
export function findRelationship(
	cache: SchemaCache,
	schema: string,
	from: Relation,
	embed: SelectEmbed
): Relationship {
	const candidates = directCandidates(cache, schema, from, embed);
	const target = cache.relations.get(relKey(schema, embed.name));
	if (target && target.kind === 'table')
		candidates.push(...junctionCandidates(cache, from, target, embed));
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
