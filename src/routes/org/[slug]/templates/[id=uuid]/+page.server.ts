import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	addTemplateCell,
	deleteTemplateCell,
	getTemplate,
	renameTemplate,
	updateTemplateCell,
	type CellInput
} from '#lib/db/templates.ts';
import { listWorkouts } from '#lib/db/workouts.ts';
import { failFromDb, failWith, type FieldErrors } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, locals, params, depends }) => {
	depends('app:template');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const [template, workouts] = await Promise.all([
		getTemplate(locals.supabase, params.id),
		listWorkouts(locals.supabase, organization.id)
	]);
	if (!template || template.organization_id !== organization.id) {
		error(404, 'This template does not exist.');
	}
	return { template, workouts: workouts.map((w) => ({ id: w.id, title: w.title })) };
};

/** Reads a cell form; the table's checks (kind ↔ payload, day range) stay the last word. */
function readCell(form: FormData): {
	input: CellInput | null;
	errors: FieldErrors;
	values: Record<string, string>;
} {
	const values: Record<string, string> = {};
	for (const [k, v] of form) if (typeof v === 'string') values[k] = v;
	const errors: FieldErrors = {};
	const day = Number(values.day_offset);
	const kind = values.kind;
	const workoutId = values.workout_id && isUuid(values.workout_id) ? values.workout_id : null;
	const note = (values.note ?? '').trim() || null;
	if (!Number.isInteger(day) || day < 0) errors.day_offset = ['Choose a day.'];
	if (kind !== 'workout' && kind !== 'rest' && kind !== 'note')
		errors.kind = ['Choose what the day holds.'];
	if (kind === 'workout' && !workoutId) errors.workout_id = ['Choose a workout.'];
	if (kind === 'note' && !note) errors.note = ['Write the note.'];
	if (note && note.length > 2000) errors.note = ['Keep the note under 2,000 characters.'];
	if (Object.keys(errors).length > 0) return { input: null, errors, values };
	return {
		input: {
			day_offset: day,
			kind: kind as CellInput['kind'],
			workout_id: kind === 'workout' ? workoutId : null,
			note: kind === 'rest' ? null : note
		},
		errors,
		values
	};
}

export const actions: Actions = {
	add: async ({ locals, params, request }) => {
		const { organization } = await orgContext(locals, params.slug);
		const { input, errors, values } = readCell(await request.formData());
		if (!input) return failWith(400, errors, values);
		try {
			await addTemplateCell(
				locals.supabase,
				{ id: params.id, organization_id: organization.id },
				input
			);
		} catch (e) {
			return failFromDb(e, values);
		}
		return { added: true };
	},
	update: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const cellId = String(form.get('cell_id') ?? '');
		if (!isUuid(cellId)) return fail(404, { errors: { form: ['That cell is gone.'] }, values: {} });
		const { input, errors, values } = readCell(form);
		if (!input) return failWith(400, errors, values);
		try {
			await updateTemplateCell(
				locals.supabase,
				params.id,
				cellId,
				input,
				String(input.day_offset) !== values.previous_day
			);
		} catch (e) {
			if (e instanceof Error && e.message === 'cell_not_found') {
				return fail(404, { errors: { form: ['That cell is gone.'] }, values });
			}
			return failFromDb(e, values);
		}
		return { updated: true };
	},
	delete: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const cellId = String((await request.formData()).get('cell_id') ?? '');
		if (!isUuid(cellId)) return fail(404, { errors: { form: ['That cell is gone.'] }, values: {} });
		try {
			await deleteTemplateCell(locals.supabase, params.id, cellId);
		} catch (e) {
			return failFromDb(e);
		}
		return { deleted: true };
	},
	rename: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const name = String(form.get('name') ?? '').trim();
		const weeks = Number(form.get('weeks') ?? '');
		const values = { name, weeks: String(form.get('weeks') ?? '') };
		const errors: FieldErrors = {};
		if (!name || name.length > 120) errors.name = ['A name of 1 to 120 characters.'];
		if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) errors.weeks = ['From 1 to 52 weeks.'];
		if (Object.keys(errors).length > 0) return failWith(400, errors, values);
		try {
			await renameTemplate(locals.supabase, params.id, name, weeks * 7);
		} catch (e) {
			return failFromDb(e, values);
		}
		return { renamed: true };
	}
};
