// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Writes: inserts, upserts, updates, deletes, PUT, and how constraint errors map to statuses.
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { ALICE, rest, anon, service, alice, bob, aliceToken, useRestFixture } from './support.ts';

useRestFixture();

describe('writes', () => {
	it('inserts (minimal by default) and returns a representation with select()', async () => {
		const minimal = await alice.from('rest_t_notes').insert({ body: 'first' });
		expect(minimal.error).toBeNull();
		expect(minimal.status).toBe(201);
		expect(minimal.data).toBeNull();
		const { data, error, status } = await alice
			.from('rest_t_notes')
			.insert([{ body: 'second' }, { body: 'third' }])
			.select('body, owner_id');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toEqual([
			{ body: 'second', owner_id: ALICE },
			{ body: 'third', owner_id: ALICE }
		]);
	});

	it('hides other users rows and refuses inserts that break a policy', async () => {
		const { data } = await bob.from('rest_t_notes').select('*');
		expect(data).toEqual([]);
		const forged = await bob.from('rest_t_notes').insert({ body: 'x', owner_id: ALICE });
		expect(forged.status).toBe(403);
		expect(forged.error).toEqual({
			code: '42501',
			details: null,
			hint: null,
			message: 'new row violates row-level security policy for table "rest_t_notes"'
		});
		const asAnon = await anon.from('rest_t_posts').insert({ title: 'anon' });
		expect(asAnon.status).toBe(401);
		expect(asAnon.error?.code).toBe('42501');
	});

	it('inserts with missing=default and ?columns=, and rolls back with tx=rollback', async () => {
		const { data } = await alice
			.from('rest_t_posts')
			.insert([{ title: 'd1' }, { title: 'd2', rating: 3 }], { defaultToNull: false })
			.select('title, rating, published, owner_id')
			.rollback();
		expect(data).toEqual([
			{ title: 'd1', rating: null, published: false, owner_id: ALICE },
			{ title: 'd2', rating: 3, published: false, owner_id: ALICE }
		]);
		const after = await alice.from('rest_t_posts').select('id').in('title', ['d1', 'd2']);
		expect(after.data).toEqual([]);
	});

	it('upserts with merge-duplicates and ignore-duplicates', async () => {
		const merged = await service
			.from('rest_t_tags')
			.upsert({ id: 1, name: 'mathematics' })
			.select();
		expect(merged.data).toEqual([{ id: 1, name: 'mathematics' }]);
		const ignored = await service
			.from('rest_t_tags')
			.upsert([{ name: 'mathematics' }, { name: 'bio' }], {
				onConflict: 'name',
				ignoreDuplicates: true
			})
			.select('name');
		expect(ignored.data).toEqual([{ name: 'bio' }]);
		await service.from('rest_t_tags').update({ name: 'math' }).eq('id', 1);
		await service.from('rest_t_tags').delete().eq('name', 'bio');
	});

	it('updates and deletes with filters, counts and representation', async () => {
		const upd = await alice
			.from('rest_t_notes')
			.update({ body: 'edited' }, { count: 'exact' })
			.eq('body', 'first')
			.select('body');
		expect(upd.status).toBe(200);
		expect(upd.count).toBe(1);
		expect(upd.data).toEqual([{ body: 'edited' }]);
		const notMine = await bob
			.from('rest_t_notes')
			.update({ body: 'hacked' })
			.eq('body', 'edited')
			.select();
		expect(notMine.data).toEqual([]);
		const del = await alice
			.from('rest_t_notes')
			.delete({ count: 'exact' })
			.in('body', ['second', 'third']);
		expect(del.status).toBe(204);
		expect(del.count).toBe(2);
	});

	it('refuses UPDATE/DELETE without a filter (safeupdate, 400 21000)', async () => {
		const r = await rest('/rest_t_notes', {
			method: 'PATCH',
			token: aliceToken,
			headers: { 'content-type': 'application/json' },
			body: '{"body":"all"}'
		});
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({
			code: '21000',
			details: null,
			hint: null,
			message: 'UPDATE requires a WHERE clause'
		});
		const d = await rest('/rest_t_notes', { method: 'DELETE', token: aliceToken });
		expect(d.status).toBe(400);
		expect(await d.json()).toEqual({
			code: '21000',
			details: null,
			hint: null,
			message: 'DELETE requires a WHERE clause'
		});
	});

	it('PUT upserts one row by primary key', async () => {
		const r = await rest('/rest_t_tags?id=eq.77', {
			method: 'PUT',
			headers: {
				authorization: `Bearer ${SERVICE_ROLE_KEY}`,
				'content-type': 'application/json',
				prefer: 'return=representation'
			},
			body: '{"id":77,"name":"put"}'
		});
		// PostgREST answers a PUT that inserted with 201 (200 when it replaced a row).
		expect(r.status).toBe(201);
		expect(await r.json()).toEqual([{ id: 77, name: 'put' }]);
		const bad = await rest('/rest_t_tags?id=eq.77', {
			method: 'PUT',
			headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
			body: '{"id":78,"name":"put"}'
		});
		expect(bad.status).toBe(400);
		expect((await bad.json()).code).toBe('PGRST115');
		await service.from('rest_t_tags').delete().eq('id', 77);
	});

	it('maps constraint errors: 23505 → 409, 23503 → 409, 23514 → 400', async () => {
		const dup = await service.from('rest_t_tags').insert({ name: 'math' });
		expect(dup.status).toBe(409);
		expect(dup.error).toEqual({
			code: '23505',
			details: 'Key (name)=(math) already exists.',
			hint: null,
			message: 'duplicate key value violates unique constraint "rest_t_tags_name_key"'
		});
		const fk = await service.from('rest_t_comments').insert({ post_id: 9999, body: 'x' });
		expect(fk.status).toBe(409);
		expect(fk.error?.code).toBe('23503');
		const check = await alice.from('rest_t_notes').insert({ body: 'x'.repeat(200) });
		expect(check.status).toBe(400);
		expect(check.error?.code).toBe('23514');
		const typed = await anon.from('rest_t_posts').select('id').eq('id', 'abc');
		expect(typed.status).toBe(400);
		expect(typed.error?.code).toBe('22P02');
	});
});
