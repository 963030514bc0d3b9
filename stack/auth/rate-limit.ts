// A sliding-window limiter kept in memory: each key holds the times of its recent hits.
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
