import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../db/messages';
import { MessageList } from './message-list.svelte';

const pair = { organizationId: 'org', me: 'me', other: 'them' };

function msg(id: string, createdAt: string, over: Partial<ChatMessage> = {}): ChatMessage {
	return {
		id,
		organizationId: 'org',
		senderId: 'them',
		recipientId: 'me',
		content: id,
		clientId: null,
		createdAt,
		readAt: null,
		editedAt: null,
		deletedAt: null,
		updatedAt: null,
		isRead: false,
		...over
	};
}

const T = (s: number) => `2026-12-07T10:00:${String(s).padStart(2, '0')}.000Z`;

describe('MessageList', () => {
	it('replaces my optimistic message with the stored one under the same key, before later pending ones', () => {
		const list = new MessageList(pair, [msg('a', T(1))], T(1));
		for (const key of ['c1', 'c2']) {
			list.push({
				...msg(`pending:${key}`, T(5), { senderId: 'me', recipientId: 'them', clientId: key }),
				key,
				status: 'sending',
				error: null
			});
		}
		list.upsert(msg('m2', T(3), { senderId: 'me', recipientId: 'them', clientId: 'c2' }));
		expect(list.bubbles.map((b) => [b.key, b.status])).toEqual([
			['a', 'sent'],
			['c2', 'sent'],
			['c1', 'sending']
		]);
		expect(list.bubbles[1].id).toBe('m2');
	});

	it('puts a late-arriving older message in time order and a newer one before those in flight', () => {
		const list = new MessageList(pair, [msg('a', T(1)), msg('c', T(5))], T(5));
		list.push({
			...msg('pending:x', T(9), { senderId: 'me' }),
			key: 'x',
			status: 'failed',
			error: 'no'
		});
		list.upsert(msg('b', T(3)));
		list.upsert(msg('d', T(7)));
		expect(list.bubbles.map((b) => b.key)).toEqual(['a', 'b', 'c', 'd', 'x']);
	});

	it('takes only messages between the two people in this organization', () => {
		const list = new MessageList(pair, [], T(0));
		expect(list.belongs(msg('a', T(1)))).toBe(true);
		expect(list.belongs(msg('b', T(1), { senderId: 'me', recipientId: 'them' }))).toBe(true);
		expect(list.belongs(msg('c', T(1), { senderId: 'someone' }))).toBe(false);
		expect(list.belongs(msg('d', T(1), { organizationId: 'other' }))).toBe(false);
	});

	it('moves the catch-up point to the latest change seen, receipts included', () => {
		const list = new MessageList(pair, [msg('a', T(1), { editedAt: T(4) })], T(2));
		expect(list.since).toBe(T(4));
		list.upsert(msg('b', T(6)));
		expect(list.since).toBe(T(6));
		list.receipted(['b'], T(8));
		expect(list.since).toBe(T(8));
		expect(list.bubbles.find((b) => b.id === 'b')?.isRead).toBe(true);
	});

	it('knows when the other person has unread messages, and drops only failed ones', () => {
		const list = new MessageList(
			pair,
			[msg('a', T(1)), msg('gone', T(2), { deletedAt: T(3) })],
			T(3)
		);
		expect(list.unreadFromOther).toBe(true);
		list.readAllFromOther();
		expect(list.unreadFromOther).toBe(false);
		list.drop('a');
		expect(list.has('a')).toBe(true);
	});
});
