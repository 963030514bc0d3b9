// The GoTrue-compatible auth service mounted at /auth/v1.
import postgres from 'postgres';
import type { ServiceFactory } from '../http.ts';
import type { AuthContext } from './context.ts';
import { createRateLimiter } from './rate-limit.ts';
import { route } from './routes.ts';
import { createMailer } from './mailer.ts';

const RATE_WINDOW_MS = 5 * 60 * 1000;

export const createAuthService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('supabase_auth_admin'), {
		max: 10,
		idle_timeout: 60,
		onnotice: () => {},
		connection: { application_name: 'coachline-auth', search_path: 'auth' }
	});
	const cfg = ctx.config.auth;
	// COACHLINE_AUTH_RATE_LIMIT overrides [auth.rate_limit] sign_in_sign_ups (0 turns it off).
	const override = process.env.COACHLINE_AUTH_RATE_LIMIT;
	const limit = override !== undefined && override !== '' ? Number(override) : cfg.signInRateLimit;
	const auth: AuthContext = {
		sql,
		secret: new TextEncoder().encode(ctx.jwtSecret),
		signInLimiter: createRateLimiter(
			Number.isFinite(limit) ? limit : cfg.signInRateLimit,
			RATE_WINDOW_MS
		),
		// [auth.email.smtp] when config.toml names a server, else the stack's local catcher.
		mailer: createMailer({
			smtp:
				cfg.smtp ??
				(ctx.mailSmtp
					? { ...ctx.mailSmtp, adminEmail: 'admin@email.com', senderName: 'Admin' }
					: null),
			templates: cfg.templates,
			perHour: cfg.emailSentRateLimit,
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
			auth.signInLimiter.close();
			auth.mailer.close();
			await sql.end({ timeout: 5 });
		}
	};
};
