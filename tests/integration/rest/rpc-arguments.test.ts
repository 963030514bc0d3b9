// Calling functions the ways PostgREST 12 allows besides named JSON arguments: a single unnamed
// text/xml/bytea argument from the raw body, counts on scalar results, and overloads it cannot
// choose between (PGRST203, status 300).
import { describe, expect, it } from 'vitest';
import { anon, rest, useRestFixture } from './support.ts';

useRestFixture();

describe('rpc arguments', () => {
	it('passes a text/plain or octet-stream body as the single unnamed argument', async () => {
		const text = await rest('/rpc/rest_t_shout', {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: 'hello, world'
		});
		expect(text.status).toBe(200);
		expect(await text.json()).toBe('HELLO, WORLD');
		const bytes = await rest('/rpc/rest_t_byte_count', {
			method: 'POST',
			headers: { 'content-type': 'application/octet-stream' },
			body: new Uint8Array([0, 1, 2, 255, 254])
		});
		expect(await bytes.json()).toBe(5);
	});

	it('reports a function without such an argument as PostgREST words it (PGRST202)', async () => {
		const r = await rest('/rpc/rest_t_add', {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: '1'
		});
		expect(r.status).toBe(404);
		expect(await r.json()).toEqual({
			code: 'PGRST202',
			details:
				'Searched for the function public.rest_t_add with a single unnamed text parameter, but no matches were found in the schema cache.',
			hint: null,
			message: 'Could not find the function public.rest_t_add in the schema cache'
		});
	});

	it('counts a scalar result as one row', async () => {
		const counted = await anon.rpc('rest_t_add', { a: 1, b: 2 }, { count: 'exact' });
		expect(counted.data).toBe(3);
		expect(counted.count).toBe(1);
		const r = await rest('/rpc/rest_t_add?a=1', { headers: { prefer: 'count=exact' } });
		expect(r.headers.get('content-range')).toBe('0-0/1');
		const uncounted = await rest('/rpc/rest_t_add?a=1');
		expect(uncounted.headers.get('content-range')).toBe('0-0/*');
		const series = await anon.rpc('rest_t_series', { n: 4 }, { count: 'exact' }).range(0, 1);
		expect(series.data).toEqual([1, 2]);
		expect(series.count).toBe(4);
	});

	it('answers 300 PGRST203 when overloads take the same argument names', async () => {
		const r = await anon.rpc('rest_t_pick', { x: 1 });
		expect(r.status).toBe(300);
		expect(r.error).toEqual({
			code: 'PGRST203',
			details: null,
			hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
			message: expect.stringMatching(
				/^Could not choose the best candidate function between: public\.rest_t_pick\(x => (integer|text)\), public\.rest_t_pick\(x => (integer|text)\)$/
			)
		});
	});
});
