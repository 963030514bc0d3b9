import type { PageServerLoad } from './$types';
import { displayNames } from '#lib/db/comments.ts';
import { listModerationLog, LOG_PAGE } from '#lib/db/moderation.ts';
import { requireAdmin } from '#lib/server/guards.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:moderation');
	const { organization, membership } = await parent();
	requireAdmin(membership.role);
	const before = url.searchParams.get('before') ?? undefined;
	const entries = await listModerationLog(locals.supabase, organization.id, before);
	// Whose content it was, when the entry names them (erased people read as "Deleted user").
	const subjects = entries
		.map((e) => subjectOf(e.details))
		.filter((id): id is string => typeof id === 'string');
	const names = Object.fromEntries(await displayNames(locals.supabase, subjects));
	return {
		entries: entries.map((e) => ({ ...e, subjectName: names[subjectOf(e.details) ?? ''] ?? null })),
		before: before ?? null,
		next: entries.length >= LOG_PAGE ? entries[entries.length - 1].created_at : null
	};
};

function subjectOf(details: unknown): string | null {
	if (!details || typeof details !== 'object') return null;
	const d = details as Record<string, unknown>;
	const id = d.sender_id ?? d.author_id ?? d.user_id;
	return typeof id === 'string' ? id : null;
}
