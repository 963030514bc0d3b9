// Media types PostgREST answers besides JSON: nulls=stripped arrays and objects, and CSV printed
// the way Postgres prints records (quoting, booleans, arrays), header first.
import { describe, expect, it } from 'vitest';
import { db, rest, useRestFixture } from './support.ts';

useRestFixture();

describe('media types', () => {
	it('strips null keys with nulls=stripped, for arrays and single objects', async () => {
		const arr = await rest('/rest_t_authors?select=id,bio&id=in.(1,2)&order=id', {
			headers: { accept: 'application/vnd.pgrst.array+json;nulls=stripped' }
		});
		expect(arr.status).toBe(200);
		expect(arr.headers.get('content-type')).toBe(
			'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8'
		);
		expect(await arr.json()).toEqual([{ id: 1, bio: 'math' }, { id: 2 }]);
		const one = await rest('/rest_t_authors?select=id,bio,owner_id&id=eq.2', {
			headers: { accept: 'application/vnd.pgrst.object+json;nulls=stripped' }
		});
		expect(await one.json()).toEqual({ id: 2 });
		const plain = await rest('/rest_t_authors?select=id,bio&id=eq.2');
		expect(await plain.json()).toEqual([{ id: 2, bio: null }]);
	});

	it('prints CSV as PostgREST does: quoted where Postgres quotes, t/f, arrays in braces', async () => {
		await db`insert into rest_t_authors (id, name, bio) values (40, 'O"Neil, Jr', 'two words')`;
		try {
			const r = await rest('/rest_t_authors?select=id,name,bio&id=in.(2,40)&order=id', {
				headers: { accept: 'text/csv' }
			});
			expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect(await r.text()).toBe('id,name,bio\n2,Grace,\n40,"O""Neil, Jr","two words"');
			const posts = await rest('/rest_t_posts?select=id,published,tags&id=eq.1', {
				headers: { accept: 'text/csv' }
			});
			expect(await posts.text()).toBe('id,published,tags\n1,t,"{math,history}"');
			const none = await rest('/rest_t_authors?id=eq.999', { headers: { accept: 'text/csv' } });
			expect(await none.text()).toBe('\n');
		} finally {
			await db`delete from rest_t_authors where id = 40`;
		}
	});

	it('refuses media types it cannot produce (406 PGRST107)', async () => {
		const r = await rest('/rest_t_authors', { headers: { accept: 'application/xml' } });
		expect(r.status).toBe(406);
		expect(await r.json()).toEqual({
			code: 'PGRST107',
			details: null,
			hint: null,
			message: 'None of these media types are available: application/xml'
		});
	});
});
