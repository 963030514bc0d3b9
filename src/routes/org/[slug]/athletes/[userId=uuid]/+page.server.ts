import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { athleteProfile, saveWeeksAsTemplate } from '#lib/db/results.ts';
import { listPrograms } from '#lib/db/programs.ts';
import { DbError, failFromDb, failWith, type FieldErrors } from '#lib/db/errors.ts';
import { isIsoDate, mondayOf } from '#lib/dates.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, locals, params, depends }) => {
	depends('app:athlete');
	const { organization, membership } = await parent();
	// Staff only: members get the 403 page (and the database refuses them anyway).
	requireStaff(membership.role);
	try {
		const [profile, programs] = await Promise.all([
			athleteProfile(locals.supabase, organization.id, params.userId.toLowerCase()),
			listPrograms(locals.supabase, organization.id)
		]);
		return { profile, programs: programs.map((p) => ({ id: p.id, name: p.name })) };
	} catch (e) {
		if (e instanceof DbError) error(e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	template: async ({ locals, params, request }) => {
		const { organization } = await orgContext(locals, params.slug);
		const form = await request.formData();
		const values: Record<string, string> = {};
		for (const [k, v] of form) if (typeof v === 'string') values[k] = v;
		const errors: FieldErrors = {};
		const name = (values.name ?? '').trim();
		const start = values.start ?? '';
		const weeks = Number(values.weeks ?? '1');
		const programId = values.program_id && isUuid(values.program_id) ? values.program_id : null;
		if (!name) errors.name = ['Give the template a name.'];
		else if (name.length > 120) errors.name = ['Keep the name under 120 characters.'];
		if (!isIsoDate(start)) errors.start = ['Choose the first week.'];
		if (!Number.isInteger(weeks) || weeks < 1 || weeks > 12) errors.weeks = ['From 1 to 12 weeks.'];
		if (Object.keys(errors).length > 0) return failWith(400, errors, values);
		let id: string;
		try {
			id = await saveWeeksAsTemplate(locals.supabase, {
				organizationId: organization.id,
				userId: params.userId.toLowerCase(),
				// Templates start on a Monday, like the calendar's weeks.
				startDate: mondayOf(start),
				weeks,
				name,
				programId
			});
		} catch (e) {
			return failFromDb(e, values);
		}
		redirect(303, `/org/${params.slug}/templates/${id}?saved=1`);
	}
};
