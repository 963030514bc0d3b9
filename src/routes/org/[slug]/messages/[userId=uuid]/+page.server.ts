import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { conversationMessages, getOrCreateConversation } from '#lib/db/messages.ts';
import { DbError, failFromDb } from '#lib/db/errors.ts';
import { getProfile } from '#lib/db/profiles.ts';
import { blockUser, listMyBlocks, unblockUser } from '#lib/db/privacy.ts';
import { orgContext } from '#lib/server/org-context.ts';

export const load: PageServerLoad = async ({ parent, locals, params, depends }) => {
	depends('app:conversation');
	const { organization } = await parent();
	const me = locals.user?.id ?? '';
	const otherId = params.userId.toLowerCase();
	const loadedAt = new Date().toISOString();
	// The thread, my blocks and opening the thread, all at once (each needs only the address):
	// the page is one round trip after the organization's, not two.
	// Opening the thread creates it (story 6.5) after the same checks as sending: when the
	// database refuses, the page says why instead of offering a composer that cannot work. Its
	// answer names the other person (their profile card), so the person is read separately only
	// when it refuses: then whether they exist, are me, or are blocked decides the page.
	const [thread, blocks, opened] = await Promise.all([
		conversationMessages(locals.supabase, organization.id, otherId),
		listMyBlocks(locals.supabase),
		getOrCreateConversation(locals.supabase, organization.id, otherId).then(
			(summary) => ({ summary, refusal: null }),
			(e: unknown) => {
				if (!(e instanceof DbError)) throw e;
				return { summary: null, refusal: e.message };
			}
		)
	]);
	const other = opened.summary
		? {
				id: opened.summary.otherUserId,
				display_name: opened.summary.otherDisplayName,
				avatar_path: opened.summary.otherAvatarPath
			}
		: await getProfile(locals.supabase, otherId);
	if (!other || other.id === me) error(404, 'There is no such conversation.');
	const blocked = blocks.some((b) => b.userId === other.id);
	const refusal = blocked ? null : opened.refusal;

	return {
		me,
		loadedAt,
		other: { id: other.id, displayName: other.display_name, avatarPath: other.avatar_path },
		messages: thread.messages,
		// The files came with the thread, rendered at their stored size so it opens at its newest
		// message and nothing below moves as pictures load; files not readable yet are asked for
		// again by the page.
		attachments: thread.files,
		blocked,
		refusal
	};
};

export const actions: Actions = {
	block: async ({ locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		try {
			await blockUser(locals.supabase, organization.id, params.userId);
			return { blocked: true };
		} catch (e) {
			return failFromDb(e);
		}
	},
	unblock: async ({ locals, params }) => {
		await orgContext(locals, params.slug);
		try {
			await unblockUser(locals.supabase, params.userId);
			return { blocked: false };
		} catch (e) {
			return failFromDb(e);
		}
	}
};
