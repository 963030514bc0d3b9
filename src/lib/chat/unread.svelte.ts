import { totalUnread } from '../db/messages';
import { browserClient } from '../supabase-browser';
import { userEvents } from './user-events.svelte';

/** Total unread direct messages per organization, for the navigation badge, kept live. */
class UnreadCounts {
	counts = $state<Record<string, number>>({});
	#timers = new Map<string, ReturnType<typeof setTimeout>>();

	/** Keeps an organization's count fresh while something shows it; returns the cleanup. */
	watch(organizationId: string, userId: string): () => void {
		void this.refresh(organizationId);
		return userEvents.listen(userId, {
			onEvent: (_event, payload) => {
				if (!payload.organization_id || payload.organization_id === organizationId) {
					this.refreshSoon(organizationId);
				}
			},
			onResync: () => void this.refresh(organizationId)
		});
	}

	/** Re-reads after a burst of events settles, so ten messages cost one query. */
	refreshSoon(organizationId: string): void {
		clearTimeout(this.#timers.get(organizationId));
		this.#timers.set(
			organizationId,
			setTimeout(() => void this.refresh(organizationId), 250)
		);
	}

	async refresh(organizationId: string): Promise<void> {
		try {
			this.counts[organizationId] = await totalUnread(browserClient(), organizationId);
		} catch {
			// The badge keeps its last value; the inbox shows errors.
		}
	}
}

export const unreadCounts = new UnreadCounts();
