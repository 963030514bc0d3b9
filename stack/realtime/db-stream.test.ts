import { describe, expect, it } from 'vitest';
import { lsnAfter } from './db-stream.ts';

describe('lsnAfter', () => {
	it('compares WAL positions as numbers, not text', () => {
		expect(lsnAfter('0/1B202140', '0/121490A8')).toBe(true);
		expect(lsnAfter('0/9', '0/10')).toBe(false);
		expect(lsnAfter('1/0', '0/FFFFFFFF')).toBe(true);
		expect(lsnAfter('0/10', '0/10')).toBe(false);
	});
	it('treats nothing acknowledged yet as before everything', () => {
		expect(lsnAfter('0/1', '')).toBe(true);
	});
});
