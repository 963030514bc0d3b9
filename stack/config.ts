// The stack reads supabase/config.toml, the same file the official CLI reads, so both backends
// share auth settings, API limits and bucket declarations.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { repoRoot } from './paths.ts';

export interface BucketConfig {
	id: string;
	public: boolean;
	fileSizeLimit: number | null;
	allowedMimeTypes: string[] | null;
}

export interface SmtpConfig {
	host: string;
	port: number;
	user: string;
	pass: string;
	adminEmail: string;
	senderName: string;
}

export interface ProjectConfig {
	projectId: string;
	apiPort: number;
	dbPort: number;
	schemas: string[];
	extraSearchPath: string[];
	maxRows: number;
	auth: {
		siteUrl: string;
		jwtExpiry: number;
		enableSignup: boolean;
		minimumPasswordLength: number;
		refreshTokenReuseInterval: number;
		signInRateLimit: number;
		/** [auth.rate_limit]: requests per 5 minutes per IP, emails per hour. */
		rateLimits: {
			signInSignUps: number;
			tokenRefresh: number;
			tokenVerifications: number;
			emailSent: number;
		};
		/**
		 * Client addresses whose requests skip the per-IP buckets (never the per-IP+email one).
		 * Empty unless a test stack sets it: every test process talks from 127.0.0.1.
		 */
		rateLimitExemptIps: string[];
		/**
		 * Client addresses no auth bucket counts at all. Empty unless a test stack sets it: the
		 * suites sign the same demo accounts in from 127.0.0.1 hundreds of times in five minutes.
		 */
		rateLimitOffIps: string[];
		additionalRedirectUrls: string[];
		enableConfirmations: boolean;
		/** [auth.email] double_confirm_changes: a new email is confirmed from both addresses. */
		doubleConfirmChanges: boolean;
		/** [auth.email] secure_password_change: a password change needs a fresh reauthentication. */
		securePasswordChange: boolean;
		enableAnonymousSignIns: boolean;
		/** Seconds that must pass between two emails to one address ([auth.email] max_frequency). */
		maxFrequency: number;
		otpLength: number;
		otpExpiry: number;
		/** [auth.email.smtp] when enabled: a real SMTP server (production-like). */
		smtp: SmtpConfig | null;
		/** [auth.email.template.<kind>] subject / content_path (resolved against supabase/). */
		templates: Record<string, { subject: string | null; contentPath: string | null }>;
		mfa: { maxEnrolledFactors: number; totpEnroll: boolean; totpVerify: boolean };
	};
	/** [local_smtp] (formerly [inbucket]): the local mail catcher's web port and SMTP port. */
	localSmtp: { enabled: boolean; port: number; smtpPort: number };
	buckets: BucketConfig[];
	storageFileSizeLimit: number;
	/**
	 * [storage.image_transformation] enabled (the CLI's default is on): whether /render/image/…
	 * exists and createSignedUrl honours `transform`.
	 */
	storageImageTransformation: boolean;
}

/** "50MiB", "10MB", "1024" → bytes. */
export function parseSize(v: unknown): number | null {
	if (v === undefined || v === null || v === '') return null;
	if (typeof v === 'number') return v;
	const m = String(v)
		.trim()
		.match(/^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/i);
	if (!m) throw new Error(`config.toml: cannot read size ${JSON.stringify(v)}`);
	const unit = (m[2] ?? 'B').toUpperCase();
	const mult: Record<string, number> = {
		B: 1,
		KB: 1e3,
		MB: 1e6,
		GB: 1e9,
		KIB: 1024,
		MIB: 1024 ** 2,
		GIB: 1024 ** 3
	};
	return Math.round(Number(m[1]) * (mult[unit] ?? 1));
}

/** "1s", "1m30s", "60" → seconds (Go durations as the CLI writes max_frequency). */
export function parseSeconds(v: unknown): number {
	if (typeof v === 'number') return v;
	const text = String(v).trim();
	if (/^\d+$/.test(text)) return Number(text);
	let total = 0;
	const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
	let m: RegExpExecArray | null;
	let seen = '';
	while ((m = re.exec(text))) {
		seen += m[0];
		const n = Number(m[1]);
		total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
	}
	if (seen !== text) throw new Error(`config.toml: cannot read duration ${JSON.stringify(v)}`);
	return total;
}

/** The CLI lets secrets be written as env(NAME); they are read from the environment. */
function envValue(v: unknown): string {
	const text = typeof v === 'string' ? v : '';
	const m = text.match(/^env\((\w+)\)$/);
	return m ? (process.env[m[1]] ?? '') : text;
}

type Toml = Record<string, unknown>;
const obj = (v: unknown): Toml => (v && typeof v === 'object' ? (v as Toml) : {});

export function loadProjectConfig(
	file = path.join(repoRoot, 'supabase', 'config.toml')
): ProjectConfig {
	const t = parse(readFileSync(file, 'utf8')) as Toml;
	const api = obj(t.api);
	const db = obj(t.db);
	const auth = obj(t.auth);
	const email = obj(auth.email);
	const rate = obj(auth.rate_limit);
	const storage = obj(t.storage);
	const smtp = obj(email.smtp);
	const local = Object.keys(obj(t.local_smtp)).length ? obj(t.local_smtp) : obj(t.inbucket);
	const mfa = obj(auth.mfa);
	const totp = obj(mfa.totp);
	const supabaseDir = path.dirname(file);
	const templates = Object.fromEntries(
		Object.entries(obj(email.template)).map(([kind, v]) => {
			const tv = obj(v);
			const content = typeof tv.content_path === 'string' ? tv.content_path : null;
			return [
				kind,
				{
					subject: typeof tv.subject === 'string' ? tv.subject : null,
					// The CLI resolves content_path from the project root (the folder holding supabase/).
					contentPath: content ? path.resolve(path.dirname(supabaseDir), content) : null
				}
			];
		})
	);
	const buckets = Object.entries(obj(storage.buckets)).map(([id, b]) => {
		const bo = obj(b);
		return {
			id,
			public: Boolean(bo.public),
			fileSizeLimit: parseSize(bo.file_size_limit),
			allowedMimeTypes: Array.isArray(bo.allowed_mime_types)
				? (bo.allowed_mime_types as string[])
				: null
		};
	});
	return {
		projectId: String(t.project_id ?? 'coachline'),
		apiPort: Number(api.port ?? 54321),
		dbPort: Number(db.port ?? 54322),
		schemas: (api.schemas as string[]) ?? ['public', 'graphql_public'],
		extraSearchPath: (api.extra_search_path as string[]) ?? ['public', 'extensions'],
		maxRows: Number(api.max_rows ?? 1000),
		auth: {
			siteUrl: String(auth.site_url ?? 'http://127.0.0.1:3000'),
			jwtExpiry: Number(auth.jwt_expiry ?? 3600),
			enableSignup: auth.enable_signup !== false && email.enabled !== false,
			minimumPasswordLength: Number(auth.minimum_password_length ?? 6),
			refreshTokenReuseInterval: Number(auth.refresh_token_reuse_interval ?? 10),
			signInRateLimit: Number(rate.sign_in_sign_ups ?? 30),
			rateLimits: {
				signInSignUps: Number(rate.sign_in_sign_ups ?? 30),
				tokenRefresh: Number(rate.token_refresh ?? 150),
				tokenVerifications: Number(rate.token_verifications ?? 30),
				emailSent: Number(rate.email_sent ?? 2)
			},
			rateLimitExemptIps: [],
			rateLimitOffIps: [],
			additionalRedirectUrls: Array.isArray(auth.additional_redirect_urls)
				? (auth.additional_redirect_urls as string[])
				: [],
			enableConfirmations: email.enable_confirmations === true,
			doubleConfirmChanges: email.double_confirm_changes !== false,
			securePasswordChange: email.secure_password_change === true,
			enableAnonymousSignIns: auth.enable_anonymous_sign_ins === true,
			maxFrequency: parseSeconds(email.max_frequency ?? '1m'),
			otpLength: Number(email.otp_length ?? 6),
			otpExpiry: Number(email.otp_expiry ?? 3600),
			smtp:
				smtp.enabled === true || (smtp.enabled === undefined && typeof smtp.host === 'string')
					? {
							host: String(smtp.host ?? ''),
							port: Number(smtp.port ?? 587),
							user: envValue(smtp.user),
							pass: envValue(smtp.pass),
							adminEmail: String(smtp.admin_email ?? 'admin@email.com'),
							senderName: String(smtp.sender_name ?? '')
						}
					: null,
			templates,
			mfa: {
				maxEnrolledFactors: Number(mfa.max_enrolled_factors ?? 10),
				totpEnroll: totp.enroll_enabled !== false,
				totpVerify: totp.verify_enabled !== false
			}
		},
		localSmtp: {
			enabled: local.enabled !== false,
			port: Number(local.port ?? 54324),
			smtpPort: Number(local.smtp_port ?? 54325)
		},
		buckets,
		storageFileSizeLimit: parseSize(storage.file_size_limit) ?? 50 * 1024 ** 2,
		storageImageTransformation: obj(storage.image_transformation).enabled !== false
	};
}
