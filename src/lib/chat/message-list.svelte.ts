// The messages of one open conversation as the screen shows them: stored ones in time order, then
// the ones still in flight. It alone decides what belongs to the pair, where an arriving row goes
// and how far the conversation has been seen (where a catch-up starts reading).
import type { ChatMessage } from '../db/messages';

/** `queued`: the browser was offline, so it waits in the offline outbox ("waiting to send"). */
export type SendStatus = 'sending' | 'queued' | 'failed' | 'sent';

export interface Bubble extends ChatMessage {
	/** Stable across the optimistic row and the stored one: the client id, else the id. */
	key: string;
	status: SendStatus;
	error: string | null;
	/** Files going with a message still in flight (shown as "n files attached" until it is stored). */
	pendingFiles?: number;
}

/** The two people of a direct conversation, in one organization. */
export interface Pair {
	organizationId: string;
	me: string;
	other: string;
}

function compare(a: ChatMessage, b: ChatMessage): number {
	return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

/** Stored messages in time order, then those still in flight (in the order they were written). */
function displayOrder(a: Bubble, b: Bubble): number {
	const pa = a.status !== 'sent';
	const pb = b.status !== 'sent';
	if (pa !== pb) return pa ? 1 : -1;
	return pa ? 0 : compare(a, b);
}

function latestChange(m: ChatMessage): string {
	return [m.updatedAt, m.createdAt, m.editedAt, m.deletedAt, m.readAt]
		.filter((x): x is string => !!x)
		.reduce((a, b) => (a > b ? a : b));
}

export class MessageList {
	bubbles = $state<Bubble[]>([]);
	readonly pair: Pair;
	/** The latest change seen (server time): catch-up reads from a little before it. */
	since: string;

	constructor(pair: Pair, initial: ChatMessage[], loadedAt: string) {
		this.pair = pair;
		this.since = loadedAt;
		this.bubbles = initial.map((m) => this.#bubble(m));
		for (const m of initial) this.#seen(m);
	}

	get unreadFromOther(): boolean {
		return this.bubbles.some((b) => b.senderId === this.pair.other && !b.isRead && !b.deletedAt);
	}

	find(key: string): Bubble | undefined {
		return this.bubbles.find((x) => x.key === key);
	}

	has(id: string): boolean {
		return this.bubbles.some((b) => b.id === id);
	}

	/** The oldest stored message: older pages are read from before it. */
	oldestStored(): Bubble | undefined {
		return this.bubbles.find((b) => b.status === 'sent');
	}

	/** A message just written: shown at once, after everything stored. */
	push(b: Bubble): void {
		this.bubbles.push(b);
	}

	/** Drops a message that failed to send. */
	drop(key: string): void {
		this.bubbles = this.bubbles.filter((x) => !(x.key === key && x.status === 'failed'));
	}

	/** Whether a row (a catch-up row, a realtime payload) is a message between these two here. */
	belongs(m: ChatMessage): boolean {
		const { organizationId, me, other } = this.pair;
		return (
			m.organizationId === organizationId &&
			((m.senderId === me && m.recipientId === other) ||
				(m.senderId === other && m.recipientId === me))
		);
	}

	/** The other person's receipt: these of my messages are read. */
	receipted(ids: readonly string[], readAt: string | undefined): void {
		for (const b of this.bubbles) {
			if (ids.includes(b.id)) {
				b.readAt = readAt ?? b.readAt;
				b.isRead = true;
			}
		}
		if (readAt && readAt > this.since) this.since = readAt;
	}

	/** I have read everything the other person sent. */
	readAllFromOther(): void {
		for (const b of this.bubbles) if (b.senderId === this.pair.other) b.isRead = true;
	}

	/** Adds or merges a stored message, replacing its optimistic copy; keeps the list in order. */
	upsert(m: ChatMessage): void {
		this.#seen(m);
		const me = this.pair.me;
		const existing =
			this.bubbles.find((b) => b.id === m.id) ??
			(m.clientId && m.senderId === me
				? this.bubbles.find((b) => b.key === m.clientId)
				: undefined);
		if (existing) {
			const wasPending = existing.status !== 'sent';
			Object.assign(existing, {
				...m,
				// Realtime payloads carry read_at but not our own read state of their messages.
				isRead: existing.isRead || m.isRead,
				readAt: m.readAt ?? existing.readAt,
				content: m.deletedAt ? null : m.content,
				clientId: m.clientId ?? existing.clientId,
				status: 'sent',
				error: null
			});
			if (wasPending) this.bubbles.sort(displayOrder);
			return;
		}
		const b = this.#bubble(m);
		const last = this.bubbles.findLast((x) => x.status === 'sent');
		if (!last || compare(last, b) < 0) {
			// Newer than everything stored: before the optimistic ones still in flight.
			const firstPending = this.bubbles.findIndex((x) => x.status !== 'sent');
			if (firstPending === -1) this.bubbles.push(b);
			else this.bubbles.splice(firstPending, 0, b);
		} else {
			this.bubbles.push(b);
			this.bubbles.sort(displayOrder);
		}
	}

	#bubble(m: ChatMessage): Bubble {
		return {
			...m,
			key: m.clientId && m.senderId === this.pair.me ? m.clientId : m.id,
			status: 'sent',
			error: null
		};
	}

	#seen(m: ChatMessage): void {
		const t = latestChange(m);
		if (t > this.since) this.since = t;
	}
}
