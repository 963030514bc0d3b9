// The push worker drains notification_outbox into the browsers' push services. It wakes on
// LISTEN notification_outbox and on a periodic sweep (for rows deferred by quiet hours or
// backoff, and for a missed notify), claims batches with FOR UPDATE SKIP LOCKED under a lease,
// and records each outcome in the database. Any number of workers can run together.
//
// Delivery is at least once: a worker killed after sending but before recording re-sends that
// row once its lease runs out. Such a duplicate collapses on the device, because both carry the
// same notification tag, and at the push service, because both carry the same Topic.
import type https from 'node:https';
import postgres from 'postgres';
import webpush, { WebPushError } from 'web-push';
import { buildMessage, deliveryOptions, encodeMessage, type OutboxRow } from './payload.ts';
import type { VapidKeys } from './vapid.ts';
import { checkEndpoint, EndpointRefused, guardedAgent } from './endpoint-guard.ts';

export interface PushWorkerOptions {
	databaseUrl: string;
	vapid: VapidKeys;
	batchSize?: number;
	/** Pushes in flight at once. */
	concurrency?: number;
	sweepMs?: number;
	leaseSeconds?: number;
	maxAttempts?: number;
	/** For tests: an agent trusting a local push service's certificate. */
	agent?: https.Agent;
	/**
	 * Hosts of local test push services, which resolve to loopback or private addresses and are
	 * refused otherwise. Tests only: the CLI refuses to set any under NODE_ENV=production.
	 */
	testEndpointHosts?: string[];
	timeoutMs?: number;
	log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface WorkerCounters {
	sent: number;
	retried: number;
	failed: number;
	gone: number;
	batches: number;
}

/** What the recipient may read of a failure (notification_outbox.last_error); never the raw error. */
export type FailureCategory = 'gone' | 'rejected' | 'unreachable';

interface RowOutcome {
	outcome: 'sent' | 'no_subscription' | 'retry' | 'failed';
	/** Raw detail, kept where only operators read it. */
	error?: string;
	category?: FailureCategory;
	retryAt?: Date | null;
}

type SendOutcome =
	| { kind: 'ok' }
	| { kind: 'gone' }
	| { kind: 'retry'; error: string; category: FailureCategory; retryAt?: Date }
	| { kind: 'fail'; error: string; category: FailureCategory };

export class PushWorker {
	readonly counters: WorkerCounters = { sent: 0, retried: 0, failed: 0, gone: 0, batches: 0 };
	private readonly sql: postgres.Sql;
	private readonly opts: Required<Omit<PushWorkerOptions, 'agent' | 'log' | 'testEndpointHosts'>> &
		Pick<PushWorkerOptions, 'agent' | 'log'>;
	private readonly testHosts: ReadonlySet<string>;
	private readonly agent: https.Agent;
	private timer: NodeJS.Timeout | null = null;
	private draining: Promise<void> | null = null;
	private again = false;
	private stopped = false;
	private listener: { unlisten: () => Promise<void> } | null = null;
	private readonly vapidCache = new Map<string, { exp: number; headers: Record<string, string> }>();

	constructor(options: PushWorkerOptions) {
		this.opts = {
			batchSize: 50,
			concurrency: 32,
			sweepMs: 5000,
			leaseSeconds: 120,
			maxAttempts: 8,
			timeoutMs: 10_000,
			...options
		};
		this.testHosts = new Set((options.testEndpointHosts ?? []).map((h) => h.toLowerCase()));
		this.agent = options.agent ?? guardedAgent();
		this.sql = postgres(options.databaseUrl, { max: 4, onnotice: () => {} });
	}

	async start(): Promise<void> {
		this.listener = await this.sql.listen('notification_outbox', () => this.wake());
		this.timer = setInterval(() => this.wake(), this.opts.sweepMs);
		this.wake();
	}

	/** Finishes the batch in hand, then closes. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		await this.listener?.unlisten().catch(() => {});
		await this.draining;
		await this.sql.end({ timeout: 5 });
	}

	wake(): void {
		if (this.stopped) return;
		if (this.draining) {
			this.again = true;
			return;
		}
		this.draining = this.drain()
			.then(() => undefined)
			.catch((e: unknown) => {
				this.opts.log?.('drain failed', { error: String(e) });
			})
			.finally(() => {
				this.draining = null;
				if (this.again && !this.stopped) {
					this.again = false;
					this.wake();
				}
			});
	}

	/** Claims and sends batches until none is due. Resolves with the rows handled. */
	async drain(): Promise<number> {
		let total = 0;
		for (;;) {
			if (this.stopped) return total;
			const rows = await this.sql<OutboxRow[]>`
				select * from private.service_role_claim_notifications(
					${this.opts.batchSize}, make_interval(secs => ${this.opts.leaseSeconds}))`;
			if (rows.length === 0) return total;
			this.counters.batches += 1;
			const outcomes = new Map<string, RowOutcome>();
			await pool(rows, this.opts.concurrency, async (row) => {
				outcomes.set(row.id, await this.deliver(row));
			});
			await this.record(outcomes);
			total += rows.length;
			if (rows.length < this.opts.batchSize) return total;
		}
	}

	/** Sends one row to each of the person's devices; the outcome is recorded with its batch. */
	private async deliver(row: OutboxRow): Promise<RowOutcome> {
		if (row.subscriptions.length === 0) return { outcome: 'no_subscription' };
		const body = encodeMessage(buildMessage(row));
		const outcomes = await Promise.all(row.subscriptions.map((s) => this.send(row, s, body)));
		for (const [i, o] of outcomes.entries()) {
			if (o.kind === 'gone') {
				this.counters.gone += 1;
				await this
					.sql`select private.service_role_remove_push_subscription(${row.subscriptions[i].endpoint})`;
			}
		}
		const retry = outcomes.filter((o) => o.kind === 'retry');
		if (retry.length > 0) {
			// Retry the whole row: devices that got it already collapse the duplicate by tag.
			const at = retry.map((o) => o.retryAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
			this.counters.retried += 1;
			return {
				outcome: 'retry',
				error: retry[0].error,
				category: retry[0].category,
				retryAt: at ? new Date(at) : null
			};
		}
		if (outcomes.some((o) => o.kind === 'ok')) {
			this.counters.sent += 1;
			return { outcome: 'sent' };
		}
		if (outcomes.every((o) => o.kind === 'gone')) {
			return { outcome: 'no_subscription', category: 'gone', error: 'every device unsubscribed' };
		}
		this.counters.failed += 1;
		const fail = outcomes.find((o) => o.kind === 'fail');
		return fail?.kind === 'fail'
			? { outcome: 'failed', error: fail.error, category: fail.category }
			: { outcome: 'failed', error: 'failed', category: 'rejected' };
	}

	/** One statement for all rows that share an outcome; retries one by one (their times differ). */
	private async record(outcomes: Map<string, RowOutcome>): Promise<void> {
		const groups = new Map<string, string[]>();
		for (const [id, o] of outcomes) {
			if (o.outcome === 'retry' || o.outcome === 'failed' || o.category) {
				await this.finish([id], o.outcome, o.error ?? null, o.retryAt ?? null, o.category ?? null);
			} else {
				groups.set(o.outcome, [...(groups.get(o.outcome) ?? []), id]);
			}
		}
		for (const [outcome, ids] of groups) await this.finish(ids, outcome);
	}

	/**
	 * The VAPID JWT is the same for every push to one push service until it expires, so it is
	 * signed once per origin and reused for 12 hours instead of once per push.
	 */
	private vapidHeaders(endpoint: string): Record<string, string> {
		const origin = new URL(endpoint).origin;
		const now = Math.floor(Date.now() / 1000);
		const cached = this.vapidCache.get(origin);
		if (cached && cached.exp - now > 3600) return cached.headers;
		const exp = now + 12 * 3600;
		const { publicKey, privateKey, subject } = this.opts.vapid;
		const headers = webpush.getVapidHeaders(
			origin,
			subject,
			publicKey,
			privateKey,
			'aes128gcm',
			exp
		) as Record<string, string>;
		this.vapidCache.set(origin, { exp, headers });
		return headers;
	}

	private async send(
		row: OutboxRow,
		sub: OutboxRow['subscriptions'][number],
		body: string
	): Promise<SendOutcome> {
		try {
			await checkEndpoint(sub.endpoint, this.testHosts);
		} catch (e) {
			const detail = e instanceof Error ? e.message : String(e);
			if (!(e instanceof EndpointRefused)) {
				// The name did not resolve just now (DNS down, EAI_AGAIN): worth another try.
				return {
					kind: 'retry',
					error: `endpoint lookup failed: ${detail}`,
					category: 'unreachable'
				};
			}
			// Not a place a push may go (private address, not https): no retry will change that.
			this.opts.log?.('push endpoint refused', { endpoint: sub.endpoint, detail });
			return { kind: 'fail', error: `endpoint refused: ${detail}`, category: 'unreachable' };
		}
		try {
			await webpush.sendNotification(
				{ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
				body,
				{
					...deliveryOptions(row),
					headers: this.vapidHeaders(sub.endpoint),
					timeout: this.opts.timeoutMs,
					agent: this.agent
				}
			);
			return { kind: 'ok' };
		} catch (e) {
			if (e instanceof WebPushError) {
				const status = e.statusCode;
				if (status === 404 || status === 410) return { kind: 'gone' };
				if (status === 429 || status >= 500) {
					return {
						kind: 'retry',
						error: `push service answered ${status}`,
						category: 'unreachable',
						retryAt: retryAfter(e.headers)
					};
				}
				return {
					kind: 'fail',
					error: `push service answered ${status}: ${String(e.body).slice(0, 200)}`,
					category: 'rejected'
				};
			}
			if (e instanceof EndpointRefused || (e as NodeJS.ErrnoException)?.code === 'EADDRNOTPUBLIC') {
				return { kind: 'fail', error: `endpoint refused: ${String(e)}`, category: 'unreachable' };
			}
			// Network errors and timeouts are worth another try.
			return {
				kind: 'retry',
				error: e instanceof Error ? e.message : String(e),
				category: 'unreachable'
			};
		}
	}

	private async finish(
		ids: string[],
		outcome: string,
		error: string | null = null,
		retryAt: Date | null = null,
		category: FailureCategory | null = null
	) {
		await this.sql`select private.service_role_finish_notifications(
			${this.sql.array(ids)}::uuid[], ${outcome}, ${error}, ${retryAt}, ${this.opts.maxAttempts},
			now(), ${category})`;
	}
}

/** `Retry-After` as seconds or an HTTP date. */
export function retryAfter(
	headers: Record<string, string | string[] | undefined> | undefined
): Date | undefined {
	const raw = headers?.['retry-after'];
	const v = Array.isArray(raw) ? raw[0] : raw;
	if (!v) return undefined;
	if (/^\d+$/.test(v.trim())) return new Date(Date.now() + Number(v) * 1000);
	const t = Date.parse(v);
	return Number.isNaN(t) ? undefined : new Date(t);
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const run = async () => {
		while (next < items.length) {
			const item = items[next++];
			await fn(item);
		}
	};
	await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
}

export async function deliveryStats(databaseUrl: string): Promise<Record<string, number | null>> {
	const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [row] = await sql`select * from private.service_role_push_delivery_stats()`;
		return Object.fromEntries(
			Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)])
		);
	} finally {
		await sql.end();
	}
}
