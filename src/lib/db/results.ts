// The staff results readers. Their top-level shapes come from the generated types (each function
// returns typed rows); the parts that are jsonb (the athlete's logged movements, and the lists
// athlete_profile embeds) are validated here, so a shape that drifted fails loudly instead of
// reaching a page as something it is not.
import { z } from 'zod';
import { Constants } from '../database.types';
import type { Db, RpcRow } from './client';
import { must } from './errors';
import type { SetResult } from '../results';

const count = z.number();
const setResultSchema = z.object({
	load: count.optional(),
	reps: count.optional(),
	time_seconds: count.optional(),
	distance_meters: count.optional(),
	calories: count.optional(),
	rounds: count.optional(),
	rpe: count.optional()
}) satisfies z.ZodType<SetResult>;

const movementSchema = z.object({
	movement_id: z.string(),
	name: z.string(),
	load_unit: z.string().nullable(),
	load: z.number().nullable(),
	reps: z.number().nullable(),
	notes: z.string().nullable(),
	set_results: z.array(setResultSchema)
});

/** One logged movement as cards show it. */
export type ResultMovement = z.infer<typeof movementSchema>;

/** The records a result holds, as cards show them (personal_records rows carry more). */
export interface HeldRecord {
	movement_name: string;
	load_unit: string;
	best_load: number;
	reps: number | null;
}

/** One logged result as every screen shows it (private.result_card_rows). */
export interface ResultCard {
	id: string;
	user_id: string;
	display_name: string | null;
	workout_id: string;
	workout_title: string | null;
	assignment_id: string | null;
	assignment_date: string | null;
	program_id: string | null;
	program_name: string | null;
	performed_at: string;
	score: string | null;
	notes: string | null;
	rpe: number | null;
	movements: ResultMovement[];
	/** The records this result holds now, as the database keeps them. */
	records: HeldRecord[];
}

/** A card row of assignment_results / results_feed: only its movements are jsonb. */
function cardOf(row: RpcRow<'assignment_results'>): ResultCard {
	return { ...row, movements: z.array(movementSchema).parse(row.movements) };
}

/** The same card embedded as JSON in a larger document (athlete_profile's recent results). */
const cardSchema = z.object({
	id: z.string(),
	user_id: z.string(),
	display_name: z.string().nullable(),
	workout_id: z.string(),
	workout_title: z.string().nullable(),
	assignment_id: z.string().nullable(),
	assignment_date: z.string().nullable(),
	program_id: z.string().nullable(),
	program_name: z.string().nullable(),
	performed_at: z.string(),
	score: z.string().nullable(),
	notes: z.string().nullable(),
	rpe: z.number().nullable(),
	movements: z.array(movementSchema),
	records: z.array(
		z.object({
			movement_name: z.string(),
			load_unit: z.string(),
			best_load: z.number(),
			reps: z.number().nullable()
		})
	)
}) satisfies z.ZodType<ResultCard>;

export interface PreviousEntry {
	performed_at: string;
	load_unit: string | null;
	load: number | null;
	reps: number | null;
	set_results: SetResult[];
}

export interface AssignmentResults {
	results: ResultCard[];
	/** movement id (of this workout) → what the athlete logged for that exercise last time. */
	previous: Record<string, PreviousEntry>;
}

/** The cards logged against an assignment and last time's numbers per movement, asked at once. */
export async function assignmentResults(db: Db, assignmentId: string): Promise<AssignmentResults> {
	const [cards, previous] = await Promise.all([
		db.rpc('assignment_results', { p_assignment_id: assignmentId }),
		db.rpc('assignment_previous_results', { p_assignment_id: assignmentId })
	]);
	const results = must(cards).map(cardOf);
	const byMovement: Record<string, PreviousEntry> = {};
	for (const p of must(previous))
		byMovement[p.movement_id] = {
			performed_at: p.performed_at,
			load_unit: p.load_unit,
			load: p.load,
			reps: p.reps,
			set_results: z.array(setResultSchema).parse(p.set_results)
		};
	return { results, previous: byMovement };
}

export interface FeedCursor {
	before_at: string;
	before_id: string;
}

export interface ResultsFeed {
	results: ResultCard[];
	next: FeedCursor | null;
}

export async function resultsFeed(
	db: Db,
	organizationId: string,
	q: {
		programId?: string | null;
		userId?: string | null;
		before?: FeedCursor | null;
		limit?: number;
	}
): Promise<ResultsFeed> {
	const rows = must(
		await db.rpc('results_feed', {
			p_organization_id: organizationId,
			...(q.programId ? { p_program_id: q.programId } : {}),
			...(q.userId ? { p_user_id: q.userId } : {}),
			...(q.before ? { p_before_at: q.before.before_at, p_before_id: q.before.before_id } : {}),
			p_limit: q.limit ?? 20
		})
	);
	// Every row says whether a next page exists; it starts after the last card of this one.
	const last = rows.at(-1);
	return {
		results: rows.map(({ has_more: _, ...card }) => cardOf(card)),
		next: last?.has_more ? { before_at: last.performed_at, before_id: last.id } : null
	};
}

const complianceSchema = z.object({
	week_start: z.string(),
	due: z.number(),
	completed: z.number(),
	skipped: z.number(),
	pct: z.number().nullable()
});
const commentSchema = z.object({
	id: z.string(),
	body: z.string(),
	created_at: z.string(),
	movement_name: z.string(),
	workout_title: z.string(),
	assignment_id: z.string().nullable()
});
const noteSchema = z.object({
	kind: z.enum(['result', 'skip']),
	text: z.string(),
	at: z.string(),
	assignment_id: z.string().nullable(),
	title: z.string().nullable()
});
const upcomingSchema = z.object({
	id: z.string(),
	date: z.string(),
	kind: z.enum(Constants.public.Enums.assignment_kind),
	status: z.enum(Constants.public.Enums.assignment_status),
	published: z.boolean(),
	note: z.string().nullable(),
	title: z.string().nullable()
});
const programSchema = z.object({ id: z.string(), name: z.string() });

type ProfileRow = RpcRow<'athlete_profile'>;

export interface AthleteProfile {
	athlete: Pick<ProfileRow, 'user_id' | 'display_name' | 'role' | 'member_since'> & {
		avatar_path: string | null;
		time_zone: string | null;
	};
	today: string;
	compliance: z.infer<typeof complianceSchema>[];
	recent_results: ResultCard[];
	records: (HeldRecord & { achieved_at: string; workout_result_id: string | null })[];
	comments: z.infer<typeof commentSchema>[];
	notes: z.infer<typeof noteSchema>[];
	upcoming: z.infer<typeof upcomingSchema>[];
	programs: z.infer<typeof programSchema>[];
}

/** Everything the staff page of one athlete shows, in one call. */
export async function athleteProfile(
	db: Db,
	organizationId: string,
	userId: string,
	weeks = 12
): Promise<AthleteProfile> {
	const p = must(
		await db
			.rpc('athlete_profile', {
				p_organization_id: organizationId,
				p_user_id: userId,
				p_weeks: weeks
			})
			.single()
	);
	return {
		athlete: {
			user_id: p.user_id,
			display_name: p.display_name,
			avatar_path: p.avatar_path,
			role: p.role,
			member_since: p.member_since,
			time_zone: p.time_zone
		},
		today: p.today,
		compliance: z.array(complianceSchema).parse(p.compliance),
		recent_results: z.array(cardSchema).parse(p.recent_results),
		records: p.records,
		comments: z.array(commentSchema).parse(p.comments),
		notes: z.array(noteSchema).parse(p.notes),
		upcoming: z.array(upcomingSchema).parse(p.upcoming),
		programs: z.array(programSchema).parse(p.programs)
	};
}

/** Saves weeks of one athlete's calendar as a new template; returns its id. */
export async function saveWeeksAsTemplate(
	db: Db,
	input: {
		organizationId: string;
		userId: string;
		startDate: string;
		weeks: number;
		name: string;
		programId: string | null;
	}
): Promise<string> {
	return must(
		await db.rpc('save_weeks_as_template', {
			p_organization_id: input.organizationId,
			p_user_id: input.userId,
			p_start_date: input.startDate,
			p_weeks: input.weeks,
			p_name: input.name,
			...(input.programId ? { p_program_id: input.programId } : {})
		})
	);
}
