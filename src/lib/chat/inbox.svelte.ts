import { listConversations, INBOX_PAGE, type ConversationSummary } from '../db/messages';
import { browserClient } from '../supabase-browser';
import { userEvents } from './user-events.svelte';

/** The inbox list: the first page from the server load, later pages by keyset, kept live. */
export class Inbox {
	items = $state<ConversationSummary[]>([]);
	hasMore = $state(false);
	loadingMore = $state(false);
	error = $state<string | null>(null);
	readonly organizationId: string;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(organizationId: string, initial: ConversationSummary[]) {
		this.organizationId = organizationId;
		this.items = initial;
		this.hasMore = initial.length >= INBOX_PAGE;
	}

	start(userId: string): () => void {
		const stop = userEvents.listen(userId, {
			onEvent: (_event, payload) => {
				if (!payload.organization_id || payload.organization_id === this.organizationId) {
					clearTimeout(this.#timer);
					this.#timer = setTimeout(() => void this.refresh(), 250);
				}
			},
			onResync: () => void this.refresh()
		});
		return () => {
			clearTimeout(this.#timer);
			stop();
		};
	}

	async loadMore(): Promise<void> {
		const last = this.items.at(-1);
		if (!last || this.loadingMore) return;
		this.loadingMore = true;
		try {
			const page = await listConversations(browserClient(), this.organizationId, last);
			const known = this.items.map((c) => c.conversationId);
			this.items.push(...page.filter((c) => !known.includes(c.conversationId)));
			this.hasMore = page.length >= INBOX_PAGE;
			this.error = null;
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'More conversations could not be loaded.';
		} finally {
			this.loadingMore = false;
		}
	}

	/** Re-reads the rows on screen (up to 100) and puts any older loaded rows after them. */
	async refresh(): Promise<void> {
		const count = Math.min(Math.max(this.items.length, INBOX_PAGE), 100);
		try {
			const fresh = await listConversations(browserClient(), this.organizationId, null, count);
			const ids = fresh.map((c) => c.conversationId);
			const oldest = fresh.at(-1)?.lastActivityAt ?? '';
			const rest = this.items.filter(
				(c) => !ids.includes(c.conversationId) && c.lastActivityAt < oldest
			);
			this.items = [...fresh, ...rest];
			if (this.items.length <= count) this.hasMore = fresh.length >= count;
			this.error = null;
		} catch (e) {
			this.error = e instanceof Error ? e.message : 'The inbox could not be refreshed.';
		}
	}
}
