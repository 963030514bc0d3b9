import type { PageServerLoad } from './$types';
import { myToday } from '#lib/db/assignments.ts';
import { DbError } from '#lib/db/errors.ts';
import { todayIn } from '#lib/dates.ts';

export const load: PageServerLoad = async ({ parent, locals, depends }) => {
	depends('app:assignments');
	// Before the read: the live line later asks "changed since?" with no gap (see LiveAssignments).
	const readAt = new Date().toISOString();
	const { organization, profile } = await parent();
	const today = todayIn(profile?.time_zone ?? organization.time_zone);
	try {
		const items = (await myToday(locals.supabase)).filter(
			(a) => a.organization_id === organization.id
		);
		return { today, items, loadError: null, readAt };
	} catch (e) {
		if (!(e instanceof DbError)) throw e;
		return { today, items: [], loadError: e.message, readAt };
	}
};
