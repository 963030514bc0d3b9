// Waiting for something that must happen, in tests: poll a condition until it holds or a deadline
// passes. Never used to show that something did not happen: for that, wait for a later event
// that must come after it (a marker sent behind it on the same path), then assert.

export interface WaitOptions {
	/** How long to keep trying, in ms (default 10 s). */
	timeout?: number;
	/** Pause between tries, in ms (default 20): a polling interval, not a wait for an outcome. */
	interval?: number;
	/** Said in the timeout error, so a failure names what never happened. */
	what?: string;
}

/**
 * Calls `check` until it returns something truthy and returns that. `options` may be the timeout
 * alone. Throws after the timeout with `what` (or the last error `check` threw).
 */
export async function waitFor<T>(
	check: () => T | Promise<T>,
	options: WaitOptions | number = {}
): Promise<NonNullable<T>> {
	const {
		timeout = 8000,
		interval = 20,
		what
	} = typeof options === 'number' ? { timeout: options } : options;
	const until = Date.now() + timeout;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
		} catch (e) {
			lastError = e;
		}
		if (Date.now() > until) {
			const why = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`timed out after ${timeout} ms waiting for ${what ?? 'a condition'}${why}`);
		}
		await new Promise((r) => setTimeout(r, interval));
	}
}
