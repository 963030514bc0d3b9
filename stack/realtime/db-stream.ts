// Streams committed changes out of a PERMANENT logical replication slot (wal2json, format 2).
//
// Why this design: the real server uses a temporary pgoutput slot, so whatever is written while
// it is down is lost. A permanent slot keeps the WAL until we say we have delivered it, so rows
// inserted into realtime.messages while the service was stopped reach their topics when it is
// back. We read the slot through SQL (`pg_logical_slot_peek_changes`, then
// `pg_replication_slot_advance` once the batch is delivered: at-least-once) rather than the
// streaming replication protocol, which the `postgres` driver does not speak for logical slots
// with wal2json. To keep latency low we do not poll blindly: an AFTER INSERT trigger on
// realtime.messages (stack/platform/06-realtime-delivery.sql) NOTIFYs us at commit, and a short
// poll remains as a fallback (and as the wake-up for postgres_changes tables, which carry no
// trigger). The slot is named per stack instance so two stacks on one cluster never share it.
//
// Fast path: reading the slot through SQL decodes from the slot's restart point on every call
// (~10 ms and more per round on this machine), which would be the whole latency of a database
// broadcast. So the NOTIFY carries the broadcast rows themselves when they fit, and they are
// delivered from it at once; the slot still sees every row (duplicates are dropped by message
// id) and remains what makes delivery survive a restart.
//
// Cost: a peek decodes the WAL from the slot's restart point, which only moves at running-xacts
// records (every ~15 s under load), so every peek re-decodes up to the last ~15-30 s of ALL writes
// (130 MB during the messaging benchmark, half a core). So when the fast path has delivered
// everything and no postgres_changes table is watched, a round only acknowledges: it advances the
// slot (fast-forward decoding, no output plugin) to the WAL position seen one acknowledgement
// earlier, by when every row before it has had its NOTIFY handled. A full peek still runs first,
// whenever a notification could not carry its rows, after the LISTEN connection comes back (a
// notification may have been missed), at close, and once a minute as a safety net.
//
// Latency: a round is one statement (peek up to the flushed WAL position) on a connection of its
// own, so it never queues behind authorization transactions in the pool. The advance that
// acknowledges a delivered batch is pipelined ahead of the next round's peek instead of being
// waited for. Rows that only the slot carries commit synchronously (see the trigger), so they are
// decodable when their NOTIFY arrives; a forced flush is only needed for postgres_changes tables,
// whose writers may commit asynchronously, and before closing.
import type postgres from 'postgres';

export interface WalColumn {
	name: string;
	type: string;
	typeoid: number;
	value?: unknown;
}

export interface WalChange {
	action: 'I' | 'U' | 'D';
	schema: string;
	table: string;
	/** Commit time as Postgres prints it, `2026-11-22 01:48:41.345003+00`. */
	timestamp: string;
	columns?: WalColumn[];
	identity?: WalColumn[];
	pk?: Array<{ name: string; type: string; typeoid: number }>;
}

export interface SlotStreamOptions {
	sql: postgres.Sql;
	slot: string;
	/** NOTIFY channel that signals new rows. */
	notifyChannel: string;
	/** wal2json `add-tables` for this round (tables we currently care about). */
	addTables: () => string;
	pollMs: () => number;
	/** Whether asynchronously committed rows must be made decodable now (postgres_changes). */
	forceFlush: () => boolean;
	/**
	 * Delivers the rows a notification carries, if it carries them all (true); the slot then
	 * only needs to catch up lazily. False asks for a round now.
	 */
	fastPath?: (payload: string) => boolean;
	/** How long a round may wait after the fast path delivered everything (to acknowledge it). */
	lazyMs?: number;
	/** Longest time between full peeks while rounds only acknowledge (default 60 s). */
	fullRoundMs?: number;
	/** Handles one batch in commit order; `backlog` marks rows committed before we started. */
	onChanges: (changes: WalChange[], startedAt: number) => Promise<void>;
	log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export class SlotStream {
	private readonly o: SlotStreamOptions;
	private running = false;
	private again = false;
	private closed = false;
	private timer: NodeJS.Timeout | undefined;
	private unlisten: (() => Promise<void>) | undefined;
	private db: postgres.ReservedSql | undefined;
	/** The last acknowledgement sent, and the position it acknowledges. */
	private advancing: Promise<unknown> = Promise.resolve();
	private advancedTo = '';
	private lazy: NodeJS.Timeout | undefined;
	/**
	 * The next round flushes the WAL first, so rows committed asynchronously are read too: the
	 * first round (backlog from while we were down, before any fast-path row) and the last one
	 * (acknowledging what the fast path delivered).
	 */
	private flushNext = true;
	/** Notifications seen, and the one a round must have started after before the fast path resumes. */
	private notifySeq = 0;
	private holdUntil = 0;
	/** The next round peeks the slot (start, LISTEN reconnected, close). */
	private forceFull = true;
	private lastFull = 0;
	/** The flushed WAL position seen by the previous acknowledge-only round. */
	private ackMark = '';
	/** Rounds of each kind, for tests and benchmarks. */
	readonly rounds = { full: 0, ack: 0 };
	readonly startedAt = Date.now();
	/** Called after each round, for tests and benchmarks that wait for the stream to drain. */
	onIdle: (() => void) | undefined;

	constructor(o: SlotStreamOptions) {
		this.o = o;
	}

	async start(): Promise<void> {
		const { sql, slot } = this.o;
		const [exists] = await sql`select 1 from pg_replication_slots where slot_name = ${slot}`;
		if (!exists) {
			await sql`select pg_create_logical_replication_slot(${slot}, 'wal2json')`;
			this.o.log('info', 'realtime replication slot created', { slot });
		}
		this.db = await sql.reserve();
		// Rows waiting in the slot (written while we were down) go out before any fast-path row.
		this.notifySeq = this.holdUntil = 1;
		let listening = false;
		const l = await sql.listen(
			this.o.notifyChannel,
			(payload) => this.notified(payload),
			() => {
				// Called on every (re)connect: notifications sent while it was away are lost, so the
				// next round reads the slot itself.
				if (listening) {
					this.forceFull = true;
					this.wake();
				}
				listening = true;
			}
		);
		this.unlisten = l.unlisten;
		this.schedule();
		this.wake();
	}

	private schedule() {
		if (this.closed) return;
		this.timer = setTimeout(() => {
			this.wake();
			this.schedule();
		}, this.o.pollMs());
		this.timer.unref();
	}

	/**
	 * A notification: rows committed. When it carries them, they go out at once and the slot
	 * catches up a little later. When it does not (too large, binary), the slot must deliver them,
	 * and to keep order the fast path stands aside until a round started after it has run.
	 */
	private notified(payload: string) {
		this.notifySeq++;
		if (!this.holdUntil && this.o.fastPath?.(payload)) {
			this.lazy ??= setTimeout(() => {
				this.lazy = undefined;
				// Those rows may have committed asynchronously: flush so this round sees them.
				this.flushNext = true;
				this.wake();
			}, this.o.lazyMs ?? 100);
			return;
		}
		this.holdUntil = this.notifySeq;
		this.wake();
	}

	wake(): void {
		if (this.closed) return;
		if (this.running) {
			this.again = true;
			return;
		}
		this.running = true;
		void this.loop();
	}

	private async loop() {
		try {
			do {
				this.again = false;
				await this.round();
			} while (this.again && !this.closed);
		} catch (e) {
			if (!this.closed)
				this.o.log('error', 'realtime replication round failed', {
					error: e instanceof Error ? e.message : String(e)
				});
		} finally {
			this.running = false;
			this.onIdle?.();
		}
	}

	private async round() {
		const db = this.db;
		if (!db) return;
		const full =
			this.forceFull ||
			this.holdUntil !== 0 ||
			!this.o.fastPath ||
			this.o.forceFlush() ||
			Date.now() - this.lastFull >= (this.o.fullRoundMs ?? 60_000);
		if (full) await this.fullRound(db);
		else await this.ackRound(db);
	}

	/** Acknowledges what the fast path delivered without decoding it (see the top of the file). */
	private async ackRound(db: postgres.ReservedSql) {
		this.rounds.ack++;
		this.flushNext = false;
		const [{ upto }] = await db<
			{ upto: string }[]
		>`select pg_current_wal_flush_lsn()::text as upto`;
		const target = this.ackMark;
		this.ackMark = upto;
		if (target && lsnAfter(target, this.advancedTo)) this.advance(db, target);
	}

	private advance(db: postgres.ReservedSql, upto: string) {
		// Not awaited: the next round's statement runs after it on this connection.
		this.advancedTo = upto;
		this.advancing = db`select pg_replication_slot_advance(${this.o.slot}, ${upto}::pg_lsn)`.catch(
			(e: unknown) => {
				this.advancedTo = '';
				if (!this.closed)
					this.o.log('warn', 'realtime replication slot advance failed', { error: String(e) });
			}
		);
	}

	private async fullRound(db: postgres.ReservedSql) {
		const { slot } = this.o;
		this.rounds.full++;
		this.forceFull = false;
		this.lastFull = Date.now();
		this.ackMark = '';
		const seq = this.notifySeq;
		// Rows committed asynchronously (postgres_changes tables) are decodable only once flushed.
		const flush = this.o.forceFlush() || this.flushNext;
		this.flushNext = false;
		if (flush)
			await db`select case when pg_current_wal_insert_lsn() > pg_current_wal_flush_lsn()
			                     then realtime.coachline_flush_wal() end`;
		const rows = await db<{ upto: string; data: string | null }[]>`
			select u.upto::text as upto, c.data
			  from (select pg_current_wal_flush_lsn() as upto) u
			  left join lateral pg_logical_slot_peek_changes(${slot}, u.upto, null,
				'format-version', '2', 'include-timestamp', '1', 'include-type-oids', '1',
				'include-pk', '1', 'include-transaction', '0', 'add-tables', ${this.o.addTables()}) c
			    on true`;
		const { upto } = rows[0];
		const changes: WalChange[] = [];
		for (const [i, r] of rows.entries()) {
			// A large batch (a burst, a backlog) is parsed without holding the event loop throughout.
			if (i % 512 === 511) await new Promise((resolve) => setImmediate(resolve));
			if (r.data === null) continue;
			const c = JSON.parse(r.data) as WalChange;
			if (c.action === 'I' || c.action === 'U' || c.action === 'D') changes.push(c);
		}
		if (changes.length) await this.o.onChanges(changes, this.startedAt);
		if (this.holdUntil && seq >= this.holdUntil) this.holdUntil = 0;
		if (upto !== this.advancedTo) this.advance(db, upto);
	}

	async close(): Promise<void> {
		// Rows the fast path delivered are acknowledged by a last round (after a flush), or a
		// restart would send them again.
		clearTimeout(this.lazy);
		this.lazy = undefined;
		this.flushNext = true;
		this.forceFull = true;
		this.wake();
		// Let a round in flight finish so the slot is advanced past what was delivered.
		for (let i = 0; i < 50 && this.running; i++) await new Promise((r) => setTimeout(r, 20));
		this.closed = true;
		clearTimeout(this.timer);
		await this.unlisten?.().catch(() => {});
		await this.advancing;
		this.db?.release();
	}
}

/** Whether WAL position a ('X/Y', hex) is after b (an empty b: nothing acknowledged yet). */
export function lsnAfter(a: string, b: string): boolean {
	if (!b) return true;
	const n = (l: string) => {
		const [hi, lo] = l.split('/');
		return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
	};
	return n(a) > n(b);
}
