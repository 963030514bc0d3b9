// GET /rest/v1/ answers the OpenAPI (Swagger 2.0) description PostgREST produces: definitions
// for tables and views with comments as descriptions, a path per relation and per function with
// its arguments, only what the requesting role may use, and every $ref resolving.
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { db, rest, useRestFixture } from './support.ts';

useRestFixture();

type Doc = {
	swagger: string;
	paths: Record<string, Record<string, { parameters?: unknown[]; summary?: string }>>;
	definitions: Record<
		string,
		{
			properties: Record<string, Record<string, unknown>>;
			description?: string;
			required?: string[];
		}
	>;
	parameters: Record<string, unknown>;
};

async function documentAs(token?: string): Promise<Doc> {
	const r = await rest('/', { token });
	expect(r.status).toBe(200);
	expect(r.headers.get('content-type')).toBe('application/openapi+json; charset=utf-8');
	return (await r.json()) as Doc;
}

/** Every `$ref` in the document, which must each name something the document defines. */
function refs(v: unknown, out: string[] = []): string[] {
	if (Array.isArray(v)) v.forEach((x) => refs(x, out));
	else if (v && typeof v === 'object')
		for (const [k, x] of Object.entries(v)) {
			if (k === '$ref' && typeof x === 'string') out.push(x);
			else refs(x, out);
		}
	return out;
}

describe('OpenAPI description', () => {
	it('describes tables and views, with comments and key notes as PostgREST writes them', async () => {
		const doc = await documentAs();
		expect(doc.swagger).toBe('2.0');
		const authors = doc.definitions.rest_t_authors;
		expect(authors.description).toBe('People who write posts');
		expect(authors.required).toEqual(['name']);
		expect(authors.properties.id).toEqual({
			format: 'int32',
			type: 'integer',
			description: 'Note:\nThis is a Primary Key.<pk/>'
		});
		expect(authors.properties.bio).toEqual({
			format: 'text',
			type: 'string',
			description: 'A line about the author'
		});
		expect(doc.definitions.rest_t_posts.properties.author_id.description).toBe(
			"Note:\nThis is a Foreign Key to `rest_t_authors.id`.<fk table='rest_t_authors' column='id'/>"
		);
		expect(doc.definitions.rest_t_posts.properties.tags).toEqual({
			format: 'text[]',
			type: 'array',
			items: { type: 'string' }
		});
		expect(doc.definitions.rest_t_posts_view.properties).toHaveProperty('title');
		expect(Object.keys(doc.paths['/rest_t_posts'])).toEqual(['get', 'post', 'patch', 'delete']);
		for (const r of refs(doc)) {
			const [, section, name] = /^#\/(definitions|parameters)\/(.+)$/.exec(r) ?? [];
			expect(section, r).toBeDefined();
			expect(
				(doc as unknown as Record<string, Record<string, unknown>>)[section][name],
				r
			).toBeDefined();
		}
	});

	it('lists every function with its arguments, the comment as summary and description', async () => {
		const doc = await documentAs();
		const add = doc.paths['/rpc/rest_t_add'];
		expect(add.post.summary).toBe('Adds two numbers');
		expect(add.post.parameters?.[0]).toEqual({
			name: 'args',
			in: 'body',
			required: true,
			schema: {
				type: 'object',
				properties: {
					a: { format: 'int32', type: 'integer' },
					b: { format: 'int32', type: 'integer' }
				},
				required: ['a'],
				description: 'Adds two numbers\n\nb defaults to 10.'
			}
		});
		expect(add.get.parameters).toEqual([
			{ name: 'a', in: 'query', required: true, format: 'int32', type: 'integer' },
			{ name: 'b', in: 'query', required: false, format: 'int32', type: 'integer' }
		]);
	});

	it('lists only what the requesting role may use', async () => {
		await db`revoke all on rest_t_items from anon`;
		try {
			expect((await documentAs()).definitions).not.toHaveProperty('rest_t_items');
			expect((await documentAs(SERVICE_ROLE_KEY)).definitions).toHaveProperty('rest_t_items');
		} finally {
			await db`grant all on rest_t_items to anon`;
		}
	});
});
