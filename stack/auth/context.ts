// What every auth handler needs: the pool, settings from config.toml, the signing key.
import type postgres from 'postgres';
import type { ServiceContext } from '../http.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface AuthSettings {
	issuer: string;
	jwtExpiry: number;
	enableSignup: boolean;
	minimumPasswordLength: number;
	refreshTokenReuseInterval: number;
	siteUrl: string;
	apiUrl: string;
}

export interface AuthContext {
	sql: postgres.Sql;
	settings: AuthSettings;
	secret: Uint8Array;
	signInLimiter: RateLimiter;
	log: ServiceContext['log'];
}
