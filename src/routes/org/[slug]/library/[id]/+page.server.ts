import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	duplicateWorkout,
	getWorkout,
	setWorkoutArchived,
	updateWorkout
} from '../../../../../lib/db/workouts';
import { failFromDb, failWith } from '../../../../../lib/db/errors';
import { requireStaff } from '../../../../../lib/server/guards';
import { orgContext } from '../../../../../lib/server/org-context';
import { parseWorkoutForm } from '../../../../../lib/server/workout-form';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ parent, params, locals, depends }) => {
	depends('app:workout');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	if (!UUID.test(params.id)) error(404, 'This workout does not exist.');
	const workout = await getWorkout(locals.supabase, params.id);
	if (!workout || workout.organization_id !== organization.id) {
		error(404, 'This workout does not exist or was deleted.');
	}
	return { workout };
};

export const actions: Actions = {
	save: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const parsed = parseWorkoutForm(await request.formData());
		if (!parsed.ok) return failWith(400, parsed.errors);
		try {
			await updateWorkout(locals.supabase, organization.id, params.id, parsed.workout);
		} catch (e) {
			if (e && typeof e === 'object' && 'notFound' in e) {
				return failWith(404, { form: ['This workout no longer exists or you cannot edit it.'] });
			}
			return failFromDb(e);
		}
		return { saved: true };
	},
	duplicate: async ({ locals, params }) => {
		const { user, organization } = await orgContext(locals, params.slug);
		let copyId: string | null;
		try {
			copyId = await duplicateWorkout(locals.supabase, organization.id, user.id, params.id);
		} catch (e) {
			return failFromDb(e);
		}
		if (!copyId) return failWith(404, { form: ['That workout no longer exists.'] });
		redirect(303, `/org/${organization.slug}/library/${copyId}`);
	},
	archive: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const archived = (await request.formData()).get('archived') === 'true';
		try {
			await setWorkoutArchived(locals.supabase, params.id, archived);
		} catch (e) {
			return failFromDb(e);
		}
		return { archivedChanged: true };
	}
};
