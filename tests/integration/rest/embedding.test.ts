// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Embedding: to-one, to-many and many-to-many, filtered, ordered, spread, hinted, and the
// PGRST200/PGRST201 errors.
import { describe, expect, it } from 'vitest';
import { rest, errorShape, db, anon, useRestFixture } from './support.ts';

useRestFixture();

describe('embedding', () => {
	it('embeds to-one and to-many, with aliases', async () => {
		const { data, error } = await anon
			.from('rest_t_posts')
			.select('id, author:rest_t_authors(name), rest_t_comments(body)')
			.in('id', [1, 5])
			.order('id');
		expect(error).toBeNull();
		expect(data).toEqual([
			{ id: 1, author: { name: 'Ada' }, rest_t_comments: [{ body: 'great' }, { body: 'nice' }] },
			{ id: 5, author: null, rest_t_comments: [] }
		]);
	});

	it('embeds many-to-many through a junction table', async () => {
		const { data } = await anon
			.from('rest_t_tags')
			.select('name, rest_t_posts(id)')
			.eq('name', 'cs')
			.single();
		expect(data).toEqual({ name: 'cs', rest_t_posts: [{ id: 3 }, { id: 4 }] });
	});

	it('filters, orders and limits embedded resources; !inner and not.is.null', async () => {
		const { data } = await anon
			.from('rest_t_authors')
			.select('name, rest_t_posts(title)')
			.order('id', { referencedTable: 'rest_t_posts', ascending: false })
			.limit(1, { referencedTable: 'rest_t_posts' })
			.order('id');
		expect(data).toEqual([
			{ name: 'Ada', rest_t_posts: [{ title: 'Bernoulli' }] },
			{ name: 'Grace', rest_t_posts: [{ title: 'Compilers' }] },
			{ name: 'Linus', rest_t_posts: [{ title: 'Kernels' }] }
		]);
		const inner = await anon
			.from('rest_t_posts')
			.select('title, rest_t_authors!inner(name)')
			.eq('rest_t_authors.name', 'Ada')
			.order('id');
		expect(inner.data).toEqual([
			{ title: 'Engines', rest_t_authors: { name: 'Ada' } },
			{ title: 'Bernoulli', rest_t_authors: { name: 'Ada' } }
		]);
		const notNull = await anon
			.from('rest_t_posts')
			.select('id, rest_t_authors(name)', { count: 'exact' })
			.not('rest_t_authors', 'is', null);
		expect(notNull.count).toBe(4);
		const isNull = await anon
			.from('rest_t_posts')
			.select('id, rest_t_authors(name)')
			.is('rest_t_authors', null);
		expect(isNull.data).toEqual([{ id: 5, rest_t_authors: null }]);
	});

	it('spreads a to-one relation and orders by a to-one column', async () => {
		const r = await rest(
			'/rest_t_posts?select=id,...rest_t_authors(author:name)&author_id=not.is.null&order=rest_t_authors(name).desc,id'
		);
		expect(await r.json()).toEqual([
			{ id: 4, author: 'Linus' },
			{ id: 3, author: 'Grace' },
			{ id: 1, author: 'Ada' },
			{ id: 2, author: 'Ada' }
		]);
	});

	it('uses !fk hints, and reports unknown relationships (PGRST200)', async () => {
		const hinted = await anon
			.from('rest_t_posts')
			.select('id, a:rest_t_authors!rest_t_posts_author_id_fkey(name)')
			.eq('id', 3);
		expect(hinted.data).toEqual([{ id: 3, a: { name: 'Grace' } }]);
		const unknown = await anon.from('rest_t_posts').select('id, rest_t_tagz(name)');
		expect(unknown.status).toBe(400);
		expect(unknown.error).toMatchObject(errorShape('PGRST200'));
		expect(unknown.error?.message).toBe(
			"Could not find a relationship between 'rest_t_posts' and 'rest_t_tagz' in the schema cache"
		);
	});

	it('reports ambiguous embeds (300 PGRST201)', async () => {
		await db.unsafe(
			`alter table rest_t_comments add column reply_to int references rest_t_posts(id);
			 notify pgrst, 'reload schema'`
		);
		try {
			let r: Response | null = null;
			for (let i = 0; i < 50; i++) {
				r = await rest('/rest_t_posts?select=id,rest_t_comments(body)');
				if (r.status === 300) break;
				await new Promise((res) => setTimeout(res, 50));
			}
			expect(r!.status).toBe(300);
			const body = (await r!.json()) as { code: string; details: unknown[]; hint: string };
			expect(body.code).toBe('PGRST201');
			expect(body.details).toHaveLength(2);
			expect(body.hint).toContain("'rest_t_comments!rest_t_comments_reply_to_fkey'");
			// Worded as PostgREST words it: each candidate's constraint and columns on both sides.
			expect(body).toEqual({
				code: 'PGRST201',
				details: [
					{
						cardinality: 'one-to-many',
						embedding: 'rest_t_posts with rest_t_comments',
						relationship:
							'rest_t_comments_post_id_fkey using rest_t_posts(id) and rest_t_comments(post_id)'
					},
					{
						cardinality: 'one-to-many',
						embedding: 'rest_t_posts with rest_t_comments',
						relationship:
							'rest_t_comments_reply_to_fkey using rest_t_posts(id) and rest_t_comments(reply_to)'
					}
				].sort((a, b) => a.relationship.localeCompare(b.relationship)),
				hint: expect.stringMatching(
					/^Try changing 'rest_t_comments' to one of the following: 'rest_t_comments!rest_t_comments_(post_id|reply_to)_fkey', 'rest_t_comments!rest_t_comments_(post_id|reply_to)_fkey'\. Find the desired relationship in the 'details' key\.$/
				),
				message:
					"Could not embed because more than one relationship was found for 'rest_t_posts' and 'rest_t_comments'"
			});
			const hinted = await rest(
				'/rest_t_posts?select=id,rest_t_comments!rest_t_comments_post_id_fkey(body)&id=eq.2'
			);
			expect(await hinted.json()).toEqual([{ id: 2, rest_t_comments: [{ body: 'ok' }] }]);
		} finally {
			await db.unsafe('alter table rest_t_comments drop column reply_to');
		}
	});

	it('suggests the closest related table for an unknown embed (PGRST200 hint)', async () => {
		const r = await anon.from('rest_t_posts').select('id, rest_t_coments(body)');
		expect(r.status).toBe(400);
		expect(r.error).toEqual({
			code: 'PGRST200',
			details:
				"Searched for a foreign key relationship between 'rest_t_posts' and 'rest_t_coments' in the schema 'public', but no matches were found.",
			hint: "Perhaps you meant 'rest_t_comments' instead of 'rest_t_coments'.",
			message:
				"Could not find a relationship between 'rest_t_posts' and 'rest_t_coments' in the schema cache"
		});
		const hinted = await anon.from('rest_t_posts').select('id, rest_t_authors!nope(name)');
		expect(hinted.error?.details).toBe(
			"Searched for a foreign key relationship between 'rest_t_posts' and 'rest_t_authors' using the hint 'nope' in the schema 'public', but no matches were found."
		);
	});

	it('leaves empty embeds out of the output: they only filter', async () => {
		const { data, error } = await anon
			.from('rest_t_posts')
			.select('id, rest_t_tags!inner()')
			.order('id');
		expect(error).toBeNull();
		expect(data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
		const left = await anon.from('rest_t_authors').select('name, rest_t_posts()').eq('id', 1);
		expect(left.data).toEqual([{ name: 'Ada' }]);
	});

	it('refuses the same table embedded twice without aliases, as PostgREST does', async () => {
		const twice = await anon
			.from('rest_t_posts')
			.select('id, rest_t_authors(name), rest_t_authors(bio)');
		expect(twice.status).toBe(400);
		expect(twice.error).toEqual({
			code: '42712',
			details: null,
			hint: null,
			message: 'table name "rest_t_posts_rest_t_authors_1" specified more than once'
		});
		const aliased = await anon
			.from('rest_t_posts')
			.select('id, a:rest_t_authors(name), b:rest_t_authors(bio)')
			.eq('id', 1)
			.single();
		expect(aliased.data).toEqual({ id: 1, a: { name: 'Ada' }, b: { bio: 'math' } });
	});
});
