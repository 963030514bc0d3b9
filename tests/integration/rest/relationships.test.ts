// Relationships as PostgREST resolves them beyond plain foreign keys: computed fields and computed
// relationships (functions of a row), embedding by constraint name, relationships through views,
// self-references, and spreading a to-many relation into arrays.
import { describe, expect, it } from 'vitest';
import { anon, useRestFixture } from './support.ts';

useRestFixture();

describe('relationships', () => {
	it('selects, filters and orders by a computed field', async () => {
		const { data, error } = await anon
			.from('rest_t_authors')
			.select('id, rest_t_label')
			.like('rest_t_label', '*(-)')
			.order('rest_t_label');
		expect(error).toBeNull();
		expect(data).toEqual([{ id: 2, rest_t_label: 'Grace (-)' }]);
		const all = await anon.from('rest_t_authors').select('*').eq('id', 1).single();
		// `*` stays the table's columns: a computed field is selected by name only.
		expect(all.data).toEqual({ id: 1, name: 'Ada', owner_id: null, bio: 'math' });
	});

	it('embeds computed relationships, to-one (ROWS 1) and to-many', async () => {
		const { data, error } = await anon
			.from('rest_t_authors')
			.select('name, rest_t_top_post(title), rest_t_post_list(id)')
			.eq('id', 1)
			.single();
		expect(error).toBeNull();
		expect(data).toEqual({
			name: 'Ada',
			rest_t_top_post: { title: 'Engines' },
			rest_t_post_list: [{ id: 1 }, { id: 2 }]
		});
	});

	it('embeds by foreign-key constraint name and by column name', async () => {
		const byConstraint = await anon
			.from('rest_t_posts')
			.select('id, rest_t_posts_author_id_fkey(name)')
			.eq('id', 3)
			.single();
		expect(byConstraint.data).toEqual({ id: 3, rest_t_posts_author_id_fkey: { name: 'Grace' } });
		const byColumn = await anon
			.from('rest_t_posts')
			.select('id, author_id(name)')
			.eq('id', 3)
			.single();
		expect(byColumn.data).toEqual({ id: 3, author_id: { name: 'Grace' } });
	});

	it('follows foreign keys through a view, both ways, and only by the view name', async () => {
		const fromView = await anon
			.from('rest_t_posts_view')
			.select('title, rest_t_authors(name)')
			.eq('id', 4)
			.single();
		expect(fromView.error).toBeNull();
		expect(fromView.data).toEqual({ title: 'Kernels', rest_t_authors: { name: 'Linus' } });
		const toView = await anon
			.from('rest_t_authors')
			.select('name, rest_t_posts_view(title)')
			.eq('id', 2)
			.single();
		// RLS of the underlying table applies (security_invoker): the draft stays hidden.
		expect(toView.data).toEqual({ name: 'Grace', rest_t_posts_view: [{ title: 'Compilers' }] });
		const byColumn = await anon.from('rest_t_authors').select('name, author_id(title)');
		expect(byColumn.error?.code).toBe('PGRST200');
	});

	it('resolves self-references: the name means children, the column the parent', async () => {
		const { data, error } = await anon
			.from('rest_t_people')
			.select('name, parent_id(name), rest_t_people(name)')
			.eq('id', 2)
			.single();
		expect(error).toBeNull();
		expect(data).toEqual({
			name: 'Kid A',
			parent_id: { name: 'Root' },
			rest_t_people: [{ name: 'Grandkid' }]
		});
		const hinted = await anon
			.from('rest_t_people')
			.select('name, children:rest_t_people!parent_id(name)')
			.eq('id', 1)
			.single();
		expect(hinted.data).toEqual({
			name: 'Root',
			children: [{ name: 'Kid A' }, { name: 'Kid B' }]
		});
	});

	it('spreads a to-many relation into one array per column', async () => {
		const { data, error } = await anon
			.from('rest_t_authors')
			.select('name, ...rest_t_posts(title, rating)')
			.in('id', [1, 2])
			.order('id')
			.order('id', { referencedTable: 'rest_t_posts' });
		expect(error).toBeNull();
		expect(data).toEqual([
			{ name: 'Ada', title: ['Engines', 'Bernoulli'], rating: [5, 4] },
			{ name: 'Grace', title: ['Compilers'], rating: [null] }
		]);
	});
});
