import { describe, expect, it } from 'vitest';
import { cellKey, selectionFilter } from './calendar.svelte';

describe('selectionFilter', () => {
	it('is null for an empty selection', () => {
		expect(selectionFilter([])).toBeNull();
	});
	it('spans the selected athletes and days', () => {
		const f = selectionFilter([cellKey('a', '2026-11-24'), cellKey('a', '2026-11-23')]);
		expect(f).toEqual({ athleteIds: ['a'], from: '2026-11-23', to: '2026-11-24', exact: true });
	});
	it('says when a scattered selection widens to a rectangle', () => {
		const f = selectionFilter([cellKey('a', '2026-11-23'), cellKey('b', '2026-11-25')]);
		expect(f?.exact).toBe(false);
		expect(f?.athleteIds).toEqual(['a', 'b']);
	});
});
