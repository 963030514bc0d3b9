import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { duplicateWorkout, listWorkouts, setWorkoutArchived } from '#lib/db/workouts.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';

export const load: PageServerLoad = async ({ parent, locals, url, depends }) => {
	depends('app:workouts');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const search = url.searchParams.get('q')?.slice(0, 120) ?? '';
	const archived = url.searchParams.get('show') === 'archived';
	const workouts = await listWorkouts(locals.supabase, organization.id, { search, archived });
	return { workouts, search, archived };
};

export const actions: Actions = {
	duplicate: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('workoutId') ?? '');
		let copyId: string | null;
		try {
			copyId = await duplicateWorkout(locals.supabase, organization.id, id);
		} catch (e) {
			return failFromDb(e);
		}
		if (!copyId) return failWith(404, { form: ['That workout no longer exists.'] });
		redirect(303, `/org/${organization.slug}/library/${copyId}`);
	},
	archive: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('workoutId') ?? '');
		try {
			await setWorkoutArchived(locals.supabase, id, true);
		} catch (e) {
			return failFromDb(e);
		}
		return { archived: true };
	},
	restore: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('workoutId') ?? '');
		try {
			await setWorkoutArchived(locals.supabase, id, false);
		} catch (e) {
			return failFromDb(e);
		}
		return { restored: true };
	}
};
