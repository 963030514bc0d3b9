import { workoutSchema, fieldErrors } from '../validation';
import type { WorkoutInput } from '../db/workouts';

export type ParsedWorkout =
	{ ok: true; workout: WorkoutInput } | { ok: false; errors: Record<string, string[]> };

/** The builder posts its draft as JSON in one field; read and validate it. */
export function parseWorkoutForm(data: FormData): ParsedWorkout {
	let raw: unknown;
	try {
		raw = JSON.parse(String(data.get('workout') ?? ''));
	} catch {
		return {
			ok: false,
			errors: { form: ['The workout could not be read: reload and try again.'] }
		};
	}
	const parsed = workoutSchema.safeParse(raw);
	if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
	return { ok: true, workout: parsed.data as WorkoutInput };
}
