// `npm run worker:media`: deletes queued storage objects and makes image thumbnails.
import { MediaWorker } from './worker.ts';
import { exitOnMissingSetting, setting } from '../production-env.ts';

let settings: { databaseUrl: string; supabaseUrl: string; serviceRoleKey: string };
try {
	settings = {
		databaseUrl: setting(
			'DATABASE_URL',
			'The media worker reads its queue from this database.',
			'postgresql://postgres:postgres@127.0.0.1:54322/postgres'
		),
		supabaseUrl: setting(
			'SUPABASE_URL',
			'The media worker reads and writes Storage objects through this Supabase API.',
			process.env.PUBLIC_SUPABASE_URL ?? 'http://127.0.0.1:54321'
		),
		serviceRoleKey: setting(
			'SUPABASE_SERVICE_ROLE_KEY',
			"The media worker acts on every organization's files with this key.",
			// The Supabase CLI's well-known local service_role key, for the local stack only.
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'
		)
	};
} catch (e) {
	exitOnMissingSetting(e);
}

const worker = new MediaWorker({
	...settings,
	// Images in flight at once (default: the CPU count, 2–8).
	concurrency: Number(process.env.MEDIA_WORKER_CONCURRENCY) || undefined,
	log: (msg, fields) =>
		console.error(JSON.stringify({ t: new Date().toISOString(), msg, ...fields }))
});
worker.start();
const orphans = setInterval(() => void worker.queueOrphans().catch(() => {}), 3600_000);
const report = setInterval(() => {
	console.log(JSON.stringify({ t: new Date().toISOString(), worker: 'media', ...worker.counters }));
}, 60_000);
const stop = () => {
	clearInterval(orphans);
	clearInterval(report);
	void worker.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
