// Geometry for the overview's 7-day sparkline: one slot per day, a faint bar for what was planned
// and, inside it, stacked bars for what was completed (bottom) and skipped (above it). Whatever is
// left of the planned bar is still open. All days share one scale so heights compare across days.

export interface SparkDay {
	date: string;
	planned: number;
	completed: number;
	skipped: number;
}

/** A day as the overview's page data carries it: [planned, completed, skipped]. */
export type SparkCounts = [planned: number, completed: number, skipped: number];

/** A window's days (YYYY-MM-DD, in order, as weekDays gives them) with their counts. */
export function sparkDays(dates: readonly string[], counts: SparkCounts[]): SparkDay[] {
	return counts.map(([planned, completed, skipped], i) => ({
		date: dates[i] ?? '',
		planned,
		completed,
		skipped
	}));
}

export interface SparkBar {
	date: string;
	x: number;
	width: number;
	planned: { y: number; height: number };
	completed: { y: number; height: number };
	skipped: { y: number; height: number };
	day: SparkDay;
}

/** Scales days into bars for an SVG of the given size (y grows downward; a 1-unit baseline). */
export function sparkBars(
	days: SparkDay[],
	width: number,
	height: number,
	gap = 2
): { bars: SparkBar[]; max: number } {
	const max = Math.max(1, ...days.map((d) => Math.max(d.planned, d.completed + d.skipped)));
	const slot = days.length > 0 ? width / days.length : width;
	const barWidth = Math.max(1, slot - gap);
	const usable = height - 1;
	const h = (n: number) => (Math.max(0, n) / max) * usable;
	const bars = days.map((day, i) => {
		const plannedH = h(Math.max(day.planned, day.completed + day.skipped));
		const completedH = h(day.completed);
		const skippedH = h(day.skipped);
		return {
			date: day.date,
			x: i * slot + gap / 2,
			width: barWidth,
			planned: { y: usable - plannedH, height: plannedH },
			completed: { y: usable - completedH, height: completedH },
			skipped: { y: usable - completedH - skippedH, height: skippedH },
			day
		};
	});
	return { bars, max };
}

/** The sparkline as a sentence, for screen readers and the table's text alternative. */
export function describeSpark(days: SparkDay[]): string {
	const sum = (k: 'planned' | 'completed' | 'skipped') => days.reduce((n, d) => n + d[k], 0);
	const planned = sum('planned');
	if (planned === 0) return 'Nothing planned in the last 7 days.';
	const completed = sum('completed');
	const skipped = sum('skipped');
	const open = Math.max(0, planned - completed - skipped);
	return `Last 7 days: ${planned} planned, ${completed} completed, ${skipped} skipped, ${open} not done.`;
}

/** A coordinate as SVG text: at most two decimals, no trailing zeros (10.333… → 10.33). */
function num(n: number): string {
	return String(Math.round(n * 100) / 100);
}

/** A rectangle as a closed path segment (absolute move, relative sides). */
function rect(x: number, y: number, w: number, h: number): string {
	return `M${num(x)} ${num(y)}h${num(w)}v${num(h)}h${num(-w)}z`;
}

/**
 * The sparkline's shapes as one path per kind (every day's planned outline in one, completed in
 * another, skipped in a third), so a sparkline is a handful of elements however many days it has:
 * the overview draws one per row of its roster. Empty strings for kinds no day has.
 */
export function sparkPaths(
	days: SparkDay[],
	width: number,
	height: number,
	gap = 2
): { planned: string; completed: string; skipped: string } {
	let planned = '';
	let completed = '';
	let skipped = '';
	for (const bar of sparkBars(days, width, height, gap).bars) {
		// The outline sits half a unit inside its slot so its 1-unit stroke is not clipped.
		if (bar.planned.height > 0) {
			planned += rect(
				bar.x + 0.5,
				bar.planned.y + 0.5,
				Math.max(0, bar.width - 1),
				Math.max(0, bar.planned.height - 0.5)
			);
		}
		if (bar.completed.height > 0) {
			completed += rect(bar.x, bar.completed.y, bar.width, bar.completed.height);
		}
		if (bar.skipped.height > 0) {
			skipped += rect(bar.x, bar.skipped.y, bar.width, bar.skipped.height);
		}
	}
	return { planned, completed, skipped };
}

/** Each day on a line, for the sparkline's tooltip: "2026-12-02: 1 planned, 1 skipped". */
export function describeDays(days: SparkDay[]): string {
	return days
		.map((d) => {
			if (d.planned === 0 && d.completed === 0 && d.skipped === 0) return `${d.date}: nothing`;
			const parts = [`${d.planned} planned`];
			if (d.completed > 0) parts.push(`${d.completed} completed`);
			if (d.skipped > 0) parts.push(`${d.skipped} skipped`);
			return `${d.date}: ${parts.join(', ')}`;
		})
		.join('\n');
}
