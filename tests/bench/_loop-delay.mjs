// Preloaded by the app bench (--import) into the app server and into the API process (gateway,
// auth, REST, storage and realtime in one event loop): on each SIGUSR2 it prints its event loop
// delay since the previous one to stderr, one line, with the garbage collector's pauses over the
// same time (how many, their sum, the longest and its kind), so a stall can be told apart from a
// collection, and the longest delay of each 5 s, to set beside the bench's own timeline of slow
// page requests; then starts over. COACHLINE_LOOP_LABEL names the process.
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const label = process.env.COACHLINE_LOOP_LABEL || "app server's";
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
// The longest delay of each 5 s since the last SIGUSR2 (a second histogram, reset every 5 s).
const window = monitorEventLoopDelay({ resolution: 10 });
window.enable();
/** @type {number[]} */
let windows = [];
setInterval(() => {
	windows.push(window.max / 1e6);
	window.reset();
}, 5000).unref();
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
		`${label} event loop delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms; ` +
			`GC ${gc.count} pauses (${gc.major} major), ${gc.total.toFixed(0)} ms in all, longest ${gc.longest.toFixed(1)} ms (${gc.kind || 'none'}); ` +
			`heap ${(heap.heapUsed / 2 ** 20).toFixed(0)} of ${(heap.heapTotal / 2 ** 20).toFixed(0)} MB\n` +
			`  its longest delay per 5 s (ms): ${windows.map((w) => w.toFixed(0)).join(' ')}\n`
	);
	h.reset();
	window.reset();
	windows = [];
	gc = { count: 0, total: 0, longest: 0, kind: '', major: 0 };
});
