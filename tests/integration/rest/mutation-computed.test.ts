// Computed fields and computed relationships in the rows a write returns. PostgREST runs the
// write in a CTE and reads the representation from it, so `select=` after insert, update, upsert
// and delete may name functions of the table's row exactly as a read may.
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { errorShape, rest, service, useRestFixture } from './support.ts';

useRestFixture();

describe('computed fields in a write’s representation', () => {
	it('insert returns a computed field and a computed relationship of the new row', async () => {
		const { data, error, status } = await service
			.from('rest_t_authors')
			.insert({ id: 40, name: 'Barbara', bio: 'clu' })
			.select('id, rest_t_label, rest_t_post_list(id), rest_t_top_post(title)')
			.single();
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toEqual({
			id: 40,
			rest_t_label: 'Barbara (clu)',
			rest_t_post_list: [],
			rest_t_top_post: null
		});
	});

	it('update returns the computed field over the updated values', async () => {
		const { data, error } = await service
			.from('rest_t_authors')
			.update({ bio: 'engines' })
			.eq('id', 1)
			.select('name, rest_t_label, rest_t_top_post(title), rest_t_post_list(id)');
		expect(error).toBeNull();
		expect(data).toEqual([
			{
				name: 'Ada',
				rest_t_label: 'Ada (engines)',
				rest_t_top_post: { title: 'Engines' },
				rest_t_post_list: [{ id: 1 }, { id: 2 }]
			}
		]);
	});

	it('upsert returns computed fields for the inserted and the updated row alike', async () => {
		const { data, error, status } = await service
			.from('rest_t_authors')
			.upsert([
				{ id: 2, name: 'Grace', bio: 'cobol' },
				{ id: 41, name: 'Frances', bio: null }
			])
			.select('id, label:rest_t_label, posts:rest_t_post_list(title)')
			.order('id');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toEqual([
			{ id: 2, label: 'Grace (cobol)', posts: [{ title: 'Compilers' }, { title: 'Secret' }] },
			{ id: 41, label: 'Frances (-)', posts: [] }
		]);
	});

	it('delete returns the computed field of the row as it was', async () => {
		await service.from('rest_t_authors').insert({ id: 42, name: 'Kathleen', bio: 'asm' });
		const { data, error } = await service
			.from('rest_t_authors')
			.delete()
			.eq('id', 42)
			.select('id, rest_t_label, rest_t_post_list(id)');
		expect(error).toBeNull();
		expect(data).toEqual([{ id: 42, rest_t_label: 'Kathleen (asm)', rest_t_post_list: [] }]);
		const gone = await service.from('rest_t_authors').select('id').eq('id', 42);
		expect(gone.data).toEqual([]);
	});

	it('a function that does not exist: 42703 for a field, PGRST200 for a relationship, nothing written', async () => {
		const field = await service
			.from('rest_t_authors')
			.insert({ id: 43, name: 'Jean' })
			.select('id, rest_t_nope');
		expect(field.status).toBe(400);
		expect(field.error).toMatchObject({
			...errorShape('42703'),
			message: 'column rest_t_authors.rest_t_nope does not exist'
		});
		const rel = await service
			.from('rest_t_authors')
			.update({ bio: 'x' })
			.eq('id', 3)
			.select('id, rest_t_nope(*)');
		expect(rel.status).toBe(400);
		expect(rel.error).toMatchObject({
			...errorShape('PGRST200'),
			message:
				"Could not find a relationship between 'rest_t_authors' and 'rest_t_nope' in the schema cache"
		});
		// A select PostgREST cannot parse is PGRST100 before anything runs.
		const parse = await rest('/rest_t_authors?select=id,rest_t_post_list(id', {
			method: 'POST',
			token: SERVICE_ROLE_KEY,
			headers: { 'content-type': 'application/json', prefer: 'return=representation' },
			body: JSON.stringify({ id: 44, name: 'Mary' })
		});
		expect(parse.status).toBe(400);
		expect(await parse.json()).toMatchObject(errorShape('PGRST100'));
		const after = await service.from('rest_t_authors').select('id, bio').in('id', [3, 43, 44]);
		expect(after.data).toEqual([{ id: 3, bio: 'kernel' }]);
	});
});
