import { untrack } from 'svelte';
import {
	conversationMessages,
	deleteMessage,
	editMessage,
	markConversationRead,
	messagesSince,
	sendMessage,
	sendMessageWithAttachments,
	toChatMessage,
	HISTORY_PAGE,
	type ChatMessage
} from '../db/messages';
import { messageAttachments, parseAttachments, type Attachment } from '../db/attachments';
import { DbError } from '../db/errors';
import { enqueueMessage, isOfflineError, type QueuedFile } from '../offline/outbox';
import { outbox } from '../offline/outbox.svelte';
import { listen, type HubSubscription } from '../realtime-hub';
import { browserClient } from '../supabase-browser';
import { isoShift } from './time';
import { userEvents, type UserEventName } from './user-events.svelte';
import { uuidV7 } from '../ids';

export const MAX_LENGTH = 5000;
const TYPING_SEND_EVERY_MS = 2000;
const TYPING_SHOWN_FOR_MS = 5000;
/** messages_since reads from a little before the last change seen, so clock edges miss nothing. */
const CATCH_UP_MARGIN_MS = 5000;

/** `queued`: the browser was offline, so it waits in the offline outbox ("waiting to send"). */
export type SendStatus = 'sending' | 'queued' | 'failed' | 'sent';

const DM_EVENTS: readonly string[] = [
	'message_created',
	'message_updated',
	'message_deleted',
	'message_read',
	'conversation_read'
];

export interface Bubble extends ChatMessage {
	/** Stable across the optimistic row and the stored one: the client id, else the id. */
	key: string;
	status: SendStatus;
	error: string | null;
	/** Files going with a message still in flight (shown as "n files attached" until it is stored). */
	pendingFiles?: number;
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

/**
 * The DM topic of a pair: `dm:<org>:<lower user id>:<higher user id>`. Ordering the two ids makes
 * both people compute the same name, and the realtime.messages policies parse it in this form.
 */
export function dmTopic(organizationId: string, a: string, b: string): string {
	const [low, high] = [a.toLowerCase(), b.toLowerCase()].sort();
	return `dm:${organizationId}:${low}:${high}`;
}

/**
 * One open conversation: its messages (stored and optimistic), live events, typing, receipts,
 * older pages and catch-up. The page renders `bubbles` and calls the verbs.
 */
export class Conversation {
	bubbles = $state<Bubble[]>([]);
	hasOlder = $state(true);
	loadingOlder = $state(false);
	otherTyping = $state(false);
	/** The first message from the other person that was unread when the page opened. */
	firstUnreadId = $state<string | null>(null);
	error = $state<string | null>(null);
	/** Files of stored messages, by message id (absent: none, or not read yet). */
	attachments = $state<Record<string, Attachment[]>>({});

	readonly organizationId: string;
	readonly me: string;
	readonly other: string;
	#since: string;
	#typingChannel: HubSubscription | null = null;
	#typingSentAt = 0;
	#typingTimer: ReturnType<typeof setTimeout> | undefined;
	#marking = false;
	#stopped = false;
	/** Object paths of messages in flight, by client id (a retry sends the same ones). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#paths = new Map<string, string[]>();
	/** Files picked offline of messages in flight, by client id (queued with the message). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#files = new Map<string, QueuedFile[]>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#attachmentsAsked = new Set<string>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#attachmentsWanted = new Set<string>();
	#attachmentsTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(opts: {
		organizationId: string;
		me: string;
		other: string;
		initial: ChatMessage[];
		/** Server time of the initial read: catch-up starts here. */
		loadedAt: string;
	}) {
		this.organizationId = opts.organizationId;
		this.me = opts.me;
		this.other = opts.other;
		this.#since = opts.loadedAt;
		this.bubbles = opts.initial.map((m) => this.#bubble(m));
		this.hasOlder = opts.initial.length >= HISTORY_PAGE;
		this.firstUnreadId =
			opts.initial.find((m) => m.senderId === opts.other && !m.isRead && !m.deletedAt)?.id ?? null;
		for (const m of opts.initial) this.#seen(m);
	}

	get unreadFromOther(): boolean {
		return this.bubbles.some((b) => b.senderId === this.other && !b.isRead && !b.deletedAt);
	}

	/**
	 * Subscribes to live events and typing; returns the cleanup for the page to call. Untracked: a
	 * page calls it from an $effect, which must not re-run (stopping everything) whenever a bubble
	 * changes because start() looked at the list.
	 */
	start(): () => void {
		return untrack(() => {
			this.#stopped = false;
			const stopEvents = userEvents.listen(this.me, {
				onEvent: (event, payload) => this.#onEvent(event, payload),
				onResync: () => void this.catchUp()
			});
			this.#typingChannel = this.#joinTyping();
			this.#wantAttachments(this.bubbles);
			return () => {
				this.#stopped = true;
				stopEvents();
				clearTimeout(this.#typingTimer);
				clearTimeout(this.#attachmentsTimer);
				this.#attachmentsTimer = undefined;
				this.#typingChannel?.stop();
				this.#typingChannel = null;
			};
		});
	}

	// ---- sending ------------------------------------------------------------------------------

	/**
	 * Shows the message at once and sends it; a failure leaves it on screen to retry. With uploaded
	 * files (`paths`) the text may be empty: an attachment-only message. Files picked offline
	 * (`files`, not uploaded yet) send the message through the offline outbox, which uploads them
	 * and sends it, once, when the connection returns.
	 */
	send(text: string, paths: string[] = [], files: QueuedFile[] = []): void {
		const content = text.replace(/\s+$/u, '');
		if (
			(!content.trim() && paths.length === 0 && files.length === 0) ||
			content.length > MAX_LENGTH
		)
			return;
		// Time-ordered, like the database's message ids (see ../ids.ts).
		const clientId = uuidV7();
		if (paths.length > 0) this.#paths.set(clientId, [...paths]);
		if (files.length > 0) this.#files.set(clientId, [...files]);
		const now = isoShift();
		this.bubbles.push({
			key: clientId,
			id: `pending:${clientId}`,
			organizationId: this.organizationId,
			senderId: this.me,
			recipientId: this.other,
			content: content.trim() ? content : null,
			clientId,
			createdAt: now,
			readAt: null,
			editedAt: null,
			deletedAt: null,
			updatedAt: null,
			isRead: false,
			status: 'sending',
			error: null,
			pendingFiles: paths.length + files.length
		});
		void (files.length > 0 ? this.#queue(clientId) : this.#deliver(clientId));
	}

	/** A message with files not uploaded yet: into the outbox, flushed at once when online. */
	async #queue(clientId: string): Promise<void> {
		const b = this.bubbles.find((x) => x.key === clientId);
		if (!b) return;
		try {
			await enqueueMessage(
				{
					p_organization_id: this.organizationId,
					p_recipient_id: this.other,
					p_content: b.content ?? '',
					p_object_paths: this.#paths.get(clientId) ?? [],
					files: this.#files.get(clientId) ?? []
				},
				clientId
			);
			this.#paths.delete(clientId);
			this.#files.delete(clientId);
			if (b.status === 'sending') b.status = 'queued';
			if (navigator.onLine) void outbox.flush(browserClient());
		} catch {
			// No IndexedDB (private mode on some browsers): the files cannot wait for the connection.
			b.status = 'failed';
			b.error =
				'Attachments need a connection: this browser cannot keep them offline. Retry when you are back online.';
		}
	}

	/** Sends a failed message again with the same client id, so the database never stores it twice. */
	retry(clientId: string): void {
		const b = this.bubbles.find((x) => x.key === clientId && x.status === 'failed');
		if (!b) return;
		b.status = 'sending';
		b.error = null;
		void (this.#files.has(clientId) ? this.#queue(clientId) : this.#deliver(clientId));
	}

	discard(clientId: string): void {
		this.bubbles = this.bubbles.filter((x) => !(x.key === clientId && x.status === 'failed'));
		this.#paths.delete(clientId);
		this.#files.delete(clientId);
	}

	async #deliver(clientId: string): Promise<void> {
		const b = this.bubbles.find((x) => x.key === clientId);
		if (!b) return;
		const content = b.content ?? '';
		const paths = this.#paths.get(clientId) ?? [];
		try {
			const stored =
				paths.length > 0
					? await sendMessageWithAttachments(browserClient(), {
							organizationId: this.organizationId,
							recipientId: this.other,
							content,
							clientId,
							objectPaths: paths
						})
					: await sendMessage(browserClient(), {
							organizationId: this.organizationId,
							recipientId: this.other,
							content,
							clientId
						});
			this.#paths.delete(clientId);
			this.#upsert(stored);
			if (paths.length > 0) void this.#loadAttachments([stored.id], true);
		} catch (e) {
			const current = this.bubbles.find((x) => x.key === clientId);
			if (!current || current.status !== 'sending') return;
			// Offline: the message waits in the outbox (same client id, so it is stored once) and is
			// sent when the connection returns; files it carries are already uploaded (their paths).
			if (isOfflineError(e)) {
				try {
					await enqueueMessage(
						{
							p_organization_id: this.organizationId,
							p_recipient_id: this.other,
							p_content: content,
							...(paths.length > 0 ? { p_object_paths: paths } : {})
						},
						clientId
					);
					this.#paths.delete(clientId);
					if (current.status === 'sending') current.status = 'queued';
					return;
				} catch {
					// No IndexedDB (private mode): fall through to "failed, retry".
				}
			}
			current.status = 'failed';
			current.error =
				e instanceof DbError && !isOfflineError(e)
					? e.message
					: 'Not sent: check your connection and try again.';
		}
	}

	// ---- attachments --------------------------------------------------------------------------

	/** Reads the files of these messages soon, in one query (only those that may have some). */
	#wantAttachments(messages: ChatMessage[]): void {
		for (const m of messages) {
			if (m.id.startsWith('pending:') || m.deletedAt || m.attachmentCount === 0) continue;
			if (!this.#attachmentsAsked.has(m.id)) this.#attachmentsWanted.add(m.id);
		}
		if (this.#attachmentsWanted.size === 0 || this.#attachmentsTimer) return;
		this.#attachmentsTimer = setTimeout(() => {
			this.#attachmentsTimer = undefined;
			const ids = [...this.#attachmentsWanted];
			this.#attachmentsWanted.clear();
			void this.#loadAttachments(ids);
		}, 50);
	}

	async #loadAttachments(ids: string[], force = false): Promise<void> {
		const wanted = ids.filter((id) => force || !this.#attachmentsAsked.has(id));
		if (wanted.length === 0 || this.#stopped) return;
		for (const id of wanted) this.#attachmentsAsked.add(id);
		try {
			const found = await messageAttachments(browserClient(), wanted);
			for (const [id, list] of found) this.attachments[id] = list;
		} catch {
			// Shown without files for now; the next catch-up asks again.
			for (const id of wanted) this.#attachmentsAsked.delete(id);
		}
	}

	// ---- editing and deleting -----------------------------------------------------------------

	async edit(id: string, text: string): Promise<string | null> {
		try {
			this.#upsert(await editMessage(browserClient(), id, text));
			return null;
		} catch (e) {
			return e instanceof Error ? e.message : 'The message could not be saved.';
		}
	}

	async remove(id: string): Promise<string | null> {
		try {
			this.#upsert(await deleteMessage(browserClient(), id));
			return null;
		} catch (e) {
			return e instanceof Error ? e.message : 'The message could not be deleted.';
		}
	}

	// ---- reading ------------------------------------------------------------------------------

	/** Loads the page before the oldest message shown; returns how many arrived. */
	async loadOlder(limit = HISTORY_PAGE): Promise<number> {
		if (this.loadingOlder || !this.hasOlder) return 0;
		const oldest = this.bubbles.find((b) => b.status === 'sent');
		if (!oldest) {
			this.hasOlder = false;
			return 0;
		}
		this.loadingOlder = true;
		try {
			const page = await conversationMessages(browserClient(), this.organizationId, this.other, {
				before: { createdAt: oldest.createdAt, id: oldest.id },
				limit
			});
			for (const m of page) this.#upsert(m);
			this.#wantAttachments(page);
			this.hasOlder = page.length >= limit;
			this.error = null;
			return page.length;
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'Older messages could not be loaded.';
			return 0;
		} finally {
			this.loadingOlder = false;
		}
	}

	/**
	 * Loads older pages until a message is on hand (a search hit far back in the thread); the
	 * history stays one unbroken stretch up to the newest, so live messages keep arriving in place.
	 * Gives up after `maxMessages` more messages and says whether it found it.
	 */
	async reveal(id: string, maxMessages = 5000): Promise<boolean> {
		const has = () => this.bubbles.some((b) => b.id === id);
		let loaded = 0;
		while (!has() && this.hasOlder && loaded < maxMessages) {
			const n = await this.loadOlder(200);
			if (n === 0) break;
			loaded += n;
		}
		return has();
	}

	/** Marks the conversation read; the page calls it when the newest message is on screen. */
	async markRead(): Promise<void> {
		if (this.#marking || !this.unreadFromOther) return;
		this.#marking = true;
		try {
			await markConversationRead(browserClient(), this.organizationId, this.other);
			for (const b of this.bubbles) if (b.senderId === this.other) b.isRead = true;
		} catch {
			// Stays unread; the next visible moment tries again.
		} finally {
			this.#marking = false;
		}
	}

	/** Re-reads what changed since the last event seen (after a reconnect or the tab returning). */
	async catchUp(): Promise<void> {
		const since = isoShift(-CATCH_UP_MARGIN_MS, this.#since);
		try {
			let cursor: { since: string; id?: string } = { since };
			for (let pages = 0; pages < 10; pages++) {
				const rows = await messagesSince(browserClient(), cursor.since, cursor.id);
				const mine = rows.filter((m) => this.#mine(m));
				for (const m of mine) this.#upsert(m);
				this.#wantAttachments(mine);
				if (rows.length < 500) break;
				const last = rows[rows.length - 1];
				cursor = { since: last.updatedAt ?? last.createdAt, id: last.id };
			}
			this.error = null;
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'Could not catch up; showing what we have.';
		}
	}

	// ---- typing -------------------------------------------------------------------------------

	/** Tells the other person I am typing, at most every two seconds. */
	typing(): void {
		const now = Date.now();
		if (!this.#typingChannel || now - this.#typingSentAt < TYPING_SEND_EVERY_MS) return;
		this.#typingSentAt = now;
		this.#typingChannel.send('typing', { user_id: this.me });
	}

	#joinTyping(): HubSubscription {
		// A refused join (say, a block) just means no typing indicator.
		return listen(
			browserClient(),
			dmTopic(this.organizationId, this.me, this.other),
			(event, payload) => {
				if (event !== 'typing' || payload.user_id !== this.other) return;
				this.otherTyping = true;
				clearTimeout(this.#typingTimer);
				this.#typingTimer = setTimeout(() => (this.otherTyping = false), TYPING_SHOWN_FOR_MS);
			}
		);
	}

	// ---- events -------------------------------------------------------------------------------

	#onEvent(event: UserEventName, payload: Record<string, unknown>): void {
		// user:<me> also carries workout comments (messages with an assignment) and other features'
		// events: only direct messages belong here.
		if (payload.workout_assignment_id) return;
		if ((event as string) === 'attachment_added') {
			const id = payload.message_id;
			if (typeof id === 'string' && this.bubbles.some((b) => b.id === id)) {
				this.attachments[id] = parseAttachments(payload.attachments);
				this.#attachmentsAsked.add(id);
			}
			return;
		}
		if (!DM_EVENTS.includes(event)) return;
		if (event === 'message_read') {
			const ids: readonly string[] = (payload.message_ids as string[] | undefined) ?? [];
			const readAt = payload.read_at as string | undefined;
			for (const b of this.bubbles) {
				if (ids.includes(b.id)) {
					b.readAt = readAt ?? b.readAt;
					b.isRead = true;
				}
			}
			if (readAt && readAt > this.#since) this.#since = readAt;
			return;
		}
		if (event === 'conversation_read') return;
		if (typeof payload.message_id !== 'string') return;
		const m = toChatMessage(payload as unknown as Parameters<typeof toChatMessage>[0]);
		if (!this.#mine(m)) return;
		if (event === 'message_created' && m.senderId === this.other) {
			this.otherTyping = false;
			clearTimeout(this.#typingTimer);
		}
		this.#upsert(m);
		if (event === 'message_created') this.#wantAttachments([m]);
	}

	#mine(m: ChatMessage): boolean {
		return (
			m.organizationId === this.organizationId &&
			((m.senderId === this.me && m.recipientId === this.other) ||
				(m.senderId === this.other && m.recipientId === this.me))
		);
	}

	#bubble(m: ChatMessage): Bubble {
		return {
			...m,
			key: m.clientId && m.senderId === this.me ? m.clientId : m.id,
			status: 'sent',
			error: null
		};
	}

	#seen(m: ChatMessage): void {
		const t = latestChange(m);
		if (t > this.#since) this.#since = t;
	}

	/** Adds or merges a stored message, replacing its optimistic copy; keeps the list in order. */
	#upsert(m: ChatMessage): void {
		this.#seen(m);
		const existing =
			this.bubbles.find((b) => b.id === m.id) ??
			(m.clientId && m.senderId === this.me
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
}
