import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { createWorkout } from '#lib/db/workouts.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { parseWorkoutForm } from '#lib/server/workout-form.ts';

export const load: PageServerLoad = async ({ parent }) => {
	const { membership } = await parent();
	requireStaff(membership.role);
};

export const actions: Actions = {
	save: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const parsed = parseWorkoutForm(await request.formData());
		if (!parsed.ok) return failWith(400, parsed.errors);
		let id: string;
		try {
			id = await createWorkout(locals.supabase, organization.id, parsed.workout);
		} catch (e) {
			return failFromDb(e);
		}
		redirect(303, `/org/${organization.slug}/library/${id}`);
	}
};
