import { describe, expect, it } from 'vitest';
import { displayText, hadBidiControls } from './text';

describe('displayText', () => {
	it('drops a right-to-left override so the text reads in the order it was typed', () => {
		const spoof = 'see invoice\u202Efdp.exe';
		expect(displayText(spoof)).toBe('see invoicefdp.exe');
		expect(hadBidiControls(spoof)).toBe(true);
	});
	it('drops isolates and embeddings too', () => {
		expect(displayText('a\u2066b\u2069c\u202Ad\u202Ce')).toBe('abcde');
	});
	it('leaves real right-to-left writing, emoji and line breaks alone', () => {
		const text = 'שלום עולם 👋\nمرحبا';
		expect(displayText(text)).toBe(text);
		expect(hadBidiControls(text)).toBe(false);
	});
	it('keeps null as null', () => {
		expect(displayText(null)).toBeNull();
	});
});
