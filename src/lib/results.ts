// What a result holds and how it reads: which numbers a movement asks for (from its prescription),
// what the log form prefills, how the posted form turns into `set_results`, and one line per
// movement for cards ("100 kg × 5, 105 kg × 5", "4:55 · 1,400 m"). The database checks the shape.
import { formatSeconds, type Prescribed } from './prescription';

/** Last time's sets; a result logged the older way (one load and reps) reads as one set. */
export function previousSets(
	entry:
		{ load?: number | null; reps?: number | null; set_results?: SetResult[] | null } | undefined
): SetResult[] | undefined {
	if (!entry) return undefined;
	if (entry.set_results && entry.set_results.length > 0) return entry.set_results;
	const one: SetResult = {};
	if (entry.load !== null && entry.load !== undefined) one.load = entry.load;
	if (entry.reps !== null && entry.reps !== undefined) one.reps = entry.reps;
	return Object.keys(one).length > 0 ? [one] : undefined;
}

/** What a movement measures, in the order its inputs appear. */
export type Measure = 'load_reps' | 'reps' | 'time' | 'distance' | 'calories' | 'rounds_reps';

export const SET_FIELDS = [
	'load',
	'reps',
	'time_seconds',
	'distance_meters',
	'calories',
	'rounds',
	'rpe'
] as const;
export type SetField = (typeof SET_FIELDS)[number];
export type SetResult = Partial<Record<SetField, number>>;

export interface MovementLike extends Prescribed {
	id: string;
	name: string;
}

/** Fields each measure shows per set (RPE only where effort per set varies: lifts). */
export const MEASURE_FIELDS: Record<Measure, SetField[]> = {
	load_reps: ['load', 'reps', 'rpe'],
	reps: ['reps'],
	time: ['time_seconds'],
	distance: ['distance_meters', 'time_seconds'],
	calories: ['calories', 'time_seconds'],
	rounds_reps: ['rounds', 'reps']
};

export const FIELD_LABEL: Record<SetField, string> = {
	load: 'Load',
	reps: 'Reps',
	time_seconds: 'Time',
	distance_meters: 'Metres',
	calories: 'Calories',
	rounds: 'Rounds',
	rpe: 'RPE'
};

/** Infers what to log from the prescription (and the section, for AMRAPs). */
export function measureOf(m: MovementLike, sectionTitle = ''): Measure {
	const text = `${m.name} ${m.rep_scheme ?? ''}`;
	if (/\bcal(orie)?s?\b/i.test(text)) return 'calories';
	if (/\b(amrap|rounds?)\b/i.test(`${text} ${sectionTitle}`)) return 'rounds_reps';
	if (m.distance_meters !== null) return 'distance';
	// Cardio for a set time scores what was covered in it: metres, or calories on a bike.
	if (m.time_seconds !== null && /\b(bike|assault|echo)\b/i.test(m.name)) return 'calories';
	if (m.time_seconds !== null && /\b(row|rower|ski|erg|run|swim)\b/i.test(m.name))
		return 'distance';
	if (m.load !== null && m.load_unit !== 'bodyweight') return 'load_reps';
	if (m.time_seconds !== null && m.reps === null) return 'time';
	if (m.load_unit === 'bodyweight' || m.reps !== null || m.rep_scheme) return 'reps';
	if (m.time_seconds !== null) return 'time';
	return 'load_reps';
}

/** How many set rows the form starts with: what was prescribed, else what was done last time. */
export function setCount(m: MovementLike, previous?: SetResult[]): number {
	if (m.sets && m.sets > 0) return Math.min(m.sets, 20);
	if (previous && previous.length > 0) return Math.min(previous.length, 20);
	return 1;
}

/** The values a set row starts with: the prescription first, else last time's same set. */
export function prefill(
	m: MovementLike,
	measure: Measure,
	index: number,
	previous?: SetResult[]
): SetResult {
	const last = previous?.[Math.min(index, (previous?.length ?? 1) - 1)] ?? {};
	const out: SetResult = {};
	for (const f of MEASURE_FIELDS[measure]) {
		const rx =
			f === 'load' && m.load_unit !== 'percent_1rm'
				? m.load
				: f === 'reps'
					? m.reps
					: f === 'time_seconds'
						? m.time_seconds
						: f === 'distance_meters'
							? m.distance_meters
							: null;
		const v = rx ?? (f === 'rpe' ? undefined : last[f]);
		if (v !== null && v !== undefined) out[f] = Number(v);
	}
	return out;
}

/** Text for an input: seconds read as m:ss, everything else as the number. */
export function inputValue(field: SetField, v: number | undefined): string {
	if (v === undefined) return '';
	return field === 'time_seconds' ? formatSeconds(v) : String(v);
}

/** Parses "m:ss", "h:mm:ss" or plain seconds; null when it is not a time. */
export function parseTime(text: string): number | null {
	const t = text.trim();
	if (!/^\d+(:\d{1,2}){0,2}$/.test(t)) return null;
	const parts = t.split(':').map(Number);
	if (parts.slice(1).some((p) => p > 59)) return null;
	return parts.reduce((acc, p) => acc * 60 + p, 0);
}

export interface ParsedSets {
	/** movement id → its sets, in order, empty rows dropped. */
	sets: Map<string, SetResult[]>;
	/** input name → message a person can act on. */
	errors: Record<string, string[]>;
}

const WHOLE: SetField[] = ['reps', 'calories', 'rounds', 'rpe'];
const NAME = /^m\.([0-9a-f-]{36})\.(\d{1,3})\.([a-z_]+)$/;

/** Reads `m.<movement>.<set>.<field>` inputs. Friendly early errors; the database has the last word. */
export function parseSetInputs(entries: Iterable<[string, string]>): ParsedSets {
	const rows = new Map<string, Map<number, SetResult>>();
	const errors: Record<string, string[]> = {};
	for (const [name, raw] of entries) {
		const match = NAME.exec(name);
		if (!match) continue;
		const [, id, indexText, field] = match;
		if (!(SET_FIELDS as readonly string[]).includes(field)) continue;
		const text = raw.trim();
		if (!text) continue;
		const f = field as SetField;
		let value: number | null;
		if (f === 'time_seconds') {
			value = parseTime(text);
			if (value === null) {
				errors[name] = ['Write a time as m:ss, e.g. 4:30.'];
				continue;
			}
		} else {
			value = Number(text.replace(',', '.'));
			if (!Number.isFinite(value) || value < 0) {
				errors[name] = [`${FIELD_LABEL[f]} is a number.`];
				continue;
			}
			if (WHOLE.includes(f) && !Number.isInteger(value)) {
				errors[name] = [`${FIELD_LABEL[f]} is a whole number.`];
				continue;
			}
			if (f === 'rpe' && (value < 1 || value > 10)) {
				errors[name] = ['RPE is from 1 to 10.'];
				continue;
			}
		}
		const perMovement = rows.get(id) ?? new Map<number, SetResult>();
		rows.set(id, perMovement);
		const set = perMovement.get(Number(indexText)) ?? {};
		set[f] = value;
		perMovement.set(Number(indexText), set);
	}
	const sets = new Map<string, SetResult[]>();
	for (const [id, perMovement] of rows) {
		sets.set(
			id,
			[...perMovement.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s)
		);
	}
	return { sets, errors };
}

const UNIT: Record<string, string> = { kg: 'kg', lb: 'lb', percent_1rm: '%', bodyweight: 'BW' };

/** One set as people write it: "100 kg × 5 @ RPE 8", "4:55 · 1400 m", "3 rounds + 4". */
export function formatSet(s: SetResult, unit: string | null = 'kg'): string {
	const parts: string[] = [];
	if (s.rounds !== undefined) {
		parts.push(`${s.rounds} rounds${s.reps !== undefined ? ` + ${s.reps}` : ''}`);
	} else if (s.load !== undefined) {
		parts.push(
			`${s.load} ${UNIT[unit ?? 'kg'] ?? unit ?? ''}`.trim() +
				(s.reps !== undefined ? ` × ${s.reps}` : '')
		);
	} else if (s.reps !== undefined) {
		parts.push(`${s.reps} reps`);
	}
	if (s.distance_meters !== undefined) parts.push(`${s.distance_meters} m`);
	if (s.calories !== undefined) parts.push(`${s.calories} cal`);
	if (s.time_seconds !== undefined) parts.push(formatSeconds(s.time_seconds));
	let text = parts.join(' · ');
	if (s.rpe !== undefined) text += ` @ RPE ${s.rpe}`;
	return text;
}

/** A movement's logged sets on one line; the older one-load form reads the same way. */
export function formatMovementResult(m: {
	load_unit: string | null;
	load?: number | null;
	reps?: number | null;
	set_results?: SetResult[] | null;
}): string {
	const sets = m.set_results && m.set_results.length > 0 ? m.set_results : null;
	if (sets) return sets.map((s) => formatSet(s, m.load_unit)).join(', ');
	const single: SetResult = {};
	if (m.load !== null && m.load !== undefined) single.load = m.load;
	if (m.reps !== null && m.reps !== undefined) single.reps = m.reps;
	return formatSet(single, m.load_unit);
}
