// What a push carries to the service worker, and the Web Push headers that go with it.
import { createHash } from 'node:crypto';

export type Category = 'newMessage' | 'newComment' | 'workoutAssigned' | 'announcement';

export interface OutboxRow {
	id: string;
	user_id: string;
	category: Category;
	payload: Record<string, unknown>;
	collapse_key: string | null;
	attempts: number;
	created_at: Date;
	subscriptions: Array<{ id: string; endpoint: string; p256dh: string; auth: string }>;
}

export interface PushMessage {
	title: string;
	body: string;
	/** Notifications with the same tag replace each other on the device. */
	tag: string;
	/** The screen notificationclick opens. */
	url: string;
	category: Category;
	outbox_id: string;
	data: Record<string, unknown>;
}

/**
 * A push message's encrypted record may hold 4,096 bytes; aes128gcm adds 103 bytes of header
 * and padding, so the JSON stays well under that.
 */
export const MAX_PLAINTEXT_BYTES = 3800;

const DEFAULTS: Record<Category, { title: string; url: string; ttl: number; urgency: Urgency }> = {
	newMessage: { title: 'New message', url: '/messages', ttl: 24 * 3600, urgency: 'high' },
	newComment: { title: 'New comment', url: '/today', ttl: 24 * 3600, urgency: 'normal' },
	workoutAssigned: { title: 'New workout', url: '/today', ttl: 3 * 24 * 3600, urgency: 'normal' },
	announcement: { title: 'Announcement', url: '/today', ttl: 3 * 24 * 3600, urgency: 'normal' }
};

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function buildMessage(row: OutboxRow): PushMessage {
	const d = DEFAULTS[row.category];
	const p = row.payload;
	return {
		title: str(p.title) ?? d.title,
		body: str(p.body) ?? str(p.preview) ?? '',
		tag: row.collapse_key ?? `${row.category}:${row.id}`,
		url: str(p.url) ?? d.url,
		category: row.category,
		outbox_id: row.id,
		data: Object.fromEntries(
			Object.entries(p).filter(([k]) => !['title', 'body', 'preview', 'url'].includes(k))
		)
	};
}

/** Serializes the message, shortening the body (then dropping extra data) to fit the limit. */
export function encodeMessage(message: PushMessage): string {
	let m = message;
	let text = JSON.stringify(m);
	if (Buffer.byteLength(text) <= MAX_PLAINTEXT_BYTES) return text;
	m = { ...m, data: {} };
	text = JSON.stringify(m);
	let body = m.body;
	while (Buffer.byteLength(text) > MAX_PLAINTEXT_BYTES && body.length > 0) {
		const over = Buffer.byteLength(text) - MAX_PLAINTEXT_BYTES;
		body = body.slice(0, Math.max(0, body.length - Math.max(over, 16)));
		text = JSON.stringify({ ...m, body: `${body}…` });
	}
	return text;
}

export function deliveryOptions(row: OutboxRow): { TTL: number; urgency: Urgency; topic: string } {
	const d = DEFAULTS[row.category];
	return { TTL: d.ttl, urgency: d.urgency, topic: topicFor(row.collapse_key ?? row.id) };
}

/**
 * The Topic header collapses undelivered pushes with the same key at the push service: at most
 * 32 characters of the URL-safe base64 alphabet, so the collapse key is hashed.
 */
export function topicFor(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
