import { describe, expect, it } from 'vitest';
import {
	describeDays,
	describeSpark,
	sparkBars,
	sparkDays,
	sparkPaths,
	type SparkDay
} from './sparkline';
import { weekDays } from './dates';

const day = (planned: number, completed: number, skipped: number, i = 0): SparkDay => ({
	date: `2026-11-${String(16 + i).padStart(2, '0')}`,
	planned,
	completed,
	skipped
});

describe('sparkline scaling', () => {
	it('scales every day to the busiest one', () => {
		const { bars, max } = sparkBars([day(2, 1, 1, 0), day(1, 0, 0, 1), day(0, 0, 0, 2)], 30, 21);
		expect(max).toBe(2);
		expect(bars[0].planned.height).toBe(20);
		expect(bars[1].planned.height).toBe(10);
		expect(bars[2].planned.height).toBe(0);
	});

	it('stacks skipped above completed inside the planned bar', () => {
		const { bars } = sparkBars([day(4, 2, 1)], 10, 41);
		const [b] = bars;
		expect(b.completed.height).toBe(20);
		expect(b.completed.y).toBe(20);
		expect(b.skipped.height).toBe(10);
		expect(b.skipped.y).toBe(10);
		expect(b.planned.y).toBe(0);
	});

	it('never divides by zero on an empty week', () => {
		const { bars, max } = sparkBars([day(0, 0, 0)], 10, 10);
		expect(max).toBe(1);
		expect(bars[0].planned.height).toBe(0);
	});

	it('places bars in equal slots with a gap', () => {
		const { bars } = sparkBars([day(1, 1, 0, 0), day(1, 1, 0, 1)], 20, 10, 2);
		expect(bars.map((b) => b.x)).toEqual([1, 11]);
		expect(bars[0].width).toBe(8);
	});

	it('describes the week in words', () => {
		expect(describeSpark([day(0, 0, 0)])).toBe('Nothing planned in the last 7 days.');
		expect(describeSpark([day(3, 1, 1), day(1, 0, 0, 1)])).toBe(
			'Last 7 days: 4 planned, 1 completed, 1 skipped, 2 not done.'
		);
	});

	it('draws each kind as one path of rectangles, coordinates to two decimals', () => {
		// max 3 over a usable height of 31: one unit is 10.333… high
		const paths = sparkPaths([day(3, 1, 1, 0), day(0, 0, 0, 1), day(1, 0, 0, 2)], 48, 32);
		expect(paths.planned).toBe('M1.5 0.5h13v30.5h-13zM33.5 21.17h13v9.83h-13z');
		expect(paths.completed).toBe('M1 20.67h14v10.33h-14z');
		expect(paths.skipped).toBe('M1 10.33h14v10.33h-14z');
		expect(sparkPaths([day(0, 0, 0)], 16, 32)).toEqual({ planned: '', completed: '', skipped: '' });
	});

	it('lists the days for the tooltip, one a line', () => {
		expect(describeDays([day(2, 1, 1, 0), day(0, 0, 0, 1), day(1, 0, 0, 2)])).toBe(
			'2026-11-16: 2 planned, 1 completed, 1 skipped\n2026-11-17: nothing\n2026-11-18: 1 planned'
		);
	});

	it('rebuilds the days of a window from its counts, across a month end', () => {
		expect(
			sparkDays(weekDays('2026-11-30'), [
				[1, 1, 0],
				[2, 0, 1]
			])
		).toEqual([
			{ date: '2026-11-30', planned: 1, completed: 1, skipped: 0 },
			{ date: '2026-12-01', planned: 2, completed: 0, skipped: 1 }
		]);
	});
});
