// Times in chat: relative in the inbox, clock time on bubbles, day names on separators. Every
// bubble and inbox row formats times, so the formatters are shared (dateTimeFormat), never
// built per call.
import { dateTimeFormat } from '../dates';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let rtf: Intl.RelativeTimeFormat | undefined;

export function relativeTime(iso: string, now: number, timeZone?: string | null): string {
	const t = new Date(iso).getTime();
	const diff = now - t;
	if (diff < MINUTE) return 'just now';
	rtf ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
	if (diff < HOUR) return rtf.format(-Math.floor(diff / MINUTE), 'minute');
	if (diff < DAY) return rtf.format(-Math.floor(diff / HOUR), 'hour');
	if (diff < 7 * DAY) return rtf.format(-Math.floor(diff / DAY), 'day');
	return dateTimeFormat(undefined, {
		day: 'numeric',
		month: 'short',
		timeZone: timeZone ?? undefined
	}).format(new Date(iso));
}

export function clockTime(iso: string, timeZone?: string | null): string {
	return dateTimeFormat(undefined, {
		hour: '2-digit',
		minute: '2-digit',
		timeZone: timeZone ?? undefined
	}).format(new Date(iso));
}

export function fullTime(iso: string, timeZone?: string | null): string {
	return dateTimeFormat(undefined, {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: timeZone ?? undefined
	}).format(new Date(iso));
}

/** The calendar day of an instant in a zone, as YYYY-MM-DD (for grouping). */
export function dayKey(iso: string, timeZone?: string | null): string {
	return dateTimeFormat('en-CA', {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		timeZone: timeZone ?? undefined
	}).format(new Date(iso));
}

export function dayLabel(iso: string, now: number, timeZone?: string | null): string {
	const key = dayKey(iso, timeZone);
	if (key === dayKey(new Date(now).toISOString(), timeZone)) return 'Today';
	if (key === dayKey(new Date(now - DAY).toISOString(), timeZone)) return 'Yesterday';
	return dateTimeFormat(undefined, {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		timeZone: timeZone ?? undefined
	}).format(new Date(iso));
}

/** An instant as ISO text, `offsetMs` from `iso` (or from now). */
export function isoShift(offsetMs = 0, iso?: string): string {
	return new Date((iso ? Date.parse(iso) : Date.now()) + offsetMs).toISOString();
}
