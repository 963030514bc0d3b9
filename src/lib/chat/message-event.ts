// A direct message as the realtime events of user:<me> carry it (private.message_event_payload:
// the message's id as message_id, no client_id of the other side). The payload crosses the
// network untyped, so it is checked here before it becomes a ChatMessage: a malformed event is
// dropped (the next re-read shows the truth) instead of putting half a message on screen.
import { z } from 'zod';
import { toChatMessage, type ChatMessage } from '../db/messages';

const optionalText = z.string().nullable().optional();

const messageEventSchema = z.object({
	message_id: z.string().min(1),
	organization_id: z.string().min(1),
	sender_id: z.string().min(1),
	recipient_id: z.string().min(1),
	created_at: z.string().min(1),
	content: optionalText,
	client_id: optionalText,
	read_at: optionalText,
	edited_at: optionalText,
	deleted_at: optionalText,
	updated_at: optionalText,
	attachment_count: z.number().int().nonnegative().nullable().optional()
});

/** The message a realtime event carries, or null when the payload is not one. */
export function parseMessageEvent(payload: unknown): ChatMessage | null {
	const parsed = messageEventSchema.safeParse(payload);
	if (!parsed.success) return null;
	const p = parsed.data;
	return toChatMessage({
		message_id: p.message_id,
		organization_id: p.organization_id,
		sender_id: p.sender_id,
		recipient_id: p.recipient_id,
		created_at: p.created_at,
		content: p.content ?? null,
		client_id: p.client_id ?? null,
		read_at: p.read_at ?? null,
		edited_at: p.edited_at ?? null,
		deleted_at: p.deleted_at ?? null,
		updated_at: p.updated_at ?? null,
		attachment_count: p.attachment_count ?? null
	});
}
