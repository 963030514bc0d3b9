import type { Db } from './client';
import { must } from './errors';
import type { SetResult } from '../results';

/** One logged movement as cards show it. */
export interface ResultMovement {
	movement_id: string;
	name: string;
	load_unit: string | null;
	load: number | null;
	reps: number | null;
	notes: string | null;
	set_results: SetResult[];
}

/** One logged result as every screen shows it (private.result_card). */
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
	records: { movement_name: string; load_unit: string; best_load: number; reps: number | null }[];
}

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

export async function assignmentResults(db: Db, assignmentId: string): Promise<AssignmentResults> {
	return must(
		await db.rpc('assignment_results', { p_assignment_id: assignmentId })
	) as unknown as AssignmentResults;
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
	return must(
		await db.rpc('results_feed', {
			p_organization_id: organizationId,
			...(q.programId ? { p_program_id: q.programId } : {}),
			...(q.userId ? { p_user_id: q.userId } : {}),
			...(q.before ? { p_before_at: q.before.before_at, p_before_id: q.before.before_id } : {}),
			p_limit: q.limit ?? 20
		})
	) as unknown as ResultsFeed;
}

export interface AthleteProfile {
	athlete: {
		user_id: string;
		display_name: string;
		avatar_path: string | null;
		role: string;
		member_since: string;
		time_zone: string | null;
	};
	today: string;
	compliance: {
		week_start: string;
		due: number;
		completed: number;
		skipped: number;
		pct: number | null;
	}[];
	recent_results: ResultCard[];
	records: {
		movement_name: string;
		load_unit: string;
		best_load: number;
		reps: number | null;
		achieved_at: string;
		workout_result_id: string | null;
	}[];
	comments: {
		id: string;
		body: string;
		created_at: string;
		movement_name: string;
		workout_title: string;
		assignment_id: string | null;
	}[];
	notes: {
		kind: 'result' | 'skip';
		text: string;
		at: string;
		assignment_id: string | null;
		title: string | null;
	}[];
	upcoming: {
		id: string;
		date: string;
		kind: 'workout' | 'rest' | 'note';
		status: string;
		published: boolean;
		note: string | null;
		title: string | null;
	}[];
	programs: { id: string; name: string }[];
}

/** Everything the staff page of one athlete shows, in one call. */
export async function athleteProfile(
	db: Db,
	organizationId: string,
	userId: string,
	weeks = 12
): Promise<AthleteProfile> {
	return must(
		await db.rpc('athlete_profile', {
			p_organization_id: organizationId,
			p_user_id: userId,
			p_weeks: weeks
		})
	) as unknown as AthleteProfile;
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
