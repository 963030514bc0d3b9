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
		const l = await sql.listen(this.o.notifyChannel, () => this.wake());
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
		const { sql, slot } = this.o;
		const [{ upto, flushed }] = await sql<{ upto: string; flushed: boolean }[]>`
			select pg_current_wal_insert_lsn()::text as upto,
			       pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn() as flushed`;
		// Decoding reads only flushed WAL. With synchronous_commit off (throwaway clusters) a
		// commit we were told about may sit unflushed for up to wal_writer_delay: a transaction
		// that writes WAL (a logical message, which wal2json leaves out of `add-tables` output)
		// and commits synchronously flushes everything before it.
		if (!flushed)
			await sql.begin(async (tx) => {
				await tx`set local synchronous_commit = on`;
				await tx`select pg_logical_emit_message(true, 'coachline-realtime-flush', '')`;
			});
		const rows = await sql<{ data: string }[]>`
			select data from pg_logical_slot_peek_changes(${slot}, ${upto}::pg_lsn, null,
				'format-version', '2', 'include-timestamp', '1', 'include-type-oids', '1',
				'include-pk', '1', 'include-transaction', '0', 'add-tables', ${this.o.addTables()})`;
		if (rows.length) {
			const changes: WalChange[] = [];
			for (const r of rows) {
				const c = JSON.parse(r.data) as WalChange;
				if (c.action === 'I' || c.action === 'U' || c.action === 'D') changes.push(c);
			}
			await this.o.onChanges(changes, this.startedAt);
		}
		await sql`select pg_replication_slot_advance(${slot}, ${upto}::pg_lsn)`;
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.timer);
		await this.unlisten?.().catch(() => {});
		// Let a round in flight finish so the slot is advanced past what was delivered.
		for (let i = 0; i < 50 && this.running; i++) await new Promise((r) => setTimeout(r, 20));
	}
}
