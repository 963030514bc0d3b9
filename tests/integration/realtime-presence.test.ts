// Presence in a busy channel: joins and leaves are announced in batches (one presence_diff per
// short window for the whole topic, not one per change), every member is told of every other
// exactly once (presence_state on join, then diffs, with no join announced twice), and the
// official realtime-js client still ends up with the right state. Raw sockets speak vsn 2.0.0.
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { ANON_KEY, apiUrl } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const sockets: WebSocket[] = [];
let supabase: SupabaseClient | null = null;

type Metas = Record<string, { metas: Array<{ phx_ref: string }> }>;

interface Member {
	ws: WebSocket;
	key: string;
	states: number;
	diffs: number;
	/** Every announcement of a meta this member received (state or join), by phx_ref. */
	announced: string[];
	seen: Map<string, number>;
}

function rawMember(topic: string, key: string): Promise<Member> {
	const url = `${apiUrl().replace('http', 'ws')}/realtime/v1/websocket?apikey=${ANON_KEY}&vsn=2.0.0`;
	const ws = new WebSocket(url);
	sockets.push(ws);
	const m: Member = { ws, key, states: 0, diffs: 0, announced: [], seen: new Map() };
	const count = (map: Metas, sign: 1 | -1) => {
		for (const [k, { metas }] of Object.entries(map)) {
			if (sign === 1) m.announced.push(...metas.map((x) => x.phx_ref));
			const n = (m.seen.get(k) ?? 0) + sign * metas.length;
			if (n > 0) m.seen.set(k, n);
			else m.seen.delete(k);
		}
	};
	ws.on('message', (data, isBinary) => {
		if (isBinary) return;
		const [, , t, event, payload] = JSON.parse(String(data)) as [
			string | null,
			string | null,
			string,
			string,
			unknown
		];
		if (t !== `realtime:${topic}`) return;
		if (event === 'presence_state') {
			m.states++;
			m.seen.clear();
			count(payload as Metas, 1);
		} else if (event === 'presence_diff') {
			m.diffs++;
			const d = payload as { joins: Metas; leaves: Metas };
			count(d.joins, 1);
			count(d.leaves, -1);
		}
	});
	return new Promise((resolve, reject) => {
		ws.once('open', () => {
			ws.send(
				JSON.stringify([
					'1',
					'1',
					`realtime:${topic}`,
					'phx_join',
					{ config: { presence: { key, enabled: true } } }
				])
			);
			ws.send(
				JSON.stringify([
					'1',
					'2',
					`realtime:${topic}`,
					'presence',
					{ type: 'presence', event: 'track', payload: { key } }
				])
			);
			resolve(m);
		});
		ws.once('error', reject);
	});
}

afterAll(async () => {
	for (const ws of sockets) ws.terminate();
	await supabase?.removeAllChannels();
});

it('batches presence diffs and announces every member exactly once', async () => {
	const topic = `rt-presence-${run}`;
	const n = 40;
	const members = await Promise.all(
		Array.from({ length: n }, (_, i) => rawMember(topic, `member-${i}`))
	);
	await waitFor(() => members.every((m) => m.seen.size === n));
	// One diff per batch window for the whole topic, not one per join: announced one by one, the
	// members would get n(n-1)/2 diffs between them.
	const diffs = members.reduce((sum, m) => sum + m.diffs, 0);
	expect(diffs).toBeLessThan((n * (n - 1)) / 4);
	for (const m of members) {
		expect(m.states).toBe(1);
		// Each of the n metas reached this member once: in its presence_state or in a diff.
		expect(m.announced).toHaveLength(n);
		expect(new Set(m.announced).size).toBe(n);
		expect([...m.seen.values()].every((c) => c === 1)).toBe(true);
	}

	// realtime-js joining now sees everyone, with presence_ref mapped from phx_ref.
	supabase = createClient(apiUrl(), ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
	const ch = supabase.channel(topic, { config: { presence: { key: 'observer' } } });
	ch.on('presence', { event: 'sync' }, () => {});
	await new Promise<void>((resolve, reject) =>
		ch.subscribe((status, err) => {
			if (status === 'SUBSCRIBED') resolve();
			else if (status !== 'CLOSED') reject(err ?? new Error(status));
		})
	);
	await ch.track({ watching: true });
	await waitFor(() => Object.keys(ch.presenceState()).length === n + 1);
	expect(ch.presenceState()['member-0'][0].presence_ref).toMatch(/^F/);
	await waitFor(() => members.every((m) => m.seen.has('observer')));

	// Half of them leave at once (closed sockets): the others hear it in a batch or two.
	const diffsBefore = members.map((m) => m.diffs);
	const leaving = members.slice(0, n / 2);
	const staying = members.slice(n / 2);
	for (const m of leaving) m.ws.terminate();
	await waitFor(() => staying.every((m) => m.seen.size === n / 2 + 1));
	await waitFor(() => Object.keys(ch.presenceState()).length === n / 2 + 1);
	const leaveDiffs = staying.reduce((sum, m, i) => sum + m.diffs - diffsBefore[i + n / 2], 0);
	expect(leaveDiffs).toBeLessThan(staying.length * 5);
	expect(Object.keys(ch.presenceState())).not.toContain('member-0');
}, 30_000);

it('gives a member that joins mid-batch the announced state, then the diff, without repeats', async () => {
	const topic = `rt-presence-late-${run}`;
	const first = await rawMember(topic, 'first');
	await waitFor(() => first.seen.size === 1);
	// Two more in quick succession: the second joins while the first's join may still be pending.
	const [a, b] = await Promise.all([rawMember(topic, 'a'), rawMember(topic, 'b')]);
	await waitFor(() => [first, a, b].every((m) => m.seen.size === 3));
	for (const m of [first, a, b]) {
		expect(m.states).toBe(1);
		expect(new Set(m.announced).size).toBe(m.announced.length);
		expect([...m.seen.values()].every((c) => c === 1)).toBe(true);
	}
}, 20_000);

it('coalesces changes within a window: a meta replaced at once is never announced', async () => {
	const topic = `rt-presence-coalesce-${run}`;
	const observer = await rawMember(topic, 'observer');
	const busy = await rawMember(topic, 'busy');
	await waitFor(() => observer.seen.size === 2 && busy.seen.size === 2);
	// Every meta of busy's that reaches the observer in a diff, in order.
	const busyJoins: Array<Record<string, unknown>> = [];
	observer.ws.on('message', (data, isBinary) => {
		if (isBinary) return;
		const [, , t, event, payload] = JSON.parse(String(data)) as [
			unknown,
			unknown,
			string,
			string,
			{ joins?: Metas }
		];
		if (t !== `realtime:${topic}` || event !== 'presence_diff') return;
		busyJoins.push(...((payload.joins?.busy?.metas ?? []) as Array<Record<string, unknown>>));
	});
	// Five updates back to back: only the last meta reaches the others.
	for (let v = 1; v <= 5; v++)
		busy.ws.send(
			JSON.stringify([
				'1',
				String(10 + v),
				`realtime:${topic}`,
				'presence',
				{ type: 'presence', event: 'track', payload: { v } }
			])
		);
	await waitFor(() => busyJoins.length > 0);
	// A later member joins after the five updates were sent: its join is announced in the same or
	// a later batch, so once the observer has it, every diff the updates caused has arrived too.
	await rawMember(topic, 'later');
	await waitFor(() => observer.seen.has('later'));
	expect(busyJoins.length).toBeLessThanOrEqual(2);
	expect(busyJoins.at(-1)).toMatchObject({ v: 5 });
	expect(observer.seen.get('busy')).toBe(1);
}, 20_000);
