// Calling database functions: overload resolution by argument names and the call as SQL
// (arguments travel as one JSON parameter, converted by json_to_record to the declared types).
import { RestError } from './errors.ts';
import { Builder, qi, qrel, type Source } from './build-sql.ts';
import { relKey, type Column, type Func, type SchemaCache } from './schema-cache.ts';

export function functionNotFound(schema: string, name: string, keys: string[]): RestError {
	const list = keys.join(', ');
	return new RestError(
		404,
		'PGRST202',
		`Could not find the function ${schema}.${name}${keys.length ? `(${list})` : ' without parameters'} in the schema cache`,
		`Searched for the function ${schema}.${name}${keys.length ? ` with parameters ${list}` : ' without parameters'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
		null
	);
}

const isJsonType = (t: string) => t === 'json' || t === 'jsonb';

/** Picks the overload whose named arguments match the keys given (PostgREST's rule). */
export function resolveFunction(
	cache: SchemaCache,
	schema: string,
	name: string,
	keys: string[],
	bodyIsObject: boolean
): { fn: Func; wholeBody: boolean } {
	const overloads = cache.functions.get(relKey(schema, name)) ?? [];
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
	if (matches.length === 0) throw functionNotFound(schema, name, keys);
	if (matches.length > 1) {
		// Prefer an exact named match over the single-json-argument form.
		const named = matches.filter((m) => !m.wholeBody);
		if (named.length === 1) return named[0];
		throw new RestError(
			300,
			'PGRST203',
			`Could not choose the best candidate function between: ${matches
				.map(
					(m) => `${schema}.${name}(${m.fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`
				)
				.join(', ')}`,
			null,
			'Try renaming the parameters or the function itself in the database so function overloading can be resolved'
		);
	}
	return matches[0];
}

export interface CallShape {
	/** FROM-clause text yielding the function's rows, to be followed by an alias. */
	from: string;
	/** The bare call expression (for scalar functions), valid where `_a` is in scope. */
	call: string;
	/** FROM text bringing the arguments into scope as `_a` (empty when there are none). */
	argsFrom: string;
}

export function callShape(
	b: Builder,
	fn: Func,
	args: Record<string, unknown>,
	wholeBody: boolean,
	bodyText: string
): CallShape {
	const fname = qrel(fn.schema, fn.name);
	if (wholeBody) {
		const call = `${fname}(${b.params.add(bodyText)}::${fn.args[0].type})`;
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

/** The rows of a composite-returning function as a Source the read builder can filter and embed. */
export function functionSource(cache: SchemaCache, fn: Func, shape: CallShape): Source {
	const rel = fn.returnRelation
		? cache.relations.get(relKey(fn.returnRelation.schema, fn.returnRelation.name))
		: undefined;
	const columns = rel?.columns ?? new Map<string, Column>(fn.outColumns.map((c) => [c.name, c]));
	return {
		from: shape.from,
		columns,
		relation: rel && rel.kind !== 'composite' ? rel : null,
		label: fn.name
	};
}
