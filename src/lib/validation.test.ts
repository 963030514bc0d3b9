import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, workoutSchema } from './validation.ts';

describe('durations', () => {
	it('reads mm:ss, h:mm:ss and plain seconds', () => {
		expect(parseDuration('12:30')).toBe(750);
		expect(parseDuration('1:02:00')).toBe(3720);
		expect(parseDuration('45')).toBe(45);
		expect(parseDuration('')).toBeNull();
		expect(parseDuration('abc')).toBeNaN();
	});
	it('writes them back', () => {
		expect(formatDuration(750)).toBe('12:30');
		expect(formatDuration(3720)).toBe('1:02:00');
		expect(formatDuration(null)).toBe('');
	});
});

describe('workoutSchema', () => {
	const movement = {
		name: 'Back squat',
		sets: '5',
		reps: '5',
		rep_scheme: '',
		load: '100',
		load_unit: 'kg',
		time_seconds: '',
		distance_meters: '',
		notes: ''
	};
	it('turns builder text into a prescription', () => {
		const r = workoutSchema.parse({
			title: ' Strength A ',
			description: '',
			sections: [{ title: 'Strength', notes: '', movements: [movement] }]
		});
		expect(r.title).toBe('Strength A');
		expect(r.description).toBeNull();
		expect(r.sections[0].movements[0]).toMatchObject({
			sets: 5,
			reps: 5,
			load: 100,
			load_unit: 'kg',
			time_seconds: null
		});
	});
	it('points at the field that is wrong', () => {
		const r = workoutSchema.safeParse({
			title: 'A',
			description: null,
			sections: [
				{ title: 'S', notes: null, movements: [{ ...movement, reps: 'ten', load_unit: '' }] }
			]
		});
		expect(r.success).toBe(false);
		const paths = r.error!.issues.map((i) => i.path.join('.'));
		expect(paths).toContain('sections.0.movements.0.reps');
	});
});
