import { parseAttachments, type Attachment } from './attachment-json';
import type { Db } from './client';
import { must } from './errors';

/** A direct message as the screens use it (the generated types say "string" where SQL may say null). */
export interface ChatMessage {
	id: string;
	organizationId: string;
	senderId: string;
	recipientId: string;
	content: string | null;
	clientId: string | null;
	createdAt: string;
	readAt: string | null;
	editedAt: string | null;
	deletedAt: string | null;
	updatedAt: string | null;
	/** Mine: the recipient's receipt arrived. Theirs: I have read it. */
	isRead: boolean;
	/** How many files it carries, when the source says (realtime payloads may not). */
	attachmentCount?: number | null;
}

export interface ConversationSummary {
	conversationId: string;
	otherUserId: string;
	otherDisplayName: string;
	/** Their profile picture (avatars bucket), if any. */
	otherAvatarPath: string | null;
	lastMessageId: string | null;
	lastMessageSenderId: string | null;
	lastMessagePreview: string | null;
	lastMessageDeleted: boolean;
	lastActivityAt: string;
	unreadCount: number;
	lastReadAt: string | null;
}

export interface MessageEdit {
	id: string;
	previousContent: string | null;
	editedAt: string;
}

export interface SearchHit {
	messageId: string;
	otherUserId: string;
	senderId: string;
	content: string;
	createdAt: string;
}

type MessageRow = {
	id: string;
	organization_id: string;
	sender_id: string;
	recipient_id: string;
	content: string | null;
	client_id: string | null;
	created_at: string;
	read_at: string | null;
	edited_at: string | null;
	deleted_at: string | null;
	updated_at?: string | null;
	is_read?: boolean | null;
	attachment_count?: number | null;
};

/** Maps a row (an RPC result or a realtime payload, which names the id message_id) to a ChatMessage. */
export function toChatMessage(row: MessageRow | (Omit<MessageRow, 'id'> & { message_id: string })) {
	// Realtime payloads carry the message's id as message_id (their own "id" is the event's).
	const id =
		'message_id' in row && typeof row.message_id === 'string'
			? row.message_id
			: (row as MessageRow).id;
	return {
		id,
		organizationId: row.organization_id,
		senderId: row.sender_id,
		recipientId: row.recipient_id,
		content: row.content ?? null,
		clientId: row.client_id ?? null,
		createdAt: row.created_at,
		readAt: row.read_at ?? null,
		editedAt: row.edited_at ?? null,
		deletedAt: row.deleted_at ?? null,
		updatedAt: row.updated_at ?? null,
		isRead: row.is_read ?? row.read_at != null,
		attachmentCount: row.attachment_count ?? null
	} satisfies ChatMessage;
}

type SummaryRow = {
	conversation_id: string;
	other_user_id: string;
	other_display_name: string | null;
	other_avatar_path?: string | null;
	last_message_id: string | null;
	last_message_sender_id: string | null;
	last_message_preview: string | null;
	last_message_deleted: boolean | null;
	last_activity_at: string;
	unread_count: number | null;
	last_read_at: string | null;
};

function toSummary(r: SummaryRow): ConversationSummary {
	return {
		conversationId: r.conversation_id,
		otherUserId: r.other_user_id,
		otherDisplayName: r.other_display_name ?? 'Unknown',
		otherAvatarPath: r.other_avatar_path ?? null,
		lastMessageId: r.last_message_id,
		lastMessageSenderId: r.last_message_sender_id,
		lastMessagePreview: r.last_message_preview,
		lastMessageDeleted: !!r.last_message_deleted,
		lastActivityAt: r.last_activity_at,
		unreadCount: r.unread_count ?? 0,
		lastReadAt: r.last_read_at
	};
}

export const INBOX_PAGE = 30;
export const HISTORY_PAGE = 50;

/** The inbox, newest activity first; pass the last row to get the next page. */
export async function listConversations(
	db: Db,
	organizationId: string,
	after?: { lastActivityAt: string; conversationId: string } | null,
	limit = INBOX_PAGE
): Promise<ConversationSummary[]> {
	const rows = must(
		await db.rpc('list_conversations', {
			p_organization_id: organizationId,
			p_before: after?.lastActivityAt,
			p_before_id: after?.conversationId,
			p_limit: limit
		})
	);
	return rows.map(toSummary);
}

export async function getOrCreateConversation(
	db: Db,
	organizationId: string,
	otherUserId: string
): Promise<ConversationSummary | null> {
	const rows = must(
		await db.rpc('get_or_create_conversation', {
			p_organization_id: organizationId,
			p_other_user_id: otherUserId
		})
	);
	return rows[0] ? toSummary(rows[0]) : null;
}

export async function totalUnread(db: Db, organizationId: string): Promise<number> {
	return must(await db.rpc('total_unread', { p_organization_id: organizationId })) ?? 0;
}

/** A page of a conversation: its messages, and the files of those that carry some, by message id. */
export interface ThreadPage {
	messages: ChatMessage[];
	files: Record<string, Attachment[]>;
}

/**
 * A page of a conversation, chronological: the newest by default, or before/after a message.
 * Each message's files come with it (one round trip); a message whose files could not be read
 * yet is left out of `files`, so the page asks for them again.
 */
export async function conversationMessages(
	db: Db,
	organizationId: string,
	otherUserId: string,
	page: {
		before?: { createdAt: string; id: string };
		after?: { createdAt: string; id: string };
		limit?: number;
	} = {}
): Promise<ThreadPage> {
	const rows = must(
		await db.rpc('conversation_messages', {
			p_organization_id: organizationId,
			p_other_user_id: otherUserId,
			p_before: page.before?.createdAt,
			p_before_id: page.before?.id,
			p_after: page.after?.createdAt,
			p_after_id: page.after?.id,
			p_limit: page.limit ?? HISTORY_PAGE
		})
	);
	const files: Record<string, Attachment[]> = {};
	for (const row of rows) {
		const list = parseAttachments(row.attachments);
		if (list.length > 0) files[row.id] = list;
	}
	return { messages: rows.map(toChatMessage), files };
}

/** Everything of mine created, edited, deleted or receipted after a point: catch-up after a reconnect. */
export async function messagesSince(
	db: Db,
	since: string,
	sinceId?: string,
	limit = 500
): Promise<ChatMessage[]> {
	const rows = must(
		await db.rpc('messages_since', { p_since: since, p_since_id: sinceId, p_limit: limit })
	);
	return rows.map(toChatMessage);
}

/** Sends a message; a retry with the same clientId returns the same row, never a second one. */
export async function sendMessage(
	db: Db,
	input: { organizationId: string; recipientId: string; content: string; clientId: string }
): Promise<ChatMessage> {
	const row = must(
		await db
			.rpc('send_message', {
				p_organization_id: input.organizationId,
				p_recipient_id: input.recipientId,
				p_content: input.content,
				p_client_id: input.clientId
			})
			.single()
	);
	return toChatMessage(row);
}

/** Sends a message with uploaded files (content may be empty then); idempotent on the client id. */
export async function sendMessageWithAttachments(
	db: Db,
	input: {
		organizationId: string;
		recipientId: string;
		content: string;
		clientId: string;
		objectPaths: string[];
	}
): Promise<ChatMessage> {
	const row = must(
		await db
			.rpc('send_message_with_attachments', {
				p_organization_id: input.organizationId,
				p_recipient_id: input.recipientId,
				p_content: input.content,
				p_client_id: input.clientId,
				p_object_paths: input.objectPaths
			})
			.single()
	);
	return toChatMessage(row);
}

export async function markConversationRead(
	db: Db,
	organizationId: string,
	otherUserId: string
): Promise<number> {
	return must(
		await db.rpc('mark_conversation_read', {
			p_organization_id: organizationId,
			p_other_user_id: otherUserId
		})
	);
}

export async function editMessage(db: Db, messageId: string, content: string) {
	return toChatMessage(
		must(await db.rpc('edit_message', { p_message_id: messageId, p_content: content }).single())
	);
}

export async function deleteMessage(db: Db, messageId: string) {
	return toChatMessage(must(await db.rpc('delete_message', { p_message_id: messageId }).single()));
}

/** Earlier versions of a message, oldest first (both participants may read them). */
export async function listMessageEdits(db: Db, messageId: string): Promise<MessageEdit[]> {
	const rows = must(
		await db
			.from('message_edits')
			.select('id, previous_content, edited_at')
			.eq('message_id', messageId)
			.order('edited_at')
	);
	return rows.map((r) => ({
		id: r.id,
		previousContent: r.previous_content,
		editedAt: r.edited_at
	}));
}

export async function searchMessages(
	db: Db,
	organizationId: string,
	query: string,
	limit = 20
): Promise<SearchHit[]> {
	const rows = must(
		await db.rpc('search_messages', {
			p_organization_id: organizationId,
			p_query: query,
			p_limit: limit
		})
	);
	return rows.map((r) => ({
		messageId: r.message_id,
		otherUserId: r.other_user_id,
		senderId: r.sender_id,
		content: r.content,
		createdAt: r.created_at
	}));
}
