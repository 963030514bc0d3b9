// Auth's outgoing email: GoTrue's six kinds of mail rendered from config.toml's templates (or the
// built-in ones below) and sent over SMTP with nodemailer, to the local catcher or, with
// [auth.email.smtp], to a real server. Mail is counted against [auth.rate_limit] email_sent per
// hour for the whole project, as GoTrue counts it, in a bucket of its own.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { AuthError } from './errors.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';

export type MailKind =
	'confirmation' | 'invite' | 'recovery' | 'magic_link' | 'email_change' | 'reauthentication';

export interface SmtpTarget {
	host: string;
	port: number;
	user?: string;
	pass?: string;
	adminEmail: string;
	senderName: string;
}

/** What a template may use, named as in GoTrue's templates ({{ .ConfirmationURL }} ...). */
export interface MailVars {
	ConfirmationURL: string;
	Token: string;
	TokenHash: string;
	SiteURL: string;
	RedirectTo: string;
	Email: string;
	NewEmail?: string;
	Data: Record<string, unknown>;
}

const DEFAULTS: Record<MailKind, { subject: string; body: string }> = {
	confirmation: {
		subject: 'Confirm Your Signup',
		body: '<h2>Confirm your signup</h2><p>Follow this link to confirm your email address:</p><p><a href="{{ .ConfirmationURL }}">Confirm your email</a></p><p>Or enter this code: {{ .Token }}</p>'
	},
	invite: {
		subject: 'You have been invited',
		body: '<h2>You have been invited</h2><p>You have been invited to create an account on {{ .SiteURL }}. Follow this link to accept the invite:</p><p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>'
	},
	recovery: {
		subject: 'Reset Your Password',
		body: '<h2>Reset your password</h2><p>Follow this link to reset the password for your account:</p><p><a href="{{ .ConfirmationURL }}">Reset password</a></p><p>Or enter this code: {{ .Token }}</p>'
	},
	magic_link: {
		subject: 'Your Magic Link',
		body: '<h2>Magic link</h2><p>Follow this link to sign in:</p><p><a href="{{ .ConfirmationURL }}">Sign in</a></p><p>Or enter this code: {{ .Token }}</p>'
	},
	email_change: {
		subject: 'Confirm Email Change',
		body: '<h2>Confirm the change of your email</h2><p>Follow this link to confirm the change of email from {{ .Email }} to {{ .NewEmail }}:</p><p><a href="{{ .ConfirmationURL }}">Change email</a></p><p>Or enter this code: {{ .Token }}</p>'
	},
	reauthentication: {
		subject: 'Confirm reauthentication',
		body: '<h2>Confirm reauthentication</h2><p>Enter the code: {{ .Token }}</p>'
	}
};

const escapeHtml = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!
	);

/**
 * Fills `{{ .Name }}` and `{{ .Data.key }}` as Go's html/template would for these plain fields
 * (values HTML-escaped). Anything else in braces is left as written, so a template using more of
 * Go's syntax shows what it could not fill instead of failing to send.
 */
export function renderTemplate(template: string, vars: MailVars, html = true): string {
	return template.replace(
		/\{\{\s*\.([A-Za-z]+)(?:\.([A-Za-z0-9_]+))?\s*\}\}/g,
		(whole, name, key) => {
			let value: unknown;
			if (name === 'Data' && key) value = vars.Data[key] ?? '';
			else if (!key) value = (vars as unknown as Record<string, unknown>)[name];
			if (value === undefined) return whole;
			const text = value === null ? '' : String(value);
			return html ? escapeHtml(text) : text;
		}
	);
}

/** The plain-text part: the HTML with tags dropped and each link's address kept beside it. */
export function textFromHtml(html: string): string {
	return html
		.replace(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2: $1')
		.replace(/<(br|\/p|\/h\d|\/li)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&#34;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

export interface Mailer {
	send(kind: MailKind, to: string, vars: MailVars): Promise<void>;
	close(): void;
}

export interface MailerOptions {
	smtp: SmtpTarget | null;
	templates: Record<string, { subject: string | null; contentPath: string | null }>;
	/** Emails per hour for the whole project; 0 = unlimited. */
	perHour: number;
	log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export const overEmailRateLimit = () =>
	new AuthError(429, 'over_email_send_rate_limit', 'Email rate limit exceeded');

export function createMailer(opts: MailerOptions): Mailer {
	const limiter: RateLimiter = createRateLimiter(opts.perHour, 60 * 60 * 1000);
	const transport = opts.smtp
		? nodemailer.createTransport({
				host: opts.smtp.host,
				port: opts.smtp.port,
				// 465 is implicit TLS; other ports upgrade with STARTTLS when the server offers it.
				secure: opts.smtp.port === 465,
				auth: opts.smtp.user ? { user: opts.smtp.user, pass: opts.smtp.pass ?? '' } : undefined,
				connectionTimeout: 10_000,
				greetingTimeout: 10_000
			})
		: null;
	const template = (kind: MailKind) => {
		const configured = opts.templates[kind];
		let body = DEFAULTS[kind].body;
		if (configured?.contentPath) {
			// Read on every send, so editing a template shows in the next mail (as the CLI reloads).
			try {
				body = readFileSync(configured.contentPath, 'utf8');
			} catch (e) {
				opts.log('warn', 'auth: email template unreadable, using the built-in one', {
					kind,
					path: configured.contentPath,
					error: e instanceof Error ? e.message : String(e)
				});
			}
		}
		return { subject: configured?.subject ?? DEFAULTS[kind].subject, body };
	};
	return {
		async send(kind, to, vars) {
			if (!transport || !opts.smtp) {
				throw new AuthError(
					500,
					'unexpected_failure',
					'Error sending email: no SMTP server is configured'
				);
			}
			if (!limiter.hit('project')) throw overEmailRateLimit();
			const t = template(kind);
			const html = renderTemplate(t.body, vars);
			try {
				await transport.sendMail({
					from: { name: opts.smtp.senderName, address: opts.smtp.adminEmail },
					to,
					subject: renderTemplate(t.subject, vars, false),
					html,
					text: textFromHtml(html)
				});
			} catch (e) {
				opts.log('error', 'auth: sending email failed', {
					kind,
					error: e instanceof Error ? e.message : String(e)
				});
				throw new AuthError(500, 'unexpected_failure', `Error sending ${kindWords[kind]} email`);
			}
		},
		close() {
			limiter.close();
			transport?.close();
		}
	};
}

// GoTrue's wording: "Error sending recovery email", "Error sending magic link email", ...
const kindWords: Record<MailKind, string> = {
	confirmation: 'confirmation',
	invite: 'invite',
	recovery: 'recovery',
	magic_link: 'magic link',
	email_change: 'email change',
	reauthentication: 'reauthentication'
};
