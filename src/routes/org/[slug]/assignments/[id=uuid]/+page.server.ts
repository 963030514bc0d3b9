import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	completeAssignment,
	getAssignment,
	logResult,
	reopenAssignment,
	skipAssignment,
	type MovementResultInput
} from '#lib/db/assignments.ts';
import { assignmentResults } from '#lib/db/results.ts';
import { parseSetInputs } from '#lib/results.ts';
import { DbError, failFromDb, failWith, type FieldErrors } from '#lib/db/errors.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { requireUser } from '#lib/server/guards.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ parent, params, locals, depends }) => {
	depends('app:assignments');
	// Before the read: the live line later asks "changed since?" with no gap (see LiveAssignments).
	const readAt = new Date().toISOString();
	// Both reads need only the id, so they start with the session's own read rather than after
	// it (the API verifies the token on each; the page is dropped if the session is not good).
	const reads = Promise.all([
		getAssignment(locals.supabase, params.id),
		assignmentResults(locals.supabase, params.id).catch((e: unknown) => {
			// A removed assignment answers 404 here; getAssignment decides what the page says.
			if (e instanceof DbError && e.status === 404) return { results: [], previous: {} };
			throw e;
		})
	]);
	// Settled before parent() can throw (a 404 organization), so its failure is never unhandled.
	reads.catch(() => {});
	const { organization } = await parent();
	try {
		const [assignment, results] = await reads;
		if (assignment.organization_id !== organization.id || assignment.deleted_at) {
			error(404, 'This assignment does not exist or was removed.');
		}
		return { assignment, results, readAt };
	} catch (e) {
		if (e instanceof DbError) error(e.status === 404 ? 404 : e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	complete: async ({ locals, params }) => {
		await orgContext(locals, params.slug);
		try {
			await completeAssignment(locals.supabase, params.id);
		} catch (e) {
			return failFromDb(e);
		}
		return { completed: true };
	},
	skip: async ({ locals, params, request }) => {
		await orgContext(locals, params.slug);
		const reason = String((await request.formData()).get('reason') ?? '').trim();
		// The reason is optional: an empty one skips without a reason.
		if (reason.length > 500) {
			return failWith(400, { reason: ['Keep the reason under 500 characters.'] }, { reason });
		}
		try {
			await skipAssignment(locals.supabase, params.id, reason);
		} catch (e) {
			return failFromDb(e, { reason });
		}
		return { skipped: true };
	},
	reopen: async ({ locals, params }) => {
		await orgContext(locals, params.slug);
		try {
			await reopenAssignment(locals.supabase, params.id);
		} catch (e) {
			return failFromDb(e);
		}
		return { reopened: true };
	},
	log: async ({ locals, params, request }) => {
		// No read of the organization first: log_workout_result checks the cell is in the page's
		// organization and the caller may log on it, in the same round trip as the write.
		requireUser(locals.user);
		const form = await request.formData();
		const values: Record<string, string> = {};
		for (const [k, v] of form) if (typeof v === 'string') values[k] = v;
		const errors: FieldErrors = {};
		const score = (values.score ?? '').trim();
		const notes = (values.notes ?? '').trim();
		const rpeText = (values.rpe ?? '').trim();
		const rpe = rpeText ? Number(rpeText) : null;
		if (score.length > 200) errors.score = ['Keep the score under 200 characters.'];
		if (notes.length > 5000) errors.notes = ['Keep the notes under 5,000 characters.'];
		if (rpe !== null && !(Number.isInteger(rpe) && rpe >= 1 && rpe <= 10)) {
			errors.rpe = ['RPE is a whole number from 1 to 10.'];
		}
		// Per set, by what each movement measures (inputs m.<movement>.<set>.<field>).
		const parsed = parseSetInputs(
			[...form].filter((e): e is [string, string] => typeof e[1] === 'string')
		);
		Object.assign(errors, parsed.errors);
		const movements: MovementResultInput[] = [];
		for (const id of new Set(form.getAll('movement_id').map(String))) {
			if (!isUuid(id)) continue;
			const sets = parsed.sets.get(id);
			if (!sets || sets.length === 0) continue;
			const entry: MovementResultInput = { movement_id: id, set_results: sets };
			if (sets.some((x) => x.load !== undefined)) {
				entry.load_unit = values[`unit.${id}`] === 'lb' ? 'lb' : 'kg';
			}
			movements.push(entry);
		}
		if (!score && !notes && rpe === null && movements.length === 0) {
			errors.form = ['Enter a set, a score, notes or an RPE before saving.'];
		}
		if (Object.keys(errors).length > 0) return failWith(400, errors, values);
		try {
			const clientId = String(form.get('client_id') ?? '');
			// One call: the database checks the cell is the caller's to log (or staff's) and a
			// workout ("Only workouts take a result.", not_a_workout), and takes its frozen workout.
			await logResult(locals.supabase, {
				// A replay from the offline outbox carries the same id and is stored once.
				id: isUuid(clientId) ? clientId : undefined,
				organizationSlug: params.slug,
				assignmentId: params.id,
				score: score || null,
				notes: notes || null,
				rpe,
				movements
			});
		} catch (e) {
			return failFromDb(e, values);
		}
		return { logged: true };
	}
};
