import { z } from 'zod';
import { parseAttachments, type Attachment } from './attachment-json';
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
	attachments: Attachment[];
	/** Staff only (null for members): how many of its audience have seen it, of how many. */
	seen_count: number | null;
	audience_count: number | null;
}

// announcement_seen_by returns the counts as typed columns and the readers as a jsonb list:
// validated here, so a drifted shape fails loudly instead of rendering as something else.
const readerSchema = z.object({
	user_id: z.string(),
	display_name: z.string().nullable(),
	read_at: z.string()
});

export interface SeenBy {
	seen: number;
	audience: number;
	readers: z.infer<typeof readerSchema>[];
}

export const FEED_PAGE = 20;

/** A page of the feed: pinned first (first page only), then newest first; RLS decides what shows. */
export async function listAnnouncements(
	db: Db,
	organizationId: string,
	before?: { at: string; id: string }
): Promise<Announcement[]> {
	const rows = must(
		await db.rpc('announcement_feed', {
			p_organization_id: organizationId,
			p_before: before?.at,
			p_before_id: before?.id,
			p_limit: FEED_PAGE
		})
	);
	return rows.map((r) => ({ ...r, attachments: parseAttachments(r.attachments) }));
}

/** The files of one announcement (RLS: whoever may read the announcement). */
export async function announcementAttachments(db: Db, id: string): Promise<Attachment[]> {
	return parseAttachments(
		must(
			await db
				.from('message_attachments')
				.select('id, type, r2_key, size, mime_type, thumbnail_r2_key')
				.eq('announcement_id', id)
				.order('attach_order')
		)
	);
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
		/** Uploads in bucket attachments (<org>/<me>/<file>), attached in the same transaction. */
		objectPaths: string[];
	}
) {
	return must(
		await db.rpc('post_announcement', {
			p_organization_id: input.organizationId,
			p_body: input.body,
			p_program_id: input.programId ?? undefined,
			p_pinned_until: input.pinnedUntil ?? undefined,
			p_object_paths: input.objectPaths
		})
	);
}

export async function editAnnouncement(
	db: Db,
	id: string,
	body: string,
	pinnedUntil: string | null,
	files: { add: string[]; remove: string[] } = { add: [], remove: [] }
) {
	return must(
		await db.rpc('edit_announcement', {
			p_id: id,
			p_body: body,
			p_pinned_until: pinnedUntil ?? undefined,
			p_add_object_paths: files.add,
			p_remove_attachment_ids: files.remove
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
	const row = must(await db.rpc('announcement_seen_by', { p_id: id }).single());
	return {
		seen: row.seen,
		audience: row.audience,
		readers: z.array(readerSchema).parse(row.readers)
	};
}
