import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
	it('keeps paths on this site', () => {
		expect(safeNext('/org/acme/members?x=1')).toBe('/org/acme/members?x=1');
	});
	it('refuses other origins and protocol-relative URLs', () => {
		expect(safeNext('https://evil.example')).toBe('/');
		expect(safeNext('//evil.example')).toBe('/');
		expect(safeNext('/\\evil.example')).toBe('/');
		expect(safeNext(null, '/home')).toBe('/home');
	});
});
