// Direct messages through supabase-js as the app's browser uses them: realtime delivery on the
// private user:<id> topic, blocks, typing on dm:<org>:<low>:<high>, idempotent retries and
// catch-up after a dropped socket. Seeded people (supabase/seed.sql), password123.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { adminSql, signedInClient } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const NORTHSIDE = 'a0000000-0000-4000-8000-000000000001';
const HARBOUR = 'a0000000-0000-4000-8000-000000000002';
const sql = adminSql();
const clients: SupabaseClient[] = [];

interface Person {
	db: SupabaseClient;
	id: string;
}

async function signIn(email: string): Promise<Person> {
	const { client, id } = await signedInClient(email);
	clients.push(client);
	return { db: client, id };
}

function join(ch: RealtimeChannel): Promise<string> {
	return new Promise((resolve) => {
		ch.subscribe((status) => {
			if (status !== 'CLOSED') resolve(status);
		});
	});
}

async function joined(ch: RealtimeChannel): Promise<RealtimeChannel> {
	const status = await join(ch);
	if (status !== 'SUBSCRIBED') throw new Error(`could not join ${ch.topic}: ${status}`);
	return ch;
}

type Heard = { event: string; payload: Record<string, unknown> };

/** Listens on user:<me> and collects every event. */
async function inbox(p: Person): Promise<{ heard: Heard[]; channel: RealtimeChannel }> {
	const heard: Heard[] = [];
	const channel = await joined(
		p.db
			.channel(`user:${p.id}`, { config: { private: true } })
			.on('broadcast', { event: '*' }, (m) =>
				heard.push({ event: m.event, payload: m.payload as Record<string, unknown> })
			)
	);
	return { heard, channel };
}

function dmTopic(org: string, a: string, b: string) {
	const [low, high] = [a, b].sort();
	return `dm:${org}:${low}:${high}`;
}

let alex: Person;

beforeAll(async () => {
	alex = await signIn('coach.alex@coachline.dev');
});

afterAll(async () => {
	for (const c of clients) await c.removeAllChannels();
	await sql.end();
});

describe('direct messages live', () => {
	it('delivers a DM to the recipient’s realtime callback', async () => {
		const athlete = await signIn('athlete01@coachline.dev');
		const { heard } = await inbox(athlete);
		const text = `Hello from the coach ${randomUUID()}`;
		const sent = await alex.db.rpc('send_message', {
			p_organization_id: NORTHSIDE,
			p_recipient_id: athlete.id,
			p_content: text,
			p_client_id: randomUUID()
		});
		expect(sent.error).toBeNull();
		const got = await waitFor(() =>
			heard.find((h) => h.event === 'message_created' && h.payload.content === text)
		);
		expect(got.payload).toMatchObject({
			message_id: (sent.data as { id: string }).id,
			sender_id: alex.id,
			recipient_id: athlete.id,
			organization_id: NORTHSIDE
		});
		// The recipient never learns the sender's idempotency key.
		expect(got.payload.client_id).toBeUndefined();
	});

	it('never delivers a blocked sender’s message, and the refusal reads like any other', async () => {
		const kai = await signIn('kai@harbour.dev');
		const lena = await signIn('lena@harbour.dev');
		const blocked = await lena.db.rpc('block_user', {
			p_organization_id: HARBOUR,
			p_user_id: kai.id
		});
		expect(blocked.error).toBeNull();
		const { heard } = await inbox(lena);
		const text = `You should not see this ${randomUUID()}`;
		try {
			const refused = await kai.db.rpc('send_message', {
				p_organization_id: HARBOUR,
				p_recipient_id: lena.id,
				p_content: text,
				p_client_id: randomUUID()
			});
			expect(refused.data).toBeNull();
			// The same words and code as any pair that may not talk: nothing says "blocked".
			expect(refused.error?.message).toBe('You cannot message this person.');
			expect(refused.error?.hint).toBe('cannot_message');
			expect(refused.error?.message.toLowerCase()).not.toContain('block');
			const rows = await sql`select 1 from public.messages where content = ${text}`;
			expect(rows).toHaveLength(0);
		} finally {
			await lena.db.rpc('unblock_user', { p_user_id: kai.id });
		}
		// Unblocked, the same pair may talk again. This message travels the same path (kai's sends,
		// lena's topic) after the refused one, so once it has arrived the refused one would have too.
		const after = `After the unblock ${randomUUID()}`;
		const again = await kai.db.rpc('send_message', {
			p_organization_id: HARBOUR,
			p_recipient_id: lena.id,
			p_content: after,
			p_client_id: randomUUID()
		});
		expect(again.error).toBeNull();
		await waitFor(() => heard.find((h) => h.payload.content === after));
		expect(heard.filter((h) => h.payload.content === text)).toHaveLength(0);
	});

	it('shows typing only to the participants: a third person cannot join the dm topic', async () => {
		const athlete = await signIn('athlete03@coachline.dev');
		const outsider = await signIn('athlete04@coachline.dev');
		const topic = dmTopic(NORTHSIDE, alex.id, athlete.id);
		const seen: unknown[] = [];
		await joined(
			athlete.db
				.channel(topic, { config: { private: true } })
				.on('broadcast', { event: 'typing' }, (m) => seen.push(m.payload))
		);
		const spied: unknown[] = [];
		const outsiderStatus = await join(
			outsider.db
				.channel(topic, { config: { private: true } })
				.on('broadcast', { event: 'typing' }, (m) => spied.push(m.payload))
		);
		expect(outsiderStatus).not.toBe('SUBSCRIBED');

		const coachChannel = await joined(alex.db.channel(topic, { config: { private: true } }));
		const sent = await coachChannel.send({
			type: 'broadcast',
			event: 'typing',
			payload: { user_id: alex.id }
		});
		expect(sent).toBe('ok');
		await waitFor(() => seen.length === 1);
		expect(seen[0]).toMatchObject({ user_id: alex.id });
		// A marker on a public channel, sent by the coach after the typing event was acknowledged:
		// it reaches the outsider's socket after anything the server had sent there for the typing.
		const markerTopic = `marker-${randomUUID()}`;
		const markers: unknown[] = [];
		await joined(
			outsider.db
				.channel(markerTopic)
				.on('broadcast', { event: 'marker' }, (m) => markers.push(m.payload))
		);
		const markerChannel = await joined(alex.db.channel(markerTopic));
		expect(await markerChannel.send({ type: 'broadcast', event: 'marker', payload: {} })).toBe(
			'ok'
		);
		await waitFor(() => markers.length === 1);
		expect(spied).toHaveLength(0);
	});

	it('stores an idempotent retry once, with one unread', async () => {
		const athlete = await signIn('athlete05@coachline.dev');
		await athlete.db.rpc('mark_conversation_read', {
			p_organization_id: NORTHSIDE,
			p_other_user_id: alex.id
		});
		const before = await athlete.db.rpc('total_unread', { p_organization_id: NORTHSIDE });
		const clientId = randomUUID();
		const args = {
			p_organization_id: NORTHSIDE,
			p_recipient_id: athlete.id,
			p_content: 'Sent twice over a flaky network',
			p_client_id: clientId
		};
		const first = await alex.db.rpc('send_message', args);
		const retry = await alex.db.rpc('send_message', args);
		expect(first.error).toBeNull();
		expect(retry.error).toBeNull();
		expect((retry.data as { id: string }).id).toBe((first.data as { id: string }).id);
		const rows =
			await sql`select id from public.messages where sender_id = ${alex.id} and client_id = ${clientId}`;
		expect(rows).toHaveLength(1);
		const after = await athlete.db.rpc('total_unread', { p_organization_id: NORTHSIDE });
		expect((after.data as number) - (before.data as number)).toBe(1);
	});

	it('catches up after a dropped socket: messages_since returns what was missed', async () => {
		const athlete = await signIn('athlete06@coachline.dev');
		const { heard, channel } = await inbox(athlete);
		const since = new Date(Date.now() - 5000).toISOString();

		await athlete.db.realtime.disconnect();
		await waitFor(() => !athlete.db.realtime.isConnected(), 3000);
		const texts = [1, 2, 3].map((n) => `While you were away ${n} ${randomUUID()}`);
		for (const text of texts) {
			const r = await alex.db.rpc('send_message', {
				p_organization_id: NORTHSIDE,
				p_recipient_id: athlete.id,
				p_content: text,
				p_client_id: randomUUID()
			});
			expect(r.error).toBeNull();
		}
		expect(heard.filter((h) => texts.includes(String(h.payload.content)))).toHaveLength(0);

		athlete.db.realtime.connect();
		await waitFor(() => athlete.db.realtime.isConnected() && channel.state === 'joined', 10_000);
		const caught = await athlete.db.rpc('messages_since', { p_since: since });
		expect(caught.error).toBeNull();
		const contents = (caught.data as { content: string }[]).map((m) => m.content);
		for (const text of texts) expect(contents).toContain(text);

		// And the socket works again for what comes next.
		const later = `After the reconnect ${randomUUID()}`;
		await alex.db.rpc('send_message', {
			p_organization_id: NORTHSIDE,
			p_recipient_id: athlete.id,
			p_content: later,
			p_client_id: randomUUID()
		});
		await waitFor(() => heard.find((h) => h.payload.content === later));
	});
});
