import { describe, expect, it } from 'vitest';
import { overviewOf, type OverviewDbRow } from './assignments';

// The page-level columns coach_overview repeats on every row of a page.
const page = {
	as_of: '2026-12-07T12:00:00+00:00',
	window_from: '2026-12-01',
	window_to: '2026-12-07',
	kpi_active_athletes: 3,
	kpi_planned: 4,
	kpi_completed: 3,
	kpi_skipped: 0,
	kpi_overdue: 1,
	kpi_overdue_athletes: 1,
	kpi_compliance_pct: 75,
	count_all: 3,
	count_overdue: 1,
	count_at_risk: 0,
	count_on_track: 1,
	count_quiet: 1,
	total: 3,
	page_limit: 2,
	page_offset: 0
};

const week = (planned: number[]) =>
	planned.map((p, i) => ({ date: `2026-12-0${i + 1}`, planned: p, completed: 0, skipped: 0 }));

const row = (over: Partial<OverviewDbRow>): OverviewDbRow => ({
	...page,
	user_id: 'u1',
	display_name: 'Ann',
	planned: 2,
	completed: 2,
	skipped: 0,
	overdue: 0,
	compliance_pct: 100,
	status: 'on_track',
	last_completed_at: '2026-12-06T08:00:00+00:00',
	sparkline: week([0, 0, 0, 0, 0, 1, 1]),
	...over
});

describe('overviewOf', () => {
	it('rebuilds the page: figures from the rows, the roster in their order', () => {
		const ov = overviewOf([
			row({}),
			row({
				user_id: 'u2',
				display_name: 'Ben',
				status: 'overdue',
				overdue: 1,
				compliance_pct: 50,
				completed: 1
			})
		]);
		expect(ov.kpis).toEqual({
			active_athletes: 3,
			planned: 4,
			completed: 3,
			skipped: 0,
			overdue: 1,
			overdue_athletes: 1,
			compliance_pct: 75
		});
		expect(ov.counts).toEqual({ all: 3, overdue: 1, at_risk: 0, on_track: 1, quiet: 1 });
		expect(ov.window).toEqual({ from: '2026-12-01', to: '2026-12-07' });
		expect([ov.total, ov.limit, ov.offset]).toEqual([3, 2, 0]);
		expect(ov.roster.map((r) => [r.display_name, r.status])).toEqual([
			['Ann', 'on_track'],
			['Ben', 'overdue']
		]);
		expect(ov.roster[0].sparkline).toEqual([
			[0, 0, 0],
			[0, 0, 0],
			[0, 0, 0],
			[0, 0, 0],
			[0, 0, 0],
			[1, 0, 0],
			[1, 0, 0]
		]);
	});

	it('keeps the KPIs and chips of an empty page (one row, athlete columns null)', () => {
		const empty = Object.fromEntries(
			Object.keys(row({}))
				.filter((k) => !(k in page))
				.map((k) => [k, null])
		);
		// As it arrives over the wire: JSON with nulls the generated type does not mention.
		const emptyRow: OverviewDbRow = JSON.parse(JSON.stringify({ ...page, ...empty, total: 0 }));
		const ov = overviewOf([emptyRow]);
		expect(ov.roster).toEqual([]);
		expect(ov.total).toBe(0);
		expect(ov.counts.all).toBe(3);
		expect(ov.kpis.active_athletes).toBe(3);
	});

	it('refuses a sparkline of another shape instead of drawing nonsense', () => {
		expect(() =>
			overviewOf([row({ sparkline: [{ date: '2026-12-01', planned: '1' }] })])
		).toThrow();
		expect(() => overviewOf([row({ sparkline: null })])).toThrow();
		// the days must be the window's, in order: the counts carry no dates of their own
		const shuffled = week([1, 0, 0, 0, 0, 0, 0]).reverse();
		expect(() => overviewOf([row({ sparkline: shuffled })])).toThrow('sparkline day 0');
	});

	it('refuses an answer without rows (the function always sends its figures)', () => {
		expect(() => overviewOf([])).toThrow('coach_overview answered no row.');
	});
});
