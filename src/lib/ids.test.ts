import { describe, expect, it } from 'vitest';
import { uuidV7 } from './ids';

describe('uuidV7', () => {
	it('is a version 7, RFC variant uuid', () => {
		expect(uuidV7()).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
	});
	it('starts with the time in milliseconds, so later ids sort after earlier ones', () => {
		const t = Date.UTC(2026, 10, 22, 5, 0, 0);
		expect(uuidV7(t).replace(/-/g, '').slice(0, 12)).toBe(t.toString(16).padStart(12, '0'));
		expect(uuidV7(t + 1) > uuidV7(t)).toBe(true);
	});
	it('differs each time within the same millisecond', () => {
		const t = Date.now();
		expect(new Set(Array.from({ length: 100 }, () => uuidV7(t))).size).toBe(100);
	});
});
