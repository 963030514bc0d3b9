// The local push service in a process of its own, for the benchmark: a real push service is
// another machine, so its TLS and decryption must not share the worker's event loop.
// Protocol (IPC): {subscribe: n} → {subscriptions}; every received push → {received: outbox_id, at}.
import { PushService } from './push-service.ts';

const service = new PushService();
await service.start();
let seen = 0;
setInterval(() => {
	while (seen < service.received.length) {
		const r = service.received[seen++];
		process.send?.({ received: r.message.outbox_id, at: r.at });
	}
}, 1).unref();
process.on('message', (m: { subscribe?: number; stop?: boolean }) => {
	if (m.subscribe) {
		const subscriptions = Array.from({ length: m.subscribe }, () => service.subscribe());
		process.send?.({ subscriptions, ca: service.certificate });
	}
	if (m.stop) void service.stop().then(() => process.exit(0));
});
process.send?.({ ready: true });
