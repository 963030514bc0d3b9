// Upserts answer as PostgREST does: 201 when a row was inserted, 200 when every row only
// updated; missing=default fills keys a row lacks from the column defaults, identity included.
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { db, rest, service, useRestFixture } from './support.ts';

useRestFixture();

describe('upserts and missing=default', () => {
	it('answers 201 when the upsert inserted and 200 when it only updated', async () => {
		const inserted = await service
			.from('rest_t_tags')
			.upsert([{ id: 90, name: 'up-new' }])
			.select();
		expect(inserted.status).toBe(201);
		const updated = await service
			.from('rest_t_tags')
			.upsert([{ id: 90, name: 'up-changed' }])
			.select();
		expect(updated.status).toBe(200);
		expect(updated.data).toEqual([{ id: 90, name: 'up-changed' }]);
		const minimal = await service.from('rest_t_tags').upsert({ id: 90, name: 'up-again' });
		expect(minimal.status).toBe(200);
		const mixed = await service.from('rest_t_tags').upsert([
			{ id: 90, name: 'up-mixed' },
			{ id: 91, name: 'up-other' }
		]);
		expect(mixed.status).toBe(201);
		// ignore-duplicates is not an upsert that updates: it answers 201 as an insert does.
		const ignored = await service
			.from('rest_t_tags')
			.upsert({ id: 90, name: 'ignored' }, { ignoreDuplicates: true });
		expect(ignored.status).toBe(201);
		await db`delete from rest_t_tags where id in (90, 91)`;
	});

	it('answers PUT with 201 when it inserted and 200 when it replaced', async () => {
		const put = (name: string) =>
			rest('/rest_t_tags?id=eq.92', {
				method: 'PUT',
				headers: {
					authorization: `Bearer ${SERVICE_ROLE_KEY}`,
					'content-type': 'application/json',
					prefer: 'return=representation'
				},
				body: JSON.stringify({ id: 92, name })
			});
		expect((await put('put-new')).status).toBe(201);
		const replaced = await put('put-replaced');
		expect(replaced.status).toBe(200);
		expect(await replaced.json()).toEqual([{ id: 92, name: 'put-replaced' }]);
		await db`delete from rest_t_tags where id = 92`;
	});

	it('fills each row from the defaults with missing=default, identity keys included', async () => {
		const { data, error, status } = await service
			.from('rest_t_slugs')
			.insert([{ id: 100 }, { slug: 'x' }], { defaultToNull: false })
			.select('id, slug');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toEqual([
			{ id: 100, slug: 'none' },
			{ id: expect.any(Number), slug: 'x' }
		]);
		// Without it the missing keys are NULL, and the not-null key refuses them.
		const nulls = await service.from('rest_t_slugs').insert([{ id: 101 }, { slug: 'y' }]);
		expect(nulls.status).toBe(400);
		expect(nulls.error?.code).toBe('23502');
		await db`delete from rest_t_slugs`;
	});
});
