import type { PageServerLoad } from './$types';
import { myWeek, type AssignmentCell } from '#lib/db/assignments.ts';
import { DbError } from '#lib/db/errors.ts';
import { resolveWeek, todayIn, weekDays } from '#lib/dates.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:assignments');
	// Before the read: the live line later asks "changed since?" with no gap (see LiveAssignments).
	const readAt = new Date().toISOString();
	const { organization, profile } = await parent();
	const today = todayIn(profile?.time_zone ?? organization.time_zone);
	const weekStart = resolveWeek(url.searchParams.get('week'), today);
	const days = weekDays(weekStart);
	let items: AssignmentCell[] = [];
	let loadError: string | null = null;
	try {
		items = (await myWeek(locals.supabase, weekStart)).filter(
			(a) => a.organization_id === organization.id
		);
	} catch (e) {
		if (!(e instanceof DbError)) throw e;
		loadError = e.message;
	}
	return {
		today,
		weekStart,
		loadError,
		readAt,
		days: days.map((date) => ({ date, items: items.filter((a) => a.date === date) }))
	};
};
