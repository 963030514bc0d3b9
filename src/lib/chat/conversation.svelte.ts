// One open direct conversation, put together from parts with one job each: the message list
// (message-list), older pages and catch-up (history), sending (sender), files (attachment-loader)
// and typing (typing). This file wires them to the live events of user:<me> and owns the read
// state; the page renders `bubbles` and calls the verbs.
import { untrack } from 'svelte';
import { markConversationRead, type ChatMessage } from '../db/messages';
import type { Attachment } from '../db/attachments';
import type { QueuedFile } from '../offline/outbox';
import { browserClient } from '../supabase-browser';
import { AttachmentLoader } from './attachment-loader.svelte';
import { History } from './history.svelte';
import { MessageList, type Bubble } from './message-list.svelte';
import { parseMessageEvent } from './message-event';
import { Sender } from './sender.svelte';
import { Typing } from './typing.svelte';
import { userEvents, type UserEventName } from './user-events.svelte';

export type { Bubble, SendStatus } from './message-list.svelte';
export { MAX_LENGTH } from './sender.svelte';
export { dmTopic } from './typing.svelte';

/** The events of user:<me> that concern direct messages. */
const DM_EVENTS: readonly string[] = [
	'message_created',
	'message_updated',
	'message_deleted',
	'message_read',
	'conversation_read'
];

export class Conversation {
	/** The first message from the other person that was unread when the page opened. */
	firstUnreadId = $state<string | null>(null);

	readonly organizationId: string;
	readonly me: string;
	readonly other: string;
	readonly #list: MessageList;
	readonly #files: AttachmentLoader;
	readonly #history: History;
	readonly #sender: Sender;
	readonly #typing: Typing;
	#marking = false;

	constructor(opts: {
		organizationId: string;
		me: string;
		other: string;
		initial: ChatMessage[];
		/** Server time of the initial read: catch-up starts here. */
		loadedAt: string;
		/** Files of the initial messages the server read with them, by message id. */
		attachments?: Record<string, Attachment[]>;
	}) {
		this.organizationId = opts.organizationId;
		this.me = opts.me;
		this.other = opts.other;
		const pair = { organizationId: opts.organizationId, me: opts.me, other: opts.other };
		this.#list = new MessageList(pair, opts.initial, opts.loadedAt);
		this.#files = new AttachmentLoader(opts.attachments);
		this.#history = new History(this.#list, this.#files, opts.initial.length);
		this.#sender = new Sender(this.#list, this.#files);
		this.#typing = new Typing(pair);
		this.firstUnreadId =
			opts.initial.find((m) => m.senderId === opts.other && !m.isRead && !m.deletedAt)?.id ?? null;
	}

	get bubbles(): Bubble[] {
		return this.#list.bubbles;
	}
	get hasOlder(): boolean {
		return this.#history.hasOlder;
	}
	get loadingOlder(): boolean {
		return this.#history.loadingOlder;
	}
	get error(): string | null {
		return this.#history.error;
	}
	get otherTyping(): boolean {
		return this.#typing.otherTyping;
	}
	/** Files of stored messages, by message id (absent: none, or not read yet). */
	get attachments(): Record<string, Attachment[]> {
		return this.#files.byMessage;
	}
	get unreadFromOther(): boolean {
		return this.#list.unreadFromOther;
	}

	/**
	 * Subscribes to live events and typing; returns the cleanup for the page to call. Untracked: a
	 * page calls it from an $effect, which must not re-run (stopping everything) whenever a bubble
	 * changes because start() looked at the list.
	 */
	start(): () => void {
		return untrack(() => {
			this.#files.start();
			const stopEvents = userEvents.listen(this.me, {
				onEvent: (event, payload) => this.#onEvent(event, payload),
				// Realtime is never the only path: after a reconnect, re-read what was missed.
				onResync: () => void this.#history.catchUp()
			});
			this.#typing.join();
			this.#files.want(this.#list.bubbles);
			return () => {
				stopEvents();
				this.#files.stop();
				this.#typing.leave();
			};
		});
	}

	send(text: string, paths: string[] = [], files: QueuedFile[] = []): void {
		this.#sender.send(text, paths, files);
	}
	retry(clientId: string): void {
		this.#sender.retry(clientId);
	}
	discard(clientId: string): void {
		this.#sender.discard(clientId);
	}
	edit(id: string, text: string): Promise<string | null> {
		return this.#sender.edit(id, text);
	}
	remove(id: string): Promise<string | null> {
		return this.#sender.remove(id);
	}
	loadOlder(limit?: number): Promise<number> {
		return this.#history.loadOlder(limit);
	}
	reveal(id: string, maxMessages?: number): Promise<boolean> {
		return this.#history.reveal(id, maxMessages);
	}
	catchUp(): Promise<void> {
		return this.#history.catchUp();
	}
	typing(): void {
		this.#typing.typing();
	}

	/** Marks the conversation read; the page calls it when the newest message is on screen. */
	async markRead(): Promise<void> {
		if (this.#marking || !this.unreadFromOther) return;
		this.#marking = true;
		try {
			await markConversationRead(browserClient(), this.organizationId, this.other);
			this.#list.readAllFromOther();
		} catch {
			// Stays unread; the next visible moment tries again.
		} finally {
			this.#marking = false;
		}
	}

	#onEvent(event: UserEventName, payload: Record<string, unknown>): void {
		// user:<me> also carries workout comments (messages with an assignment) and other features'
		// events: only direct messages belong here.
		if (payload.workout_assignment_id) return;
		if ((event as string) === 'attachment_added') {
			const id = payload.message_id;
			if (typeof id === 'string' && this.#list.has(id)) this.#files.added(id, payload.attachments);
			return;
		}
		if (!DM_EVENTS.includes(event)) return;
		if (event === 'message_read') {
			const ids: readonly string[] = (payload.message_ids as string[] | undefined) ?? [];
			this.#list.receipted(ids, payload.read_at as string | undefined);
			return;
		}
		if (event === 'conversation_read') return;
		const m = parseMessageEvent(payload);
		if (!m || !this.#list.belongs(m)) return;
		if (event === 'message_created' && m.senderId === this.other) this.#typing.stoppedByMessage();
		this.#list.upsert(m);
		if (event === 'message_created') this.#files.want([m]);
	}
}
