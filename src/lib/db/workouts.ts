import type { Db, Enums, Tables } from './client';
import { must } from './errors';

export type LoadUnit = Enums<'load_unit'>;
export type WorkoutRow = Tables<'workouts'>;

export interface MovementInput {
	/** A saved movement's id: saving updates that row (its comments stay); none inserts one. */
	id?: string | null;
	name: string;
	sets: number | null;
	reps: number | null;
	rep_scheme: string | null;
	load: number | null;
	load_unit: LoadUnit | null;
	time_seconds: number | null;
	distance_meters: number | null;
	notes: string | null;
}

export interface SectionInput {
	/** A saved section's id, as for movements. */
	id?: string | null;
	title: string;
	notes: string | null;
	movements: MovementInput[];
}

export interface WorkoutInput {
	title: string;
	description: string | null;
	sections: SectionInput[];
}

export interface WorkoutSummary {
	id: string;
	title: string;
	description: string | null;
	archived_at: string | null;
	updated_at: string;
	sectionCount: number;
	movementCount: number;
}

/** `%` and `_` are wildcards in ILIKE: a search for "50%" means the text, not a pattern. */
function likeEscape(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Library workouts (never snapshot copies) of an organization, by title. */
export async function listWorkouts(
	db: Db,
	organizationId: string,
	options: { search?: string; archived?: boolean } = {}
): Promise<WorkoutSummary[]> {
	let query = db
		.from('workouts')
		.select(
			'id, title, description, archived_at, updated_at, workout_sections(id), workout_movements(id)'
		)
		.eq('organization_id', organizationId)
		.eq('is_snapshot', false)
		.order('title')
		.limit(200);
	query = options.archived ? query.not('archived_at', 'is', null) : query.is('archived_at', null);
	const search = options.search?.trim();
	if (search) query = query.ilike('title', `%${likeEscape(search)}%`);
	const rows = must(await query);
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		description: r.description,
		archived_at: r.archived_at,
		updated_at: r.updated_at,
		sectionCount: r.workout_sections.length,
		movementCount: r.workout_movements.length
	}));
}

/** A library workout as a picker lists it: the title is all the calendar shows of it. */
export interface WorkoutPick {
	id: string;
	title: string;
}

/**
 * One page of the organization's library (never snapshot copies, never archived) by title, the
 * titles holding `search` when given: the calendar's library panel and day dialog read it from
 * the browser when they open, a page at a time, so the week's HTML no longer carries the library.
 */
export async function pickWorkouts(
	db: Db,
	organizationId: string,
	options: { search?: string; offset?: number; limit?: number } = {}
): Promise<{ items: WorkoutPick[]; hasMore: boolean }> {
	const limit = options.limit ?? 50;
	const offset = options.offset ?? 0;
	let query = db
		.from('workouts')
		.select('id, title')
		.eq('organization_id', organizationId)
		.eq('is_snapshot', false)
		.is('archived_at', null)
		.order('title')
		.order('id')
		// One row more than asked says whether another page exists.
		.range(offset, offset + limit);
	const search = options.search?.trim();
	if (search) query = query.ilike('title', `%${likeEscape(search)}%`);
	const rows = must(await query);
	return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** One workout with its sections and movements in order, as the builder edits it. */
export async function getWorkout(db: Db, workoutId: string) {
	const row = must(
		await db
			.from('workouts')
			.select(
				'id, organization_id, title, description, archived_at, updated_at, is_snapshot, workout_sections(id, position, title, notes, workout_movements(id, position, name, sets, reps, rep_scheme, load, load_unit, time_seconds, distance_meters, notes))'
			)
			.eq('id', workoutId)
			.maybeSingle()
	);
	if (!row) return null;
	const sections = [...row.workout_sections]
		.sort((a, b) => a.position - b.position)
		.map((s) => ({
			id: s.id,
			title: s.title,
			notes: s.notes,
			movements: [...s.workout_movements]
				.sort((a, b) => a.position - b.position)
				.map((m): MovementInput => ({
					id: m.id,
					name: m.name,
					sets: m.sets,
					reps: m.reps,
					rep_scheme: m.rep_scheme,
					load: m.load,
					load_unit: m.load_unit,
					time_seconds: m.time_seconds,
					distance_meters: m.distance_meters,
					notes: m.notes
				}))
		}));
	return {
		id: row.id,
		organization_id: row.organization_id,
		title: row.title,
		description: row.description,
		archived_at: row.archived_at,
		updated_at: row.updated_at,
		sections
	};
}

/** The builder's sections as save_workout reads them: ids only where the row already exists. */
function sectionsPayload(sections: SectionInput[]) {
	return sections.map((s) => ({
		id: s.id ?? null,
		title: s.title,
		notes: s.notes,
		movements: s.movements.map((m) => ({ ...m, id: m.id ?? null }))
	}));
}

/** Creates a workout with its sections and movements in one transaction (create_workout). */
export async function createWorkout(
	db: Db,
	organizationId: string,
	input: WorkoutInput
): Promise<string> {
	return must(
		await db.rpc('create_workout', {
			p_organization_id: organizationId,
			p_title: input.title,
			p_description: input.description ?? '',
			p_sections: sectionsPayload(input.sections)
		})
	);
}

/**
 * Saves the builder's version of a workout in one transaction (save_workout): sections and
 * movements that carry an id are updated in place, so their exercise comments survive; new ones
 * are inserted and only the ones the builder removed are deleted. Throws a DbError whose code
 * is `workout_not_found` when the workout is gone or not the caller's to edit.
 */
export async function updateWorkout(db: Db, workoutId: string, input: WorkoutInput): Promise<void> {
	must(
		await db.rpc('save_workout', {
			p_workout_id: workoutId,
			p_title: input.title,
			p_description: input.description ?? '',
			p_sections: sectionsPayload(input.sections)
		})
	);
}

export async function duplicateWorkout(
	db: Db,
	organizationId: string,
	workoutId: string
): Promise<string | null> {
	const source = await getWorkout(db, workoutId);
	if (!source) return null;
	const suffix = ' (copy)';
	const title = source.title.slice(0, 120 - suffix.length) + suffix;
	// A copy gets rows of its own: without ids every section and movement is inserted.
	return createWorkout(db, organizationId, {
		title,
		description: source.description,
		sections: source.sections.map((s) => ({
			title: s.title,
			notes: s.notes,
			movements: s.movements.map((m) => ({ ...m, id: null }))
		}))
	});
}

export async function setWorkoutArchived(db: Db, workoutId: string, archived: boolean) {
	return must(
		await db
			.from('workouts')
			.update({ archived_at: archived ? new Date().toISOString() : null })
			.eq('id', workoutId)
			.select('id')
	);
}
