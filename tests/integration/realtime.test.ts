// Realtime through the official realtime-js (inside supabase-js): private channels authorized by
// RLS on realtime.messages, broadcast (self, ack, REST, from the database), presence,
// postgres_changes under each subscriber's RLS, token refresh and expiry, both protocol versions,
// malformed frames and limits, and a socket that drops and rejoins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	JWT_SECRET,
	SERVICE_ROLE_KEY,
	adminSql,
	apiUrl,
	userJwt
} from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const schema = `rt_test_${run}`;
const topic = (name: string) => `rt-${run}:${name}`;
const sql = adminSql();
const alice = randomUUID();
const bob = randomUUID();
const carol = randomUUID();
const clients: SupabaseClient[] = [];

const jwt = userJwt;

const tokens = new WeakMap<SupabaseClient, { current: string }>();

/**
 * A client acting with `token`. supabase-js asks its accessToken callback again on every
 * reconnect, so the token is kept where the callback can find it and `setToken` replaces it.
 */
async function client(token?: string, vsn?: '1.0.0' | '2.0.0'): Promise<SupabaseClient> {
	const holder = { current: token ?? ANON_KEY };
	const c = createClient(apiUrl(), ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		realtime: vsn ? { vsn } : {},
		...(token ? { accessToken: async () => holder.current } : {})
	});
	tokens.set(c, holder);
	if (token) await c.realtime.setAuth(token);
	clients.push(c);
	return c;
}

async function setToken(c: SupabaseClient, token: string) {
	const holder = tokens.get(c);
	if (holder) holder.current = token;
	await c.realtime.setAuth(token);
}

async function userClient(sub: string, vsn?: '1.0.0' | '2.0.0') {
	return client(await jwt(sub), vsn);
}

function subscribe(ch: RealtimeChannel): Promise<{ status: string; error?: Error }> {
	return new Promise((resolve) => {
		ch.subscribe((status, error) => {
			if (status !== 'CLOSED') resolve({ status, error });
		});
	});
}

async function joined(ch: RealtimeChannel): Promise<RealtimeChannel> {
	const r = await subscribe(ch);
	if (r.status !== 'SUBSCRIBED') throw new Error(`${r.status}: ${r.error?.message}`);
	return ch;
}

async function grant(user: string, name: string, canWrite = true) {
	await sql`insert into ${sql(schema)}.grants (user_id, topic, can_write)
		values (${user}, ${topic(name)}, ${canWrite})`;
}

function rawSocket(vsn: string, key = ANON_KEY): Promise<WebSocket> {
	const url = `${apiUrl().replace('http', 'ws')}/realtime/v1/websocket?apikey=${key}&vsn=${vsn}`;
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.once('open', () => resolve(ws));
		ws.once('unexpected-response', (_req, res) =>
			reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }))
		);
		ws.once('error', reject);
	});
}

/** Collects decoded JSON frames from a raw socket. */
function frames(ws: WebSocket): unknown[] {
	const out: unknown[] = [];
	ws.on('message', (data, isBinary) => {
		if (!isBinary) out.push(JSON.parse(String(data)));
	});
	return out;
}

beforeAll(async () => {
	// Fixture policies on realtime.messages: a grants table says who may read (and write) which
	// topic, so a test can grant and revoke. It lives in its own schema, never `public`.
	await sql.unsafe(`
		create schema ${schema};
		grant usage on schema ${schema} to anon, authenticated, service_role;
		create table ${schema}.grants (user_id uuid, topic text, can_write boolean);
		alter table ${schema}.grants enable row level security;
		grant select on ${schema}.grants to authenticated;
		create policy "rt test grants are readable" on ${schema}.grants for select to authenticated
			using (user_id = (select auth.uid()));
		create policy "rt test ${run} read" on realtime.messages for select to authenticated
			using (exists (select 1 from ${schema}.grants g
				where g.topic = (select realtime.topic()) and g.user_id = (select auth.uid())));
		create policy "rt test ${run} write" on realtime.messages for insert to authenticated
			with check (exists (select 1 from ${schema}.grants g
				where g.topic = (select realtime.topic()) and g.user_id = (select auth.uid())
				  and g.can_write));
		create table ${schema}.notes (id serial primary key, owner uuid not null, body text);
		alter table ${schema}.notes enable row level security;
		grant select, insert, update, delete on ${schema}.notes to authenticated;
		grant usage on sequence ${schema}.notes_id_seq to authenticated;
		create policy "rt test notes are read by owners" on ${schema}.notes for select
			to authenticated using (owner = (select auth.uid()));
		alter publication supabase_realtime add table ${schema}.notes;
	`);
});

afterAll(async () => {
	for (const c of clients) await c.removeAllChannels();
	await sql.unsafe(`
		drop policy if exists "rt test ${run} read" on realtime.messages;
		drop policy if exists "rt test ${run} write" on realtime.messages;
		alter publication supabase_realtime drop table ${schema}.notes;
		drop schema ${schema} cascade;
	`);
	await sql.end();
});

describe('socket', () => {
	it('refuses a connection without a valid JWT with HTTP 401', async () => {
		await expect(rawSocket('2.0.0', 'not-a-jwt')).rejects.toMatchObject({ status: 401 });
		const noExp = await new SignJWT({ role: 'anon' })
			.setProtectedHeader({ alg: 'HS256' })
			.sign(new TextEncoder().encode(JWT_SECRET));
		await expect(rawSocket('2.0.0', noExp)).rejects.toMatchObject({ status: 401 });
	});

	it('answers heartbeats and survives malformed frames and unknown events', async () => {
		const ws = await rawSocket('2.0.0');
		const got = frames(ws);
		ws.send('not json');
		ws.send('[1,2]');
		ws.send(Buffer.from([9, 9, 9]));
		ws.send(Buffer.from([3, 200, 1, 1, 1, 1, 1]));
		ws.send(JSON.stringify([null, '5', 'phoenix', 'dance', {}]));
		ws.send(JSON.stringify([null, '6', 'realtime:nowhere', 'broadcast', {}]));
		ws.send(JSON.stringify([null, '7', 'phoenix', 'heartbeat', {}]));
		const hb = await waitFor(() =>
			got.find((f) => (f as unknown[])[1] === '7' && (f as unknown[])[3] === 'phx_reply')
		);
		expect(hb).toEqual([null, '7', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
		expect(got.find((f) => (f as unknown[])[1] === '5')).toMatchObject([
			null,
			'5',
			'phoenix',
			'phx_reply',
			{ status: 'error' }
		]);
		expect(got.find((f) => (f as unknown[])[1] === '6')).toMatchObject([
			null,
			'6',
			'realtime:nowhere',
			'phx_reply',
			{ status: 'error', response: { reason: 'unmatched topic' } }
		]);
		expect(ws.readyState).toBe(WebSocket.OPEN);
		ws.close();
	});

	it('speaks vsn 1.0.0 JSON objects (raw frames) alongside vsn 2.0.0', async () => {
		const ws = await rawSocket('1.0.0');
		const got = frames(ws);
		const name = `v1-${run}`;
		ws.send(
			JSON.stringify({
				topic: `realtime:${name}`,
				event: 'phx_join',
				payload: { config: { broadcast: { self: true, ack: true }, private: false } },
				ref: '1',
				join_ref: '1'
			})
		);
		const reply = await waitFor(() => got.find((f) => (f as { ref?: string }).ref === '1'));
		expect(reply).toEqual({
			topic: `realtime:${name}`,
			event: 'phx_reply',
			payload: { status: 'ok', response: { postgres_changes: [] } },
			ref: '1'
		});
		// A vsn 2 realtime-js client on the same topic hears the vsn 1 socket and vice versa.
		const v2 = await client();
		const heard: unknown[] = [];
		const ch = await joined(
			v2.channel(name).on('broadcast', { event: 'hi' }, (m) => heard.push(m.payload))
		);
		ws.send(
			JSON.stringify({
				topic: `realtime:${name}`,
				event: 'broadcast',
				payload: { type: 'broadcast', event: 'hi', payload: { from: 'v1' } },
				ref: '2',
				join_ref: '1'
			})
		);
		await waitFor(() => heard.length === 1);
		expect(heard[0]).toEqual({ from: 'v1' });
		expect(got.find((f) => (f as { ref?: string }).ref === '2')).toMatchObject({
			event: 'phx_reply',
			payload: { status: 'ok' }
		});
		await ch.send({ type: 'broadcast', event: 'hi', payload: { from: 'v2' } });
		const back = await waitFor(() =>
			got.find(
				(f) =>
					(f as { event?: string }).event === 'broadcast' &&
					(f as { payload: { payload: { from: string } } }).payload.payload.from === 'v2'
			)
		);
		expect(back).toMatchObject({
			topic: `realtime:${name}`,
			payload: { type: 'broadcast', event: 'hi', payload: { from: 'v2' } }
		});
		ws.close();
	});

	it('works with realtime-js on vsn 1.0.0', async () => {
		const a = await userClient(alice, '1.0.0');
		const b = await userClient(bob, '1.0.0');
		const heard: unknown[] = [];
		const name = `v1js-${run}`;
		await joined(b.channel(name).on('broadcast', { event: 'x' }, (m) => heard.push(m.payload)));
		const ch = await joined(a.channel(name, { config: { broadcast: { ack: true } } }));
		expect(await ch.send({ type: 'broadcast', event: 'x', payload: { n: 1 } })).toBe('ok');
		await waitFor(() => heard.length === 1);
		expect(heard).toEqual([{ n: 1 }]);
	});

	it('limits channels per connection with ChannelRateLimitReached', async () => {
		const ws = await rawSocket('2.0.0');
		const got = frames(ws);
		for (let i = 0; i <= 100; i++)
			ws.send(JSON.stringify([`${i}`, `${i}`, `realtime:lim-${run}-${i}`, 'phx_join', {}]));
		const last = await waitFor(() => got.find((f) => (f as unknown[])[1] === '100'));
		expect(last).toMatchObject([
			'100',
			'100',
			`realtime:lim-${run}-100`,
			'phx_reply',
			{ status: 'error', response: { reason: 'ChannelRateLimitReached: Too many channels' } }
		]);
		ws.close();
	});
});

describe('private channels', () => {
	it('joins when a SELECT policy allows and refuses with the Unauthorized reason otherwise', async () => {
		await grant(alice, 'secret');
		const ok = await subscribe(
			(await userClient(alice)).channel(topic('secret'), { config: { private: true } })
		);
		expect(ok.status).toBe('SUBSCRIBED');
		const denied = await subscribe(
			(await userClient(bob)).channel(topic('secret'), { config: { private: true } })
		);
		expect(denied.status).toBe('CHANNEL_ERROR');
		expect(denied.error?.message).toContain(
			`Unauthorized: You do not have permissions to read from this Channel topic: ${topic('secret')}`
		);
		// The anon key joins no private topic; the same name as a public channel is another namespace.
		const anon = await subscribe(
			(await client()).channel(topic('secret'), { config: { private: true } })
		);
		expect(anon.status).toBe('CHANNEL_ERROR');
		const pub = await subscribe((await client()).channel(topic('secret')));
		expect(pub.status).toBe('SUBSCRIBED');
	});

	it('sends only with an INSERT policy (ack error otherwise)', async () => {
		await grant(alice, 'ro', false);
		await grant(bob, 'ro', true);
		const heard: unknown[] = [];
		const a = await joined(
			(await userClient(alice)).channel(topic('ro'), {
				config: { private: true, broadcast: { ack: true } }
			})
		);
		const b = await joined(
			(await userClient(bob))
				.channel(topic('ro'), {
					config: { private: true, broadcast: { ack: true, self: true } }
				})
				.on('broadcast', { event: 'm' }, (m) => heard.push(m.payload))
		);
		expect(await a.send({ type: 'broadcast', event: 'm', payload: { n: 1 } })).toBe('error');
		// Bob may write: his own broadcast, sent after alice's was refused, comes back to him after
		// anything the server had relayed of hers.
		expect(await b.send({ type: 'broadcast', event: 'm', payload: { n: 2 } })).toBe('ok');
		await waitFor(() => heard.length > 0);
		expect(heard).toEqual([{ n: 2 }]);
	});
});

describe('broadcast', () => {
	it('delivers to others, to self only with self:true, and acks with ack:true', async () => {
		const name = `bc-${run}`;
		const got = { a: [] as unknown[], b: [] as unknown[], c: [] as unknown[] };
		const a = await joined(
			(await client())
				.channel(name, { config: { broadcast: { self: true, ack: true } } })
				.on('broadcast', { event: 'e' }, (m) => got.a.push(m.payload))
		);
		const b = await joined(
			(await client()).channel(name).on('broadcast', { event: 'e' }, (m) => got.b.push(m.payload))
		);
		await joined(
			(await client()).channel(name).on('broadcast', { event: 'other' }, (m) => got.c.push(m))
		);
		expect(await a.send({ type: 'broadcast', event: 'e', payload: { from: 'a' } })).toBe('ok');
		await b.send({ type: 'broadcast', event: 'e', payload: { from: 'b' } });
		await waitFor(() => got.a.length === 2 && got.b.length === 1);
		expect(got.a).toEqual([{ from: 'a' }, { from: 'b' }]);
		expect(got.b).toEqual([{ from: 'a' }]);
		expect(got.c).toEqual([]);
	});

	it('refuses an oversized payload with payload_size_exceeded', async () => {
		const ch = await joined(
			(await client()).channel(`big-${run}`, { config: { broadcast: { ack: true } } })
		);
		const r = await ch.send({
			type: 'broadcast',
			event: 'big',
			payload: { blob: 'x'.repeat(300 * 1024) }
		});
		expect(r).toBe('error');
	});

	it('accepts REST broadcasts (batch and httpSend), authorized like a client send', async () => {
		await grant(alice, 'rest');
		const heard: unknown[] = [];
		await joined(
			(await userClient(alice))
				.channel(topic('rest'), { config: { private: true } })
				.on('broadcast', { event: '*' }, (m) => heard.push([m.event, m.payload]))
		);
		const headers = {
			apikey: ANON_KEY,
			'content-type': 'application/json',
			authorization: `Bearer ${await jwt(alice)}`
		};
		const batch = await fetch(`${apiUrl()}/realtime/v1/api/broadcast`, {
			method: 'POST',
			headers,
			body: JSON.stringify({
				messages: [{ topic: topic('rest'), event: 'batch', payload: { n: 1 }, private: true }]
			})
		});
		expect(batch.status).toBe(202);
		const svc = createClient(apiUrl(), SERVICE_ROLE_KEY, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		clients.push(svc);
		const sent = await svc
			.channel(topic('rest'), { config: { private: true } })
			.httpSend('single', {
				n: 2
			});
		expect(sent).toEqual({ success: true });
		const denied = await fetch(
			`${apiUrl()}/realtime/v1/api/broadcast/${encodeURIComponent(topic('rest'))}/events/x?private=true`,
			{
				method: 'POST',
				headers: { ...headers, authorization: `Bearer ${await jwt(bob)}` },
				body: '{}'
			}
		);
		expect(denied.status).toBe(403);
		await waitFor(() => heard.length === 2);
		expect(heard).toEqual([
			['batch', { n: 1 }],
			['single', { n: 2 }]
		]);
	});
});

describe('presence', () => {
	it('syncs three members, diffs with phx_ref, and drops a closed socket', async () => {
		const name = `pr-${run}`;
		const members = await Promise.all([alice, bob, carol].map((u) => userClient(u)));
		const chans = members.map((c, i) =>
			c.channel(name, { config: { presence: { key: ['alice', 'bob', 'carol'][i] } } })
		);
		const leaves: string[] = [];
		for (const ch of chans) ch.on('presence', { event: 'sync' }, () => {});
		chans[0].on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
		for (const ch of chans) await joined(ch);
		for (const [i, ch] of chans.entries()) expect(await ch.track({ n: i })).toBe('ok');
		await waitFor(() => chans.every((ch) => Object.keys(ch.presenceState()).length === 3));
		const state = chans[0].presenceState();
		expect(Object.keys(state).sort()).toEqual(['alice', 'bob', 'carol']);
		expect(state.carol[0]).toMatchObject({ n: 2 });
		expect(state.carol[0].presence_ref).toMatch(/^F/);

		await members[2].realtime.disconnect();
		await waitFor(() => Object.keys(chans[0].presenceState()).length === 2);
		expect(leaves).toContain('carol');
		expect(await chans[1].untrack()).toBe('ok');
		await waitFor(() => Object.keys(chans[0].presenceState()).length === 1);
		expect(Object.keys(chans[0].presenceState())).toEqual(['alice']);
	});
});

describe('broadcast from the database', () => {
	it('delivers realtime.send() rows to readers of the private topic only', async () => {
		await grant(alice, 'db');
		const heard: unknown[] = [];
		const publicHeard: unknown[] = [];
		await joined(
			(await userClient(alice))
				.channel(topic('db'), { config: { private: true } })
				.on('broadcast', { event: 'changed' }, (m) => heard.push(m))
		);
		await joined(
			(await client())
				.channel(topic('db'))
				.on('broadcast', { event: 'changed' }, (m) => publicHeard.push(m))
		);
		await sql`select realtime.send(${sql.json({ v: 1 })}, 'changed', ${topic('db')}, true)`;
		await waitFor(() => heard.length === 1);
		expect(heard[0]).toMatchObject({
			type: 'broadcast',
			event: 'changed',
			payload: { v: 1 },
			meta: { id: expect.any(String) }
		});
		await sql`select realtime.send(${sql.json({ v: 2 })}, 'changed', ${topic('db')}, false)`;
		await waitFor(() => publicHeard.length === 1);
		expect(heard).toHaveLength(1);
	});

	it('rejoins after the socket drops and receives later broadcasts', async () => {
		await grant(bob, 'drop');
		const heard: unknown[] = [];
		const c = await userClient(bob);
		const ch = await joined(
			c
				.channel(topic('drop'), { config: { private: true } })
				.on('broadcast', { event: 'later' }, (m) => heard.push(m.payload))
		);
		// Kill the transport underneath realtime-js, as a network drop would.
		const adapter = (
			c.realtime as unknown as {
				socketAdapter: { getSocket(): { conn: { close(code: number): void } } };
			}
		).socketAdapter;
		adapter.getSocket().conn.close(4000);
		await waitFor(() => !c.realtime.isConnected(), 3000);
		await waitFor(() => c.realtime.isConnected() && ch.state === 'joined', 10_000);
		await sql`select realtime.send(${sql.json({ after: true })}, 'later', ${topic('drop')})`;
		await waitFor(() => heard.length === 1);
		expect(heard[0]).toMatchObject({ after: true });
	});
});

describe('postgres changes', () => {
	it('sends a change only to subscribers whose RLS lets them see the row, with filters', async () => {
		const seen = { alice: [] as unknown[], bob: [] as unknown[], filtered: [] as unknown[] };
		for (const [who, id] of [
			['alice', alice],
			['bob', bob]
		] as const) {
			const ch = (await userClient(id))
				.channel(`pg-${who}-${run}`)
				.on('postgres_changes', { event: '*', schema, table: 'notes' }, (p) => seen[who].push(p));
			await joined(ch);
		}
		await joined(
			(await userClient(alice))
				.channel(`pg-f-${run}`)
				.on(
					'postgres_changes',
					{ event: 'UPDATE', schema, table: 'notes', filter: 'body=in.(two,three)' },
					(p) => seen.filtered.push(p)
				)
		);
		const [row] = await sql<{ id: number }[]>`
			insert into ${sql(schema)}.notes (owner, body) values (${alice}, 'one') returning id`;
		await waitFor(() => seen.alice.length === 1);
		expect(seen.alice[0]).toMatchObject({
			schema,
			table: 'notes',
			eventType: 'INSERT',
			new: { id: row.id, owner: alice, body: 'one' },
			errors: null
		});
		expect((seen.alice[0] as { commit_timestamp: string }).commit_timestamp).toMatch(
			/^\d{4}-\d\d-\d\dT/
		);
		await sql`update ${sql(schema)}.notes set body = 'two' where id = ${row.id}`;
		await sql`update ${sql(schema)}.notes set body = 'four' where id = ${row.id}`;
		await waitFor(() => seen.alice.length === 3 && seen.filtered.length === 1);
		expect(seen.filtered[0]).toMatchObject({ eventType: 'UPDATE', new: { body: 'two' } });
		// Markers committed after alice's changes: bob's own row, and an update to 'three' that
		// passes the filter. Changes arrive in commit order, so once both markers are in, anything
		// wrongly sent for the earlier changes would be in too.
		await sql`insert into ${sql(schema)}.notes (owner, body) values (${bob}, 'bob marker')`;
		await sql`update ${sql(schema)}.notes set body = 'three' where id = ${row.id}`;
		const bodyIs = (body: string) => (p: unknown) =>
			(p as { new: { body?: string } }).new.body === body;
		await waitFor(() => seen.bob.some(bodyIs('bob marker')) && seen.filtered.some(bodyIs('three')));
		expect(seen.bob).toHaveLength(1);
		expect(seen.bob[0]).toMatchObject({ eventType: 'INSERT', new: { body: 'bob marker' } });
		expect(seen.filtered).toHaveLength(2);
		expect(seen.filtered[1]).toMatchObject({ eventType: 'UPDATE', new: { body: 'three' } });
	});
});

describe('tokens', () => {
	it('keeps a channel whose token is refreshed with setAuth, closes one whose token expires', async () => {
		await grant(carol, 'tok');
		const kept = await client(await jwt(carol, 3));
		const lapsed = await client(await jwt(carol, 3));
		const system: unknown[] = [];
		const heard: unknown[] = [];
		const keptCh = await joined(
			kept
				.channel(topic('tok'), { config: { private: true } })
				.on('broadcast', { event: 'after' }, (m) => heard.push(m.payload))
		);
		const lapsedCh = await joined(
			lapsed
				.channel(topic('tok'), { config: { private: true } })
				.on('system', {}, (m) => system.push(m))
		);
		await setToken(kept, await jwt(carol, 3600));
		await waitFor(() => system.length > 0, 6000);
		expect(system[0]).toMatchObject({ extension: 'system', status: 'error' });
		await waitFor(() => lapsedCh.state === 'closed', 2000);
		await sql`select realtime.send(${sql.json({ ok: 1 })}, 'after', ${topic('tok')})`;
		await waitFor(() => heard.length === 1);
		expect(keptCh.state).toBe('joined');
	});

	it('re-authorizes on a new access_token and closes the channel when access is revoked', async () => {
		const user = randomUUID();
		await grant(user, 'rev');
		const c = await userClient(user);
		const system: Array<{ message: string }> = [];
		const ch = await joined(
			c
				.channel(topic('rev'), { config: { private: true } })
				.on('system', {}, (m: { message: string }) => system.push(m))
		);
		await sql`delete from ${sql(schema)}.grants where user_id = ${user}`;
		await setToken(c, await jwt(user, 7200));
		await waitFor(() => system.length > 0);
		expect(system[0].message).toContain('You do not have permissions to read');
		await waitFor(() => ch.state === 'closed', 2000);
	});
});
