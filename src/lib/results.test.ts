import { describe, expect, it } from 'vitest';
import {
	formatMovementResult,
	measureOf,
	parseSetInputs,
	parseTime,
	prefill,
	setCount,
	type MovementLike
} from './results';

const base: MovementLike = {
	id: '00000000-0000-4000-8000-000000000001',
	name: 'Back Squat',
	sets: null,
	reps: null,
	rep_scheme: null,
	load: null,
	load_unit: null,
	time_seconds: null,
	distance_meters: null
};

describe('measureOf', () => {
	it('reads the measure from the prescription', () => {
		expect(measureOf({ ...base, sets: 5, reps: 5, load: 100, load_unit: 'kg' })).toBe('load_reps');
		expect(measureOf({ ...base, name: 'Row', time_seconds: 300 })).toBe('distance');
		expect(measureOf({ ...base, name: 'Assault Bike', sets: 10, time_seconds: 30 })).toBe(
			'calories'
		);
		expect(measureOf({ ...base, name: 'Plank', time_seconds: 60 })).toBe('time');
		expect(measureOf({ ...base, name: 'Run', distance_meters: 400 })).toBe('distance');
		expect(measureOf({ ...base, name: 'Bike 20 cal' })).toBe('calories');
		expect(measureOf({ ...base, name: 'Burpees', reps: 10 }, 'AMRAP 12')).toBe('rounds_reps');
		expect(measureOf({ ...base, name: 'Push-up', reps: 20, load_unit: 'bodyweight' })).toBe('reps');
	});
});

describe('prefill', () => {
	it('starts from the prescription, then from last time', () => {
		const squat = { ...base, sets: 3, reps: 5, load: 100, load_unit: 'kg' as const };
		expect(setCount(squat)).toBe(3);
		expect(prefill(squat, 'load_reps', 0, [{ load: 90, reps: 5, rpe: 8 }])).toEqual({
			load: 100,
			reps: 5
		});
		const row = { ...base, name: 'Row', distance_meters: null, time_seconds: null };
		expect(prefill(row, 'distance', 1, [{ distance_meters: 1000, time_seconds: 200 }])).toEqual({
			distance_meters: 1000,
			time_seconds: 200
		});
		expect(setCount(row, [{ distance_meters: 1 }, { distance_meters: 2 }])).toBe(2);
	});
});

describe('parseSetInputs', () => {
	const id = base.id;
	it('groups sets in order and drops empty rows', () => {
		const { sets, errors } = parseSetInputs([
			[`m.${id}.1.load`, '105'],
			[`m.${id}.0.load`, '100'],
			[`m.${id}.0.reps`, '5'],
			[`m.${id}.2.load`, ''],
			[`m.${id}.1.time_seconds`, '1:05'],
			['score', 'x']
		]);
		expect(errors).toEqual({});
		expect(sets.get(id)).toEqual([
			{ load: 100, reps: 5 },
			{ load: 105, time_seconds: 65 }
		]);
	});
	it('says what is wrong with each input', () => {
		const { errors } = parseSetInputs([
			[`m.${id}.0.reps`, '2.5'],
			[`m.${id}.0.time_seconds`, '4m'],
			[`m.${id}.1.rpe`, '11']
		]);
		expect(errors[`m.${id}.0.reps`]).toEqual(['Reps is a whole number.']);
		expect(errors[`m.${id}.0.time_seconds`]).toEqual(['Write a time as m:ss, e.g. 4:30.']);
		expect(errors[`m.${id}.1.rpe`]).toEqual(['RPE is from 1 to 10.']);
	});
	it('parses times', () => {
		expect(parseTime('4:55')).toBe(295);
		expect(parseTime('1:00:00')).toBe(3600);
		expect(parseTime('90')).toBe(90);
		expect(parseTime('4:75')).toBeNull();
	});
});

describe('formatMovementResult', () => {
	it('reads sets and the older single load', () => {
		expect(
			formatMovementResult({
				load_unit: 'kg',
				set_results: [
					{ load: 100, reps: 5 },
					{ load: 110, reps: 3, rpe: 9 }
				]
			})
		).toBe('100 kg × 5, 110 kg × 3 @ RPE 9');
		expect(
			formatMovementResult({
				load_unit: null,
				set_results: [{ time_seconds: 295, distance_meters: 1400 }]
			})
		).toBe('1400 m · 4:55');
		expect(formatMovementResult({ load_unit: 'lb', load: 135, reps: 5 })).toBe('135 lb × 5');
		expect(formatMovementResult({ load_unit: null, set_results: [{ rounds: 5, reps: 3 }] })).toBe(
			'5 rounds + 3'
		);
	});
});
