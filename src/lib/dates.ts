// Calendar-day arithmetic on ISO dates (YYYY-MM-DD). Days are computed in UTC so no local
// daylight-saving shift can move a date; weeks start on Monday.

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string | null | undefined): value is string {
	if (!value) return false;
	const m = ISO.exec(value);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return d.toISOString().slice(0, 10) === value;
}

function toUtc(iso: string): Date {
	const [y, m, d] = iso.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d));
}

export function addDays(iso: string, days: number): string {
	const d = toUtc(iso);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** The Monday on or before the date. */
export function mondayOf(iso: string): string {
	const dow = toUtc(iso).getUTCDay(); // 0 = Sunday
	return addDays(iso, dow === 0 ? -6 : 1 - dow);
}

export function weekDays(weekStart: string): string[] {
	return Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
}

/** Today's calendar date in a time zone (the organization's or the athlete's). */
export function todayIn(timeZone: string | null | undefined, now: Date = new Date()): string {
	try {
		return dateTimeFormat('en-CA', {
			timeZone: timeZone || 'UTC',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit'
		}).format(now);
	} catch {
		// A zone that does not exist (dateTimeFormat throws and keeps nothing).
		return now.toISOString().slice(0, 10);
	}
}

/** The week a `?week=` parameter names (any day of it), else the week of `today`. */
export function resolveWeek(param: string | null, today: string): string {
	return mondayOf(isIsoDate(param) ? param : today);
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
	weekday: 'short',
	day: 'numeric',
	month: 'short',
	timeZone: 'UTC'
});
const longFormat = new Intl.DateTimeFormat('en-GB', {
	weekday: 'long',
	day: 'numeric',
	month: 'long',
	timeZone: 'UTC'
});

/** "Mon 23 Nov" */
export function formatDay(iso: string): string {
	return dayFormat.format(toUtc(iso));
}

/** "Monday 23 November" */
export function formatLongDay(iso: string): string {
	return longFormat.format(toUtc(iso));
}

const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });

/** "23 – 29 Nov 2026" style label for a week. */
export function formatWeek(weekStart: string): string {
	const end = addDays(weekStart, 6);
	const a = toUtc(weekStart);
	const b = toUtc(end);
	const month = (d: Date) => shortMonth.format(d);
	const left =
		a.getUTCMonth() === b.getUTCMonth() ? `${a.getUTCDate()}` : `${a.getUTCDate()} ${month(a)}`;
	return `${left} – ${b.getUTCDate()} ${month(b)} ${b.getUTCFullYear()}`;
}

// Building an Intl.DateTimeFormat costs ~0.2 ms (ICU data lookups), formatting with one ~2 µs:
// a roster or a thread that built one per row spent most of its render there (the overview's 50
// rows, two per chat bubble). Formatters are kept per locale and options: few distinct ones.
const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A shared Intl.DateTimeFormat for these locale and options (`undefined`: the runtime's
 * locale). Throws as the constructor does for a time zone that does not exist; it is not kept.
 */
export function dateTimeFormat(
	locale: string | string[] | undefined,
	options: Intl.DateTimeFormatOptions
): Intl.DateTimeFormat {
	const key = `${String(locale ?? '')}|${JSON.stringify(options)}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		if (formats.size >= 500) formats.clear();
		formats.set(key, format);
	}
	return format;
}
