// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Profiles, JWTs and bad input: the errors PostgREST answers with.
import { describe, expect, it } from 'vitest';
import {
	ALICE,
	mint,
	rest,
	errorShape,
	waitForTable,
	db,
	anon,
	alice,
	aliceToken,
	useRestFixture
} from './support.ts';

useRestFixture();

describe('profiles, auth and bad input', () => {
	it('rejects schemas that are not exposed (406 PGRST106)', async () => {
		const r = await rest('/rest_t_posts', { headers: { 'Accept-Profile': 'auth' } });
		expect(r.status).toBe(406);
		expect(await r.json()).toEqual({
			code: 'PGRST106',
			details: null,
			hint: null,
			message: 'The schema must be one of the following: public, graphql_public'
		});
		const ok = await anon.schema('public').from('rest_t_authors').select('id').limit(1);
		expect(ok.error).toBeNull();
	});

	it('rejects expired, badly signed and unknown-role JWTs with 401', async () => {
		const expired = await rest('/rest_t_posts', {
			token: await mint({ sub: ALICE, role: 'authenticated' }, -120)
		});
		expect(expired.status).toBe(401);
		expect(expired.headers.get('www-authenticate')).toContain('Bearer');
		expect(await expired.json()).toEqual({
			code: 'PGRST303',
			details: null,
			hint: null,
			message: 'JWT expired'
		});
		const skewed = await rest('/rest_t_posts?limit=1', {
			token: await mint({ sub: ALICE, role: 'authenticated' }, -10)
		});
		expect(skewed.status).toBe(200);
		const forged = await rest('/rest_t_posts', {
			token: await mint(
				{ role: 'service_role' },
				3600,
				'another-secret-another-secret-another-secret'
			)
		});
		expect(forged.status).toBe(401);
		expect((await forged.json()).code).toBe('PGRST301');
		const garbage = await rest('/rest_t_posts', { token: 'not-a-jwt' });
		expect(garbage.status).toBe(401);
		expect(await garbage.json()).toMatchObject(errorShape('PGRST301'));
		const role = await rest('/rest_t_posts', { token: await mint({ role: 'postgres' }) });
		expect(role.status).toBe(401);
	});

	it('reports malformed JSON, unknown columns, tables and parameters', async () => {
		const json = await rest('/rest_t_posts', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"title":'
		});
		expect(json.status).toBe(400);
		expect(await json.json()).toMatchObject({
			code: 'PGRST102',
			hint: null,
			message: 'Empty or invalid json'
		});
		const col = await alice.from('rest_t_notes').insert({ nope: 1 });
		expect(col.status).toBe(400);
		expect(col.error).toEqual({
			code: 'PGRST204',
			details: null,
			hint: null,
			message: "Could not find the 'nope' column of 'rest_t_notes' in the schema cache"
		});
		const readCol = await anon.from('rest_t_posts').select('nope');
		expect(readCol.status).toBe(400);
		expect(readCol.error).toEqual({
			code: '42703',
			details: null,
			hint: null,
			message: 'column rest_t_posts.nope does not exist'
		});
		const table = await anon.from('rest_t_nope').select('*');
		expect(table.status).toBe(404);
		expect(table.error).toEqual({
			code: 'PGRST205',
			details: null,
			hint: "Perhaps you meant the table 'public.rest_t_notes'",
			message: "Could not find the table 'public.rest_t_nope' in the schema cache"
		});
		const param = await rest('/rest_t_posts?id=zz.1');
		expect(param.status).toBe(400);
		expect(await param.json()).toMatchObject(errorShape('PGRST100'));
	});

	it('refuses bodies over the limit with 413', async () => {
		const big = JSON.stringify({ body: 'x'.repeat(11 * 1024 * 1024) });
		const r = await rest('/rest_t_notes', {
			method: 'POST',
			token: aliceToken,
			headers: { 'content-type': 'application/json' },
			body: big
		});
		expect(r.status).toBe(413);
	});

	it('reloads the schema cache on NOTIFY pgrst', async () => {
		await db
			.unsafe('create table rest_t_late (id int primary key); grant select on rest_t_late to anon')
			.simple();
		try {
			await waitForTable('rest_t_late');
			const r = await rest('/rest_t_late');
			expect(await r.json()).toEqual([]);
		} finally {
			await db.unsafe('drop table rest_t_late');
		}
	});
});
