// Reading a conversation beyond the first page: older pages on demand, back to a far-off message
// (a search hit), and the catch-up that re-reads what changed while the connection was away
// (realtime is never the only path).
import { conversationMessages, messagesSince, HISTORY_PAGE } from '../db/messages';
import { browserClient } from '../supabase-browser';
import type { AttachmentLoader } from './attachment-loader.svelte';
import type { MessageList } from './message-list.svelte';
import { isoShift } from './time';

/** messages_since reads from a little before the last change seen, so clock edges miss nothing. */
const CATCH_UP_MARGIN_MS = 5000;
/** messages_since's page size: a full page means there may be more. */
const CATCH_UP_PAGE = 500;

export class History {
	hasOlder = $state(true);
	loadingOlder = $state(false);
	error = $state<string | null>(null);
	readonly #list: MessageList;
	readonly #files: AttachmentLoader;

	constructor(list: MessageList, files: AttachmentLoader, initialCount: number) {
		this.#list = list;
		this.#files = files;
		this.hasOlder = initialCount >= HISTORY_PAGE;
	}

	/** Loads the page before the oldest message shown; returns how many arrived. */
	async loadOlder(limit = HISTORY_PAGE): Promise<number> {
		if (this.loadingOlder || !this.hasOlder) return 0;
		const oldest = this.#list.oldestStored();
		if (!oldest) {
			this.hasOlder = false;
			return 0;
		}
		this.loadingOlder = true;
		try {
			const { organizationId, other } = this.#list.pair;
			const page = await conversationMessages(browserClient(), organizationId, other, {
				before: { createdAt: oldest.createdAt, id: oldest.id },
				limit
			});
			for (const m of page.messages) this.#list.upsert(m);
			this.#files.have(page.files);
			this.#files.want(page.messages);
			this.hasOlder = page.messages.length >= limit;
			this.error = null;
			return page.messages.length;
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
		let loaded = 0;
		while (!this.#list.has(id) && this.hasOlder && loaded < maxMessages) {
			const n = await this.loadOlder(200);
			if (n === 0) break;
			loaded += n;
		}
		return this.#list.has(id);
	}

	/** Re-reads what changed since the last event seen (after a reconnect or the tab returning). */
	async catchUp(): Promise<void> {
		const since = isoShift(-CATCH_UP_MARGIN_MS, this.#list.since);
		try {
			let cursor: { since: string; id?: string } = { since };
			for (let pages = 0; pages < 10; pages++) {
				const rows = await messagesSince(browserClient(), cursor.since, cursor.id);
				const mine = rows.filter((m) => this.#list.belongs(m));
				for (const m of mine) this.#list.upsert(m);
				this.#files.want(mine);
				if (rows.length < CATCH_UP_PAGE) break;
				const last = rows[rows.length - 1];
				cursor = { since: last.updatedAt ?? last.createdAt, id: last.id };
			}
			this.error = null;
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'Could not catch up; showing what we have.';
		}
	}
}
