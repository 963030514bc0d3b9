import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';
import { listen } from './realtime-hub';
import { dateTimeFormat } from './dates';

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface UserEventHandlers {
	/** Broadcast event name → handler, e.g. { assignment_published: (p) => … }. */
	events?: Record<string, (payload: Record<string, unknown>) => void>;
	/**
	 * Re-read from the server. Called once the channel is joined (events sent before it was are
	 * not replayed), after every reconnect, when the tab becomes visible and when the browser comes
	 * back online: realtime is a hint, never the only path to fresh data.
	 */
	resync?: () => void;
	onStatus?: (status: LiveStatus) => void;
}

/**
 * Subscribes to the private broadcast topic `user:<uid>` (authorized by realtime.messages
 * policies) through the shared hub (one channel per topic, shared with chat and comments) and
 * returns a function that stops listening.
 */
export function subscribeUserEvents(
	supabase: SupabaseClient<Database>,
	uid: string,
	handlers: UserEventHandlers
): () => void {
	return subscribeTopicEvents(supabase, `user:${uid}`, handlers);
}

/** The same for any private topic the caller may receive (e.g. `results:<org>` for staff). */
export function subscribeTopicEvents(
	supabase: SupabaseClient<Database>,
	topic: string,
	handlers: UserEventHandlers
): () => void {
	let closed = false;
	let timer: ReturnType<typeof setTimeout> | null = null;

	const resync = () => {
		if (closed || !handlers.resync) return;
		// Coalesce bursts (reconnect + visibility at once) into one re-read.
		if (timer) clearTimeout(timer);
		timer = setTimeout(() => {
			timer = null;
			if (!closed) handlers.resync?.();
		}, 150);
	};
	const status = (s: LiveStatus) => {
		if (!closed) handlers.onStatus?.(s);
	};

	status('connecting');
	const subscription = listen(
		supabase,
		topic,
		(event, payload) => {
			if (!closed) handlers.events?.[event]?.(payload);
		},
		(state) => {
			if (state === 'SUBSCRIBED') {
				// Joined (first time, again after a drop, or already joined by another feature).
				status('live');
				resync();
			} else if (state === 'CONNECTING') {
				status('connecting');
			} else {
				status('offline');
			}
		}
	);

	const onVisible = () => {
		if (document.visibilityState === 'visible') resync();
	};
	document.addEventListener('visibilitychange', onVisible);
	window.addEventListener('online', resync);

	return () => {
		closed = true;
		if (timer) clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisible);
		window.removeEventListener('online', resync);
		subscription.stop();
	};
}

/** Reactive "when did this screen last read the server" label for an "as of" line. */
export class Freshness {
	/** Epoch milliseconds of the last read. */
	at = $state(Date.now());
	status = $state<LiveStatus>('connecting');

	touch(): void {
		this.at = Date.now();
	}

	get iso(): string {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Date, only formatted
		return new Date(this.at).toISOString();
	}

	get label(): string {
		return dateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(this.at);
	}
}
