import { describe, expect, it } from 'vitest';
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
