import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { listAthletes } from '#lib/db/assignments.ts';
import { listPrograms } from '#lib/db/programs.ts';
import { resultsFeed } from '#lib/db/results.ts';
import { DbError } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, locals, url, depends }) => {
	depends('app:results');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const pick = (key: string) => {
		const v = url.searchParams.get(key);
		return v && isUuid(v) ? v : null;
	};
	const programId = pick('program');
	const userId = pick('athlete');
	const beforeId = pick('before_id');
	const beforeAt = url.searchParams.get('before_at');
	const before =
		beforeId && beforeAt && !Number.isNaN(Date.parse(beforeAt))
			? { before_at: beforeAt, before_id: beforeId }
			: null;
	try {
		// One round: the feed and the filter choices do not depend on each other.
		const [feed, programs, athletes] = await Promise.all([
			resultsFeed(locals.supabase, organization.id, { programId, userId, before }),
			listPrograms(locals.supabase, organization.id),
			listAthletes(locals.supabase, organization.id)
		]);
		return {
			feed,
			programs: programs.map((p) => ({ id: p.id, name: p.name })),
			athletes,
			filters: { programId, userId, paged: before !== null }
		};
	} catch (e) {
		if (e instanceof DbError) error(e.status, e.message);
		throw e;
	}
};
