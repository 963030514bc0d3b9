// Reading what the stack mailed, through the mail catcher's API (Mailpit's /api/v1 shape, so the
// same helpers read the Supabase CLI's Mailpit too).
import { inject } from 'vitest';

export interface Mail {
	ID: string;
	Subject: string;
	To: { Address: string }[];
	Text: string;
	HTML: string;
	Created: string;
}

export function mailUrl(): string {
	const url = inject('mailUrl');
	if (!url) {
		throw new Error(
			'No mail catcher: run against a stack booted here, or export COACHLINE_MAIL_URL for a stack booted elsewhere'
		);
	}
	return url;
}

async function listFor(address: string): Promise<{ ID: string; Subject: string }[]> {
	const r = await fetch(
		`${mailUrl()}/api/v1/messages?query=${encodeURIComponent(`to:${address.toLowerCase()}`)}`
	);
	if (!r.ok) throw new Error(`mail catcher answered ${r.status}`);
	return ((await r.json()) as { messages: { ID: string; Subject: string }[] }).messages;
}

/** How many mails `address` has received so far. */
export async function mailCount(address: string): Promise<number> {
	return (await listFor(address)).length;
}

/**
 * The newest mail to `address` beyond the first `seen` (use mailCount before the action), waiting
 * up to `timeoutMs` for it to arrive: the catcher receives it after the API call answered.
 */
export async function nextMail(address: string, seen = 0, timeoutMs = 10_000): Promise<Mail> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = await listFor(address);
		if (list.length > seen) {
			const r = await fetch(`${mailUrl()}/api/v1/message/${list[0].ID}`);
			return (await r.json()) as Mail;
		}
		if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** The first link in the mail's HTML whose address contains `contains`. */
export function linkIn(mail: Mail, contains = ''): string {
	for (const m of mail.HTML.matchAll(/href="([^"]+)"/g)) {
		const href = m[1].replace(/&amp;/g, '&').replace(/&#34;/g, '"');
		if (href.includes(contains)) return href;
	}
	throw new Error(`no link containing ${JSON.stringify(contains)} in "${mail.Subject}"`);
}

/** The one-time code in the mail's text (6 digits by default, otp_length in config.toml). */
export function codeIn(mail: Mail): string {
	const m = mail.Text.match(/\b(\d{6,10})\b/);
	if (!m) throw new Error(`no code in "${mail.Subject}"`);
	return m[1];
}
