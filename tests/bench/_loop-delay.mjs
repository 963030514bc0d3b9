// Preloaded into the app server by the app bench (NODE_OPTIONS=--import): on each SIGUSR2 it
// prints its event loop delay since the previous one to stderr, one line, with the garbage
// collector's pauses over the same time (how many, their sum, the longest and its kind), so a
// stall can be told apart from a collection, and starts over.
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
const KINDS = {
	[constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
	[constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
	[constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
	[constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks'
};
let gc = { count: 0, total: 0, longest: 0, kind: '', major: 0 };
new PerformanceObserver((list) => {
	for (const e of list.getEntries()) {
		const detail = /** @type {{ detail?: { kind?: number } }} */ (/** @type {unknown} */ (e))
			.detail;
		const kind = (detail?.kind !== undefined && KINDS[detail.kind]) || 'other';
		gc.count++;
		gc.total += e.duration;
		if (kind === 'major') gc.major++;
		if (e.duration > gc.longest) {
			gc.longest = e.duration;
			gc.kind = kind;
		}
	}
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => {
	/** @param {number} ns */
	const ms = (ns) => (ns / 1e6).toFixed(1);
	const heap = process.memoryUsage();
	process.stderr.write(
		`app server's event loop delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms; ` +
			`GC ${gc.count} pauses (${gc.major} major), ${gc.total.toFixed(0)} ms in all, longest ${gc.longest.toFixed(1)} ms (${gc.kind || 'none'}); ` +
			`heap ${(heap.heapUsed / 2 ** 20).toFixed(0)} of ${(heap.heapTotal / 2 ** 20).toFixed(0)} MB\n`
	);
	h.reset();
	gc = { count: 0, total: 0, longest: 0, kind: '', major: 0 };
});
