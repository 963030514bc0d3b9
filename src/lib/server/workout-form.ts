import { workoutSchema, fieldErrors } from '../validation';
import type { WorkoutInput } from '../db/workouts';
import { isUuid } from '../ids';

export type ParsedWorkout =
	{ ok: true; workout: WorkoutInput } | { ok: false; errors: Record<string, string[]> };

/** The id a saved section or movement carries in the draft; anything else means a new row. */
function idOf(raw: unknown): string | null {
	if (!raw || typeof raw !== 'object' || !('id' in raw)) return null;
	return typeof raw.id === 'string' && isUuid(raw.id) ? raw.id : null;
}

function listAt(raw: unknown, key: string): unknown[] {
	if (!raw || typeof raw !== 'object' || !(key in raw)) return [];
	const value = (raw as Record<string, unknown>)[key];
	return Array.isArray(value) ? value : [];
}

/**
 * The builder posts its draft as JSON in one field; read and validate it. Saved sections and
 * movements carry their ids so the save updates them in place (their comments stay).
 */
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
	// The schema keeps what it knows; the ids come from the same positions of the raw draft.
	const rawSections = listAt(raw, 'sections');
	const workout: WorkoutInput = {
		...parsed.data,
		sections: parsed.data.sections.map((s, si) => {
			const rawMovements = listAt(rawSections[si], 'movements');
			return {
				...s,
				id: idOf(rawSections[si]),
				movements: s.movements.map((m, mi) => ({ ...m, id: idOf(rawMovements[mi]) }))
			};
		})
	};
	return { ok: true, workout };
}
