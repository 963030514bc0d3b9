// Preloaded into the app server by the app bench (NODE_OPTIONS=--import): on each SIGUSR2 it
// prints its event loop delay since the previous one to stderr, one line, and starts over.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
	/** @param {number} ns */
	const ms = (ns) => (ns / 1e6).toFixed(1);
	process.stderr.write(
		`app server's event loop delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms\n`
	);
	h.reset();
});
