// A sliding-window limiter kept in memory: each key holds the times of its recent hits.
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { AuthError } from './errors.ts';

export interface RateLimiter {
	/** Records a hit; false when the key is over its limit (the hit is then not counted). */
	hit(key: string, now?: number): boolean;
	/** Seconds until the key may try again. */
	retryAfter(key: string, now?: number): number;
	close(): void;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
	const hits = new Map<string, number[]>();
	const recent = (key: string, now: number): number[] => {
		const list = hits.get(key);
		if (!list) return [];
		let i = 0;
		while (i < list.length && list[i] <= now - windowMs) i += 1;
		if (i > 0) list.splice(0, i);
		if (list.length === 0) hits.delete(key);
		return list;
	};
	// Forget idle keys so a stream of distinct emails cannot grow the map without bound.
	const sweep = setInterval(() => {
		const now = Date.now();
		for (const key of [...hits.keys()]) recent(key, now);
	}, 60_000);
	sweep.unref();
	return {
		hit(key, now = Date.now()) {
			if (limit <= 0) return true;
			const list = recent(key, now);
			if (list.length >= limit) return false;
			list.push(now);
			hits.set(key, list);
			return true;
		},
		retryAfter(key, now = Date.now()) {
			const list = recent(key, now);
			if (list.length < limit) return 0;
			return Math.max(1, Math.ceil((list[0] + windowMs - now) / 1000));
		},
		close() {
			clearInterval(sweep);
			hits.clear();
		}
	};
}

/** One named bucket's rule: at most `limit` hits per `windowMs` per key (0 turns it off). */
export interface BucketRule {
	limit: number;
	windowMs: number;
}

/**
 * Named buckets, each its own sliding-window limiter, as GoTrue keeps them: `sign_in_sign_ups`,
 * `token_refresh`, `token_verifications`, `email_sent` (any other name works the same way). A
 * request names the bucket and the keys it counts against (the client's address, and for a
 * password grant also address + email); it passes only if every key is under the limit, and only
 * then is it counted on all of them, so a refused attempt never extends a block.
 */
export interface BucketLimits {
	/** 0 when allowed (and counted), else the seconds until the fullest key frees up. */
	take(bucket: string, keys: readonly string[], now?: number): number;
	close(): void;
}

export function createBucketLimits(rules: Record<string, BucketRule>): BucketLimits {
	const limiters = new Map<string, RateLimiter>();
	for (const [name, rule] of Object.entries(rules)) {
		limiters.set(name, createRateLimiter(rule.limit, rule.windowMs));
	}
	return {
		take(bucket, keys, now = Date.now()) {
			const limiter = limiters.get(bucket);
			if (!limiter) throw new Error(`unknown rate-limit bucket ${bucket}`);
			const wait = Math.max(0, ...keys.map((k) => limiter.retryAfter(k, now)));
			if (wait > 0) return wait;
			for (const k of keys) limiter.hit(k, now);
			return 0;
		},
		close() {
			for (const l of limiters.values()) l.close();
		}
	};
}

/**
 * Counts one request against a rate-limit bucket, per client address and (when given) per
 * address + email, as GoTrue does; over the limit it answers 429 over_request_rate_limit with
 * Retry-After (RFC 9110 §10.2.3: whole seconds until the oldest hit leaves the window).
 * Every route that spends a bucket (sign-ins, refreshes, verifications, emails
 * sent) goes through this one place.
 */
export function enforceRateLimit(
	ctx: AuthContext,
	req: GatewayRequest,
	bucket: string,
	email: string | null = null
): void {
	const ip = req.socket.remoteAddress ?? '?';
	if (ctx.rateLimitOffIps.has(ip)) return;
	const keys: string[] = [];
	if (!ctx.rateLimitExemptIps.has(ip)) keys.push(ip);
	if (email !== null) keys.push(`${ip}|${email}`);
	if (keys.length === 0) return;
	const wait = ctx.limits.take(bucket, keys);
	if (wait > 0) {
		throw new AuthError(
			429,
			'over_request_rate_limit',
			'Request rate limit reached',
			{},
			{ 'retry-after': String(wait) }
		);
	}
}
