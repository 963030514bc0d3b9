// The catcher receives what auth's mailer sends over real SMTP, and shows it through its API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from './catcher.ts';
import { createMailer, renderTemplate, type MailVars } from '../auth/mailer.ts';
import { parseMail } from './mime.ts';

let catcher: MailCatcher;
beforeAll(async () => {
	catcher = await startMailCatcher();
});
afterAll(async () => {
	await catcher.close();
});

const vars = (over: Partial<MailVars> = {}): MailVars => ({
	ConfirmationURL: 'http://127.0.0.1:54321/auth/v1/verify?token=abc&type=recovery&redirect_to=x',
	Token: '123456',
	TokenHash: 'abc',
	SiteURL: 'http://127.0.0.1:5173',
	RedirectTo: 'http://127.0.0.1:5173/reset-password',
	Email: 'ann@example.com',
	Data: { name: 'Ann <b>' },
	...over
});

const mailer = (perHour = 0) =>
	createMailer({
		smtp: {
			host: '127.0.0.1',
			port: catcher.smtpPort,
			adminEmail: 'admin@email.com',
			senderName: 'Coachline'
		},
		templates: {
			recovery: { subject: 'Reset for {{ .Email }}', contentPath: null }
		},
		perHour,
		log: () => {}
	});

describe('mail catcher', () => {
	it('catches a mail sent over SMTP and serves it through /api/v1', async () => {
		const m = mailer();
		await m.send('recovery', 'Ann@Example.com', vars());
		m.close();
		const list = (await (
			await fetch(`${catcher.url}/api/v1/messages?query=to:ann@example.com`)
		).json()) as { total: number; messages: { ID: string; Subject: string }[] };
		expect(list.total).toBe(1);
		expect(list.messages[0].Subject).toBe('Reset for ann@example.com');
		const one = (await (
			await fetch(`${catcher.url}/api/v1/message/${list.messages[0].ID}`)
		).json()) as {
			From: { Address: string; Name: string };
			HTML: string;
			Text: string;
		};
		expect(one.From).toEqual({ Name: 'Coachline', Address: 'admin@email.com' });
		expect(one.HTML).toContain(
			'href="http://127.0.0.1:54321/auth/v1/verify?token=abc&amp;type=recovery'
		);
		expect(one.Text).toContain('123456');
		const page = await (await fetch(`${catcher.url}/?id=${list.messages[0].ID}`)).text();
		expect(page).toContain('Reset for ann@example.com');
		expect((await fetch(`${catcher.url}/api/v1/messages`, { method: 'DELETE' })).status).toBe(200);
		expect(catcher.messages()).toHaveLength(0);
	});

	it('answers 429 over_email_send_rate_limit past email_sent per hour', async () => {
		const m = mailer(2);
		await m.send('magic_link', 'a@example.com', vars());
		await m.send('magic_link', 'b@example.com', vars());
		await expect(m.send('magic_link', 'c@example.com', vars())).rejects.toMatchObject({
			status: 429,
			code: 'over_email_send_rate_limit'
		});
		m.close();
		expect(catcher.messages().map((x) => x.To[0].Address)).toEqual([
			'a@example.com',
			'b@example.com'
		]);
	});

	it('says so when no SMTP server is reachable', async () => {
		const m = createMailer({
			smtp: { host: '127.0.0.1', port: 1, adminEmail: 'a@b.co', senderName: '' },
			templates: {},
			perHour: 0,
			log: () => {}
		});
		await expect(m.send('invite', 'x@example.com', vars())).rejects.toMatchObject({
			status: 500,
			message: 'Error sending invite email'
		});
		m.close();
	});
});

describe('templates and MIME', () => {
	it('fills GoTrue fields and Data keys, escaped, and leaves unknown ones as written', () => {
		expect(renderTemplate('<p>{{ .Data.name }} {{ .Token }} {{ .Unknown }}</p>', vars())).toBe(
			'<p>Ann &lt;b&gt; 123456 {{ .Unknown }}</p>'
		);
	});

	it('reads quoted-printable and base64 parts and encoded-word subjects', () => {
		const raw = Buffer.from(
			[
				'Subject: =?UTF-8?B?UsOpc2V0?=',
				'Content-Type: multipart/alternative; boundary="b1"',
				'',
				'--b1',
				'Content-Type: text/plain; charset=utf-8',
				'Content-Transfer-Encoding: quoted-printable',
				'',
				'caf=C3=A9 =',
				'ok',
				'--b1',
				'Content-Type: text/html; charset=utf-8',
				'Content-Transfer-Encoding: base64',
				'',
				Buffer.from('<p>é</p>').toString('base64'),
				'--b1--',
				''
			].join('\r\n')
		);
		const m = parseMail(raw);
		expect(m.subject).toBe('Réset');
		expect(m.text.trim()).toBe('café ok');
		expect(m.html).toBe('<p>é</p>');
	});
});
