// The one place the browser joins private realtime topics (`user:<me>`, `assignment:<id>`, …).
//
// supabase-js keeps ONE channel per topic per client (`channel()` hands back the existing one), so
// every feature listening on a topic must share it. Per client and topic this hub keeps one private
// channel, joins it once (after `realtime.setAuth()`, which private topics need), fans broadcasts
// and status changes out to every listener, and removes the channel when the last listener stops.
//
// Status: a listener hears SUBSCRIBED whenever the channel (re)joins — also at once when it is
// added to a channel that is already joined — and CHANNEL_ERROR / TIMED_OUT / CLOSED when it is
// lost. Events sent while not joined are not replayed, so SUBSCRIBED means "re-read from the server".
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';

type Client = SupabaseClient<Database>;

export type HubStatus = 'CONNECTING' | 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED';
export type HubHandler = (event: string, payload: Record<string, unknown>) => void;
export type HubStatusHandler = (status: HubStatus) => void;

export interface HubSubscription {
	/** Broadcasts to the others on the topic (dropped while the channel is not joined). */
	send: (event: string, payload: Record<string, unknown>) => void;
	/** Stops listening; the channel is removed when this was the last listener. */
	stop: () => void;
}

interface Listener {
	handler: HubHandler;
	onStatus?: HubStatusHandler;
}

interface Entry {
	listeners: Set<Listener>;
	channel: RealtimeChannel | null;
	status: HubStatus;
	closed: boolean;
}

const hubs = new WeakMap<Client, Map<string, Entry>>();
/** Channels being removed: a new join on the same topic waits, or channel() would return them. */
const leaving = new WeakMap<Client, Map<string, Promise<unknown>>>();

function topicsOf<T>(map: WeakMap<Client, Map<string, T>>, db: Client): Map<string, T> {
	let topics = map.get(db);
	if (!topics) {
		topics = new Map();
		map.set(db, topics);
	}
	return topics;
}

function setStatus(entry: Entry, status: HubStatus): void {
	entry.status = status;
	for (const l of [...entry.listeners]) l.onStatus?.(status);
}

async function open(db: Client, topic: string, entry: Entry): Promise<void> {
	await leaving.get(db)?.get(topic);
	// Private topics are authorized by the access token: hand it to the socket before joining.
	await db.realtime.setAuth();
	if (entry.closed) return;
	const channel = db.channel(topic, { config: { private: true, broadcast: { self: false } } });
	entry.channel = channel;
	channel.on('broadcast', { event: '*' }, (message) => {
		if (entry.closed) return;
		const payload = (message.payload ?? {}) as Record<string, unknown>;
		for (const l of [...entry.listeners]) l.handler(String(message.event), payload);
	});
	channel.subscribe((status) => {
		if (entry.closed) return;
		// Every SUBSCRIBED (the first join and each rejoin after a drop) reaches every listener.
		setStatus(entry, status as HubStatus);
	});
}

/**
 * Listens to every broadcast on the private `topic` of this client. `onStatus` hears the current
 * status at once (if the channel already has one) and every change after.
 */
export function listen(
	db: Client,
	topic: string,
	handler: HubHandler,
	onStatus?: HubStatusHandler
): HubSubscription {
	const topics = topicsOf(hubs, db);
	let entry = topics.get(topic);
	if (!entry) {
		const created: Entry = {
			listeners: new Set(),
			channel: null,
			status: 'CONNECTING',
			closed: false
		};
		topics.set(topic, created);
		entry = created;
		open(db, topic, created).catch(() => {
			if (!created.closed) setStatus(created, 'CHANNEL_ERROR');
		});
	}
	const current = entry;
	const listener: Listener = { handler, onStatus };
	current.listeners.add(listener);
	if (onStatus && current.status !== 'CONNECTING') {
		// A late listener: the join already happened, so tell it now (it resyncs on SUBSCRIBED).
		queueMicrotask(() => {
			if (current.listeners.has(listener) && current.status !== 'CONNECTING') {
				onStatus(current.status);
			}
		});
	}
	return {
		send: (event, payload) => {
			if (current.closed || current.status !== 'SUBSCRIBED' || !current.channel) return;
			void current.channel.send({ type: 'broadcast', event, payload });
		},
		stop: () => {
			if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
			current.closed = true;
			if (topics.get(topic) === current) topics.delete(topic);
			const channel = current.channel;
			current.channel = null;
			if (!channel) return;
			const pending = leaving.get(db)?.get(topic);
			const removal = Promise.resolve(pending)
				.then(() => db.removeChannel(channel))
				.catch(() => undefined);
			const waits = topicsOf(leaving, db);
			waits.set(topic, removal);
			void removal.then(() => {
				if (waits.get(topic) === removal) waits.delete(topic);
			});
		}
	};
}
