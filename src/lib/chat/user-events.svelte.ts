import { listen, type HubStatus } from '../realtime-hub';
import { browserClient } from '../supabase-browser';

export type UserEventName =
	'message_created' | 'message_updated' | 'message_deleted' | 'message_read' | 'conversation_read';

export interface UserEventListener {
	/** A database event on my private `user:<me>` topic. */
	onEvent?: (event: UserEventName, payload: Record<string, unknown>) => void;
	/**
	 * Something may have been missed: the channel (re)joined, the tab came back to the foreground,
	 * or the network returned. Listeners re-read what they show.
	 */
	onResync?: () => void;
}

/**
 * The chat's view of `user:<me>` (navigation badge, inbox, open conversation). The channel itself
 * is the shared one of ../realtime-hub, which the assignment and comment screens use too.
 */
class UserEvents {
	connected = $state(false);
	#listeners = new Set<UserEventListener>();
	#statuses = new Map<UserEventListener, HubStatus>();
	#removeWindowListeners: (() => void) | null = null;
	#lastResync = 0;

	listen(userId: string, listener: UserEventListener): () => void {
		this.#listeners.add(listener);
		this.#statuses.set(listener, 'CONNECTING');
		const subscription = listen(
			browserClient(),
			`user:${userId}`,
			(event, payload) => listener.onEvent?.(event as UserEventName, payload),
			(status) => {
				this.#statuses.set(listener, status);
				this.#updateConnected();
				// Joined (or rejoined after a drop): events sent before were not delivered, re-read.
				if (status === 'SUBSCRIBED') listener.onResync?.();
			}
		);
		if (!this.#removeWindowListeners) this.#addWindowListeners();
		return () => {
			subscription.stop();
			this.#listeners.delete(listener);
			this.#statuses.delete(listener);
			this.#updateConnected();
			if (this.#listeners.size === 0) {
				this.#removeWindowListeners?.();
				this.#removeWindowListeners = null;
			}
		};
	}

	/** Asks every listener to re-read (at most once a second, however many signals arrive). */
	resync(): void {
		const now = Date.now();
		if (now - this.#lastResync < 1000) return;
		this.#lastResync = now;
		for (const l of this.#listeners) l.onResync?.();
	}

	#updateConnected(): void {
		this.connected = [...this.#statuses.values()].some((s) => s === 'SUBSCRIBED');
	}

	#addWindowListeners(): void {
		const onVisible = () => {
			if (document.visibilityState === 'visible') this.resync();
		};
		const onOnline = () => this.resync();
		document.addEventListener('visibilitychange', onVisible);
		window.addEventListener('online', onOnline);
		this.#removeWindowListeners = () => {
			document.removeEventListener('visibilitychange', onVisible);
			window.removeEventListener('online', onOnline);
		};
	}
}

export const userEvents = new UserEvents();
