import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getProgram } from '#lib/db/programs.ts';
import { endEnrollment, enroll, listEnrollments } from '#lib/db/enrollments.ts';
import { programRecentComments } from '#lib/db/comments.ts';
import { listMembers } from '#lib/db/memberships.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { listProgramTemplates, programCalendar } from '#lib/db/templates.ts';
import { addDays, isIsoDate, mondayOf, todayIn } from '#lib/dates.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, params, locals, depends, url }) => {
	depends('app:program');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const program = await getProgram(locals.supabase, params.id);
	if (!program || program.organization_id !== organization.id) {
		error(404, 'This program does not exist.');
	}
	const before = url.searchParams.get('before') ?? undefined;
	// The program's calendar: four weeks from the Monday of ?from (default this week).
	const today = todayIn(organization.time_zone);
	const fromParam = url.searchParams.get('from');
	const from = mondayOf(isIsoDate(fromParam) ? fromParam : today);
	const weeks = 4;
	const [enrollments, members, recentComments, calendarDays, templates] = await Promise.all([
		listEnrollments(locals.supabase, program.id),
		listMembers(locals.supabase, organization.id),
		// The feed is extra: the page still works when it cannot be read.
		programRecentComments(locals.supabase, program.id, before).catch(() => null),
		programCalendar(locals.supabase, program.id, from, addDays(from, 7 * weeks - 1)),
		listProgramTemplates(locals.supabase, program.id)
	]);
	const enrolled = new Set(enrollments.map((e) => e.userId));
	const candidates = members.filter((m) => m.role === 'member' && !enrolled.has(m.userId));
	return {
		program,
		enrollments,
		candidates,
		recentComments,
		before: before ?? null,
		calendar: { days: calendarDays, from, weeks, today },
		templates
	};
};

export const actions: Actions = {
	enroll: async ({ request, locals, params }) => {
		const { user, organization } = await orgContext(locals, params.slug);
		const userId = String((await request.formData()).get('userId') ?? '');
		if (!isUuid(userId)) return failWith(400, { userId: ['Choose an athlete.'] });
		try {
			await enroll(locals.supabase, {
				organizationId: organization.id,
				programId: params.id,
				userId,
				enrolledBy: user.id
			});
		} catch (e) {
			return failFromDb(e);
		}
		return { enrolled: true };
	},
	unenroll: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('enrollmentId') ?? '');
		try {
			await endEnrollment(locals.supabase, id);
		} catch (e) {
			return failFromDb(e);
		}
		return { unenrolled: true };
	}
};
