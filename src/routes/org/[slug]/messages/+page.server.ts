import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { listMembers } from '#lib/db/memberships.ts';
import {
	getOrCreateConversation,
	listConversations,
	searchMessages,
	type SearchHit
} from '#lib/db/messages.ts';
import { DbError, failFromDb, failWith } from '#lib/db/errors.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:messages');
	const { organization } = await parent();
	const me = locals.user?.id ?? '';
	const query = (url.searchParams.get('q') ?? '').trim();

	let hits: SearchHit[] = [];
	let searchError: string | null = null;
	const [conversations, members] = await Promise.all([
		listConversations(locals.supabase, organization.id),
		listMembers(locals.supabase, organization.id),
		query
			? searchMessages(locals.supabase, organization.id, query).then(
					(r) => (hits = r),
					(e: unknown) => {
						if (!(e instanceof DbError)) throw e;
						searchError = e.message;
					}
				)
			: null
	]);
	const names = new Map(members.map((m) => [m.userId, m.displayName]));
	for (const c of conversations) names.set(c.otherUserId, c.otherDisplayName);

	return {
		me,
		now: new Date().toISOString(),
		conversations,
		// The people I might write to; the database decides whether I may (and says why not).
		people: members
			.filter((m) => m.userId !== me)
			.map((m) => ({ userId: m.userId, displayName: m.displayName, role: m.role })),
		query,
		searchError: searchError as string | null,
		hits: hits.map((h) => ({ ...h, otherName: names.get(h.otherUserId) ?? 'Someone' }))
	};
};

export const actions: Actions = {
	/** Opens (creating if needed) the conversation with someone, or says why not. */
	start: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const userId = String((await request.formData()).get('userId') ?? '');
		if (!isUuid(userId)) {
			return failWith(400, { userId: ['Choose who to write to.'] }, { userId });
		}
		try {
			await getOrCreateConversation(locals.supabase, organization.id, userId);
		} catch (e) {
			return failFromDb(e, { userId });
		}
		redirect(303, `/org/${params.slug}/messages/${userId}`);
	}
};
