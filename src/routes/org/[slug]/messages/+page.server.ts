import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { findPeople, memberNames } from '#lib/db/memberships.ts';
import {
	getOrCreateConversation,
	listConversations,
	searchMessages,
	type SearchHit
} from '#lib/db/messages.ts';
import { DbError, failFromDb, failWith } from '#lib/db/errors.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { isUuid } from '#lib/ids.ts';

/** How many people the "Write to" search lists at once. */
const PEOPLE_PAGE = 20;

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:messages');
	const { organization } = await parent();
	const me = locals.user?.id ?? '';
	const query = (url.searchParams.get('q') ?? '').trim();
	// `?to=` opens "New message" with a search for the person to write to. The people are read
	// only then, a page of them by name: the inbox itself never loads the whole organization
	// (2,000 members were 100 kB of every inbox and most of its database time).
	const to = url.searchParams.get('to');
	const composing = to !== null;
	const toQuery = (to ?? '').trim().slice(0, 100);

	let hits: SearchHit[] = [];
	let searchError: string | null = null;
	const [conversations, found] = await Promise.all([
		listConversations(locals.supabase, organization.id),
		composing
			? findPeople(locals.supabase, organization.id, {
					search: toQuery,
					exceptUserId: me,
					limit: PEOPLE_PAGE + 1
				})
			: [],
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
	const names = new Map(conversations.map((c) => [c.otherUserId, c.otherDisplayName]));
	// Hits in conversations beyond the inbox's first page: their names, in one more read.
	const unnamed = [...new Set(hits.map((h) => h.otherUserId).filter((id) => !names.has(id)))];
	for (const [id, name] of await memberNames(locals.supabase, organization.id, unnamed))
		names.set(id, name);

	return {
		me,
		now: new Date().toISOString(),
		conversations,
		composing,
		toQuery,
		// The people I might write to; the database decides whether I may (and says why not).
		people: found.slice(0, PEOPLE_PAGE),
		morePeople: found.length > PEOPLE_PAGE,
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
