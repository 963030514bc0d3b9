import { describe, expect, it } from 'vitest';
import {
	addDays,
	dateTimeFormat,
	formatWeek,
	isIsoDate,
	mondayOf,
	resolveWeek,
	todayIn,
	weekDays
} from './dates';

describe('week math', () => {
	it('finds the Monday of any day, Sunday included', () => {
		expect(mondayOf('2026-11-23')).toBe('2026-11-23'); // Monday
		expect(mondayOf('2026-11-26')).toBe('2026-11-23');
		expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // Sunday
		expect(mondayOf('2026-03-01')).toBe('2026-02-23');
	});

	it('adds days across months, years and DST changes', () => {
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
		expect(addDays('2026-11-23', -7)).toBe('2026-11-16');
	});

	it('lists seven days from the week start', () => {
		expect(weekDays('2026-11-23')).toEqual([
			'2026-11-23',
			'2026-11-24',
			'2026-11-25',
			'2026-11-26',
			'2026-11-27',
			'2026-11-28',
			'2026-11-29'
		]);
	});

	it('validates ISO dates strictly', () => {
		expect(isIsoDate('2026-02-29')).toBe(false);
		expect(isIsoDate('2028-02-29')).toBe(true);
		expect(isIsoDate('2026-1-01')).toBe(false);
		expect(isIsoDate(null)).toBe(false);
	});

	it('resolves the ?week= parameter, falling back to this week', () => {
		expect(resolveWeek('2026-11-27', '2026-01-01')).toBe('2026-11-23');
		expect(resolveWeek('nonsense', '2026-11-27')).toBe('2026-11-23');
		expect(resolveWeek(null, '2026-11-22')).toBe('2026-11-16');
	});

	it("computes today in a time zone, not the server's", () => {
		const instant = new Date('2026-11-22T20:00:00Z');
		expect(todayIn('Pacific/Auckland', instant)).toBe('2026-11-23');
		expect(todayIn('America/Los_Angeles', instant)).toBe('2026-11-22');
		expect(todayIn('Not/AZone', instant)).toBe('2026-11-22');
	});

	it('labels weeks', () => {
		expect(formatWeek('2026-11-23')).toBe('23 – 29 Nov 2026');
		expect(formatWeek('2026-11-30')).toBe('30 Nov – 6 Dec 2026');
	});

	it('shares one formatter per locale and options, formatting as a new one would', () => {
		const at = new Date('2026-11-22T20:05:00Z');
		const opts = { hour: '2-digit', minute: '2-digit', timeZone: 'Pacific/Auckland' } as const;
		const shared = dateTimeFormat('en-GB', opts);
		expect(shared.format(at)).toBe(new Intl.DateTimeFormat('en-GB', opts).format(at));
		expect(shared.format(at)).toBe('09:05');
		expect(dateTimeFormat('en-GB', { ...opts })).toBe(shared);
		expect(dateTimeFormat('en-GB', { ...opts, timeZone: 'Europe/London' }).format(at)).toBe(
			'20:05'
		);
		// A zone that does not exist throws as the constructor does, every time (never kept).
		expect(() => dateTimeFormat('en-GB', { timeZone: 'Not/AZone' })).toThrow(RangeError);
		expect(() => dateTimeFormat('en-GB', { timeZone: 'Not/AZone' })).toThrow(RangeError);
	});
});
