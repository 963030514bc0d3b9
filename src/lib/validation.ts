// Early, friendly validation of form input. The database is the authority on every rule; these
// schemas only catch the obvious before a round trip, with messages a person can act on.
import { z } from 'zod';
import { Constants } from './database.types';

const trimmed = (label: string, max: number) =>
	z
		.string()
		.trim()
		.min(1, `${label} is required.`)
		.max(max, `${label} must be at most ${max} characters.`);

const optionalText = (label: string, max: number) =>
	z
		.string()
		.trim()
		.max(max, `${label} must be at most ${max} characters.`)
		.nullable()
		.optional()
		.transform((v) => (v ? v : null));

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email('Enter a valid email address.'));

export const signInSchema = z.object({
	email: emailSchema,
	password: z.string().min(1, 'Enter your password.')
});

export const signUpSchema = z.object({
	displayName: trimmed('Your name', 80),
	email: emailSchema,
	password: z.string().min(8, 'Use at least 8 characters.').max(72, 'Use at most 72 characters.')
});

export const organizationSchema = z.object({
	name: trimmed('Name', 120),
	slug: z
		.string()
		.trim()
		.toLowerCase()
		.regex(
			/^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$/,
			'Use 3 to 48 lowercase letters, digits or hyphens, not starting or ending with a hyphen.'
		),
	timeZone: z.string().trim().min(1, 'Choose a time zone.')
});

export const roleSchema = z.enum(Constants.public.Enums.membership_role, {
	error: 'Choose a role.'
});

export const inviteSchema = z.object({ email: emailSchema, role: roleSchema });

export const profileSchema = z.object({
	displayName: trimmed('Display name', 80),
	timeZone: z
		.string()
		.trim()
		.transform((v) => (v === '' ? null : v))
});

export const programSchema = z.object({
	name: trimmed('Name', 120),
	mode: z.enum(Constants.public.Enums.program_mode, { error: 'Choose a mode.' }),
	description: optionalText('Description', 5000)
});

/** Builder inputs arrive as text: blank means "not prescribed", anything else must be a number. */
function blankToNull(v: unknown): unknown {
	if (v === '' || v === undefined || v === null) return null;
	if (typeof v === 'string') {
		const text = v.trim().replace(',', '.');
		return text === '' ? null : Number(text);
	}
	return v;
}

const optionalInt = (label: string, min: number, max: number) =>
	z.preprocess(
		blankToNull,
		z
			.number({ error: `${label} must be a number.` })
			.int(`${label} must be a whole number.`)
			.min(min, `${label} must be at least ${min}.`)
			.max(max, `${label} must be at most ${max}.`)
			.nullable()
	);

const optionalNumber = (label: string, min: number, max: number) =>
	z.preprocess(
		blankToNull,
		z
			.number({ error: `${label} must be a number.` })
			.min(min, `${label} must be at least ${min}.`)
			.max(max, `${label} must be at most ${max}.`)
			.nullable()
	);

/** "12:30" (mm:ss), "1:02:00" (h:mm:ss) or a plain number of seconds. */
export function parseDuration(text: string): number | null {
	const t = text.trim();
	if (t === '') return null;
	if (/^\d+$/.test(t)) return Number(t);
	const m = /^(?:(\d+):)?(\d{1,3}):([0-5]\d)$/.exec(t);
	if (!m) return NaN;
	return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export function formatDuration(seconds: number | null): string {
	if (seconds === null) return '';
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	const ss = String(s).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export const movementSchema = z
	.object({
		name: trimmed('Movement name', 120),
		sets: optionalInt('Sets', 1, 100),
		reps: optionalInt('Reps', 1, 1000),
		rep_scheme: optionalText('Rep scheme', 60),
		load: optionalNumber('Load', 0, 10000),
		load_unit: z.preprocess(
			(v) => (v === '' ? null : v),
			z.enum(['kg', 'lb', 'percent_1rm', 'bodyweight'], { error: 'Choose a unit.' }).nullable()
		),
		time_seconds: z.preprocess(
			(v) => (typeof v === 'string' ? parseDuration(v) : v),
			z
				.number({ error: 'Time must look like 12:30 (minutes:seconds).' })
				.int('Time must be whole seconds.')
				.min(1, 'Time must be at least 1 second.')
				.max(86400, 'Time must be at most 24 hours.')
				.nullable()
		),
		distance_meters: optionalNumber('Distance', 0.01, 1000000),
		notes: optionalText('Notes', 2000)
	})
	.refine((m) => m.load === null || m.load_unit !== null, {
		message: 'Choose a unit for the load.',
		path: ['load_unit']
	})
	.refine((m) => m.load_unit !== 'percent_1rm' || m.load === null || m.load <= 200, {
		message: 'A percentage of 1RM must be at most 200.',
		path: ['load']
	});

export const sectionSchema = z.object({
	title: trimmed('Section title', 120),
	notes: optionalText('Section notes', 2000),
	movements: z.array(movementSchema).max(100, 'At most 100 movements per section.')
});

export const workoutSchema = z.object({
	title: trimmed('Title', 120),
	description: optionalText('Description', 10000),
	sections: z.array(sectionSchema).max(30, 'At most 30 sections.')
});

/** Field errors keyed by dotted path ("sections.0.movements.1.reps"), as forms display them. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const issue of error.issues) {
		const key = issue.path.join('.') || 'form';
		(out[key] ??= []).push(issue.message);
	}
	return out;
}

/** FormData as a plain object of strings (files and repeated keys are not used by our forms). */
export function formValues(data: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
}
