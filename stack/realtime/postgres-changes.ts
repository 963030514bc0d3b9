// postgres_changes: subscriptions from phx_join, matched against decoded WAL of the tables in
// publication `supabase_realtime`, filtered (eq neq lt lte gt gte in is, `not.`), checked against
// each subscriber's RLS by re-selecting the row by primary key as their role with their claims,
// and pushed in the payload shape realtime-js expects.
import type postgres from 'postgres';
import type { WalChange, WalColumn } from './db-stream.ts';
import type { Claims } from './tokens.ts';

export interface ChangeBinding {
	id: number;
	event: string;
	schema: string;
	table?: string;
	filter?: string;
}

export interface ChangeSubscriber {
	readonly closed: boolean;
	readonly currentClaims: Claims;
	push(event: string, payload: unknown): void;
}

interface Condition {
	column: string;
	op: string;
	negate: boolean;
	value: string | string[];
}

interface Binding extends ChangeBinding {
	conditions: Condition[];
}

export type SubscribeResult =
	{ ok: true; bindings: ChangeBinding[] } | { ok: false; reason: string };

const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);
const OPS = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'is']);

/** Splits `a=eq.1,b=in.(x,y)` on the commas outside parentheses. */
function parseFilter(filter: string): Condition[] {
	const parts: string[] = [];
	let depth = 0;
	let cur = '';
	for (const ch of filter) {
		if (ch === '(') depth++;
		if (ch === ')') depth--;
		if (ch === ',' && depth === 0) {
			parts.push(cur);
			cur = '';
		} else cur += ch;
	}
	parts.push(cur);
	return parts.map((p) => {
		const m = p.match(/^([^=]+)=(not\.)?([a-z]+)\.(.*)$/s);
		if (!m || !OPS.has(m[3])) throw new Error(`unsupported filter: ${p}`);
		const [, column, not, op, raw] = m;
		let value: string | string[] = raw;
		if (op === 'in') {
			const inner = raw.match(/^\((.*)\)$/s);
			if (!inner) throw new Error(`in filter needs a list: ${p}`);
			value = inner[1].split(',').map((v) => v.trim().replace(/^"(.*)"$/s, '$1'));
		}
		return { column: column.trim(), op, negate: !!not, value };
	});
}

function compare(a: unknown, b: string): number {
	const s = typeof a === 'string' ? a : JSON.stringify(a);
	const na = Number(s);
	const nb = Number(b);
	if (s !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
	return s < b ? -1 : s > b ? 1 : 0;
}

function holds(c: Condition, record: Record<string, unknown>): boolean {
	const v = record[c.column];
	let r: boolean;
	if (c.op === 'is') {
		const want = String(c.value).toLowerCase();
		r = want === 'null' ? v === null || v === undefined : String(v) === want;
	} else if (v === null || v === undefined) r = false;
	else if (c.op === 'in') r = (c.value as string[]).some((x) => compare(v, x) === 0);
	else {
		const d = compare(v, c.value as string);
		r =
			c.op === 'eq'
				? d === 0
				: c.op === 'neq'
					? d !== 0
					: c.op === 'lt'
						? d < 0
						: c.op === 'lte'
							? d <= 0
							: c.op === 'gt'
								? d > 0
								: d >= 0;
	}
	return c.negate ? !r : r;
}

const TYPES_JSON = new Set([114, 3802]);

export class PostgresChanges {
	private readonly sql: postgres.Sql;
	private readonly subs = new Map<ChangeSubscriber, Binding[]>();
	private nextId = 1;
	private published = new Map<string, { rls: boolean }>();
	private refreshedAt = 0;
	private readonly typeNames = new Map<number, string>();
	private readonly log: (level: 'warn', msg: string, f?: Record<string, unknown>) => void;

	constructor(sql: postgres.Sql, log: PostgresChanges['log']) {
		this.sql = sql;
		this.log = log;
	}

	get active(): boolean {
		return this.subs.size > 0;
	}

	/** wal2json `add-tables`: broadcasts always, published tables only while someone listens. */
	addTables(): string {
		const tables = ['realtime.*'];
		if (this.active) tables.push(...this.published.keys());
		return tables.join(',');
	}

	async refresh(force = false): Promise<void> {
		if (!force && Date.now() - this.refreshedAt < 1000) return;
		this.refreshedAt = Date.now();
		const rows = await this.sql<{ schemaname: string; tablename: string; rls: boolean }[]>`
			select p.schemaname, p.tablename, c.relrowsecurity as rls
			  from pg_publication_tables p
			  join pg_namespace n on n.nspname = p.schemaname
			  join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
			 where p.pubname = 'supabase_realtime'`;
		this.published = new Map(rows.map((r) => [`${r.schemaname}.${r.tablename}`, { rls: r.rls }]));
	}

	async subscribe(s: ChangeSubscriber, raw: unknown): Promise<SubscribeResult> {
		if (!Array.isArray(raw) || raw.length === 0) return { ok: true, bindings: [] };
		const bindings: Binding[] = [];
		try {
			for (const r of raw as Array<Record<string, unknown>>) {
				const event = typeof r.event === 'string' ? r.event.toUpperCase() : '*';
				if (!['*', 'INSERT', 'UPDATE', 'DELETE'].includes(event))
					throw new Error(`unknown event ${String(r.event)}`);
				const b: Binding = {
					id: this.nextId++,
					event: r.event as string,
					schema: typeof r.schema === 'string' ? r.schema : 'public',
					conditions: typeof r.filter === 'string' && r.filter ? parseFilter(r.filter) : []
				};
				if (typeof r.table === 'string') b.table = r.table;
				if (typeof r.filter === 'string') b.filter = r.filter;
				bindings.push(b);
			}
		} catch (e) {
			return { ok: false, reason: `UnableToSubscribeToPostgres: ${(e as Error).message}` };
		}
		this.subs.set(s, bindings);
		await this.refresh(true);
		return {
			ok: true,
			bindings: bindings.map(({ id, event, schema, table, filter }) => ({
				id,
				event,
				schema,
				...(table !== undefined ? { table } : {}),
				...(filter !== undefined ? { filter } : {})
			}))
		};
	}

	unsubscribe(s: ChangeSubscriber): void {
		this.subs.delete(s);
	}

	private async typeName(oid: number): Promise<string> {
		let name = this.typeNames.get(oid);
		if (name === undefined) {
			const [row] = await this.sql<{ typname: string }[]>`
				select typname from pg_type where oid = ${oid}`;
			name = row?.typname ?? 'text';
			this.typeNames.set(oid, name);
		}
		return name;
	}

	private static record(cols: WalColumn[] | undefined): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const c of cols ?? []) {
			let v = c.value;
			if (TYPES_JSON.has(c.typeoid) && typeof v === 'string') {
				try {
					v = JSON.parse(v);
				} catch {
					// Left as text: realtime-js parses json columns itself.
				}
			}
			out[c.name] = v;
		}
		return out;
	}

	async handle(change: WalChange): Promise<void> {
		if (!this.active || change.schema === 'realtime') return;
		const key = `${change.schema}.${change.table}`;
		const table = this.published.get(key);
		if (!table) return;
		const type = change.action === 'I' ? 'INSERT' : change.action === 'U' ? 'UPDATE' : 'DELETE';
		const record = type === 'DELETE' ? {} : PostgresChanges.record(change.columns);
		let oldRecord = type === 'INSERT' ? {} : PostgresChanges.record(change.identity);
		const matchOn = type === 'DELETE' ? oldRecord : record;

		const targets: Array<{ s: ChangeSubscriber; ids: number[] }> = [];
		for (const [s, bindings] of this.subs) {
			if (s.closed) continue;
			const ids = bindings
				.filter(
					(b) =>
						(b.event === '*' || b.event.toUpperCase() === type) &&
						(b.schema === '*' || b.schema === change.schema) &&
						(!b.table || b.table === '*' || b.table === change.table) &&
						b.conditions.every((c) => holds(c, matchOn))
				)
				.map((b) => b.id);
			if (ids.length) targets.push({ s, ids });
		}
		if (!targets.length) return;

		const colSource = type === 'DELETE' ? change.identity : change.columns;
		const columns = [];
		for (const c of colSource ?? [])
			columns.push({ name: c.name, type: await this.typeName(c.typeoid) });
		if (type === 'DELETE' && table.rls) {
			// With RLS on, a delete carries only the primary key (the row can no longer be checked).
			const pk = new Set((change.pk ?? []).map((p) => p.name));
			oldRecord = Object.fromEntries(Object.entries(oldRecord).filter(([k]) => pk.has(k)));
		}
		const commit = change.timestamp.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
		const data = {
			schema: change.schema,
			table: change.table,
			commit_timestamp: new Date(commit).toISOString(),
			type,
			columns,
			record,
			old_record: oldRecord,
			errors: null
		};

		const verdicts = new Map<string, Promise<boolean>>();
		for (const { s, ids } of targets) {
			const claims = s.currentClaims;
			let allowed = true;
			if (type !== 'DELETE' && claims.role !== 'service_role') {
				const k = JSON.stringify(claims);
				let v = verdicts.get(k);
				if (!v) verdicts.set(k, (v = this.visible(change, claims)));
				allowed = await v;
			}
			if (allowed && !s.closed) s.push('postgres_changes', { ids, data });
		}
	}

	/** Whether the row (by primary key) is visible to this role and these claims. */
	private async visible(change: WalChange, claims: Claims): Promise<boolean> {
		if (!API_ROLES.has(claims.role)) return false;
		const pk = change.pk ?? [];
		if (!pk.length) return false;
		const values = new Map((change.columns ?? []).map((c) => [c.name, c.value]));
		try {
			return await this.sql.begin(async (tx) => {
				await tx`select set_config('role', ${claims.role}, true),
					set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
					set_config('request.jwt.claim.sub', ${String(claims.sub ?? '')}, true),
					set_config('request.jwt.claim.role', ${claims.role}, true)`;
				let where = tx`true`;
				for (const p of pk) {
					const v = values.get(p.name);
					const text = v === null || v === undefined ? null : typeof v === 'string' ? v : String(v);
					where = tx`${where} and ${tx(p.name)}::text = ${text}`;
				}
				const rows =
					await tx`select 1 from ${tx(change.schema)}.${tx(change.table)} where ${where}`;
				return rows.length > 0;
			});
		} catch (e) {
			// No SELECT grant (42501) means not visible; anything else is logged and withheld.
			if ((e as { code?: string }).code !== '42501')
				this.log('warn', 'realtime RLS check failed', { error: String(e) });
			return false;
		}
	}
}
