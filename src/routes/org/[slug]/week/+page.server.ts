import type { PageServerLoad } from './$types';
import { myWeek, type AssignmentCell } from '#lib/db/assignments.ts';
import { DbError } from '#lib/db/errors.ts';
import { resolveWeek, todayIn, weekDays } from '#lib/dates.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:assignments');
	// Before the read: the live line later asks "changed since?" with no gap (see LiveAssignments).
	const readAt = new Date().toISOString();
	const param = url.searchParams.get('week');
	const read = (start: string) =>
		myWeek(locals.supabase, start).then(
			(items) => ({ start, items, loadError: null as string | null }),
			(e: unknown) => {
				if (!(e instanceof DbError)) throw e;
				return { start, items: [] as AssignmentCell[], loadError: e.message as string | null };
			}
		);
	// Ask for the week while the layouts load, not after: the week asked for, or this week as
	// UTC sees it; only when the person's own zone puts today in another week (around Sunday
	// midnight) is it read again once the layouts say which zone that is.
	const [{ organization, profile }, early] = await Promise.all([
		parent(),
		read(resolveWeek(param, todayIn('UTC')))
	]);
	const today = todayIn(profile?.time_zone ?? organization.time_zone);
	const weekStart = resolveWeek(param, today);
	const days = weekDays(weekStart);
	const got = early.start === weekStart ? early : await read(weekStart);
	const items = got.items.filter((a) => a.organization_id === organization.id);
	const loadError = got.loadError;
	return {
		today,
		weekStart,
		loadError,
		readAt,
		days: days.map((date) => ({ date, items: items.filter((a) => a.date === date) }))
	};
};
