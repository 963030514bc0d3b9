// The push worker against a local push service that decrypts what it receives: delivery, dead
// subscriptions, retries, concurrency between workers, a worker dying mid-batch, quiet hours.
import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PushWorker } from '../../src/lib/server/push/worker.ts';
import { PushService, type Subscription } from '../support/push-service.ts';
import { adminSql, dbUrl } from '../support/stack.ts';

const sql = adminSql();
const service = new PushService();
const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@coachline.local' };
const workers: PushWorker[] = [];

function worker(extra: Partial<ConstructorParameters<typeof PushWorker>[0]> = {}): PushWorker {
	const w = new PushWorker({
		databaseUrl: dbUrl(),
		vapid,
		agent: service.agent,
		// The local push service lives on 127.0.0.1: allowed only because it is listed here.
		testEndpointHosts: ['127.0.0.1'],
		sweepMs: 200,
		...extra
	});
	workers.push(w);
	return w;
}

async function person(): Promise<string> {
	const id = randomUUID();
	await sql`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
	            raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
	          values ('00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated',
	            ${`push.${id}@test.coachline.dev`}, '', now(), '{"provider":"email","providers":["email"]}',
	            ${sql.json({ display_name: 'Push Tester' })}, now(), now())`;
	return id;
}

async function addSubscription(userId: string, sub: Subscription): Promise<void> {
	await sql`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
	          values (${userId}, ${sub.endpoint}, ${sub.p256dh}, ${sub.auth})`;
}

async function enqueue(
	userId: string,
	payload: Record<string, unknown>,
	collapse: string | null = null
) {
	const [r] = await sql<[{ id: string }]>`
		select private.enqueue_notification(${userId}, 'newMessage', ${sql.json(payload as never)}, ${collapse}) as id`;
	return r.id;
}

async function outbox(id: string) {
	const [r] =
		await sql`select status, attempts, last_error, not_before from public.notification_outbox where id = ${id}`;
	return r;
}

/** The raw error the worker kept for operators (never readable by the recipient). */
async function rawError(id: string): Promise<string | null> {
	const [r] =
		await sql`select detail from private.notification_delivery_errors where notification_id = ${id}`;
	return r ? String(r.detail) : null;
}

beforeAll(async () => {
	await service.start();
	// The explicit non-production configuration that lets the database accept the local service.
	await sql`insert into private.push_test_endpoint_hosts (host) values ('127.0.0.1') on conflict do nothing`;
});
afterEach(async () => {
	for (const w of workers.splice(0)) await w.stop();
});
afterAll(async () => {
	await service.stop();
	await sql.end();
});

describe('push delivery', () => {
	it('delivers an encrypted message the device can read, with TTL, urgency and topic', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const id = await enqueue(
			user,
			{ title: 'Alex', preview: 'Nice squat depth today', url: '/messages/abc' },
			'dm:x:y'
		);
		const before = service.received.length;
		await worker().drain();
		await service.waitFor(before + 1);
		const got = service.received.find((r) => r.subscriptionId === sub.id)!;
		expect(got.message).toMatchObject({
			title: 'Alex',
			body: 'Nice squat depth today',
			url: '/messages/abc',
			tag: 'dm:x:y',
			category: 'newMessage',
			outbox_id: id
		});
		expect(got.headers['ttl']).toBe(String(24 * 3600));
		expect(got.headers['urgency']).toBe('high');
		expect(got.headers['topic']).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
		expect(got.headers['content-encoding']).toBe('aes128gcm');
		expect(String(got.headers['authorization'])).toMatch(/^vapid t=.+, k=.+/);
		expect((await outbox(id)).status).toBe('sent');
	});

	it('keeps a long message under the 4,096-byte limit', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const id = await enqueue(user, { title: 'Long', preview: 'x'.repeat(5000) });
		await worker().drain();
		expect((await outbox(id)).status).toBe('sent');
		const got = service.received.find((r) => r.subscriptionId === sub.id)!;
		expect(String(got.message.body).length).toBeLessThan(4000);
		expect(String(got.message.body).endsWith('…')).toBe(true);
	});

	it('removes a subscription the push service says is gone (410)', async () => {
		const user = await person();
		const gone = service.subscribe([{ status: 410 }]);
		await addSubscription(user, gone);
		const id = await enqueue(user, { preview: 'hello' });
		await worker().drain();
		const rows =
			await sql`select 1 from public.push_subscriptions where endpoint = ${gone.endpoint}`;
		expect(rows.length, 'the dead subscription is deleted').toBe(0);
		const r = await outbox(id);
		expect(r.status).toBe('skipped');
		expect(r.last_error).toBe('gone');
	});

	it('retries after 429 (honouring Retry-After) and after 500, then delivers', async () => {
		const user = await person();
		const busy = service.subscribe([
			{ status: 429, headers: { 'retry-after': '1' } },
			{ status: 201 }
		]);
		const broken = service.subscribe([{ status: 500 }, { status: 201 }]);
		await addSubscription(user, busy);
		const u2 = await person();
		await addSubscription(u2, broken);
		const a = await enqueue(user, { preview: 'one' });
		const b = await enqueue(u2, { preview: 'two' });
		const w = worker();
		await w.drain();
		const ra = await outbox(a);
		expect(ra.status).toBe('pending');
		expect(ra.last_error).toBe('retrying');
		expect(await rawError(a)).toMatch(/429/);
		expect(new Date(ra.not_before).getTime()).toBeGreaterThan(Date.now() + 200);
		expect((await outbox(b)).last_error).toBe('retrying');
		expect(await rawError(b)).toMatch(/500/);
		// Let the backoff pass instead of waiting for it.
		await sql`update public.notification_outbox set not_before = now() where id in (${a}, ${b})`;
		await w.drain();
		expect((await outbox(a)).status).toBe('sent');
		expect((await outbox(b)).status).toBe('sent');
		expect(service.hitsFor(busy.id)).toBe(2);
		expect(service.hitsFor(broken.id)).toBe(2);
	});

	it('gives up after the attempt limit and marks the row failed', async () => {
		const user = await person();
		const down = service.subscribe([{ status: 503 }]);
		await addSubscription(user, down);
		const id = await enqueue(user, { preview: 'never' });
		const w = worker({ maxAttempts: 3 });
		for (let i = 0; i < 3; i++) {
			await w.drain();
			await sql`update public.notification_outbox set not_before = now() where id = ${id}`;
		}
		const r = await outbox(id);
		expect(r.status).toBe('failed');
		expect(r.attempts).toBe(3);
		expect(r.last_error).toBe('unreachable');
	});

	it("tells a refused message apart as rejected, keeping the push service's words private", async () => {
		const user = await person();
		const picky = service.subscribe([{ status: 400 }]);
		await addSubscription(user, picky);
		const id = await enqueue(user, { preview: 'bad' });
		await worker().drain();
		const r = await outbox(id);
		expect(r.status).toBe('failed');
		expect(r.last_error).toBe('rejected');
		expect(await rawError(id)).toMatch(/answered 400/);
	});

	it('never sends one row twice when two workers drain together', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const ids: string[] = [];
		for (let i = 0; i < 150; i++) ids.push(await enqueue(user, { preview: `n${i}` }));
		const before = service.received.length;
		await Promise.all([worker({ batchSize: 10 }).drain(), worker({ batchSize: 10 }).drain()]);
		const got = service.received.slice(before).map((r) => r.message.outbox_id);
		expect(new Set(got).size).toBe(150);
		expect(got.length, 'each row exactly once').toBe(150);
	});

	it('loses nothing when a worker dies after claiming a batch', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await enqueue(user, { preview: `m${i}` }));
		// A worker claims the batch and dies before sending or recording anything.
		const claimed =
			await sql`select id from private.service_role_claim_notifications(100, interval '1 second')`;
		expect(claimed.map((r) => r.id)).toEqual(expect.arrayContaining(ids));
		const w = worker({ leaseSeconds: 1 });
		expect(await w.drain(), 'nothing is claimable while the lease holds').toBe(0);
		// The lease runs out: the claim is dated back past it rather than waited out.
		await sql`update public.notification_outbox set locked_at = locked_at - interval '2 seconds'
		          where id in ${sql(ids)}`;
		await w.drain();
		for (const id of ids) expect((await outbox(id)).status).toBe('sent');
	});

	it('holds a notification during quiet hours and sends it when they end', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		await sql`insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end, time_zone)
		          values (${user}, (now() at time zone 'UTC' - interval '1 hour')::time,
		                  (now() at time zone 'UTC' + interval '1 hour')::time, 'UTC')`;
		const id = await enqueue(user, { preview: 'after hours' });
		expect(new Date((await outbox(id)).not_before).getTime()).toBeGreaterThan(
			Date.now() + 30 * 60_000
		);
		const w = worker();
		await w.drain();
		expect((await outbox(id)).status, 'held during quiet hours').toBe('pending');
		expect(service.hitsFor(sub.id)).toBe(0);
		await sql`update public.notification_outbox set not_before = now() where id = ${id}`;
		await w.drain();
		expect((await outbox(id)).status).toBe('sent');
	});

	it('wakes on NOTIFY without waiting for the sweep', async () => {
		const user = await person();
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const w = worker({ sweepMs: 60_000 });
		await w.start();
		const before = service.received.length;
		const t0 = Date.now();
		await enqueue(user, { preview: 'live' });
		await service.waitFor(before + 1, 5000);
		expect(Date.now() - t0).toBeLessThan(5000);
	});
});

describe('push endpoint rules', () => {
	async function subscribeAs(userId: string, endpoint: string) {
		return sql.begin(async (tx) => {
			await tx`select set_config('role', 'authenticated', true),
			                set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`;
			await tx`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
			         values (${userId}, ${endpoint}, 'key', 'secret')`;
		});
	}

	it('accepts browser push services and refuses every other endpoint with a clear error', async () => {
		const user = await person();
		for (const endpoint of [
			'https://fcm.googleapis.com/fcm/send/abc:def',
			'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
			'https://web.push.apple.com/QGt1',
			'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA'
		]) {
			await expect(subscribeAs(user, `${endpoint}${user}`), endpoint).resolves.toBeUndefined();
		}
		for (const endpoint of [
			'https://10.0.0.5/push/x',
			'https://169.254.169.254/latest/meta-data/',
			'https://localhost:8443/push/x',
			'https://[::1]/push/x',
			'https://fcm.googleapis.com.attacker.example/fcm/send/abc',
			'https://user:pw@fcm.googleapis.com/fcm/send/abc',
			'https://internal.example.com/push/x'
		]) {
			await expect(subscribeAs(user, endpoint), endpoint).rejects.toMatchObject({
				code: 'PT422',
				hint: 'push_endpoint_not_allowed',
				message:
					'That push endpoint is not a browser push service: subscribe again from the browser.'
			});
		}
		// Plain http is the table's own check (23514), before the push-service rule.
		await expect(subscribeAs(user, 'http://fcm.googleapis.com/fcm/send/abc')).rejects.toMatchObject(
			{
				code: '23514'
			}
		);
		// Nothing is ever sent to them: never leave real push services' addresses behind.
		await sql`delete from public.push_subscriptions where user_id = ${user}`;
	});

	it('refuses at send time to connect to a private address, and says only "unreachable"', async () => {
		const user = await person();
		// Listed for the database (as the other tests need), but this worker has no test hosts:
		// it must resolve 127.0.0.1 as loopback and never open a connection.
		const sub = service.subscribe();
		await addSubscription(user, sub);
		const id = await enqueue(user, { preview: 'scan' });
		await worker({ testEndpointHosts: [] }).drain();
		expect(service.hitsFor(sub.id)).toBe(0);
		const r = await outbox(id);
		expect(r.status).toBe('failed');
		expect(r.last_error).toBe('unreachable');
		expect(await rawError(id)).toMatch(/127\.0\.0\.1 is not a public address/);

		// A name is resolved first: localhost is loopback too.
		await sql`insert into private.push_test_endpoint_hosts (host) values ('localhost') on conflict do nothing`;
		const named = { ...service.subscribe(), endpoint: '' };
		named.endpoint = `https://localhost:${new URL(sub.endpoint).port}/push/${named.id}`;
		const other = await person();
		await addSubscription(other, named);
		const id2 = await enqueue(other, { preview: 'scan by name' });
		await worker({ testEndpointHosts: [] }).drain();
		expect(service.hitsFor(named.id)).toBe(0);
		expect((await outbox(id2)).last_error).toBe('unreachable');
		expect(await rawError(id2)).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
		await sql`delete from private.push_test_endpoint_hosts where host = 'localhost'`;
	});

	it('lets the recipient read the category but never the raw error', async () => {
		const user = await person();
		const picky = service.subscribe([{ status: 403 }]);
		await addSubscription(user, picky);
		const id = await enqueue(user, { preview: 'x' });
		await worker().drain();
		const asUser = <T>(query: string) =>
			sql.begin(async (tx) => {
				await tx`select set_config('role', 'authenticated', true),
				                set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: 'authenticated' })}, true)`;
				return (await tx.unsafe(query, [id])) as unknown as T;
			});
		expect(await asUser('select last_error from public.notification_outbox where id = $1')).toEqual(
			[{ last_error: 'rejected' }]
		);
		expect(await rawError(id)).toMatch(/answered 403/);
		await expect(
			asUser('select detail from private.notification_delivery_errors where notification_id = $1')
		).rejects.toMatchObject({ code: '42501' });
	});
});
