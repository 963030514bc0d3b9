// GET /rest/v1/: the OpenAPI (Swagger 2.0) description PostgREST serves at its root: a definition
// per table and view with the database comments as descriptions (key notes as PostgREST writes
// them), paths for reading and writing them, and every function under /rpc with its arguments.
// Like PostgREST's default (follow-privileges), only what the requesting role may use is listed.
import type { Column, Func, Relation, SchemaCache } from './schema-cache.ts';

/** The privilege query's answer: what the role may use in the schema, and the schema comment. */
export interface Accessible {
	relations: string[];
	functions: string[];
	comment: string | null;
}

/** Runs in the request's transaction, as its role (has_*_privilege of the current user). */
export const ACCESSIBLE_SQL = `SELECT NULL::int8 AS total, 0 AS page, json_build_object(
  'relations', (SELECT coalesce(json_agg(c.relname), '[]') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r','v','m','f','p')
       AND (has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'INSERT')
         OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE'))),
  'functions', (SELECT coalesce(json_agg(DISTINCT p.proname), '[]') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1 AND p.prokind = 'f' AND has_function_privilege(p.oid, 'EXECUTE')),
  'comment', (SELECT obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE n.nspname = $1))::text AS body`;

type Schema = Record<string, unknown>;

function swaggerType(t: string): string | undefined {
	if (['character varying', 'character', 'text'].includes(t)) return 'string';
	if (t === 'boolean') return 'boolean';
	if (['smallint', 'integer', 'bigint'].includes(t)) return 'integer';
	if (['numeric', 'real', 'double precision'].includes(t)) return 'number';
	if (t === 'json' || t === 'jsonb') return undefined;
	return t.endsWith('[]') ? 'array' : 'string';
}

function swaggerFormat(t: string): string {
	return t === 'smallint' || t === 'integer' ? 'int32' : t === 'bigint' ? 'int64' : t;
}

/**
 * type, format and (for arrays) items of a column or argument type; an enum's labels as `enum`,
 * as PostgREST lists them, so generated types name the values rather than any string.
 */
function typed(cache: SchemaCache, t: string): Schema {
	const out: Schema = { format: swaggerFormat(t) };
	const type = swaggerType(t);
	if (type) out.type = type;
	const labels = cache.enums?.get(t);
	if (labels) out.enum = labels;
	if (type === 'array') {
		const base = t.slice(0, -2);
		const item = swaggerType(base);
		const itemLabels = cache.enums?.get(base);
		out.items = item ? { type: item, ...(itemLabels ? { enum: itemLabels } : {}) } : {};
	}
	return out;
}

/** The first line is the summary, the rest (leading blank lines dropped) the description. */
function splitComment(comment: string | null | undefined): {
	summary?: string;
	description?: string;
} {
	if (!comment) return {};
	const [first, ...rest] = comment.split('\n');
	const description = rest.join('\n').replace(/^\n+/, '');
	return description ? { summary: first, description } : { summary: first };
}

function property(cache: SchemaCache, rel: Relation, col: Column): Schema {
	const notes = ['Note:'];
	if (rel.pk.includes(col.name)) notes.push('This is a Primary Key.<pk/>');
	const fk = cache.foreignKeys.find(
		(f) =>
			f.schema === rel.schema &&
			f.table === rel.name &&
			f.columns.length === 1 &&
			f.columns[0] === col.name
	);
	if (fk) {
		const [t, c] = [fk.refTable, fk.refColumns[0]];
		notes.push(`This is a Foreign Key to \`${t}.${c}\`.<fk table='${t}' column='${c}'/>`);
	}
	const out: Schema = typed(cache, col.type);
	const description =
		notes.length > 1
			? `${col.comment ? `${col.comment}\n\n` : ''}${notes.join('\n')}`
			: col.comment;
	if (description) out.description = description;
	return out;
}

function definition(cache: SchemaCache, rel: Relation): Schema {
	const cols = [...rel.columns.values()];
	const out: Schema = {
		properties: Object.fromEntries(cols.map((c) => [c.name, property(cache, rel, c)])),
		type: 'object'
	};
	const required = cols.filter((c) => c.notNull && c.default === null && !c.generated);
	if (required.length) out.required = required.map((c) => c.name);
	if (rel.comment) out.description = rel.comment;
	return out;
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });
const ok = (schema?: Schema) => ({ '200': { description: 'OK', ...(schema ? { schema } : {}) } });

function relationPath(rel: Relation): Schema {
	const filters = [...rel.columns.keys()].map((c) => ref(`rowFilter.${rel.name}.${c}`));
	const tags = [rel.name];
	const text = splitComment(rel.comment);
	const path: Schema = {
		get: {
			...text,
			tags,
			parameters: [
				...filters,
				ref('select'),
				ref('order'),
				ref('range'),
				ref('rangeUnit'),
				ref('offset'),
				ref('limit'),
				ref('preferCount')
			],
			responses: {
				...ok({ type: 'array', items: { $ref: `#/definitions/${rel.name}` } }),
				'206': { description: 'Partial Content' }
			}
		}
	};
	if (rel.kind === 'table' || rel.kind === 'view') {
		path.post = {
			...text,
			tags,
			parameters: [ref(`body.${rel.name}`), ref('select'), ref('preferPost')],
			responses: { '201': { description: 'Created' } }
		};
		path.patch = {
			...text,
			tags,
			parameters: [...filters, ref(`body.${rel.name}`), ref('preferReturn')],
			responses: { '204': { description: 'No Content' } }
		};
		path.delete = {
			...text,
			tags,
			parameters: [...filters, ref('preferReturn')],
			responses: { '204': { description: 'No Content' } }
		};
	}
	return path;
}

function functionPath(cache: SchemaCache, fn: Func): Schema {
	const named = fn.args.filter((a) => a.name !== '');
	const text = splitComment(fn.comment);
	const args: Schema = {
		type: 'object',
		properties: Object.fromEntries(named.map((a) => [a.name, typed(cache, a.type)]))
	};
	const required = named.filter((a) => !a.hasDefault).map((a) => a.name);
	if (required.length) args.required = required;
	if (fn.comment) args.description = fn.comment;
	const tags = ['(rpc) ' + fn.name];
	return {
		get: {
			...text,
			tags,
			parameters: named.map((a) => ({
				name: a.name,
				in: 'query',
				required: !a.hasDefault,
				...typed(cache, a.type),
				...(swaggerType(a.type) ? {} : { type: 'string' })
			})),
			responses: ok()
		},
		post: {
			...text,
			tags,
			parameters: [{ name: 'args', in: 'body', required: true, schema: args }, ref('preferParams')],
			responses: ok()
		}
	};
}

const GLOBAL_PARAMETERS: Schema = {
	preferParams: {
		name: 'Prefer',
		description: 'Preference',
		required: false,
		enum: ['params=single-object'],
		in: 'header',
		type: 'string'
	},
	preferReturn: {
		name: 'Prefer',
		description: 'Preference',
		required: false,
		enum: ['return=representation', 'return=minimal', 'return=none'],
		in: 'header',
		type: 'string'
	},
	preferCount: {
		name: 'Prefer',
		description: 'Preference',
		required: false,
		enum: ['count=none'],
		in: 'header',
		type: 'string'
	},
	preferPost: {
		name: 'Prefer',
		description: 'Preference',
		required: false,
		enum: [
			'return=representation',
			'return=minimal',
			'return=none',
			'resolution=ignore-duplicates',
			'resolution=merge-duplicates'
		],
		in: 'header',
		type: 'string'
	},
	select: {
		name: 'select',
		description: 'Filtering Columns',
		required: false,
		in: 'query',
		type: 'string'
	},
	on_conflict: {
		name: 'on_conflict',
		description: 'On Conflict',
		required: false,
		in: 'query',
		type: 'string'
	},
	order: { name: 'order', description: 'Ordering', required: false, in: 'query', type: 'string' },
	range: {
		name: 'Range',
		description: 'Limiting and Pagination',
		required: false,
		in: 'header',
		type: 'string'
	},
	rangeUnit: {
		name: 'Range-Unit',
		description: 'Limiting and Pagination',
		required: false,
		default: 'items',
		in: 'header',
		type: 'string'
	},
	offset: {
		name: 'offset',
		description: 'Limiting and Pagination',
		required: false,
		in: 'query',
		type: 'string'
	},
	limit: {
		name: 'limit',
		description: 'Limiting and Pagination',
		required: false,
		in: 'query',
		type: 'string'
	}
};

/** The whole document for `schema`, listing what `accessible` says the role may use. */
export function openApiDocument(
	cache: SchemaCache,
	schema: string,
	accessible: Accessible,
	host: string
): string {
	const rels = [...cache.relations.values()]
		.filter(
			(r) => r.schema === schema && r.kind !== 'composite' && accessible.relations.includes(r.name)
		)
		.sort((a, b) => a.name.localeCompare(b.name));
	const fns = [...cache.functions.values()]
		.flat()
		.filter((f) => f.schema === schema && accessible.functions.includes(f.name))
		.sort((a, b) => a.name.localeCompare(b.name));
	const parameters: Schema = { ...GLOBAL_PARAMETERS };
	const definitions: Schema = {};
	const paths: Schema = {
		'/': {
			get: {
				tags: ['Introspection'],
				summary: 'OpenAPI description (this document)',
				produces: ['application/openapi+json', 'application/json'],
				responses: ok()
			}
		}
	};
	for (const rel of rels) {
		definitions[rel.name] = definition(cache, rel);
		paths[`/${rel.name}`] = relationPath(rel);
		parameters[`body.${rel.name}`] = {
			name: rel.name,
			description: rel.name,
			required: false,
			in: 'body',
			schema: { $ref: `#/definitions/${rel.name}` }
		};
		for (const col of rel.columns.values())
			parameters[`rowFilter.${rel.name}.${col.name}`] = {
				name: col.name,
				required: false,
				in: 'query',
				type: 'string',
				...(col.comment ? { description: col.comment } : {}),
				format: col.type
			};
	}
	// Overloads share a path: PostgREST describes the first one it finds.
	for (const fn of fns) paths[`/rpc/${fn.name}`] ??= functionPath(cache, fn);
	const title = splitComment(accessible.comment);
	return JSON.stringify({
		swagger: '2.0',
		info: {
			description: title.description ?? '',
			title: title.summary ?? 'PostgREST API',
			version: '12.2.0'
		},
		host,
		basePath: '/',
		schemes: ['http'],
		consumes: [
			'application/json',
			'application/vnd.pgrst.object+json;nulls=stripped',
			'application/vnd.pgrst.object+json',
			'text/csv'
		],
		produces: [
			'application/json',
			'application/vnd.pgrst.object+json;nulls=stripped',
			'application/vnd.pgrst.object+json',
			'text/csv'
		],
		paths,
		definitions,
		parameters,
		externalDocs: {
			description: 'PostgREST Documentation',
			url: 'https://postgrest.org/en/v12/references/api.html'
		}
	});
}
