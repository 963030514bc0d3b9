// The app bench's memory sampler, in a worker thread: reading /proc/<pid>/smaps_rollup of every
// PostgreSQL backend walks their page tables (shared_buffers mapped in each), which took the
// load generator's event loop away for hundreds of milliseconds every 2 s when done in it, and
// every request it was timing (and the proxy's API calls) waited that long.
import { parentPort, workerData } from 'node:worker_threads';
import { rssMb, treePssMb } from './_procs.ts';

const p = workerData as { app: number; api: number; pg: number };
const peak = { app: 0, api: 0, pg: 0 };
const sample = () => {
	peak.app = Math.max(peak.app, rssMb(p.app));
	peak.api = Math.max(peak.api, rssMb(p.api));
	peak.pg = Math.max(peak.pg, treePssMb(p.pg));
};
sample();
const timer = setInterval(sample, 2000);
parentPort?.on('message', () => {
	clearInterval(timer);
	sample();
	parentPort?.postMessage(peak);
});
