// PostgREST's error body ({code, message, details, hint}) and status mapping, so clients that
// branch on `code` or status behave as they do against real Supabase.
import { HttpError } from '../http.ts';

export interface PgrstBody {
	code: string;
	details: unknown;
	hint: string | null;
	message: string;
}

export class RestError extends HttpError {
	constructor(
		status: number,
		code: string,
		message: string,
		details: unknown = null,
		hint: string | null = null,
		headers: Record<string, string> = {}
	) {
		const body: PgrstBody = { code, details, hint, message };
		super(status, body, { 'proxy-status': `PostgREST; error=${code}`, ...headers });
	}
}

export const badQuery = (message: string, details: string | null = null): RestError =>
	new RestError(400, 'PGRST100', message, details);

export const badJson = (details: string | null = null): RestError =>
	new RestError(400, 'PGRST102', 'Empty or invalid json', details);

export function jwtError(code: 'PGRST301' | 'PGRST302' | 'PGRST303', message: string): RestError {
	const desc = message.replace(/["\\]/g, '');
	return new RestError(401, code, message, null, null, {
		'www-authenticate': `Bearer error="invalid_token", error_description="${desc}"`
	});
}

export const tableNotFound = (schema: string, name: string, suggestion: string | null = null) =>
	new RestError(
		404,
		'PGRST205',
		`Could not find the table '${schema}.${name}' in the schema cache`,
		null,
		suggestion === null ? null : `Perhaps you meant the table '${schema}.${suggestion}'`
	);

export const columnNotFound = (table: string, column: string): RestError =>
	new RestError(
		400,
		'PGRST204',
		`Could not find the '${column}' column of '${table}' in the schema cache`
	);

/** A read naming a column that does not exist: PostgREST passes Postgres's 42703 through. */
export const undefinedColumn = (table: string, column: string): RestError =>
	new RestError(400, '42703', `column ${table}.${column} does not exist`);

export const singularError = (n: number): RestError =>
	new RestError(
		406,
		'PGRST116',
		'Cannot coerce the result to a single JSON object',
		`The result contains ${n} rows`
	);

/** SQLSTATE → HTTP status, as PostgREST's Error.hs maps it. */
export function statusForSqlState(code: string, message: string, isAnon: boolean): number {
	if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
	const c2 = code.slice(0, 2);
	switch (code) {
		case '23503':
		case '23505':
			return 409;
		case '25006':
			return 405;
		case '21000':
			return message.includes('requires a WHERE clause') ? 400 : 500;
		case '22023':
			return /^role .* does not exist/.test(message) ? 401 : 400;
		case '53400':
			return 500;
		case '57P01':
			return 503;
		case 'P0001':
			return 400;
		case '42883':
		case '42P01':
			return 404;
		case '42P17':
			return 500;
		case '42501':
			return isAnon ? 401 : 403;
	}
	switch (c2) {
		case '08':
			return 503;
		case '09':
			return 500;
		case '0L':
		case '0P':
		case '28':
			return 403;
		case '25':
		case '2D':
		case '38':
		case '39':
		case '3B':
		case '40':
			return 500;
		case '53':
			return 503;
		case '54':
		case '55':
		case '57':
		case '58':
		case 'F0':
		case 'HV':
		case 'XX':
			return 500;
		case 'P0':
			return 500;
	}
	return 400;
}

interface PgErrorLike {
	code?: unknown;
	message?: unknown;
	detail?: unknown;
	hint?: unknown;
	severity?: unknown;
}

/** Turns a driver error into PostgREST's response; anything unexpected becomes an opaque 500. */
export function fromPgError(e: unknown, isAnon: boolean): HttpError {
	if (e instanceof HttpError) return e;
	const pg = e as PgErrorLike;
	if (
		e instanceof Error &&
		typeof pg.code === 'string' &&
		/^[0-9A-Z]{5}$/.test(pg.code) &&
		pg.severity
	) {
		const code = pg.code;
		const message = String(pg.message ?? '');
		const status = statusForSqlState(code, message, isAnon);
		const details = typeof pg.detail === 'string' ? pg.detail : null;
		const hint = typeof pg.hint === 'string' ? pg.hint : null;
		const headers: Record<string, string> = {};
		if (status === 401) headers['www-authenticate'] = 'Bearer';
		return new RestError(status, code, message, details, hint, headers);
	}
	if (e instanceof Error && typeof pg.code === 'string')
		return new RestError(503, 'PGRST000', 'Database client error. Retrying the connection.');
	throw e;
}

// -----------------------------------------------------------------------------------------------
// request and planning errors, worded as PostgREST's Error.hs words them

export const unsupportedMethod = (method: string): RestError =>
	new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);

export const schemaNotExposed = (exposed: string[]): RestError =>
	new RestError(
		406,
		'PGRST106',
		`The schema must be one of the following: ${exposed.join(', ')}`,
		null,
		null
	);

export const mediaNotAvailable = (types: string[]): RestError =>
	new RestError(406, 'PGRST107', `None of these media types are available: ${types.join(', ')}`);

export const rangeNotSatisfiable = (offset: number, total: number | null): RestError =>
	new RestError(
		416,
		'PGRST103',
		'Requested range not satisfiable',
		`An offset of ${offset} was requested, but there are only ${total} rows.`,
		null,
		{ 'content-range': `*/${total}` }
	);

export const putNotByPrimaryKey = (): RestError =>
	new RestError(
		405,
		'PGRST105',
		"Filters must include all and only primary key columns with 'eq' operators"
	);

export const putKeyMismatch = (): RestError =>
	new RestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');

export const rpcMethodNotAllowed = (method: string): RestError =>
	new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);

export const embedFilterNotNull = (): RestError =>
	new RestError(
		400,
		'PGRST120',
		'Only is null or not is null filters are allowed on embedded resources'
	);

/**
 * PGRST202. `post`: a POST with a JSON body, which could also have meant a function taking the
 * whole body as its single unnamed json/jsonb argument. `suggestion`: the closest function name
 * (no function of that name) or the closest overload's sorted parameters, as "(a, b)".
 */
export function functionNotFound(
	schema: string,
	name: string,
	keys: string[],
	post: boolean,
	suggestion: string | null,
	raw: 'text' | 'xml' | 'bytea' | null = null
): RestError {
	const fn = `${schema}.${name}`;
	if (raw)
		return new RestError(
			404,
			'PGRST202',
			`Could not find the function ${fn} in the schema cache`,
			`Searched for the function ${fn} with a single unnamed ${raw} parameter, but no matches were found in the schema cache.`,
			null
		);
	const params = keys.length
		? ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
		: ' without parameters';
	const single = post ? ' or with a single unnamed json/jsonb parameter' : '';
	return new RestError(
		404,
		'PGRST202',
		`Could not find the function ${fn}${keys.length ? `(${keys.join(', ')})` : ' without parameters'} in the schema cache`,
		`Searched for the function ${fn}${params}${single}, but no matches were found in the schema cache.`,
		suggestion === null ? null : `Perhaps you meant to call the function ${schema}.${suggestion}`
	);
}

export const ambiguousFunction = (candidates: string[]): RestError =>
	new RestError(
		300,
		'PGRST203',
		`Could not choose the best candidate function between: ${candidates.join(', ')}`,
		null,
		'Try renaming the parameters or the function itself in the database so function overloading can be resolved'
	);

/** PGRST200; `suggestion` is PostgREST's "Perhaps you meant …" hint, already worded. */
export const relationshipNotFound = (
	schema: string,
	from: string,
	to: string,
	hint: string | null,
	suggestion: string | null
): RestError =>
	new RestError(
		400,
		'PGRST200',
		`Could not find a relationship between '${from}' and '${to}' in the schema cache`,
		`Searched for a foreign key relationship between '${from}' and '${to}${hint ? `' using the hint '${hint}` : ''}' in the schema '${schema}', but no matches were found.`,
		suggestion
	);

export interface AmbiguousCandidate {
	cardinality: string;
	/** The embedded relation's name. */
	target: string;
	/** `<constraint> using <table>(<columns>) and <table>(<columns>)`, as PostgREST prints it. */
	relationship: string;
	/** What goes after `<target>!` to pick this one: the constraint, or the junction table. */
	hint: string;
}

/** PGRST201, status 300: the candidates in details, and the `target!hint` spellings to choose. */
export const ambiguousRelationship = (
	from: string,
	to: string,
	candidates: AmbiguousCandidate[]
): RestError =>
	new RestError(
		300,
		'PGRST201',
		`Could not embed because more than one relationship was found for '${from}' and '${to}'`,
		candidates.map((c) => ({
			cardinality: c.cardinality,
			embedding: `${from} with ${c.target}`,
			relationship: c.relationship
		})),
		`Try changing '${to}' to one of the following: ${candidates
			.map((c) => `'${c.target}!${c.hint}'`)
			.join(', ')}. Find the desired relationship in the 'details' key.`
	);

/** Two embeds answering under the same key: Postgres's error, as PostgREST lets it through. */
export const embeddedTwice = (parent: string, name: string, depth: number): RestError =>
	new RestError(400, '42712', `table name "${parent}_${name}_${depth}" specified more than once`);

export const aggregatesNotAllowed = (): RestError =>
	new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');

export const maxAffectedViolation = (n: number): RestError =>
	new RestError(
		400,
		'PGRST124',
		'Query result exceeds max-affected preference constraint',
		`The query affects ${n} rows`
	);

export const maxAffectedRpcViolation = (): RestError =>
	new RestError(
		400,
		'PGRST128',
		'Function must return SETOF or TABLE when max-affected preference is used with handling=strict'
	);

/** pg-safeupdate's refusal, which PostgREST answers with 400. */
export const writeWithoutFilter = (verb: 'UPDATE' | 'DELETE'): RestError =>
	new RestError(400, '21000', `${verb} requires a WHERE clause`);
