// Workout comments (messages on an assignment) and exercise comments (staff notes on a movement).
// Workout comments are used from the browser (the discussion drawer, with realtime); exercise
// comments and the program feeds from server loads and form actions. All run under RLS.
import type { Db } from './client';
import { must } from './errors';
import { parseAttachments, type Attachment } from './attachment-json';

export interface WorkoutComment {
	id: string;
	sender_id: string;
	sender_role: string;
	recipient_id: string;
	content: string | null;
	created_at: string;
	read_at: string | null;
	deleted_at: string | null;
	attachments: Attachment[];
}

export const COMMENT_PAGE = 30;

/** One page of a workout thread, oldest first; `before` pages back in time. */
export async function listWorkoutComments(
	db: Db,
	assignmentId: string,
	before?: string
): Promise<WorkoutComment[]> {
	const rows = must(
		await db.rpc('workout_comments', {
			p_assignment_id: assignmentId,
			p_limit: COMMENT_PAGE,
			...(before ? { p_before: before } : {})
		})
	);
	return rows.map((r) => ({
		id: r.id,
		sender_id: r.sender_id,
		sender_role: r.sender_role,
		recipient_id: r.recipient_id,
		content: r.content,
		created_at: r.created_at,
		read_at: r.read_at,
		deleted_at: r.deleted_at,
		attachments: parseAttachments(r.attachments)
	}));
}

export async function postWorkoutComment(
	db: Db,
	input: { assignmentId: string; content: string; clientId: string; objectPaths: string[] }
) {
	return must(
		await db.rpc('post_workout_comment', {
			p_assignment_id: input.assignmentId,
			p_content: input.content,
			p_client_id: input.clientId,
			p_object_paths: input.objectPaths
		})
	);
}

export async function markWorkoutCommentsRead(db: Db, assignmentId: string): Promise<number> {
	return must(await db.rpc('mark_workout_comments_read', { p_assignment_id: assignmentId })) ?? 0;
}

/** My unread count on one assignment's thread (0 when I have read everything or never looked). */
export async function workoutCommentUnread(
	db: Db,
	assignmentId: string,
	userId: string
): Promise<number> {
	const { data } = await db
		.from('workout_comment_reads')
		.select('unread_count')
		.eq('workout_assignment_id', assignmentId)
		.eq('user_id', userId)
		.maybeSingle();
	return data?.unread_count ?? 0;
}

/** My unread counts on many assignments' threads in one query (absent: 0), e.g. a calendar week. */
export async function workoutCommentUnreadMany(
	db: Db,
	assignmentIds: string[],
	userId: string
): Promise<Record<string, number>> {
	if (assignmentIds.length === 0) return {};
	const { data } = await db
		.from('workout_comment_reads')
		.select('workout_assignment_id, unread_count')
		.in('workout_assignment_id', assignmentIds)
		.eq('user_id', userId);
	return Object.fromEntries(
		(data ?? []).map((r) => [r.workout_assignment_id, r.unread_count ?? 0])
	);
}

/** Display names for a set of people (RLS shows those who share an organization with me). */
export async function displayNames(db: Db, ids: string[]): Promise<Map<string, string>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	const rows = must(await db.from('profiles').select('id, display_name').in('id', unique));
	return new Map(rows.map((p) => [p.id, p.display_name]));
}

/** Per-program unread workout comments for me (staff), as a map program id → count. */
export async function programUnreadCounts(
	db: Db,
	organizationId: string
): Promise<Record<string, number>> {
	const rows = must(
		await db.rpc('program_comment_unread_counts', { p_organization_id: organizationId })
	);
	return Object.fromEntries(rows.map((r) => [r.program_id, r.unread]));
}

/** The newest workout comments across a program's assignments, with the people's names. */
export async function programRecentComments(db: Db, programId: string, before?: string) {
	const rows = must(
		await db.rpc('program_recent_comments', {
			p_program_id: programId,
			p_limit: 20,
			...(before ? { p_before: before } : {})
		})
	);
	const names = await displayNames(
		db,
		rows.flatMap((r) => [r.sender_id, r.athlete_id])
	);
	return rows.map((r) => ({
		...r,
		sender_name: names.get(r.sender_id) ?? 'Someone',
		athlete_name: names.get(r.athlete_id) ?? 'Athlete'
	}));
}

export interface ExerciseComment {
	id: string;
	workout_movement_id: string;
	parent_comment_id: string | null;
	author_id: string;
	author_name: string;
	body: string;
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

/** Every exercise comment on the given movements, oldest first, with authors' names. */
export async function listExerciseComments(
	db: Db,
	movementIds: string[]
): Promise<ExerciseComment[]> {
	if (movementIds.length === 0) return [];
	const rows = must(
		await db
			.from('exercise_comments')
			.select(
				'id, workout_movement_id, parent_comment_id, author_id, body, created_at, updated_at, deleted_at, author:profiles!exercise_comments_author_id_fkey(display_name)'
			)
			.in('workout_movement_id', movementIds)
			.order('created_at')
			.order('id')
	);
	return rows.map(({ author, ...r }) => ({
		...r,
		author_name: author?.display_name ?? 'Someone'
	}));
}

export async function addExerciseComment(
	db: Db,
	input: { movementId: string; body: string; parentId?: string | null }
) {
	return must(
		await db.rpc('add_exercise_comment', {
			p_workout_movement_id: input.movementId,
			p_body: input.body,
			...(input.parentId ? { p_parent_comment_id: input.parentId } : {})
		})
	);
}

export async function editExerciseComment(db: Db, id: string, body: string) {
	return must(await db.rpc('edit_exercise_comment', { p_id: id, p_body: body }));
}

export async function deleteExerciseComment(db: Db, id: string) {
	return must(await db.rpc('delete_exercise_comment', { p_id: id }));
}

/** What the discussion page shows above a thread: the workout's title, date and athlete. */
export async function getAssignmentHeader(db: Db, assignmentId: string) {
	const row = must(
		await db
			.from('workout_assignments')
			.select('id, organization_id, user_id, date, workout_id, snapshot_workout_id, deleted_at')
			.eq('id', assignmentId)
			.maybeSingle()
	);
	if (!row || row.deleted_at) return null;
	const workoutId = row.snapshot_workout_id ?? row.workout_id;
	const [workout, names] = await Promise.all([
		workoutId
			? db.from('workouts').select('title').eq('id', workoutId).maybeSingle()
			: Promise.resolve({ data: null }),
		displayNames(db, [row.user_id])
	]);
	return {
		id: row.id,
		organizationId: row.organization_id,
		athleteId: row.user_id,
		athleteName: names.get(row.user_id) ?? 'Athlete',
		date: row.date,
		title: workout.data?.title ?? 'Workout'
	};
}

/** A workout's saved movements in builder order (ids and names), for their comment threads. */
export async function listSavedMovements(db: Db, workoutId: string) {
	const sections = must(
		await db
			.from('workout_sections')
			.select('position, workout_movements(id, name, position)')
			.eq('workout_id', workoutId)
			.order('position')
	);
	return sections.flatMap((s) =>
		[...s.workout_movements]
			.sort((a, b) => a.position - b.position)
			.map((m) => ({ id: m.id, name: m.name }))
	);
}
