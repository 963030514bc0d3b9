// Text people wrote, made safe to show. Bidirectional override and isolate controls (U+202A–U+202E,
// U+2066–U+2069) reorder the characters that follow them, so "invoice_exe.pdf" can be written to
// read as something else ("Trojan Source"). Real right-to-left writing needs none of them: the
// browser lays out Arabic or Hebrew by itself (`dir="auto"` on the element). They are dropped
// from what is shown; what was stored, and what the author edits, is left as written.

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu;

/** The text as shown: without bidirectional override and isolate controls. */
export function displayText(text: string): string;
export function displayText(text: string | null | undefined): string | null;
export function displayText(text: string | null | undefined): string | null {
	if (text == null) return null;
	return text.replace(BIDI_CONTROLS, '');
}

/** Whether the text carried controls that were dropped when showing it. */
export function hadBidiControls(text: string | null | undefined): boolean {
	return text != null && /[\u202A-\u202E\u2066-\u2069]/u.test(text);
}
