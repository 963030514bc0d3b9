import { describe, expect, it } from 'vitest';
import { formatSeconds, prescription } from './prescription';

const base = {
	sets: null,
	reps: null,
	rep_scheme: null,
	load: null,
	load_unit: null,
	time_seconds: null,
	distance_meters: null
};

describe('prescription', () => {
	it('reads sets, reps and load', () => {
		expect(prescription({ ...base, sets: 5, reps: 5, load: 100, load_unit: 'kg' })).toBe(
			'5 × 5 @ 100 kg'
		);
		expect(
			prescription({ ...base, rep_scheme: '21-15-9', load: 75, load_unit: 'percent_1rm' })
		).toBe('21-15-9 @ 75% 1RM');
	});
	it('reads distance and time', () => {
		expect(prescription({ ...base, distance_meters: 400, time_seconds: 90 })).toBe('400 m 1:30');
		expect(formatSeconds(605)).toBe('10:05');
	});
	it('is empty when nothing is prescribed', () => {
		expect(prescription(base)).toBe('');
	});
});
