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
	};
	buckets: BucketConfig[];
	storageFileSizeLimit: number;
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
			rateLimitExemptIps: []
		},
		buckets,
		storageFileSizeLimit: parseSize(storage.file_size_limit) ?? 50 * 1024 ** 2
	};
}
