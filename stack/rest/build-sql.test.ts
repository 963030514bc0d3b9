import { describe, expect, it } from 'vitest';
import {
	Builder,
	buildDelete,
	buildRead,
	qrel,
	referencedParams,
	type ReadOptions
} from './build-sql.ts';
import { parseQuery } from './parse-query.ts';
import { planRead, relationTarget } from './plan.ts';
import { locationOf } from './response.ts';
import type { Column, Relation, SchemaCache } from './schema-cache.ts';
import { RestError } from './errors.ts';

const col = (name: string, type = 'text'): Column => ({
	name,
	type,
	notNull: false,
	default: null,
	generated: false
});
const rel = (name: string, cols: Column[], pk = ['id']): Relation => ({
	schema: 'public',
	name,
	kind: 'table',
	columns: new Map(cols.map((c) => [c.name, c])),
	pk,
	uniques: [pk]
});
const authors = rel('authors', [col('id', 'integer'), col('name')]);
const posts = rel('posts', [
	col('id', 'integer'),
	col('author_id', 'integer'),
	col('title'),
	col('tags', 'text[]')
]);
const cache: SchemaCache = {
	schemas: ['public'],
	relations: new Map([
		['public\u0000authors', authors],
		['public\u0000posts', posts]
	]),
	foreignKeys: [
		{
			name: 'posts_author_id_fkey',
			schema: 'public',
			table: 'posts',
			columns: ['author_id'],
			refSchema: 'public',
			refTable: 'authors',
			refColumns: ['id']
		}
	],
	functions: new Map(),
	types: new Set(['text', 'int4']),
	roleSettings: new Map(),
	config: { aggregatesEnabled: false, planEnabled: false, txEnd: 'commit-allow-override' }
};

/** Plans the read of `rel` with the query string, then builds its statement. */
const readFrom = (r: Relation, qs: string, o: ReadOptions) => {
	const tree = planRead(cache, 'public', relationTarget(r), parseQuery(new URLSearchParams(qs)));
	return buildRead(new Builder(cache), qrel(r.schema, r.name), tree, o);
};
const read = (qs: string) =>
	readFrom(posts, qs, { count: null, head: false, limit: 10, offset: 0 });

describe('buildRead', () => {
	it('quotes identifiers and sends every value as a parameter', () => {
		const plan = read(`select=id,title&title=eq.'; drop table posts; --&id=in.(1,2)`);
		expect(plan.sql).toContain('t0."title" = $1');
		expect(plan.sql).toContain('t0."id" = ANY($2::integer[])');
		expect(plan.sql).not.toContain('drop table');
		expect(plan.params).toEqual(["'; drop table posts; --", '{"1","2"}', '10']);
	});

	it('refuses identifiers the schema cache does not know', () => {
		expect(() => read('select=nope')).toThrow(RestError);
		expect(() => read('select=id&x"y=eq.1')).toThrow(RestError);
		expect(() => read('select=id::"int4; drop"')).toThrow(RestError);
	});

	it('embeds to-one and to-many as lateral subqueries', () => {
		const plan = read('select=id,authors(name)');
		expect(plan.sql).toContain('LEFT JOIN LATERAL (SELECT row_to_json(s1) AS body');
		expect(plan.sql).toContain('e1."id" = t0."author_id"');
		const many = readFrom(authors, 'select=name,posts(title)', {
			count: 'exact',
			head: false,
			limit: null,
			offset: 0
		});
		expect(many.sql).toContain('json_agg(s1)');
		expect(many.sql).toContain('(SELECT count(*) FROM "public"."authors" t0');
	});

	it('explains the filtered count query for planned and estimated counts', () => {
		const planned = readFrom(posts, 'select=id,title&title=eq.x&order=id', {
			count: 'planned',
			head: true,
			limit: 25,
			offset: 5
		});
		expect(planned.sql).toContain('SELECT NULL::int8 AS total');
		// Every parameter is bound; the ones the count query does not use ride in the target list.
		expect(planned.explain).toEqual({
			sql: 'EXPLAIN (FORMAT JSON) SELECT 1, $2::text, $3::text FROM "public"."posts" t0  WHERE t0."title" = $1',
			params: ['x', '25', '5']
		});
		const estimated = readFrom(posts, 'id=gt.1', {
			count: 'estimated',
			maxRows: 1000,
			head: false,
			limit: 1000,
			offset: 0
		});
		expect(estimated.sql).toContain(
			'(SELECT count(*) FROM (SELECT 1 FROM "public"."posts" t0  WHERE t0."id" > $1 LIMIT $3::int8) _c)'
		);
		expect(estimated.params).toEqual(['1', '1000', '1001']);
		expect(estimated.explain?.sql).toBe(
			'EXPLAIN (FORMAT JSON) SELECT 1, $2::text, $3::text FROM "public"."posts" t0  WHERE t0."id" > $1'
		);
		const exact = read('select=id&id=gt.1');
		expect(exact.explain).toBeUndefined();
	});

	it('finds parameter references outside quoted identifiers and literals', () => {
		expect([...referencedParams(`t0."a$1" = $2 AND x = '$3' AND "q""$4" = $10`)]).toEqual([2, 10]);
	});

	it('builds PostgREST Location headers', () => {
		expect(
			locationOf('items', [
				['org', 'a b&c/é'],
				['id', '5'],
				['gone', null]
			])
		).toBe('/items?org=eq.a%20b%26c%2F%C3%A9&id=eq.5&gone=is.null');
		expect(locationOf('my items', [['id', '1']])).toBe('/my%20items?id=eq.1');
	});

	it('reports unknown relationships as PGRST200', () => {
		try {
			read('select=id,comments(*)');
			expect.unreachable();
		} catch (e) {
			expect((e as RestError).body).toMatchObject({ code: 'PGRST200' });
		}
	});

	it('builds deletes against the aliased relation', () => {
		expect(buildDelete(posts, ['t0."id" = $1'])).toBe(
			'DELETE FROM "public"."posts" AS t0 WHERE t0."id" = $1'
		);
	});
});
