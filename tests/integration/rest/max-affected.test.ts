// Prefer: handling=strict, max-affected=n: a PATCH, DELETE or set-returning call that touches
// more rows is rolled back with PGRST124, as PostgREST does; handling=lenient ignores the limit.
import { describe, expect, it } from 'vitest';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { db, rest, service, useRestFixture } from './support.ts';

useRestFixture();

const asService = (prefer: string, extra: Record<string, string> = {}) => ({
	authorization: `Bearer ${SERVICE_ROLE_KEY}`,
	prefer,
	...extra
});
const remaining = async () => Number((await db`select count(*)::int as n from rest_t_items`)[0].n);

describe('Prefer: max-affected', () => {
	it('rolls back a DELETE or PATCH over the limit with PGRST124 and keeps every row', async () => {
		const del = await rest('/rest_t_items?id=lt.15', {
			method: 'DELETE',
			headers: asService('handling=strict, max-affected=10')
		});
		expect(del.status).toBe(400);
		expect(await del.json()).toEqual({
			code: 'PGRST124',
			details: 'The query affects 14 rows',
			hint: null,
			message: 'Query result exceeds max-affected preference constraint'
		});
		expect(await remaining()).toBe(15);
		const patch = await rest('/rest_t_items?id=eq.3', {
			method: 'PATCH',
			headers: asService('handling=strict, max-affected=0', { 'content-type': 'application/json' }),
			body: '{"label":"changed"}'
		});
		expect(patch.status).toBe(400);
		expect((await patch.json()).details).toBe('The query affects 1 rows');
		const [row] = await db`select label from rest_t_items where id = 3`;
		expect(row.label).toBe('item 3');
	});

	it('writes within the limit and says so in Preference-Applied', async () => {
		const r = await rest('/rest_t_items?id=eq.15', {
			method: 'DELETE',
			headers: asService('handling=strict, max-affected=1')
		});
		expect(r.status).toBe(204);
		expect(r.headers.get('preference-applied')).toBe('handling=strict, max-affected=1');
		expect(await remaining()).toBe(14);
		await db`insert into rest_t_items values (15, 'item 15')`;
	});

	it('ignores the limit with handling=lenient', async () => {
		const r = await rest('/rest_t_items?id=gt.12', {
			method: 'PATCH',
			headers: asService('handling=lenient, max-affected=1', {
				'content-type': 'application/json'
			}),
			body: '{"label":"lenient"}'
		});
		expect(r.status).toBe(204);
		expect(r.headers.get('preference-applied')).toBe('handling=lenient');
		const rows = await db`select count(*)::int as n from rest_t_items where label = 'lenient'`;
		expect(rows[0].n).toBe(3);
		await db`update rest_t_items set label = 'item ' || id where label = 'lenient'`;
	});

	it('applies to set-returning functions, and refuses it on scalar ones (PGRST128)', async () => {
		const over = await service
			.rpc('rest_t_delete_items', { upto: 12 })
			.setHeader('prefer', 'handling=strict, max-affected=10');
		expect(over.status).toBe(400);
		expect(over.error).toEqual({
			code: 'PGRST124',
			details: 'The query affects 12 rows',
			hint: null,
			message: 'Query result exceeds max-affected preference constraint'
		});
		expect(await remaining()).toBe(15);
		const scalar = await service
			.rpc('rest_t_count_items')
			.setHeader('prefer', 'handling=strict, max-affected=10');
		expect(scalar.status).toBe(400);
		expect(scalar.error).toEqual({
			code: 'PGRST128',
			details: null,
			hint: null,
			message:
				'Function must return SETOF or TABLE when max-affected preference is used with handling=strict'
		});
	});
});
