// The app server's fetch for PostgREST against a real HTTP server: what supabase-js reads from an
// answer, sockets kept and dropped, failures shaped as fetch's, aborts, and what it leaves to fetch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiFetch } from './api-fetch.ts';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
let handler: Handler = (_req, _body, res) => res.end();
let connections = 0;
let server: http.Server;
let base = '';

beforeAll(async () => {
	server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c: string) => (body += c));
		req.on('end', () => handler(req, body, res));
	});
	server.on('connection', () => (connections += 1));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
	vi.unstubAllGlobals();
	server.keepAliveTimeout = 5_000;
});

const json = (res: http.ServerResponse, status: number, value: unknown, extra = {}) => {
	res.writeHead(status, { 'content-type': 'application/json', ...extra });
	res.end(JSON.stringify(value));
};
const client = () =>
	createClient(base, 'anon-key', {
		auth: { persistSession: false, autoRefreshToken: false },
		global: { fetch: apiFetch }
	});

describe('apiFetch', () => {
	it('answers supabase-js as fetch does: rows, the count, an RPC body, errors', async () => {
		const seen: { method?: string; url?: string; body: string; auth?: string; length?: string }[] =
			[];
		handler = (req, body, res) => {
			seen.push({
				method: req.method,
				url: req.url,
				body,
				auth: req.headers.authorization,
				length: req.headers['content-length']
			});
			if (req.url?.startsWith('/rest/v1/profiles'))
				return json(res, 200, [{ id: 1, name: 'Ana' }], { 'content-range': '0-0/42' });
			if (req.url === '/rest/v1/rpc/hello')
				return json(res, 200, { greeting: JSON.parse(body).name });
			json(res, 403, { code: '42501', message: 'permission denied', hint: null, details: null });
		};
		const c = client();

		const rows = await c.from('profiles').select('id, name', { count: 'exact' });
		expect(rows.error).toBeNull();
		expect(rows.data).toEqual([{ id: 1, name: 'Ana' }]);
		expect(rows.count).toBe(42);

		const rpc = await c.rpc('hello', { name: 'Bo' });
		expect(rpc.data).toEqual({ greeting: 'Bo' });

		const denied = await c.from('secrets').select();
		expect(denied.status).toBe(403);
		expect(denied.error?.message).toBe('permission denied');

		expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'GET']);
		expect(seen[1].body).toBe('{"name":"Bo"}');
		expect(seen[1].length).toBe('13');
		expect(seen[0].auth).toBe('Bearer anon-key');
	});

	it('hands back an empty answer (204, 201 with no body) without failing', async () => {
		handler = (req, _body, res) => {
			res.writeHead(req.method === 'DELETE' ? 204 : 201);
			res.end();
		};
		const c = client();
		expect((await c.from('notes').insert({ a: 1 })).status).toBe(201);
		expect((await c.from('notes').delete().eq('id', 1)).status).toBe(204);
	});

	it('keeps one socket for calls one after another', async () => {
		handler = (_req, _body, res) => json(res, 200, []);
		const before = connections;
		for (let i = 0; i < 5; i++) await apiFetch(`${base}/rest/v1/a`);
		// One new socket at most: the previous test's may still be in the pool.
		expect(connections - before).toBeLessThanOrEqual(1);
	});

	it('does not reuse a socket the server closed while idle', async () => {
		server.keepAliveTimeout = 300;
		handler = (_req, _body, res) => json(res, 200, { ok: true });
		expect((await apiFetch(`${base}/rest/v1/a`)).status).toBe(200);
		await new Promise((r) => setTimeout(r, 600));
		const again = await apiFetch(`${base}/rest/v1/a`);
		expect(await again.json()).toEqual({ ok: true });
	});

	it('fails as fetch fails, and postgrest-js retries a read as it would', async () => {
		let calls = 0;
		handler = (req, _body, res) => {
			calls += 1;
			// The first answer never comes: the connection drops, as when the server closed it.
			if (calls === 1) return req.socket.destroy();
			json(res, 200, [{ id: 7 }]);
		};
		const error = await apiFetch(`${base}/rest/v1/rpc/send`, { method: 'POST', body: '{}' }).then(
			() => null,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(TypeError);
		expect((error as TypeError).message).toBe('fetch failed');
		expect((error as TypeError).cause).toBeInstanceOf(Error);

		calls = 0;
		const read = await client().from('things').select('id');
		expect(read.data).toEqual([{ id: 7 }]);
		expect(calls).toBe(2);
	});

	it('rejects with the abort signal’s reason when aborted', async () => {
		handler = (_req, _body, res) => setTimeout(() => json(res, 200, []), 2_000);
		const controller = new AbortController();
		const pending = apiFetch(`${base}/rest/v1/slow`, { signal: controller.signal });
		setTimeout(() => controller.abort(), 50);
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		await expect(
			apiFetch(`${base}/rest/v1/slow`, { signal: controller.signal })
		).rejects.toMatchObject({
			name: 'AbortError'
		});
	});

	it('waits for an answer slower than the idle time of a pooled socket', async () => {
		handler = (_req, _body, res) => setTimeout(() => json(res, 200, { slow: true }), 4_500);
		const res = await apiFetch(`${base}/rest/v1/rpc/bulk`, { method: 'POST', body: '{}' });
		expect(await res.json()).toEqual({ slow: true });
	}, 10_000);

	it('leaves auth, storage and other bodies to the global fetch', async () => {
		const spy = vi.fn(async () => new Response('{}'));
		vi.stubGlobal('fetch', spy);
		await apiFetch(`${base}/auth/v1/token?grant_type=password`, { method: 'POST', body: '{}' });
		await apiFetch(`${base}/storage/v1/object/a/b`);
		await apiFetch(`${base}/rest/v1/a`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
		expect(spy).toHaveBeenCalledTimes(3);
	});
});
