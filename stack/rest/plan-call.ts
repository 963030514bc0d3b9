// Planning a function call (PostgREST's CallPlan): the overload the arguments name, how its result
// is shaped (nothing, a scalar, scalars, a row, rows), and for rows the read planned over them.
import type { ApiRequest } from './api-request.ts';
import {
	ambiguousFunction,
	badJson,
	functionNotFound,
	maxAffectedRpcViolation,
	rpcMethodNotAllowed
} from './errors.ts';
import { closest } from './fuzzy.ts';
import { functionTarget, planRead, rollbackOf, type ReadTree } from './plan.ts';
import { relKey, type Func, type SchemaCache } from './schema-cache.ts';

export type CallKind = 'void' | 'scalar' | 'scalars' | 'rows' | 'row';

export interface CallPlan {
	fn: Func;
	/** The function takes the whole JSON body as its single unnamed json/jsonb argument. */
	wholeBody: boolean;
	args: Record<string, unknown>;
	bodyText: string;
	kind: CallKind;
	/** GET, or a function declared stable or immutable: the transaction is READ ONLY. */
	readOnly: boolean;
	rollback: boolean;
	/** The read over a composite result: select, filters, order and embeds apply to it. */
	tree: ReadTree | null;
	page: { limit: number | null; offset: number };
	/**
	 * PostgREST counts function results exactly for count=exact|estimated, never by planning; a
	 * scalar or single row counts as one.
	 */
	count: 'exact' | null;
	/** Prefer: handling=strict, max-affected=n: more rows returned roll the call back. */
	maxAffected: number | null;
	/** Rows answered as text/csv. */
	csv: boolean;
}

const isJsonType = (t: string) => t === 'json' || t === 'jsonb';
const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * PostgREST's PGRST202 hint: without a function of that name, the closest function name in the
 * schema; otherwise the overload whose (sorted) parameters come closest to the keys given.
 */
function noFunctionHint(
	cache: SchemaCache,
	schema: string,
	name: string,
	keys: string[]
): string | null {
	const overloads = cache.functions.get(relKey(schema, name)) ?? [];
	if (overloads.length === 0) {
		const names = [...cache.functions.values()].flat().filter((f) => f.schema === schema);
		return closest(
			names.map((f) => f.name),
			name,
			0.75
		);
	}
	const listed = (params: string[]) => `(${[...params].sort().join(', ')})`;
	const best = closest(
		overloads.map((f) => listed(f.args.map((a) => a.name))),
		listed(keys)
	);
	return best === null ? null : `${name}${best}`;
}

/** Picks the overload whose named arguments match the keys given (PostgREST's rule). */
export function resolveFunction(
	cache: SchemaCache,
	schema: string,
	name: string,
	keys: string[],
	bodyIsObject: boolean,
	post: boolean,
	raw: ApiRequest['rawArgument'] = null
): { fn: Func; wholeBody: boolean } {
	const overloads = cache.functions.get(relKey(schema, name)) ?? [];
	if (raw) {
		// text/plain, text/xml, octet-stream: only a single unnamed argument of that type takes it.
		const fn = overloads.find(
			(f) => f.args.length === 1 && f.args[0].name === '' && f.args[0].type === raw
		);
		if (!fn) throw functionNotFound(schema, name, [], false, null, raw);
		return { fn, wholeBody: true };
	}
	const matches: Array<{ fn: Func; wholeBody: boolean }> = [];
	for (const fn of overloads) {
		const named = fn.args.filter((a) => a.name !== '');
		if (named.length === fn.args.length) {
			const ok =
				keys.every((k) => fn.args.some((a) => a.name === k)) &&
				fn.args.every((a) => a.hasDefault || keys.includes(a.name));
			if (ok) matches.push({ fn, wholeBody: false });
		}
		if (
			fn.args.length === 1 &&
			fn.args[0].name === '' &&
			isJsonType(fn.args[0].type) &&
			bodyIsObject
		)
			matches.push({ fn, wholeBody: true });
	}
	if (matches.length === 0)
		throw functionNotFound(schema, name, keys, post, noFunctionHint(cache, schema, name, keys));
	if (matches.length === 1) return matches[0];
	// Prefer an exact named match over the single-json-argument form.
	const named = matches.filter((m) => !m.wholeBody);
	if (named.length === 1) return named[0];
	throw ambiguousFunction(
		matches.map(
			(m) => `${schema}.${name}(${m.fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`
		)
	);
}

function callKind(fn: Func): CallKind {
	if (fn.returnsVoid) return 'void';
	if (!fn.returnsComposite) return fn.returnsSet ? 'scalars' : 'scalar';
	return fn.returnsSet ? 'rows' : 'row';
}

export function planCall(cache: SchemaCache, api: ApiRequest, name: string): CallPlan {
	let args: Record<string, unknown> = {};
	let bodyIsObject = true;
	if (api.isRead) {
		for (const [k, v] of api.query.rest) args[k] = v;
	} else if (api.method === 'POST' && api.rawArgument) {
		bodyIsObject = false;
	} else if (api.method === 'POST') {
		bodyIsObject = isObject(api.payload);
		if (isObject(api.payload)) args = api.payload;
		else if (!Array.isArray(api.payload)) throw badJson();
	} else throw rpcMethodNotAllowed(api.method);
	const keys = bodyIsObject ? Object.keys(args) : [];
	const post = api.method === 'POST';
	const { fn, wholeBody } = resolveFunction(
		cache,
		api.schema,
		name,
		keys,
		bodyIsObject,
		post,
		api.rawArgument
	);
	const kind = callKind(fn);
	const maxAffected = api.prefer.maxAffected ?? null;
	if (maxAffected !== null && kind !== 'rows' && kind !== 'scalars')
		throw maxAffectedRpcViolation();
	const composite = kind === 'rows' || kind === 'row';
	const count = api.prefer.count === 'exact' || api.prefer.count === 'estimated';
	return {
		fn,
		wholeBody,
		args,
		bodyText: api.isRead ? '{}' : api.payloadText,
		kind,
		readOnly: api.isRead || fn.volatility !== 'v',
		rollback: rollbackOf(cache.config, api.prefer),
		tree: composite ? planRead(cache, api.schema, functionTarget(cache, fn), api.query) : null,
		page: kind === 'row' ? { limit: null, offset: 0 } : api.page,
		count: kind !== 'void' && count ? 'exact' : null,
		maxAffected,
		csv: api.media === 'csv' && kind === 'rows'
	};
}
