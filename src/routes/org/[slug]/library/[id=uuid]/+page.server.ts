import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	duplicateWorkout,
	getWorkout,
	setWorkoutArchived,
	updateWorkout
} from '#lib/db/workouts.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { isAdmin } from '#lib/db/client.ts';
import {
	addExerciseComment,
	deleteExerciseComment,
	editExerciseComment,
	listExerciseComments,
	listSavedMovements
} from '#lib/db/comments.ts';
import { moderateDeleteExerciseComment } from '#lib/db/moderation.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { parseWorkoutForm } from '#lib/server/workout-form.ts';

export const load: PageServerLoad = async ({ parent, params, locals, depends }) => {
	depends('app:workout');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const workout = await getWorkout(locals.supabase, params.id);
	if (!workout || workout.organization_id !== organization.id) {
		error(404, 'This workout does not exist or was deleted.');
	}
	// Comments are extra: a refusal here must not take the builder down with it.
	const savedMovements = await listSavedMovements(locals.supabase, workout.id).catch(() => []);
	const exerciseComments = await listExerciseComments(
		locals.supabase,
		savedMovements.map((m) => m.id)
	).catch(() => []);
	return { workout, savedMovements, exerciseComments, canModerate: isAdmin(membership.role) };
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** The movement's thread after a change: the page applies it without reloading the builder. */
const movementComments = (db: App.Locals['supabase'], form: FormData) =>
	listExerciseComments(db, [text(form, 'movementId')]);

export const actions: Actions = {
	save: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const parsed = parseWorkoutForm(await request.formData());
		if (!parsed.ok) return failWith(400, parsed.errors);
		try {
			// workout_not_found (404) when it is gone or not this coach's to edit.
			await updateWorkout(locals.supabase, params.id, parsed.workout);
		} catch (e) {
			return failFromDb(e);
		}
		return { saved: true };
	},
	duplicate: async ({ locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		let copyId: string | null;
		try {
			copyId = await duplicateWorkout(locals.supabase, organization.id, params.id);
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
	},
	addExerciseComment: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const body = text(form, 'body');
		if (!body) return failWith(400, { body: ['Write a comment first.'] });
		try {
			await addExerciseComment(locals.supabase, {
				movementId: text(form, 'movementId'),
				body,
				parentId: text(form, 'parentId') || null
			});
		} catch (e) {
			return failFromDb(e, { body });
		}
		return { commented: true, comments: await movementComments(locals.supabase, form) };
	},
	editExerciseComment: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const body = text(form, 'body');
		if (!body) return failWith(400, { body: ['A comment cannot be empty: delete it instead.'] });
		try {
			await editExerciseComment(locals.supabase, text(form, 'id'), body);
		} catch (e) {
			return failFromDb(e, { body });
		}
		return { commentEdited: true, comments: await movementComments(locals.supabase, form) };
	},
	deleteExerciseComment: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		try {
			await deleteExerciseComment(locals.supabase, text(form, 'id'));
		} catch (e) {
			return failFromDb(e);
		}
		return { commentDeleted: true, comments: await movementComments(locals.supabase, form) };
	},
	moderateExerciseComment: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const reason = text(form, 'reason');
		if (!reason) return failWith(400, { reason: ['Say why, for the moderation log.'] });
		try {
			await moderateDeleteExerciseComment(locals.supabase, text(form, 'id'), reason);
		} catch (e) {
			return failFromDb(e, { reason });
		}
		return { commentModerated: true, comments: await movementComments(locals.supabase, form) };
	}
};
