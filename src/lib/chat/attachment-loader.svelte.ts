// The files of a conversation's messages. conversation_messages answers them with each page;
// live events say only how many files a message has, so the files of messages that arrived live
// (or whose files were not readable yet) are read here in batches (one query for all that
// arrived together), and an `attachment_added` event fills them in directly.
import type { ChatMessage } from '../db/messages';
import { messageAttachments, parseAttachments, type Attachment } from '../db/attachments';
import { browserClient } from '../supabase-browser';

/** How long to gather messages before reading their files in one query. */
const BATCH_MS = 50;

export class AttachmentLoader {
	/** Files of stored messages, by message id (absent: none, or not read yet). */
	byMessage = $state<Record<string, Attachment[]>>({});
	#stopped = false;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#asked = new Set<string>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#wanted = new Set<string>();
	#timer: ReturnType<typeof setTimeout> | undefined;

	/** `initial`: files the server already read with the first page (not asked again). */
	constructor(initial: Record<string, Attachment[]> = {}) {
		this.byMessage = { ...initial };
		for (const id of Object.keys(initial)) this.#asked.add(id);
	}

	start(): void {
		this.#stopped = false;
	}

	stop(): void {
		this.#stopped = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	/** Files that came with a page of the conversation: not asked for again. */
	have(files: Record<string, Attachment[]>): void {
		for (const [id, list] of Object.entries(files)) {
			this.byMessage[id] = list;
			this.#asked.add(id);
		}
	}

	/** Reads the files of these messages soon, in one query (only those that may have some). */
	want(messages: ChatMessage[]): void {
		for (const m of messages) {
			if (m.id.startsWith('pending:') || m.deletedAt || m.attachmentCount === 0) continue;
			if (!this.#asked.has(m.id)) this.#wanted.add(m.id);
		}
		if (this.#wanted.size === 0 || this.#timer) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			const ids = [...this.#wanted];
			this.#wanted.clear();
			void this.load(ids);
		}, BATCH_MS);
	}

	/** Reads the files of these messages now; `force` reads again those read before. */
	async load(ids: string[], force = false): Promise<void> {
		const wanted = ids.filter((id) => force || !this.#asked.has(id));
		if (wanted.length === 0 || this.#stopped) return;
		for (const id of wanted) this.#asked.add(id);
		try {
			const found = await messageAttachments(browserClient(), wanted);
			for (const [id, list] of found) this.byMessage[id] = list;
		} catch {
			// Shown without files for now; the next catch-up asks again.
			for (const id of wanted) this.#asked.delete(id);
		}
	}

	/** An `attachment_added` event: the message's files as the database sent them. */
	added(messageId: string, json: unknown): void {
		this.byMessage[messageId] = parseAttachments(json);
		this.#asked.add(messageId);
	}
}
