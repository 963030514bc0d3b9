// Moderation (owners and admins) and erasure: deleting others' content with a reason, the log of
// those actions, erasing a member, deleting one's own account. The database enforces who may.
import type { Db } from './client';
import { must } from './errors';

export async function moderateDeleteMessage(db: Db, messageId: string, reason: string) {
	return must(
		await db.rpc('moderate_delete_message', { p_message_id: messageId, p_reason: reason })
	);
}

export async function moderateDeleteExerciseComment(db: Db, id: string, reason: string) {
	return must(await db.rpc('moderate_delete_exercise_comment', { p_id: id, p_reason: reason }));
}

export const LOG_PAGE = 25;

/** One page of the organization's moderation and erasure log, newest first. */
export async function listModerationLog(db: Db, organizationId: string, before?: string) {
	return must(
		await db.rpc('moderation_log', {
			p_organization_id: organizationId,
			p_limit: LOG_PAGE,
			...(before ? { p_before: before } : {})
		})
	);
}

export async function eraseMember(db: Db, organizationId: string, userId: string) {
	return must(
		await db.rpc('erase_member', { p_organization_id: organizationId, p_user_id: userId })
	);
}

export async function deleteMyAccount(db: Db) {
	return must(await db.rpc('delete_my_account'));
}
