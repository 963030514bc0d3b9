import type { Db, Enums } from './client';
import { must } from './errors';

export type CellKind = Enums<'assignment_kind'>;

export interface TemplateCell {
	id: string;
	day_offset: number;
	sort_order: number;
	kind: CellKind;
	workout_id: string | null;
	note: string | null;
	title: string | null;
}

export interface TemplateDetail {
	id: string;
	organization_id: string;
	program_id: string | null;
	name: string;
	length_days: number;
	cells: TemplateCell[];
}

/** A template with its cells in day order (null when RLS hides it or it does not exist). */
export async function getTemplate(db: Db, id: string): Promise<TemplateDetail | null> {
	const row = must(
		await db
			.from('program_templates')
			.select(
				'id, organization_id, program_id, name, length_days, program_template_cells(id, day_offset, sort_order, kind, workout_id, note, workout:workouts(title))'
			)
			.eq('id', id)
			.maybeSingle()
	);
	if (!row) return null;
	const cells = row.program_template_cells
		.map((c) => ({
			id: c.id,
			day_offset: c.day_offset,
			sort_order: c.sort_order,
			kind: c.kind,
			workout_id: c.workout_id,
			note: c.note,
			title: c.workout?.title ?? null
		}))
		.sort((a, b) => a.day_offset - b.day_offset || a.sort_order - b.sort_order);
	return {
		id: row.id,
		organization_id: row.organization_id,
		program_id: row.program_id,
		name: row.name,
		length_days: row.length_days,
		cells
	};
}

/** The next free slot of a day (cells of one day are ordered by sort_order). */
async function nextSlot(db: Db, templateId: string, day: number): Promise<number> {
	const rows = must(
		await db
			.from('program_template_cells')
			.select('sort_order')
			.eq('template_id', templateId)
			.eq('day_offset', day)
			.order('sort_order', { ascending: false })
			.limit(1)
	);
	return rows.length > 0 ? rows[0].sort_order + 1 : 0;
}

export interface CellInput {
	day_offset: number;
	kind: CellKind;
	workout_id: string | null;
	note: string | null;
}

export async function addTemplateCell(
	db: Db,
	template: { id: string; organization_id: string },
	input: CellInput
) {
	const sort_order = await nextSlot(db, template.id, input.day_offset);
	must(
		await db.from('program_template_cells').insert({
			template_id: template.id,
			organization_id: template.organization_id,
			sort_order,
			...input
		})
	);
}

/** Changes a cell; moving it to another day puts it last on that day. */
export async function updateTemplateCell(
	db: Db,
	templateId: string,
	cellId: string,
	input: CellInput,
	movedDay: boolean
) {
	const patch = movedDay
		? { ...input, sort_order: await nextSlot(db, templateId, input.day_offset) }
		: input;
	const rows = must(
		await db
			.from('program_template_cells')
			.update(patch)
			.eq('id', cellId)
			.eq('template_id', templateId)
			.select('id')
	);
	if (rows.length === 0) throw new Error('cell_not_found');
}

export async function deleteTemplateCell(db: Db, templateId: string, cellId: string) {
	must(
		await db.from('program_template_cells').delete().eq('id', cellId).eq('template_id', templateId)
	);
}

export async function renameTemplate(db: Db, id: string, name: string, lengthDays: number) {
	must(await db.from('program_templates').update({ name, length_days: lengthDays }).eq('id', id));
}

/** Templates that belong to a program, by name. */
export async function listProgramTemplates(db: Db, programId: string) {
	return must(
		await db
			.from('program_templates')
			.select('id, name, length_days')
			.eq('program_id', programId)
			.order('name')
	);
}

export interface ProgramDay {
	date: string;
	items: {
		title: string;
		kind: CellKind;
		athletes: number;
		completed: number;
		drafts: number;
	}[];
}

/** A program's calendar: per day, what its athletes have planned, grouped by workout. */
export async function programCalendar(
	db: Db,
	programId: string,
	from: string,
	to: string
): Promise<ProgramDay[]> {
	const rows = must(
		await db
			.from('workout_assignments')
			.select(
				'date, kind, status, published, note, sort_order, workout:workouts!workout_assignments_snapshot_workout_id_fkey(title)'
			)
			.eq('program_id', programId)
			.is('deleted_at', null)
			.gte('date', from)
			.lte('date', to)
			.order('date')
			.order('sort_order')
			.limit(2000)
	);
	const days = new Map<string, Map<string, ProgramDay['items'][number]>>();
	for (const r of rows) {
		const title =
			r.kind === 'workout'
				? (r.workout?.title ?? 'Workout')
				: r.kind === 'rest'
					? 'Rest'
					: (r.note ?? 'Note');
		const byTitle = days.get(r.date) ?? new Map();
		days.set(r.date, byTitle);
		const item = byTitle.get(`${r.kind}:${title}`) ?? {
			title,
			kind: r.kind,
			athletes: 0,
			completed: 0,
			drafts: 0
		};
		item.athletes += 1;
		if (r.status === 'completed') item.completed += 1;
		if (!r.published) item.drafts += 1;
		byTitle.set(`${r.kind}:${title}`, item);
	}
	return [...days.entries()].map(([date, items]) => ({ date, items: [...items.values()] }));
}
