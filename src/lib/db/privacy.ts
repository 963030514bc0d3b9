import type { Db } from './client';
import { must } from './errors';

export interface BlockedPerson {
	userId: string;
	displayName: string;
	blockedAt: string;
}

/** The people I blocked, newest first; nobody else can read this list. */
export async function listMyBlocks(db: Db): Promise<BlockedPerson[]> {
	const rows = must(await db.rpc('list_my_blocks'));
	return rows.map((r) => ({
		userId: r.blocked_id,
		displayName: r.display_name ?? 'Unknown',
		blockedAt: r.created_at
	}));
}

export async function blockUser(db: Db, organizationId: string, userId: string) {
	return must(
		await db.rpc('block_user', { p_organization_id: organizationId, p_user_id: userId }).single()
	);
}

export async function unblockUser(db: Db, userId: string): Promise<boolean> {
	return must(await db.rpc('unblock_user', { p_user_id: userId }));
}

/** Whether others see my read receipts (my own messages' receipts are up to them). */
export async function setReadReceipts(db: Db, userId: string, enabled: boolean) {
	return must(
		await db
			.from('profiles')
			.update({ read_receipts_enabled: enabled })
			.eq('id', userId)
			.select('read_receipts_enabled')
			.single()
	);
}
