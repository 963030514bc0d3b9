// Timing helpers the benchmarks share: percentiles, user JWTs, API-shaped SQL transactions (role +
// request.jwt.claims, as the REST service runs a call) and supabase-js clients acting as a user.
import { PerformanceObserver } from 'node:perf_hooks';
import type postgres from 'postgres';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { ANON_KEY, JWT_SECRET } from '../../stack/keys.ts';

export const percentile = (xs: number[], p: number): number => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** The middle value; with an even count, the mean of the two middle ones. */
export const median = (xs: number[]): number => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface GcPauses {
	count: number;
	/** Milliseconds: the longest pause and all pauses together. */
	max: number;
	total: number;
}

/**
 * Collects this thread's garbage-collection pauses until `stop()`. A pause stops the thread's
 * event loop, so every request in flight on it waits that long: the longest pauses show up in
 * the p99.
 */
export function watchGc(): { stop(): Promise<GcPauses> } {
	const pauses: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) pauses.push(e.duration);
	});
	observer.observe({ entryTypes: ['gc'] });
	return {
		async stop() {
			// Entries are delivered asynchronously: let the last ones arrive.
			await new Promise((r) => setTimeout(r, 0));
			for (const e of observer.takeRecords()) pauses.push(e.duration);
			observer.disconnect();
			return {
				count: pauses.length,
				max: pauses.length ? Math.max(...pauses) : 0,
				total: pauses.reduce((a, b) => a + b, 0)
			};
		}
	};
}

export const fmt = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'n/a');

export async function token(sub: string): Promise<string> {
	return new SignJWT({
		sub,
		role: 'authenticated',
		aud: 'authenticated',
		email: `${sub}@bench.coachline.dev`
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime('2h')
		.sign(new TextEncoder().encode(JWT_SECRET));
}

export function claims(sub: string): string {
	return JSON.stringify({ sub, role: 'authenticated', aud: 'authenticated' });
}

/** One API-shaped transaction: role + claims, the call, commit (or rollback when asked). */
export async function asUser<T>(
	sql: postgres.Sql,
	sub: string,
	run: (tx: postgres.TransactionSql) => Promise<T>,
	rollback = false
): Promise<T> {
	let out: T | undefined;
	const rolledBack = new Error('rollback');
	try {
		await sql.begin(async (tx) => {
			await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims(sub)}, true)`;
			out = await run(tx);
			if (rollback) throw rolledBack;
		});
	} catch (e) {
		if (e !== rolledBack) throw e;
	}
	return out as T;
}

/** Runs `once` n times one after another; the duration of each, in ms. */
export async function time(n: number, once: (i: number) => Promise<void>): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t = performance.now();
		await once(i);
		out.push(performance.now() - t);
	}
	return out;
}

export function restClient(apiUrl: string, jwt: string): SupabaseClient {
	return createClient(apiUrl, ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		global: { headers: { Authorization: `Bearer ${jwt}` } }
	});
}

/** A JWT per user, minted once. */
export function jwtCache(): (sub: string) => Promise<string> {
	const jwts = new Map<string, string>();
	return async (sub) => {
		if (!jwts.has(sub)) jwts.set(sub, await token(sub));
		return jwts.get(sub) as string;
	};
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements a function runs inside (auto_explain with nested
 * statements), filtered to those whose text matches `touching`, printed cut to `lines` lines.
 */
export async function explainInside(
	dbUrl: string,
	cases: [string, string, (tx: postgres.TransactionSql) => Promise<unknown>][],
	touching: RegExp,
	connect: (url: string, onnotice: (n: postgres.Notice) => void) => postgres.Sql,
	lines = 24
): Promise<void> {
	const logs: string[] = [];
	const sql = connect(dbUrl, (n) => logs.push(String(n.message)));
	await sql`load 'auto_explain'`;
	await sql`set auto_explain.log_min_duration = 0`;
	await sql`set auto_explain.log_analyze = on`;
	await sql`set auto_explain.log_buffers = on`;
	await sql`set auto_explain.log_timing = on`;
	await sql`set auto_explain.log_nested_statements = on`;
	await sql`set client_min_messages = log`;
	for (const [name, sub, run] of cases) {
		logs.length = 0;
		await asUser(sql, sub, run, true);
		const plans = logs.filter(
			(l) => touching.test(l) && !/set_config\('role'/.test(l) && /actual time/.test(l)
		);
		console.log(`\n=== EXPLAIN (ANALYZE, BUFFERS) inside ${name} ===`);
		for (const p of plans.slice(0, 4)) {
			const all = p.split('\n');
			const text = all.findIndex((l) => l.startsWith('Query Text'));
			// the plan starts at its first node: a multi-line statement (plpgsql) spans many lines
			const root = all.findIndex((l, i) => i > text && /\(cost=.*\(actual time=/.test(l));
			const plan = all
				.slice(root >= 0 ? root : text >= 0 ? text + 1 : 0)
				.filter((l) => !/^\s*$/.test(l));
			console.log((all[text] ?? '').replace(/\s+/g, ' ').slice(0, 160));
			console.log(
				plan
					.slice(0, lines)
					.map((l) => (l.length > 220 ? `${l.slice(0, 220)}…` : l))
					.join('\n')
			);
		}
	}
	await sql.end();
}
