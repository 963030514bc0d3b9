// The REST service through the official supabase-js (and raw fetch where it cannot express a
// case), against PostgREST's documented behaviour.
// Prefer: return=headers-only: 201 with a Location built from the primary key.
import { describe, expect, it } from 'vitest';
import { createClient } from '@supabase/supabase-js';
import { ANON_KEY, apiUrl } from '../../support/stack.ts';
import { rest, db, aliceToken, useRestFixture } from './support.ts';

useRestFixture();

describe('Prefer: return=headers-only', () => {
	it('answers 201 with a Location built from the primary key, no body', async () => {
		// The key's text comes from Postgres, so an int8 beyond 2^53 stays exact (sent as a JSON
		// string here: the body itself is parsed by JavaScript); keys come in column order, values
		// percent-encoded.
		const r = await rest('/rest_t_keys', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: '{"org":"a b&c/é","num":"9007199254740993","label":"x"}'
		});
		expect(r.status).toBe(201);
		expect(await r.text()).toBe('');
		expect(r.headers.get('location')).toBe(
			'/rest_t_keys?org=eq.a%20b%26c%2F%C3%A9&num=eq.9007199254740993'
		);
		expect(r.headers.get('content-range')).toBe('*/*');
		expect(r.headers.get('preference-applied')).toBe('return=headers-only');
		expect(r.headers.get('content-type')).toBeNull();
		const back = await rest(`${r.headers.get('location')}&select=label,num::text`, {
			token: aliceToken
		});
		expect(await back.json()).toEqual([{ label: 'x', num: '9007199254740993' }]);
		const note = await rest('/rest_t_notes', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only,count=exact', 'content-type': 'application/json' },
			body: JSON.stringify({ body: 'located' })
		});
		expect(note.status).toBe(201);
		expect(note.headers.get('content-range')).toBe('*/1');
		const [row] = await db`select id from rest_t_notes where body = 'located'`;
		expect(note.headers.get('location')).toBe(`/rest_t_notes?id=eq.${row.id}`);
	});

	it('sends no Location for several rows, a table without a key, or other methods', async () => {
		const many = await rest('/rest_t_keys', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only, count=exact', 'content-type': 'application/json' },
			body: JSON.stringify([
				{ org: 'm', num: 1 },
				{ org: 'm', num: 2 }
			])
		});
		expect(many.status).toBe(201);
		expect(many.headers.get('location')).toBeNull();
		expect(many.headers.get('content-range')).toBe('*/2');
		const nokey = await rest('/rest_t_nokey', {
			method: 'POST',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: JSON.stringify({ label: 'k' })
		});
		expect(nokey.status).toBe(201);
		expect(nokey.headers.get('location')).toBeNull();
		expect(nokey.headers.get('content-range')).toBe('*/*');
		expect(await nokey.text()).toBe('');
		const patch = await rest('/rest_t_keys?org=eq.m&num=eq.1', {
			method: 'PATCH',
			token: aliceToken,
			headers: { Prefer: 'return=headers-only', 'content-type': 'application/json' },
			body: JSON.stringify({ label: 'p' })
		});
		expect(patch.status).toBe(204);
		expect(patch.headers.get('location')).toBeNull();
	});

	it('works through supabase-js', async () => {
		let seen: Headers | null = null;
		const client = createClient(apiUrl(), ANON_KEY, {
			global: {
				headers: { Authorization: `Bearer ${aliceToken}` },
				fetch: async (input, init) => {
					const res = await fetch(input, init);
					seen = res.headers;
					return res;
				}
			},
			auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
		});
		const { data, error, status } = await client
			.from('rest_t_keys')
			.insert({ org: 'js', num: 42, label: 'via js' })
			.setHeader('Prefer', 'return=headers-only');
		expect(error).toBeNull();
		expect(status).toBe(201);
		expect(data).toBeNull();
		expect((seen as Headers | null)?.get('location')).toBe('/rest_t_keys?org=eq.js&num=eq.42');
	});
});
