import type { Actions, PageServerLoad } from './$types';
import {
	deleteAnnouncement,
	FEED_PAGE,
	listAnnouncements,
	markAnnouncementRead,
	postAnnouncement
} from '#lib/db/announcements.ts';
import { listPrograms } from '#lib/db/programs.ts';
import { isAdmin, isStaff } from '#lib/db/client.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { parseAnnouncementForm } from './form';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:announcements');
	const { organization, membership } = await parent();
	const staff = isStaff(membership.role);
	const at = url.searchParams.get('before');
	const id = url.searchParams.get('before_id');
	const before = at && id && isUuid(id) ? { at, id } : undefined;
	try {
		const [items, programs] = await Promise.all([
			listAnnouncements(locals.supabase, organization.id, before),
			staff ? listPrograms(locals.supabase, organization.id) : Promise.resolve([])
		]);
		const last = items.filter((a) => !a.pinned).at(-1);
		return {
			// Staff see "seen by N of M" on each (the feed counts them for the whole page); the names
			// are one click away.
			items: items.map((a) => ({
				...a,
				seen:
					staff && a.seen_count !== null && a.audience_count !== null
						? { seen: a.seen_count, audience: a.audience_count }
						: null
			})),
			programs: programs.map((p) => ({ id: p.id, name: p.name })),
			staff,
			admin: isAdmin(membership.role),
			userId: locals.user?.id ?? null,
			paged: !!before,
			next:
				items.filter((a) => !a.pinned).length >= FEED_PAGE && last
					? { at: last.created_at, id: last.id }
					: null,
			loadError: null as string | null
		};
	} catch (e) {
		return {
			items: [],
			programs: [],
			staff,
			admin: isAdmin(membership.role),
			userId: locals.user?.id ?? null,
			paged: !!before,
			next: null,
			loadError: e instanceof Error ? e.message : 'Something went wrong.'
		};
	}
};

export const actions: Actions = {
	post: async ({ locals, params, request }) => {
		const { organization } = await orgContext(locals, params.slug);
		const f = parseAnnouncementForm(await request.formData(), organization.time_zone);
		if (Object.keys(f.errors).length) return failWith(400, f.errors, f.values);
		try {
			await postAnnouncement(locals.supabase, {
				organizationId: organization.id,
				body: f.body,
				programId: f.programId,
				pinnedUntil: f.pinnedUntil,
				objectPaths: f.objectPaths
			});
		} catch (e) {
			return failFromDb(e, f.values);
		}
		return { posted: true };
	},
	delete: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const reason = String(form.get('reason') ?? '').trim();
		if (!isUuid(id)) return failWith(400, { form: ['That announcement does not exist.'] });
		if (reason.length > 500)
			return failWith(400, { reason: ['Keep the reason under 500 characters.'] });
		try {
			await deleteAnnouncement(locals.supabase, id, reason || null);
		} catch (e) {
			return failFromDb(e, { reason });
		}
		return { deleted: true };
	},
	read: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const ids = (await request.formData())
			.getAll('id')
			.map(String)
			.filter((id) => isUuid(id))
			.slice(0, 50);
		try {
			for (const id of ids) await markAnnouncementRead(locals.supabase, id);
		} catch (e) {
			return failFromDb(e);
		}
		return { read: ids.length };
	}
};
