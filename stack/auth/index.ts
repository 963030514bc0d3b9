// The GoTrue-compatible auth service mounted at /auth/v1.
import postgres from 'postgres';
import type { ServiceFactory } from '../http.ts';
import type { AuthContext } from './context.ts';
import { createBucketLimits } from './rate-limit.ts';
import { route } from './routes.ts';
import { createMailer } from './mailer.ts';

// GoTrue's windows: requests per 5 minutes, emails per hour.
const RATE_WINDOW_MS = 5 * 60 * 1000;
const EMAIL_WINDOW_MS = 60 * 60 * 1000;

/** A whole-number override from the environment, else the configured value. */
function envLimit(name: string, configured: number): number {
	const v = process.env[name];
	const n = v !== undefined && v !== '' ? Number(v) : configured;
	return Number.isFinite(n) ? n : configured;
}

export const createAuthService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('supabase_auth_admin'), {
		max: 10,
		idle_timeout: 60,
		onnotice: () => {},
		connection: { application_name: 'coachline-auth', search_path: 'auth' }
	});
	const cfg = ctx.config.auth;
	const rl = cfg.rateLimits;
	// COACHLINE_AUTH_RATE_LIMIT overrides [auth.rate_limit] sign_in_sign_ups (0 turns it off);
	// COACHLINE_AUTH_RATE_LIMIT_EXEMPT_IPS (comma-separated) adds addresses that skip the
	// per-IP buckets, for local tooling that signs many people in from one address.
	const exempt = (process.env.COACHLINE_AUTH_RATE_LIMIT_EXEMPT_IPS ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const auth: AuthContext = {
		sql,
		secret: new TextEncoder().encode(ctx.jwtSecret),
		limits: createBucketLimits({
			sign_in_sign_ups: {
				limit: envLimit('COACHLINE_AUTH_RATE_LIMIT', rl.signInSignUps),
				windowMs: RATE_WINDOW_MS
			},
			token_refresh: { limit: rl.tokenRefresh, windowMs: RATE_WINDOW_MS },
			token_verifications: { limit: rl.tokenVerifications, windowMs: RATE_WINDOW_MS },
			email_sent: { limit: rl.emailSent, windowMs: EMAIL_WINDOW_MS }
		}),
		rateLimitExemptIps: new Set([...cfg.rateLimitExemptIps, ...exempt]),
		rateLimitOffIps: new Set(cfg.rateLimitOffIps),
		// [auth.email.smtp] when config.toml names a server, else the stack's local catcher.
		mailer: createMailer({
			smtp:
				cfg.smtp ??
				(ctx.mailSmtp
					? { ...ctx.mailSmtp, adminEmail: 'admin@email.com', senderName: 'Admin' }
					: null),
			templates: cfg.templates,
			perHour: rl.emailSent,
			log: ctx.log
		}),
		log: ctx.log,
		settings: {
			issuer: `${ctx.apiUrl}/auth/v1`,
			apiUrl: ctx.apiUrl,
			jwtExpiry: cfg.jwtExpiry,
			enableSignup: cfg.enableSignup,
			minimumPasswordLength: cfg.minimumPasswordLength,
			refreshTokenReuseInterval: cfg.refreshTokenReuseInterval,
			siteUrl: cfg.siteUrl,
			additionalRedirectUrls: cfg.additionalRedirectUrls,
			enableConfirmations: cfg.enableConfirmations,
			doubleConfirmChanges: cfg.doubleConfirmChanges,
			securePasswordChange: cfg.securePasswordChange,
			enableAnonymousSignIns: cfg.enableAnonymousSignIns,
			maxFrequency: cfg.maxFrequency,
			otpLength: cfg.otpLength,
			otpExpiry: cfg.otpExpiry,
			mfa: cfg.mfa
		}
	};
	return {
		name: 'auth',
		handle: (req, res) => route(auth, req, res),
		async close() {
			auth.limits.close();
			auth.mailer.close();
			await sql.end({ timeout: 5 });
		}
	};
};
