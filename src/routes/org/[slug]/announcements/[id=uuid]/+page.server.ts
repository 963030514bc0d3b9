import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	announcementAttachments,
	announcementSeenBy,
	editAnnouncement,
	getAnnouncement
} from '#lib/db/announcements.ts';
import { isStaff } from '#lib/db/client.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { parseAnnouncementForm } from '../form';

const NOT_FOUND = 'This announcement does not exist or was deleted.';

export const load: PageServerLoad = async ({ parent, locals, params, depends }) => {
	depends('app:announcements');
	const { organization, membership } = await parent();
	// Only staff see who read it; anyone else is sent to the feed's answer for "not yours".
	if (!isStaff(membership.role)) error(404, NOT_FOUND);
	const announcement = await getAnnouncement(locals.supabase, params.id);
	if (!announcement || announcement.organization_id !== organization.id) error(404, NOT_FOUND);
	const [seen, attachments] = await Promise.all([
		announcementSeenBy(locals.supabase, params.id),
		announcementAttachments(locals.supabase, params.id)
	]);
	return {
		announcement,
		attachments,
		seen,
		mine: announcement.author_id === locals.user?.id,
		pinDate: announcement.pinned_until
			? new Date(announcement.pinned_until).toLocaleDateString('en-CA', {
					timeZone: organization.time_zone
				})
			: ''
	};
};

export const actions: Actions = {
	edit: async ({ locals, params, request }) => {
		const { organization } = await orgContext(locals, params.slug);
		const f = parseAnnouncementForm(await request.formData(), organization.time_zone);
		if (Object.keys(f.errors).length) return failWith(400, f.errors, f.values);
		try {
			await editAnnouncement(locals.supabase, params.id, f.body, f.pinnedUntil, {
				add: f.objectPaths,
				remove: f.removeAttachmentIds
			});
		} catch (e) {
			return failFromDb(e, f.values);
		}
		return { edited: true };
	}
};
