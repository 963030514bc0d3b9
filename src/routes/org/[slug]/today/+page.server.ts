import type { PageServerLoad } from './$types';
import { myToday } from '#lib/db/assignments.ts';
import { DbError } from '#lib/db/errors.ts';
import { todayIn } from '#lib/dates.ts';

export const load: PageServerLoad = async ({ parent, locals, depends }) => {
	depends('app:assignments');
	// Before the read: the live line later asks "changed since?" with no gap (see LiveAssignments).
	const readAt = new Date().toISOString();
	// my_today needs nothing from the layouts: ask for it while they load, not after.
	const [{ organization, profile }, mine] = await Promise.all([
		parent(),
		myToday(locals.supabase).then(
			(items) => ({ items, loadError: null }),
			(e: unknown) => {
				if (!(e instanceof DbError)) throw e;
				return { items: [], loadError: e.message };
			}
		)
	]);
	const today = todayIn(profile?.time_zone ?? organization.time_zone);
	return {
		today,
		items: mine.items.filter((a) => a.organization_id === organization.id),
		loadError: mine.loadError,
		readAt
	};
};
