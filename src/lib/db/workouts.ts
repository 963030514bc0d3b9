import type { Db, Enums, Tables } from './client';
import { must } from './errors';

export type LoadUnit = Enums<'load_unit'>;
export type WorkoutRow = Tables<'workouts'>;

export interface MovementInput {
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
			title: s.title,
			notes: s.notes,
			movements: [...s.workout_movements]
				.sort((a, b) => a.position - b.position)
				.map((m): MovementInput => ({
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

async function insertContent(
	db: Db,
	organizationId: string,
	workoutId: string,
	sections: SectionInput[],
	base = 0
): Promise<void> {
	if (sections.length === 0) return;
	const inserted = must(
		await db
			.from('workout_sections')
			.insert(
				sections.map((s, i) => ({
					workout_id: workoutId,
					organization_id: organizationId,
					position: base + i,
					title: s.title,
					notes: s.notes
				}))
			)
			.select('id, position')
	);
	const idAt = new Map(inserted.map((s) => [s.position, s.id]));
	const movements = sections.flatMap((s, sp) =>
		s.movements.map((m, position) => ({
			...m,
			section_id: idAt.get(base + sp) as string,
			workout_id: workoutId,
			organization_id: organizationId,
			position
		}))
	);
	if (movements.length > 0) must(await db.from('workout_movements').insert(movements));
}

export async function createWorkout(
	db: Db,
	organizationId: string,
	userId: string,
	input: WorkoutInput
): Promise<string> {
	const row = must(
		await db
			.from('workouts')
			.insert({
				organization_id: organizationId,
				created_by: userId,
				title: input.title,
				description: input.description
			})
			.select('id')
			.single()
	);
	try {
		await insertContent(db, organizationId, row.id, input.sections);
	} catch (e) {
		// No half-built workout in the library: the database refused part of it.
		await db.from('workouts').delete().eq('id', row.id);
		throw e;
	}
	return row.id;
}

/**
 * Replaces a workout's title, description, sections and movements with the builder's version.
 * The new sections are written first, after the old ones (positions only need to be ordered),
 * and the old ones are deleted last: if any write is refused, the saved workout is unchanged.
 */
export async function updateWorkout(
	db: Db,
	organizationId: string,
	workoutId: string,
	input: WorkoutInput
): Promise<void> {
	const old = must(
		await db.from('workout_sections').select('id, position').eq('workout_id', workoutId)
	);
	const base = old.reduce((max, s) => Math.max(max, s.position + 1), 0);
	const discardNew = async () => {
		await db.from('workout_sections').delete().eq('workout_id', workoutId).gte('position', base);
	};
	try {
		await insertContent(db, organizationId, workoutId, input.sections, base);
		const updated = must(
			await db
				.from('workouts')
				.update({ title: input.title, description: input.description })
				.eq('id', workoutId)
				.select('id')
		);
		if (updated.length === 0) {
			throw Object.assign(new Error('not found'), { notFound: true });
		}
	} catch (e) {
		await discardNew();
		throw e;
	}
	if (old.length > 0) {
		must(
			await db
				.from('workout_sections')
				.delete()
				.in(
					'id',
					old.map((s) => s.id)
				)
		);
	}
}

export async function duplicateWorkout(
	db: Db,
	organizationId: string,
	userId: string,
	workoutId: string
): Promise<string | null> {
	const source = await getWorkout(db, workoutId);
	if (!source) return null;
	const suffix = ' (copy)';
	const title = source.title.slice(0, 120 - suffix.length) + suffix;
	return createWorkout(db, organizationId, userId, {
		title,
		description: source.description,
		sections: source.sections
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
