// `npm run worker:push [-- run|status|keys]`: runs the push worker alone, prints what it has done
// and has left, or creates the VAPID keys.
import { PushWorker, deliveryStats } from './worker.ts';
import { loadVapidKeys } from './vapid.ts';
import { testHostsFromEnv } from './endpoint-guard.ts';
import { exitOnMissingSetting, isProduction, setting } from '../production-env.ts';

const command = process.argv[2] ?? 'run';
let databaseUrl = '';
try {
	if (command !== 'keys') {
		databaseUrl = setting(
			'DATABASE_URL',
			'The push worker reads the notification outbox from this database.',
			'postgresql://postgres:postgres@127.0.0.1:54322/postgres'
		);
	}
	if (command === 'run' && isProduction()) {
		// Production brings its own keys: generating a pair into .env would give browsers a key no
		// other server instance knows.
		setting('VAPID_PUBLIC_KEY', 'The push worker signs web pushes with this key pair.');
		setting('VAPID_PRIVATE_KEY', 'The push worker signs web pushes with this key pair.');
	}
} catch (e) {
	exitOnMissingSetting(e);
}

if (command === 'keys') {
	const keys = loadVapidKeys('.env', true);
	console.log(`VAPID public key: ${keys.publicKey}`);
} else if (command === 'status') {
	const s = await deliveryStats(databaseUrl);
	console.log(
		[
			`due now      ${s.due}${s.oldest_due_seconds ? ` (oldest waiting ${Math.round(s.oldest_due_seconds)} s)` : ''}`,
			`deferred     ${s.deferred} (quiet hours or backoff)`,
			`sending      ${s.sending}`,
			`retrying     ${s.retrying}`,
			`sent         ${s.sent}`,
			`failed       ${s.failed}`,
			`skipped      ${s.skipped} (preferences, mutes, no subscription)`
		].join('\n')
	);
} else if (command === 'run') {
	const worker = new PushWorker({
		databaseUrl,
		vapid: loadVapidKeys('.env', true),
		// A local push service for manual testing only; refused under NODE_ENV=production.
		testEndpointHosts: testHostsFromEnv(),
		log: (msg, fields) =>
			console.error(JSON.stringify({ t: new Date().toISOString(), msg, ...fields }))
	});
	await worker.start();
	const report = setInterval(() => {
		console.log(
			JSON.stringify({ t: new Date().toISOString(), worker: 'push', ...worker.counters })
		);
	}, 60_000);
	const stop = () => {
		clearInterval(report);
		void worker.stop().then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
} else {
	console.log('usage: npm run worker:push -- run|status|keys');
	process.exitCode = 1;
}
