// What every auth handler needs: the pool, settings from config.toml, the signing key.
import type postgres from 'postgres';
import type { ServiceContext } from '../http.ts';
import type { BucketLimits } from './rate-limit.ts';
import type { Mailer } from './mailer.ts';

export interface AuthSettings {
	issuer: string;
	jwtExpiry: number;
	enableSignup: boolean;
	minimumPasswordLength: number;
	refreshTokenReuseInterval: number;
	siteUrl: string;
	apiUrl: string;
	/** Where links in mail may lead besides site_url (exact URLs or globs with * and **). */
	additionalRedirectUrls: string[];
	enableConfirmations: boolean;
	doubleConfirmChanges: boolean;
	securePasswordChange: boolean;
	enableAnonymousSignIns: boolean;
	maxFrequency: number;
	otpLength: number;
	otpExpiry: number;
	mfa: { maxEnrolledFactors: number; totpEnroll: boolean; totpVerify: boolean };
}

export interface AuthContext {
	sql: postgres.Sql;
	settings: AuthSettings;
	secret: Uint8Array;
	/** GoTrue's rate-limit buckets by name; see enforceRateLimit in public-routes.ts. */
	limits: BucketLimits;
	/** Addresses that skip the per-IP buckets; the per-IP+email one still counts them. */
	rateLimitExemptIps: Set<string>;
	/** Addresses no bucket counts (test stacks only). */
	rateLimitOffIps: Set<string>;
	mailer: Mailer;
	log: ServiceContext['log'];
}
