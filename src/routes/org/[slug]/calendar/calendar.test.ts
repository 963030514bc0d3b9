import { describe, expect, it } from 'vitest';
import { packCells, unpackCells, type CalendarCell } from '#lib/db/assignments.ts';
import { cellKey, selectionFilter } from './calendar.svelte';

describe('selectionFilter', () => {
	it('is null for an empty selection', () => {
		expect(selectionFilter([])).toBeNull();
	});
	it('spans the selected athletes and days', () => {
		const f = selectionFilter([cellKey('a', '2026-11-24'), cellKey('a', '2026-11-23')]);
		expect(f).toMatchObject({ athleteIds: ['a'], from: '2026-11-23', to: '2026-11-24' });
	});
	it('keeps a scattered selection exact: the selected days, not the rectangle around them', () => {
		const f = selectionFilter([cellKey('a', '2026-11-23'), cellKey('b', '2026-11-25')]);
		expect(f?.athleteIds).toEqual(['a', 'b']);
		expect(f?.cells).toEqual([
			{ athlete_id: 'a', date: '2026-11-23' },
			{ athlete_id: 'b', date: '2026-11-25' }
		]);
	});
});

describe('the week cells the load sends (packCells / unpackCells)', () => {
	const cell = (over: Partial<CalendarCell>): CalendarCell => ({
		id: 'c1',
		user_id: 'a',
		date: '2026-11-23',
		kind: 'workout',
		note: null,
		published: true,
		publish_at: null,
		status: 'assigned',
		title: 'Fran',
		...over
	});

	it('gives back every cell as it was, by athlete', () => {
		const cells = [
			cell({}),
			cell({ id: 'c2', user_id: 'b', kind: 'note', note: 'Stretch', title: null }),
			cell({ id: 'c3', published: false, publish_at: '2026-11-24T05:00:00Z' }),
			cell({ id: 'c4', published: false })
		];
		const back = unpackCells(packCells(cells));
		expect([...back].sort((x, y) => x.id.localeCompare(y.id))).toEqual(cells);
	});

	it('sends each athlete once, and a publish time only where the chip shows it', () => {
		const packed = packCells([
			cell({ publish_at: '2026-11-22T05:00:00Z' }),
			cell({ id: 'c2', published: false, publish_at: '2026-11-24T05:00:00Z' })
		]);
		expect(Object.keys(packed)).toEqual(['a']);
		expect(packed.a[0]).not.toHaveProperty('user_id');
		// Published: the time it was published at is not on the chip, so it is not sent.
		expect(packed.a[0]).not.toHaveProperty('publish_at');
		expect(packed.a[0]).not.toHaveProperty('note');
		expect(packed.a[1].publish_at).toBe('2026-11-24T05:00:00Z');
		expect(unpackCells(packed)[0].publish_at).toBeNull();
	});
});
