// Reactive view of the offline outbox for screens: `outbox.items` lists what waits to be sent,
// `outbox.online` mirrors the connection. The layout's OfflineBanner calls `outbox.start()` once;
// screens only read (and call enqueue… from ./outbox when a send fails offline).
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../database.types';
import { flush, list, onOutboxChange, MAX_ATTEMPTS, type OutboxItem } from './outbox';

class Outbox {
	items = $state<OutboxItem[]>([]);
	online = $state(true);
	/** Items the server refused MAX_ATTEMPTS times: they need the person (edit or discard). */
	stuck = $derived(this.items.filter((i) => i.attempts >= MAX_ATTEMPTS));
	count = $derived(this.items.length);
	lastFlush = $state<Date | null>(null);

	/** Waiting messages of one conversation, for the thread to show "waiting to send". */
	pendingMessages(organizationId: string, recipientId: string) {
		return this.items.filter(
			(i) =>
				i.kind === 'message' &&
				i.payload.p_organization_id === organizationId &&
				i.payload.p_recipient_id === recipientId
		);
	}

	async refresh(): Promise<void> {
		try {
			this.items = await list();
		} catch {
			// IndexedDB unavailable (private mode on some browsers): nothing can be queued either.
		}
	}

	async flush(supabase: SupabaseClient<Database>): Promise<void> {
		if (!navigator.onLine) return;
		await flush(supabase).catch(() => undefined);
		this.lastFlush = new Date();
		await this.refresh();
	}

	/** Starts watching the connection and the queue; flushes now and on every `online`. Returns the stop. */
	start(supabase: () => SupabaseClient<Database>): () => void {
		this.online = navigator.onLine;
		const online = () => {
			this.online = true;
			void this.flush(supabase());
		};
		const offline = () => {
			this.online = false;
		};
		const stopWatching = onOutboxChange(() => void this.refresh());
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		void this.refresh().then(() => (this.items.length ? this.flush(supabase()) : undefined));
		return () => {
			stopWatching();
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
		};
	}
}

export const outbox = new Outbox();
