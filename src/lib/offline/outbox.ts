// The offline outbox: writes made without a connection wait in IndexedDB and are sent when it
// returns (on the `online` event and when the app starts). Each item carries a client-generated
// uuid that the server uses to recognise a retry, so an item sent twice is stored once:
//   message  -> rpc('send_message', {…, p_client_id: id})   (idempotent on sender + client id)
//   message with files -> each file (a Blob kept in IndexedDB with the item) uploaded to the
//               object path chosen when it was queued, then
//               rpc('send_message_with_attachments', {…, p_client_id: id, p_object_paths})
//               (a file already uploaded by an interrupted flush answers 409 and counts as done;
//               the message is idempotent on the client id, so it is stored once with its files)
//   result   -> workout_results upsert with id = item id, onConflict 'id', ignoreDuplicates
//   action   -> a SvelteKit form action replayed as the enhanced form would post it (complete,
//               skip, log a result): POST <url> with the saved fields and `x-sveltekit-action`.
//               Retries are safe: completing or skipping twice leaves one state, and the log
//               form carries a client id that becomes the result's primary key. A refusal
//               (the action answers failure or error) is what the database decided: the item
//               stays, marked refused with its explanation, until the person discards it.
//
// HOW SCREENS USE IT (messaging and results screens):
//
//   import { enqueueMessage, enqueueResult, isOfflineError } from '../lib/offline/outbox';
//   import { outbox } from '../lib/offline/outbox.svelte';
//
//   // Messages: generate the client id BEFORE the first attempt and reuse it for the retry.
//   const clientId = crypto.randomUUID();
//   try {
//     await supabase.rpc('send_message', { p_organization_id, p_recipient_id, p_content, p_client_id: clientId });
//   } catch (e) {              // or: if (error && isOfflineError(error))
//     if (!isOfflineError(e)) throw e;
//     await enqueueMessage({ p_organization_id, p_recipient_id, p_content }, clientId);
//     // show it in the thread as "waiting to send": outbox.pendingMessages(orgId, recipientId)
//   }
//
//   // Results: same idea; the id becomes workout_results.id.
//   await enqueueResult({ organization_id, user_id, workout_id, workout_assignment_id, score, … }, id);
//
// `outbox.items` (a $state list) drives "waiting to send"; the layout's OfflineBanner shows the
// count and flushes. When a form action (server side) fails offline the request never reaches
// the server: in the `use:enhance` submit callback, `if (!navigator.onLine) { cancel(); enqueue… }`.
import type { SupabaseClient } from '@supabase/supabase-js';
import { deserialize } from '$app/forms';
import type { Database } from '../database.types';
import { imageSize } from '../image-size';

type Db = SupabaseClient<Database>;

/** A file waiting with a queued message: its bytes and the object path it will be uploaded to. */
export type QueuedFile = {
	/** `<organization_id>/<sender_id>/<uuid>.<ext>` in bucket attachments, fixed when queued. */
	path: string;
	name: string;
	type: string;
	blob: Blob;
};

export type MessagePayload = {
	p_organization_id: string;
	p_recipient_id: string;
	p_content: string;
	/** Files uploaded before the connection went (already in storage). */
	p_object_paths?: string[];
	/** Files to upload when the connection returns. */
	files?: QueuedFile[];
};

const ATTACHMENT_BUCKET = 'attachments';
export type ResultPayload = Omit<Database['public']['Tables']['workout_results']['Insert'], 'id'>;

/** A form action to replay: where it posts, its fields, and what to call it for the person. */
export type ActionPayload = {
	url: string;
	fields: [string, string][];
	/** "Mark complete · Back Squat 5x5": names the item in the banner and toasts. */
	label: string;
	/** The assignment it changes, so its page can show "waiting to send". */
	assignmentId?: string;
};

export type OutboxItem =
	| {
			id: string;
			kind: 'action';
			payload: ActionPayload;
			createdAt: number;
			attempts: number;
			lastError?: string;
	  }
	| {
			id: string;
			kind: 'message';
			payload: MessagePayload;
			createdAt: number;
			attempts: number;
			lastError?: string;
	  }
	| {
			id: string;
			kind: 'result';
			payload: ResultPayload;
			createdAt: number;
			attempts: number;
			lastError?: string;
	  };

/** After this many refusals (not network failures) an item stays, marked failed, for the UI to offer "discard". */
export const MAX_ATTEMPTS = 5;

const DB_NAME = 'coachline-offline';
const STORE = 'outbox';
const CHANGED = 'coachline:outbox-changed';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
	opening ??= new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(DB_NAME, 1);
		request.onupgradeneeded = () => {
			const db = request.result;
			if (!db.objectStoreNames.contains(STORE)) {
				db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
			}
		};
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	}).catch((e) => {
		opening = null;
		throw e;
	});
	return opening;
}

async function tx<T>(
	mode: IDBTransactionMode,
	run: (store: IDBObjectStore) => IDBRequest<T>
): Promise<T> {
	const db = await open();
	return new Promise<T>((resolve, reject) => {
		const t = db.transaction(STORE, mode);
		const request = run(t.objectStore(STORE));
		t.oncomplete = () => resolve(request.result);
		t.onerror = () => reject(t.error);
		t.onabort = () => reject(t.error);
	});
}

function changed(): void {
	if (typeof window !== 'undefined') window.dispatchEvent(new Event(CHANGED));
	// Other tabs of the app learn through the storage-free BroadcastChannel.
	channel()?.postMessage('changed');
}

let bc: BroadcastChannel | null | undefined;
function channel(): BroadcastChannel | null {
	if (bc === undefined)
		bc = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANGED);
	return bc;
}

/** Calls `listener` whenever the outbox changes (in this tab or another); returns the unsubscribe. */
export function onOutboxChange(listener: () => void): () => void {
	window.addEventListener(CHANGED, listener);
	const c = channel();
	c?.addEventListener('message', listener);
	return () => {
		window.removeEventListener(CHANGED, listener);
		c?.removeEventListener('message', listener);
	};
}

/** Every waiting item, oldest first. */
export async function list(): Promise<OutboxItem[]> {
	const items = await tx<OutboxItem[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>);
	return items.sort((a, b) => a.createdAt - b.createdAt);
}

/** Queues a write; `id` is the client-generated uuid (reuse the one of the failed attempt). */
export async function enqueue(
	item: Pick<OutboxItem, 'kind' | 'payload'> & { id?: string }
): Promise<OutboxItem> {
	const full = {
		id: item.id ?? crypto.randomUUID(),
		kind: item.kind,
		payload: item.payload,
		createdAt: Date.now(),
		attempts: 0
	} as OutboxItem;
	await tx('readwrite', (s) => s.put(full));
	changed();
	return full;
}

export const enqueueMessage = (payload: MessagePayload, id?: string) =>
	enqueue({ kind: 'message', payload, id });
export const enqueueResult = (payload: ResultPayload, id?: string) =>
	enqueue({ kind: 'result', payload, id });
export const enqueueAction = (payload: ActionPayload, id?: string) =>
	enqueue({ kind: 'action', payload, id });

/** The server answered and said no: retrying cannot change that, the person decides. */
export class Refused extends Error {}

/** Drops an item (sent, or discarded by the person). */
export async function remove(id: string): Promise<void> {
	await tx('readwrite', (s) => s.delete(id));
	changed();
}

/** A failure that means "no connection", not "the server said no": the item waits for the next flush. */
export function isOfflineError(error: unknown): boolean {
	if (typeof navigator !== 'undefined' && !navigator.onLine) return true;
	if (error instanceof TypeError) return true; // fetch failed
	const e = error as { message?: unknown; code?: unknown; status?: unknown } | null;
	const message = typeof e?.message === 'string' ? e.message : '';
	return (
		/Failed to fetch|NetworkError|Load failed|network/i.test(message) ||
		e?.status === 0 ||
		e?.code === '' // supabase-js reports a failed fetch with an empty code
	);
}

/** Uploads one queued file; one an earlier, interrupted flush already uploaded counts as done. */
async function uploadQueued(supabase: Db, file: QueuedFile): Promise<void> {
	// The picture's size goes with it (user metadata), as a composer online sends it.
	const size = await imageSize(file.blob);
	const { error } = await supabase.storage.from(ATTACHMENT_BUCKET).upload(file.path, file.blob, {
		contentType: file.type,
		upsert: false,
		...(size ? { metadata: size } : {})
	});
	if (!error) return;
	const e = error as { status?: number; statusCode?: string };
	if (e.status === 409 || e.statusCode === '409') return;
	throw error;
}

async function send(supabase: Db, item: OutboxItem): Promise<void> {
	if (item.kind === 'message') {
		const { files = [], p_object_paths = [], ...message } = item.payload;
		if (files.length === 0 && p_object_paths.length === 0) {
			const { error } = await supabase.rpc('send_message', { ...message, p_client_id: item.id });
			if (error) throw error;
			return;
		}
		for (const file of files) await uploadQueued(supabase, file);
		const { error } = await supabase.rpc('send_message_with_attachments', {
			...message,
			p_client_id: item.id,
			p_object_paths: [...p_object_paths, ...files.map((f) => f.path)]
		});
		if (error) throw error;
	} else if (item.kind === 'action') {
		const body = new FormData();
		for (const [k, v] of item.payload.fields) body.append(k, v);
		const response = await fetch(item.payload.url, {
			method: 'POST',
			body,
			headers: { accept: 'application/json', 'x-sveltekit-action': 'true' }
		});
		const result = deserialize(await response.text());
		if (result.type === 'success' || result.type === 'redirect') return;
		if (result.type === 'failure') {
			const errors = (result.data?.errors ?? {}) as Record<string, string[] | undefined>;
			throw new Refused(Object.values(errors).flat().join(' ') || 'The server refused it.');
		}
		const message = (result.error as { message?: string } | undefined)?.message;
		// A 5xx is the server (or the API behind it) failing for now: worth another try later.
		if ((result.status ?? 500) >= 500) throw new Error(message || 'The server failed.');
		throw new Refused(message || 'The server refused it.');
	} else {
		// The client id is the row's primary key: a retry conflicts with the first insert and is ignored.
		const { error } = await supabase
			.from('workout_results')
			.upsert({ ...item.payload, id: item.id }, { onConflict: 'id', ignoreDuplicates: true });
		if (error) throw error;
	}
}

export interface FlushReport {
	sent: string[];
	failed: { id: string; error: string }[];
	offline: boolean;
}

let flushing: Promise<FlushReport> | null = null;

/**
 * Sends every waiting item, oldest first (so a conversation keeps its order). Stops at the first
 * network failure (still offline); a refusal by the server counts an attempt and moves on. One
 * flush at a time per tab; across tabs a double send is harmless (idempotent ids).
 */
export function flush(supabase: Db): Promise<FlushReport> {
	flushing ??= (async () => {
		const report: FlushReport = { sent: [], failed: [], offline: false };
		for (const item of await list()) {
			if (item.attempts >= MAX_ATTEMPTS) continue;
			try {
				await send(supabase, item);
				await tx('readwrite', (s) => s.delete(item.id));
				report.sent.push(item.id);
			} catch (error) {
				if (isOfflineError(error)) {
					report.offline = true;
					break;
				}
				const message = (error as { message?: string }).message ?? String(error);
				const attempts = error instanceof Refused ? MAX_ATTEMPTS : item.attempts + 1;
				await tx('readwrite', (s) => s.put({ ...item, attempts, lastError: message }));
				report.failed.push({ id: item.id, error: message });
			}
		}
		if (report.sent.length || report.failed.length) changed();
		return report;
	})().finally(() => {
		flushing = null;
	});
	return flushing;
}
