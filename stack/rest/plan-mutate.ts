// Planning a write (PostgREST's MutatePlan): which rows the payload holds and which columns it
// writes, the conflict target of an upsert, PUT's primary-key rules, and what the response must
// carry back (nothing, a Location, or the representation planned as a read of the written rows).
import type { ApiRequest } from './api-request.ts';
import {
	badJson,
	badQuery,
	putKeyMismatch,
	putNotByPrimaryKey,
	writeWithoutFilter
} from './errors.ts';
import type { Condition } from './parse-query.ts';
import { planRead, relationTarget, rollbackOf, type ReadTree } from './plan.ts';
import type { Relation, SchemaCache } from './schema-cache.ts';

export interface Conflict {
	columns: string[];
	action: 'merge' | 'ignore';
}

export type MutateAction =
	| {
			kind: 'insert';
			columns: string[];
			missingDefault: boolean;
			conflict: Conflict | null;
			bodyJson: string;
	  }
	| { kind: 'update'; keys: string[]; bodyJson: string; where: Condition[] }
	| { kind: 'delete'; where: Condition[] };

export interface MutatePlan {
	rel: Relation;
	/** null: nothing to write (an empty array, a PATCH of no columns); answered without SQL. */
	action: MutateAction | null;
	representation: boolean;
	/** return=headers-only on POST to a table with a key: a Location for the row written. */
	locate: boolean;
	/** Accept: vnd.pgrst.object: exactly one row or the write is rolled back (PGRST116). */
	singular: boolean;
	rollback: boolean;
	/** The representation's select tree over the written rows, when the response needs rows. */
	returning: ReadTree | null;
	/** An upsert (PUT, or POST merging duplicates): its status tells inserted from updated. */
	countInserted: boolean;
	/** Prefer: handling=strict, max-affected=n on PATCH and DELETE: more rows roll back. */
	maxAffected: number | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** PUT replaces the one row its filters name: all and only the key columns, with eq. */
function putConflict(rel: Relation, api: ApiRequest, row: Record<string, unknown>): Conflict {
	const root = api.query.nodes.get('')!;
	const eqs = new Map<string, string>();
	for (const cond of root.conditions)
		if (cond.kind === 'filter' && cond.op === 'eq' && !cond.negate && cond.field.json.length === 0)
			eqs.set(cond.field.name, String(cond.value));
	if (
		rel.pk.length === 0 ||
		root.conditions.length !== rel.pk.length ||
		!rel.pk.every((k) => eqs.has(k))
	)
		throw putNotByPrimaryKey();
	if (!rel.pk.every((k) => row[k] !== undefined && String(row[k]) === eqs.get(k)))
		throw putKeyMismatch();
	return { columns: rel.pk, action: 'merge' };
}

function planInsert(rel: Relation, api: ApiRequest): MutateAction | null {
	const body = api.payload;
	const rows = Array.isArray(body) ? body : [body];
	if (!rows.every(isObject)) throw badJson('All object keys must match');
	let conflict: Conflict | null = null;
	if (api.method === 'PUT') {
		if (rows.length !== 1) throw badJson('PUT requires a single object');
		conflict = putConflict(rel, api, rows[0]);
	} else if (api.prefer.resolution) {
		const cols = api.query.onConflict ?? rel.pk;
		if (cols.length === 0)
			throw badQuery('on_conflict requires columns: the table has no primary key');
		conflict = {
			columns: cols,
			action: api.prefer.resolution === 'ignore-duplicates' ? 'ignore' : 'merge'
		};
	}
	if (rows.length === 0) return null;
	return {
		kind: 'insert',
		columns: api.query.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))],
		missingDefault: api.prefer.missing === 'default',
		conflict,
		bodyJson: JSON.stringify(rows)
	};
}

/** Root filters of an UPDATE or DELETE; embedded filters need their embed in select. */
function writeFilters(api: ApiRequest): Condition[] {
	const q = api.query;
	for (const key of q.nodes.keys())
		if (key !== '' && (q.nodes.get(key)?.conditions.length ?? 0) > 0 && !q.select)
			throw badQuery(`embedded filter on '${key}' needs it in select`);
	const where = q.nodes.get('')!.conditions;
	if (where.length === 0) throw writeWithoutFilter(api.method === 'PATCH' ? 'UPDATE' : 'DELETE');
	return where;
}

export function planMutation(cache: SchemaCache, rel: Relation, api: ApiRequest): MutatePlan {
	let action: MutateAction | null;
	if (api.method === 'POST' || api.method === 'PUT') action = planInsert(rel, api);
	else {
		const where = writeFilters(api);
		if (api.method === 'PATCH') {
			if (!isObject(api.payload)) throw badJson('PATCH requires a JSON object');
			const keys = api.query.columns ?? Object.keys(api.payload);
			action = keys.length ? { kind: 'update', keys, bodyJson: api.payloadText, where } : null;
		} else action = { kind: 'delete', where };
	}
	const representation = api.prefer.return === 'representation';
	const singular = api.media === 'object';
	// return=headers-only on POST: PostgREST sends Location for a single inserted row of a table
	// with a primary key; otherwise it is return=minimal.
	const locate = api.method === 'POST' && api.prefer.return === 'headers-only' && rel.pk.length > 0;
	const wantRows = (representation || singular) && !locate;
	return {
		rel,
		action,
		representation,
		locate,
		singular,
		rollback: rollbackOf(cache.config, api.prefer),
		returning: wantRows ? planRead(cache, api.schema, relationTarget(rel), api.query, true) : null,
		countInserted: action?.kind === 'insert' && action.conflict?.action === 'merge',
		maxAffected:
			(api.method === 'PATCH' || api.method === 'DELETE') && api.prefer.maxAffected !== undefined
				? api.prefer.maxAffected
				: null
	};
}
