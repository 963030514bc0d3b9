import { z } from 'zod';
import type { Db, Enums, RpcRow, Tables, TrafficLight } from './client';
import { must } from './errors';
import type { SetResult } from '../results';
import { weekDays } from '../dates';
import type { SparkCounts } from '../sparkline';

export type Assignment = Tables<'workout_assignments'>;
export type AssignmentKind = Enums<'assignment_kind'>;
export type AssignmentStatus = Enums<'assignment_status'>;
export type PublishMode = 'publish' | 'draft' | 'morning_of';
export const PUBLISH_MODES: readonly PublishMode[] = ['publish', 'draft', 'morning_of'];

/** A calendar cell as screens show it: the row plus the title of its (frozen) workout. */
export type AssignmentCell = Assignment & { title: string | null };

export interface Athlete {
	userId: string;
	displayName: string;
	/** The athlete's own zone, else null (then the organization's applies). */
	timeZone: string | null;
}

// A type, not an interface: only a type alias is assignable to the generated Json (the
// function's jsonb argument) without a cast.
export type BulkFilter = {
	organization_id: string;
	date_from?: string;
	date_to?: string;
	program_id?: string;
	athlete_ids?: string[];
	status?: AssignmentStatus;
	kind?: AssignmentKind;
	/** Exactly these days of these athletes (a selection on the grid), AND the keys above. */
	cells?: { athlete_id: string; date: string }[];
	/** Exactly these assignments, AND the keys above. */
	ids?: string[];
};

/** The count and the first ten matching cells (rows), typed by the function's `returns table`. */
export type BulkPreview = RpcRow<'bulk_preview_assignments'>;
/** What a bulk publish or delete did: its batch, how many cells, which. */
export type BulkResult = RpcRow<'bulk_publish_assignments'>;

/** get_assignment's row: the cell, its frozen workout, sections and movements (generated types). */
type AssignmentRow = RpcRow<'get_assignment'>;
/** A movement of a frozen workout: a workout_movements row. */
export type FrozenMovement = AssignmentRow['movements'][number];
export type FrozenSection = AssignmentRow['sections'][number] & { movements: FrozenMovement[] };
/** The workout a cell shows (its snapshot), with its sections in order, each with its movements. */
export type FrozenWorkout = Tables<'workouts'> & { sections: FrozenSection[] };

export type AssignmentDetail = Assignment & { workout: FrozenWorkout | null };

/** coach_overview's row: one roster row of the page, each carrying the page-level figures. */
export type OverviewDbRow = RpcRow<'coach_overview'>;

/** One day of a roster row's sparkline: made up in the query, so jsonb, validated here. */
const sparklineSchema = z.array(
	z.object({ date: z.string(), planned: z.number(), completed: z.number(), skipped: z.number() })
);

export type OverviewRow = Pick<
	OverviewDbRow,
	'user_id' | 'display_name' | 'planned' | 'completed' | 'skipped' | 'overdue' | 'status'
> & {
	/** Null when nothing was planned in the window. */
	compliance_pct: number | null;
	/** Null when the athlete never completed anything. */
	last_completed_at: string | null;
	/**
	 * The window's days, oldest first (the first is `window.from`), as [planned, completed,
	 * skipped]: the page data of 50 rows carries 350 days, and this is a seventh of their size
	 * as objects with a date each.
	 */
	sparkline: SparkCounts[];
};

export interface Overview {
	as_of: string;
	window: { from: string; to: string };
	kpis: {
		active_athletes: number;
		planned: number;
		completed: number;
		skipped: number;
		/** Workouts still open after their day (in the athlete's zone). */
		overdue: number;
		/** Athletes with at least one overdue workout: the number the "Overdue" chip shows. */
		overdue_athletes: number;
		compliance_pct: number | null;
	};
	/** Athletes per traffic light among those matching the search (for the filter chips). */
	counts: Record<'all' | TrafficLight, number>;
	/** Roster rows matching the search and the filter; `roster` is one page of them. */
	total: number;
	limit: number;
	offset: number;
	roster: OverviewRow[];
}

/** A row's sparkline as counts per day, checked to be the window's days (`dates`) in order. */
function sparkCounts(dates: readonly string[], sparkline: unknown): SparkCounts[] {
	const days = sparklineSchema.parse(sparkline);
	if (days.length !== dates.length) {
		throw new Error(`coach_overview's sparkline has ${days.length} days, not ${dates.length}.`);
	}
	return days.map((d, i) => {
		if (d.date !== dates[i]) {
			throw new Error(`coach_overview's sparkline day ${i} is ${d.date}, not ${dates[i]}.`);
		}
		return [d.planned, d.completed, d.skipped];
	});
}

/**
 * The page object from coach_overview's rows: the page-level columns are the same on every row
 * (the first one gives them); an empty page is one row of those with null athlete columns.
 */
export function overviewOf(rows: OverviewDbRow[]): Overview {
	const first = rows[0];
	// The function always answers at least one row (its page-level figures); none means the
	// response was not the function's.
	if (!first) throw new Error('coach_overview answered no row.');
	// Null on the KPIs when nothing was planned (the generated type says number).
	const compliancePct: number | null = first.kpi_compliance_pct;
	const roster: OverviewRow[] = [];
	const windowDates = weekDays(first.window_from);
	for (const r of rows) {
		// Null on the one row of an empty page (the generated type says string).
		const userId: string | null = r.user_id;
		if (userId === null) continue;
		const compliance: number | null = r.compliance_pct;
		const lastCompletedAt: string | null = r.last_completed_at;
		roster.push({
			user_id: userId,
			display_name: r.display_name,
			planned: r.planned,
			completed: r.completed,
			skipped: r.skipped,
			overdue: r.overdue,
			compliance_pct: compliance,
			status: r.status,
			last_completed_at: lastCompletedAt,
			sparkline: sparkCounts(windowDates, r.sparkline)
		});
	}
	return {
		as_of: first.as_of,
		window: { from: first.window_from, to: first.window_to },
		kpis: {
			active_athletes: first.kpi_active_athletes,
			planned: first.kpi_planned,
			completed: first.kpi_completed,
			skipped: first.kpi_skipped,
			overdue: first.kpi_overdue,
			overdue_athletes: first.kpi_overdue_athletes,
			compliance_pct: compliancePct
		},
		counts: {
			all: first.count_all,
			overdue: first.count_overdue,
			at_risk: first.count_at_risk,
			on_track: first.count_on_track,
			quiet: first.count_quiet
		},
		total: first.total,
		limit: first.page_limit,
		offset: first.page_offset,
		roster
	};
}

export type OverviewSort = 'name' | 'status' | 'compliance';

export interface OverviewQuery {
	sort?: OverviewSort;
	status?: OverviewRow['status'] | null;
	search?: string | null;
	limit?: number;
	offset?: number;
}

/**
 * Cells with the title of the workout they point at (their snapshot: what the athlete sees),
 * embedded in the same request (one round trip, not a second
 * query for the titles after the first one returns: a page waits for each trip in turn).
 */
const CELL_WITH_TITLE = '*, snapshot:workouts!workout_assignments_snapshot_workout_id_fkey(title)';

function titled(rows: (Assignment & { snapshot: { title: string } | null })[]): AssignmentCell[] {
	return rows.map(({ snapshot, ...r }) => ({
		...r,
		title: r.snapshot_workout_id ? (snapshot?.title ?? null) : null
	}));
}

/** The organization's athletes (active members), by name. */
export async function listAthletes(db: Db, organizationId: string): Promise<Athlete[]> {
	const rows = must(
		await db
			.from('memberships')
			.select('user_id, profile:profiles!memberships_user_id_fkey(display_name, time_zone)')
			.eq('organization_id', organizationId)
			.eq('status', 'active')
			.eq('role', 'member')
			.limit(500)
	);
	return rows
		.map((r) => ({
			userId: r.user_id,
			displayName: r.profile?.display_name ?? 'Unknown',
			timeZone: r.profile?.time_zone ?? null
		}))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * Rows of the coach's week grid at a time: a page of HTML that stays small at 2,000 athletes.
 * Every row is drawn twice (the desktop grid's seven cells and the phone's day card) and its
 * cells are serialized for hydration too, so the page's weight and render time follow this
 * number: 15 rows is a screen and a half of the grid (the page stays under 100 kB at 2,000
 * athletes); the name search, the program filter and the pager reach the rest.
 */
export const CALENDAR_PAGE_SIZE = 15;

/**
 * A cell as the coach's week shows it: what its chip and day dialog use, nothing else. The grid's
 * data goes into the page twice (markup and the serialized load), so the row's other columns
 * (organization, creator, stamps, snapshot pointers) are left out.
 */
export type CalendarCell = Pick<
	AssignmentCell,
	'id' | 'user_id' | 'date' | 'kind' | 'note' | 'published' | 'publish_at' | 'status' | 'title'
>;

/**
 * The week's cells as the page's load sends them: by athlete (each id once, not on every cell),
 * the note only when there is one, the publish time only for a cell not yet published (the one
 * place it shows: "Publishes 05:00"). Sent as markup and as data, the grid's cells are most of
 * the page; unpackCells() makes CalendarCells of them again in the page.
 */
export type PackedCalendarCells = Record<
	string,
	(Omit<CalendarCell, 'user_id' | 'note' | 'publish_at'> & { note?: string; publish_at?: string })[]
>;

export function packCells(cells: CalendarCell[]): PackedCalendarCells {
	const packed: PackedCalendarCells = {};
	for (const c of cells) {
		const { user_id, note, publish_at, ...rest } = c;
		(packed[user_id] ??= []).push({
			...rest,
			...(note ? { note } : {}),
			...(!c.published && publish_at ? { publish_at } : {})
		});
	}
	return packed;
}

export function unpackCells(packed: PackedCalendarCells): CalendarCell[] {
	return Object.entries(packed).flatMap(([user_id, list]) =>
		list.map((c) => ({ ...c, user_id, note: c.note ?? null, publish_at: c.publish_at ?? null }))
	);
}

export interface CalendarWeek {
	/** The page's athletes, by name then id. */
	athletes: Athlete[];
	/** Whether athletes come after this page (one row more than the page was asked for). */
	hasMore: boolean;
	/** Their live cells of the week (drafts included), by date, slot, creation. */
	cells: CalendarCell[];
}

/**
 * One page of the coach's week grid: `limit` athletes by name from `offset` (those whose name
 * holds `search`; with a program, its enrolled athletes and whoever holds its cells that week)
 * and their cells of the week, in one call (coach_calendar_week): the cells no longer wait for a
 * first request to name the page's athletes.
 */
export async function calendarWeek(
	db: Db,
	organizationId: string,
	q: {
		weekStart: string;
		programId: string | null;
		search: string;
		offset: number;
		limit: number;
	}
): Promise<CalendarWeek> {
	const rows = must(
		await db.rpc('coach_calendar_week', {
			p_organization_id: organizationId,
			p_week_start: q.weekStart,
			...(q.programId ? { p_program_id: q.programId } : {}),
			...(q.search ? { p_search: q.search } : {}),
			p_offset: q.offset,
			// One athlete more than shown says whether a next page exists.
			p_limit: q.limit + 1
		})
	);
	const athletes: Athlete[] = [];
	const cells: CalendarCell[] = [];
	for (const r of rows) {
		if (athletes.at(-1)?.userId !== r.user_id) {
			// Null when the athlete has no zone of their own (the generated type says string).
			const timeZone: string | null = r.time_zone;
			athletes.push({ userId: r.user_id, displayName: r.display_name, timeZone });
		}
		// A null cell: an athlete without any cell that week (the row only names the athlete).
		const cell: Assignment | null = r.cell;
		if (cell && athletes.length <= q.limit) {
			cells.push({
				id: cell.id,
				user_id: cell.user_id,
				date: cell.date,
				kind: cell.kind,
				note: cell.note,
				published: cell.published,
				publish_at: cell.publish_at,
				status: cell.status,
				title: r.title
			});
		}
	}
	return { athletes: athletes.slice(0, q.limit), hasMore: athletes.length > q.limit, cells };
}

export async function listTemplates(db: Db, organizationId: string) {
	return must(
		await db
			.from('program_templates')
			.select('id, name, length_days, program_id')
			.eq('organization_id', organizationId)
			.order('name')
	);
}

export async function myWeek(db: Db, weekStart: string): Promise<AssignmentCell[]> {
	return titled(must(await db.rpc('my_week', { p_week_start: weekStart }).select(CELL_WITH_TITLE)));
}

export async function myToday(db: Db): Promise<AssignmentCell[]> {
	return titled(must(await db.rpc('my_today', {}).select(CELL_WITH_TITLE)));
}

export async function getAssignment(db: Db, id: string): Promise<AssignmentDetail> {
	const row = must(await db.rpc('get_assignment', { p_id: id }).single());
	// Null for rest days and notes (no snapshot): the row's left join found no workout.
	const workout: Tables<'workouts'> | null = row.workout;
	return {
		...row.assignment,
		workout: workout && {
			...workout,
			// Movements come ordered by section then position: each section keeps that order.
			sections: row.sections.map((s) => ({
				...s,
				movements: row.movements.filter((m) => m.section_id === s.id)
			}))
		}
	};
}

/** KPIs over everyone, and one sorted, filtered page of the roster (sorted and paged in SQL). */
export async function coachOverview(
	db: Db,
	organizationId: string,
	q: OverviewQuery = {}
): Promise<Overview> {
	return overviewOf(
		must(
			await db.rpc('coach_overview', {
				p_organization_id: organizationId,
				p_sort: q.sort ?? 'status',
				p_status: q.status ?? undefined,
				p_search: q.search ?? undefined,
				p_limit: q.limit ?? 50,
				p_offset: q.offset ?? 0
			})
		)
	);
}

export async function assignPersonal(
	db: Db,
	input: {
		organizationId: string;
		athleteIds: string[];
		date: string;
		kind: AssignmentKind;
		workoutId: string | null;
		note: string | null;
		mode: PublishMode;
		programId: string | null;
		sortOrder?: number;
	}
) {
	return must(
		await db.rpc('assign_personal', {
			p_organization_id: input.organizationId,
			p_athlete_ids: input.athleteIds,
			p_date: input.date,
			p_kind: input.kind,
			p_mode: input.mode,
			p_sort_order: input.sortOrder ?? 0,
			...(input.workoutId ? { p_workout_id: input.workoutId } : {}),
			...(input.note ? { p_note: input.note } : {}),
			...(input.programId ? { p_program_id: input.programId } : {})
		})
	);
}

export async function completeAssignment(db: Db, id: string) {
	return must(await db.rpc('complete_assignment', { p_id: id }));
}

export async function skipAssignment(db: Db, id: string, reason: string) {
	return must(await db.rpc('skip_assignment', { p_id: id, p_reason: reason }));
}

export async function reopenAssignment(db: Db, id: string) {
	return must(await db.rpc('reopen_assignment', { p_id: id }));
}

/** Moves a cell to another day (and slot); a morning-of draft's drip time moves with it. */
export async function moveAssignment(db: Db, id: string, date: string, sortOrder?: number) {
	return must(await db.rpc('move_assignment', { p_id: id, p_date: date, p_sort_order: sortOrder }));
}

export async function deleteAssignment(db: Db, id: string) {
	return must(await db.rpc('delete_assignment', { p_id: id }));
}

/** Undoes a delete (staff): the same row comes back, not announced again. */
export async function restoreAssignment(db: Db, id: string) {
	return must(await db.rpc('restore_assignment', { p_id: id }));
}

export async function setAssignmentsPublished(db: Db, ids: string[], published: boolean) {
	return must(await db.rpc('set_assignments_published', { p_ids: ids, p_published: published }));
}

export async function previewBulk(db: Db, filter: BulkFilter): Promise<BulkPreview> {
	return must(await db.rpc('bulk_preview_assignments', { p_filter: filter }).single());
}

export async function bulkPublish(db: Db, filter: BulkFilter): Promise<BulkResult> {
	return must(await db.rpc('bulk_publish_assignments', { p_filter: filter }).single());
}

export async function bulkDelete(db: Db, filter: BulkFilter): Promise<BulkResult> {
	return must(await db.rpc('bulk_delete_assignments', { p_filter: filter }).single());
}

/** Gives the assignment its own copy of the workout (once) and returns that copy's id. */
export async function forkSnapshot(db: Db, assignmentId: string): Promise<string> {
	return must(await db.rpc('fork_snapshot_if_needed', { p_assignment_id: assignmentId }));
}

export async function applyTemplate(
	db: Db,
	input: { templateId: string; athleteIds: string[]; startDate: string; publish: boolean }
) {
	return must(
		await db.rpc('apply_program_template', {
			p_template_id: input.templateId,
			p_athlete_ids: input.athleteIds,
			p_start_date: input.startDate,
			p_publish: input.publish
		})
	);
}

export type MovementResultInput = {
	movement_id: string;
	load?: number;
	load_unit?: Enums<'load_unit'>;
	reps?: number;
	/** One entry per set: what the movement measures (see lib/results.ts). */
	set_results?: SetResult[];
};

/**
 * The caller logs a result against an assignment they may read; the database takes the
 * organization, the workout (the cell's frozen snapshot) and the athlete (the caller) from it,
 * then marks the assignment completed. One call, so the action waits for one round trip.
 */
export async function logResult(
	db: Db,
	input: {
		/** Client-chosen id: a retry with the same id is ignored, not stored twice. */
		id?: string;
		/** The page's organization: the cell must be in it (no separate read of it first). */
		organizationSlug: string;
		assignmentId: string;
		score: string | null;
		notes: string | null;
		rpe: number | null;
		movements: MovementResultInput[];
	}
): Promise<{ id: string }> {
	const id = must(
		await db.rpc('log_workout_result', {
			p_assignment_id: input.assignmentId,
			p_organization_slug: input.organizationSlug,
			...(input.id ? { p_id: input.id } : {}),
			...(input.score ? { p_score: input.score } : {}),
			...(input.notes ? { p_notes: input.notes } : {}),
			...(input.rpe !== null ? { p_rpe: input.rpe } : {}),
			p_movement_results: input.movements
		})
	);
	return { id };
}
