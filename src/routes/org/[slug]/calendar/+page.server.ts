import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	applyTemplate,
	assignPersonal,
	bulkDelete,
	bulkPublish,
	deleteAssignment,
	restoreAssignment,
	moveAssignment,
	forkSnapshot,
	CALENDAR_PAGE_SIZE,
	calendarWeek,
	packCells,
	type Athlete,
	previewBulk,
	setAssignmentsPublished,
	PUBLISH_MODES,
	type CalendarCell,
	type AssignmentKind,
	type BulkFilter,
	type PublishMode
} from '#lib/db/assignments.ts';
import { listProgramNames } from '#lib/db/programs.ts';
import { DbError, failFromDb, failWith, type FieldErrors } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { isIsoDate, resolveWeek, todayIn, weekDays } from '#lib/dates.ts';
import { isUuid } from '#lib/ids.ts';

const KINDS: readonly AssignmentKind[] = ['workout', 'rest', 'note'];

export const load: PageServerLoad = async ({ parent, locals, url, depends }) => {
	depends('app:calendar');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const today = todayIn(organization.time_zone);
	const weekStart = resolveWeek(url.searchParams.get('week'), today);
	const programParam = url.searchParams.get('program');
	const programId = programParam && isUuid(programParam) ? programParam : null;
	const db = locals.supabase;

	// Rows a page at a time (CALENDAR_PAGE_SIZE athletes by name, `q` searching names), and only
	// those rows' cells: at 2,000 athletes the grid of everyone was 2.3 MB of HTML.
	const search = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const pageParam = Number(url.searchParams.get('page') ?? '1');
	const page = Number.isInteger(pageParam) && pageParam >= 1 ? Math.min(pageParam, 1000) : 1;
	const offset = (page - 1) * CALENDAR_PAGE_SIZE;

	// The program filter's names and the page of rows with their cells (one call) start at once.
	// The library and the templates are not read here: their panels read them in the browser
	// when they open (the library's titles were most of this page's HTML, twice over: markup and
	// serialized data).
	let loadError: string | null = null;
	const [programs, rows] = await Promise.all([
		listProgramNames(db, organization.id),
		calendarWeek(db, organization.id, {
			weekStart,
			programId,
			search,
			offset,
			limit: CALENDAR_PAGE_SIZE
		}).catch((e: unknown) => {
			if (!(e instanceof DbError)) throw e;
			loadError = e.message;
			return { athletes: [] as Athlete[], hasMore: false, cells: [] as CalendarCell[] };
		})
	]);
	return {
		today,
		weekStart,
		days: weekDays(weekStart),
		programId,
		programs,
		athletes: rows.athletes,
		search,
		page,
		hasMore: rows.hasMore,
		cells: packCells(rows.cells),
		loadError
	};
};

function readFilter(form: FormData, organizationId: string) {
	const athleteIds = [...new Set(form.getAll('athlete_id').map(String))].filter((id) => isUuid(id));
	const from = String(form.get('date_from') ?? '');
	const to = String(form.get('date_to') ?? '');
	const program = String(form.get('program_id') ?? '');
	if (athleteIds.length === 0 || !isIsoDate(from) || !isIsoDate(to)) return null;
	const filter: BulkFilter = {
		organization_id: organizationId,
		athlete_ids: athleteIds,
		date_from: from,
		date_to: to
	};
	// The selected days exactly ("<athlete id>|<date>"); the database checks them again.
	const cells = form
		.getAll('cell')
		.map(String)
		.map((c) => c.split('|'))
		.filter(([id, date]) => isUuid(id ?? '') && isIsoDate(date ?? ''))
		.map(([id, date]) => ({ athlete_id: id, date }));
	if (cells.length > 0) filter.cells = cells;
	if (isUuid(program)) filter.program_id = program;
	return filter;
}

export const actions: Actions = {
	assign: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const form = await request.formData();
		const values = {
			date: String(form.get('date') ?? ''),
			kind: String(form.get('kind') ?? 'workout'),
			workout_id: String(form.get('workout_id') ?? ''),
			note: String(form.get('note') ?? '').trim(),
			mode: String(form.get('mode') ?? 'publish'),
			program_id: String(form.get('program_id') ?? '')
		};
		const athleteIds = form
			.getAll('athlete_id')
			.map(String)
			.filter((id) => isUuid(id));
		const errors: FieldErrors = {};
		if (athleteIds.length === 0) errors.form = ['Choose an athlete.'];
		if (!isIsoDate(values.date)) errors.date = ['Choose a day.'];
		const kind = values.kind as AssignmentKind;
		if (!KINDS.includes(kind)) errors.kind = ['Choose workout, rest or note.'];
		if (kind === 'workout' && !isUuid(values.workout_id)) {
			errors.workout_id = ['Choose a workout from the library.'];
		}
		if (kind === 'note' && !values.note) errors.note = ['Write the note.'];
		if (values.note.length > 2000) errors.note = ['Keep the note under 2,000 characters.'];
		const mode = values.mode as PublishMode;
		if (!PUBLISH_MODES.includes(mode)) errors.mode = ['Choose when the athlete sees it.'];
		if (Object.keys(errors).length > 0) return failWith(400, errors, values);
		try {
			const rows = await assignPersonal(locals.supabase, {
				organizationId: organization.id,
				athleteIds,
				date: values.date,
				kind,
				workoutId: kind === 'workout' ? values.workout_id : null,
				note: values.note || null,
				mode,
				programId: isUuid(values.program_id) ? values.program_id : null
			});
			return { assigned: rows.length, mode };
		} catch (e) {
			return failFromDb(e, values);
		}
	},
	publish: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const published = form.get('published') !== 'false';
		try {
			await setAssignmentsPublished(locals.supabase, [id], published);
		} catch (e) {
			return failFromDb(e);
		}
		return { published };
	},
	delete: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('id') ?? '');
		try {
			await deleteAssignment(locals.supabase, id);
		} catch (e) {
			return failFromDb(e);
		}
		return { deleted: true, id };
	},
	restore: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('id') ?? '');
		try {
			await restoreAssignment(locals.supabase, id);
		} catch (e) {
			return failFromDb(e);
		}
		return { restored: true };
	},
	move: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const date = String(form.get('date') ?? '');
		if (!isIsoDate(date)) return failWith(400, { date: ['Choose the day to move it to.'] });
		try {
			const row = await moveAssignment(locals.supabase, id, date);
			return { moved: row.date };
		} catch (e) {
			return failFromDb(e);
		}
	},
	fork: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('id') ?? '');
		let snapshotId: string;
		try {
			snapshotId = await forkSnapshot(locals.supabase, id);
		} catch (e) {
			return failFromDb(e);
		}
		redirect(303, `/org/${organization.slug}/library/${snapshotId}`);
	},
	preview: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const form = await request.formData();
		const op = form.get('op') === 'delete' ? 'delete' : 'publish';
		const filter = readFilter(form, organization.id);
		if (!filter) return failWith(400, { form: ['Select at least one cell first.'] });
		try {
			return { preview: await previewBulk(locals.supabase, filter), op, filter };
		} catch (e) {
			return failFromDb(e);
		}
	},
	bulkPublish: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const filter = readFilter(await request.formData(), organization.id);
		if (!filter) return failWith(400, { form: ['Select at least one cell first.'] });
		try {
			const { count } = await bulkPublish(locals.supabase, filter);
			return { bulk: 'publish', count };
		} catch (e) {
			return failFromDb(e);
		}
	},
	bulkDelete: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const filter = readFilter(await request.formData(), organization.id);
		if (!filter) return failWith(400, { form: ['Select at least one cell first.'] });
		try {
			const { count } = await bulkDelete(locals.supabase, filter);
			return { bulk: 'delete', count };
		} catch (e) {
			return failFromDb(e);
		}
	},
	applyTemplate: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const form = await request.formData();
		const values = {
			template_id: String(form.get('template_id') ?? ''),
			start_date: String(form.get('start_date') ?? ''),
			publish: String(form.get('publish') ?? 'false')
		};
		const athleteIds = form
			.getAll('athlete_id')
			.map(String)
			.filter((id) => isUuid(id));
		const errors: FieldErrors = {};
		if (!isUuid(values.template_id)) errors.template_id = ['Choose a template.'];
		if (!isIsoDate(values.start_date)) errors.start_date = ['Choose a start date.'];
		if (athleteIds.length === 0) errors.athletes = ['Choose at least one athlete.'];
		if (Object.keys(errors).length > 0) return failWith(400, errors, values);
		try {
			const rows = await applyTemplate(locals.supabase, {
				templateId: values.template_id,
				athleteIds,
				startDate: values.start_date,
				publish: values.publish === 'true'
			});
			return { applied: rows.length };
		} catch (e) {
			return failFromDb(e, values);
		}
	}
};
