import type { Db } from './client';
import { must } from './errors';

export interface Announcement {
	id: string;
	organization_id: string;
	program_id: string | null;
	program_name: string | null;
	author_id: string;
	author_name: string | null;
	body: string;
	pinned: boolean;
	pinned_until: string | null;
	created_at: string;
	edited_at: string | null;
	read: boolean;
}

export interface SeenBy {
	seen: number;
	audience: number;
	readers: { user_id: string; display_name: string | null; read_at: string }[];
}

export const FEED_PAGE = 20;

/** A page of the feed: pinned first (first page only), then newest first; RLS decides what shows. */
export async function listAnnouncements(
	db: Db,
	organizationId: string,
	before?: { at: string; id: string }
): Promise<Announcement[]> {
	return must(
		await db.rpc('announcement_feed', {
			p_organization_id: organizationId,
			p_before: before?.at,
			p_before_id: before?.id,
			p_limit: FEED_PAGE
		})
	) as Announcement[];
}

export async function getAnnouncement(db: Db, id: string) {
	return (
		must(
			await db
				.from('announcements')
				.select(
					'id, organization_id, program_id, author_id, body, pinned_until, created_at, edited_at'
				)
				.eq('id', id)
				.maybeSingle()
		) ?? null
	);
}

export async function postAnnouncement(
	db: Db,
	input: {
		organizationId: string;
		body: string;
		programId: string | null;
		pinnedUntil: string | null;
	}
) {
	return must(
		await db.rpc('post_announcement', {
			p_organization_id: input.organizationId,
			p_body: input.body,
			p_program_id: input.programId ?? undefined,
			p_pinned_until: input.pinnedUntil ?? undefined
		})
	);
}

export async function editAnnouncement(
	db: Db,
	id: string,
	body: string,
	pinnedUntil: string | null
) {
	return must(
		await db.rpc('edit_announcement', {
			p_id: id,
			p_body: body,
			p_pinned_until: pinnedUntil ?? undefined
		})
	);
}

export async function deleteAnnouncement(db: Db, id: string, reason: string | null) {
	return must(await db.rpc('delete_announcement', { p_id: id, p_reason: reason ?? undefined }));
}

export async function markAnnouncementRead(db: Db, id: string) {
	return must(await db.rpc('mark_announcement_read', { p_id: id }));
}

export async function announcementSeenBy(db: Db, id: string): Promise<SeenBy> {
	return must(await db.rpc('announcement_seen_by', { p_id: id })) as unknown as SeenBy;
}
