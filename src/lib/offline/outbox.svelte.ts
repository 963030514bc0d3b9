// Reactive view of the offline outbox for screens: `outbox.items` lists what waits to be sent,
// `outbox.online` mirrors the connection. The layout's OfflineBanner calls `outbox.start()` once;
// screens only read (and call enqueue… from ./outbox when a send fails offline).
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../database.types';
import { invalidate } from '$app/navigation';
import { toasts } from '../toast.svelte';
import { flush, list, onOutboxChange, remove, MAX_ATTEMPTS, type OutboxItem } from './outbox';

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

	/** Waiting form actions (complete, skip, log) of one assignment, for its page. */
	pendingActions(assignmentId: string) {
		return this.items.filter((i) => i.kind === 'action' && i.payload.assignmentId === assignmentId);
	}

	/** The person drops an item the server refused (after reading why). */
	async discard(id: string): Promise<void> {
		await remove(id);
		await this.refresh();
	}

	async flush(supabase: SupabaseClient<Database>): Promise<void> {
		if (!navigator.onLine) return;
		const before = new Map(this.items.map((i) => [i.id, i]));
		const report = await flush(supabase).catch(() => null);
		this.lastFlush = new Date();
		await this.refresh();
		if (!report) return;
		// Say what the database decided, then show it: screens re-read their assignments.
		const sentActions = report.sent.filter((id) => before.get(id)?.kind === 'action');
		for (const id of sentActions) {
			const item = before.get(id);
			if (item?.kind === 'action') toasts.show(`Sent: ${item.payload.label}`);
		}
		for (const f of report.failed) {
			const item = before.get(f.id);
			if (item?.kind === 'action') {
				toasts.show(`Not saved: ${item.payload.label}. ${f.error}`, 'error', 10_000);
			}
		}
		if (sentActions.length > 0 || report.failed.length > 0) await invalidate('app:assignments');
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
