import { describe, expect, it } from 'vitest';
import { parseMessageEvent } from './message-event';

// What private.message_event_payload broadcasts for a new direct message.
const created = {
	message_id: '0193a1b2-0000-7000-8000-000000000001',
	organization_id: '0193a1b2-0000-7000-8000-0000000000aa',
	sender_id: '0193a1b2-0000-7000-8000-0000000000b1',
	recipient_id: '0193a1b2-0000-7000-8000-0000000000b2',
	sender_role: 'coach',
	workout_assignment_id: null,
	content: 'See you at six',
	attachment_count: 2,
	created_at: '2026-12-07T10:00:01.000Z',
	edited_at: null,
	deleted_at: null,
	read_at: null
};

describe('parseMessageEvent', () => {
	it('turns a message_created payload into the message, its id taken from message_id', () => {
		expect(parseMessageEvent(created)).toEqual({
			id: created.message_id,
			organizationId: created.organization_id,
			senderId: created.sender_id,
			recipientId: created.recipient_id,
			content: 'See you at six',
			clientId: null,
			createdAt: created.created_at,
			readAt: null,
			editedAt: null,
			deletedAt: null,
			updatedAt: null,
			isRead: false,
			attachmentCount: 2
		});
	});

	it('reads a deleted message (no content, deleted_at set) and a read one (read_at set)', () => {
		const m = parseMessageEvent({
			...created,
			content: null,
			deleted_at: '2026-12-07T10:05:00.000Z',
			read_at: '2026-12-07T10:02:00.000Z'
		});
		expect(m?.content).toBeNull();
		expect(m?.deletedAt).toBe('2026-12-07T10:05:00.000Z');
		expect(m?.isRead).toBe(true);
	});

	it('refuses payloads that are not a message instead of showing half of one', () => {
		const { sender_id: _, ...noSender } = created;
		expect(parseMessageEvent(noSender)).toBeNull();
		expect(parseMessageEvent({ ...created, message_id: 42 })).toBeNull();
		expect(parseMessageEvent({ ...created, created_at: null })).toBeNull();
		expect(parseMessageEvent({ ...created, content: { text: 'hi' } })).toBeNull();
		expect(parseMessageEvent({ ...created, attachment_count: -1 })).toBeNull();
		expect(parseMessageEvent(null)).toBeNull();
		expect(parseMessageEvent('message_created')).toBeNull();
	});
});
