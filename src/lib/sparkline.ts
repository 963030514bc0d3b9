// Geometry for the overview's 7-day sparkline: one slot per day, a faint bar for what was planned
// and, inside it, stacked bars for what was completed (bottom) and skipped (above it). Whatever is
// left of the planned bar is still open. All days share one scale so heights compare across days.

export interface SparkDay {
	date: string;
	planned: number;
	completed: number;
	skipped: number;
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
