// Writing in a conversation: a message shows at once (optimistic, under a client id the database
// dedupes on), is sent, and on failure stays to retry; offline it waits in the offline outbox.
// Editing and deleting answer with the stored row.
import {
	deleteMessage,
	editMessage,
	sendMessage,
	sendMessageWithAttachments,
	type ChatMessage
} from '../db/messages';
import { DbError } from '../db/errors';
import { enqueueMessage, isOfflineError, type QueuedFile } from '../offline/outbox';
import { outbox } from '../offline/outbox.svelte';
import { browserClient } from '../supabase-browser';
import { uuidV7 } from '../ids';
import type { AttachmentLoader } from './attachment-loader.svelte';
import type { MessageList } from './message-list.svelte';
import { isoShift } from './time';

export const MAX_LENGTH = 5000;

export class Sender {
	readonly #list: MessageList;
	readonly #files: AttachmentLoader;
	/** Object paths of messages in flight, by client id (a retry sends the same ones). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#paths = new Map<string, string[]>();
	/** Files picked offline of messages in flight, by client id (queued with the message). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#queued = new Map<string, QueuedFile[]>();

	constructor(list: MessageList, files: AttachmentLoader) {
		this.#list = list;
		this.#files = files;
	}

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
		if (files.length > 0) this.#queued.set(clientId, [...files]);
		const { organizationId, me, other } = this.#list.pair;
		this.#list.push({
			key: clientId,
			id: `pending:${clientId}`,
			organizationId,
			senderId: me,
			recipientId: other,
			content: content.trim() ? content : null,
			clientId,
			createdAt: isoShift(),
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

	/** Sends a failed message again with the same client id, so the database never stores it twice. */
	retry(clientId: string): void {
		const b = this.#list.find(clientId);
		if (!b || b.status !== 'failed') return;
		b.status = 'sending';
		b.error = null;
		void (this.#queued.has(clientId) ? this.#queue(clientId) : this.#deliver(clientId));
	}

	discard(clientId: string): void {
		this.#list.drop(clientId);
		this.#paths.delete(clientId);
		this.#queued.delete(clientId);
	}

	async edit(id: string, text: string): Promise<string | null> {
		try {
			this.#list.upsert(await editMessage(browserClient(), id, text));
			return null;
		} catch (e) {
			return e instanceof Error ? e.message : 'The message could not be saved.';
		}
	}

	async remove(id: string): Promise<string | null> {
		try {
			this.#list.upsert(await deleteMessage(browserClient(), id));
			return null;
		} catch (e) {
			return e instanceof Error ? e.message : 'The message could not be deleted.';
		}
	}

	/** A message with files not uploaded yet: into the outbox, flushed at once when online. */
	async #queue(clientId: string): Promise<void> {
		const b = this.#list.find(clientId);
		if (!b) return;
		const { organizationId, other } = this.#list.pair;
		try {
			await enqueueMessage(
				{
					p_organization_id: organizationId,
					p_recipient_id: other,
					p_content: b.content ?? '',
					p_object_paths: this.#paths.get(clientId) ?? [],
					files: this.#queued.get(clientId) ?? []
				},
				clientId
			);
			this.#paths.delete(clientId);
			this.#queued.delete(clientId);
			if (b.status === 'sending') b.status = 'queued';
			if (navigator.onLine) void outbox.flush(browserClient());
		} catch {
			// No IndexedDB (private mode on some browsers): the files cannot wait for the connection.
			b.status = 'failed';
			b.error =
				'Attachments need a connection: this browser cannot keep them offline. Retry when you are back online.';
		}
	}

	async #deliver(clientId: string): Promise<void> {
		const b = this.#list.find(clientId);
		if (!b) return;
		const content = b.content ?? '';
		const paths = this.#paths.get(clientId) ?? [];
		const { organizationId, other } = this.#list.pair;
		try {
			const stored: ChatMessage =
				paths.length > 0
					? await sendMessageWithAttachments(browserClient(), {
							organizationId,
							recipientId: other,
							content,
							clientId,
							objectPaths: paths
						})
					: await sendMessage(browserClient(), {
							organizationId,
							recipientId: other,
							content,
							clientId
						});
			this.#paths.delete(clientId);
			this.#list.upsert(stored);
			if (paths.length > 0) void this.#files.load([stored.id], true);
		} catch (e) {
			const current = this.#list.find(clientId);
			if (!current || current.status !== 'sending') return;
			// Offline: the message waits in the outbox (same client id, so it is stored once) and is
			// sent when the connection returns; files it carries are already uploaded (their paths).
			if (isOfflineError(e)) {
				try {
					await enqueueMessage(
						{
							p_organization_id: organizationId,
							p_recipient_id: other,
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
}
