// `npm run bench -- rest [seconds]`: the REST service against the raw driver doing the same
// database work. (a) a primary-key GET under RLS and (b) a 20-row page with one embedded relation,
// at 16 concurrent connections; then (c)/(d) the same transactions (set_config role + claims, the
// same SQL) straight through a pooled `postgres` driver. The HTTP client runs in a worker thread
// so it does not share the server's event loop.
import http from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { SignJWT } from 'jose';

const CONCURRENCY = 16;
const USERS = 10;
const ROWS = 10_000;

interface Job {
	url: string;
	seconds: number;
	tokens: string[];
	kind: 'pk' | 'list';
}
interface Result {
	count: number;
	errors: number;
	latencies: number[];
	seconds: number;
}

const userId = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
/** Rows are dealt round-robin, so user u owns ids u+1, u+1+USERS, … */
const randomOwnedId = (u: number) => u + 1 + USERS * Math.floor(Math.random() * (ROWS / USERS));
const randomOffset = () => Math.floor(Math.random() * (ROWS / USERS - 20));

async function loop(seconds: number, once: (worker: number) => Promise<boolean>): Promise<Result> {
	const latencies: number[] = [];
	let errors = 0;
	const end = performance.now() + seconds * 1000;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async (_, w) => {
			while (performance.now() < end) {
				const t = performance.now();
				const ok = await once(w);
				latencies.push(performance.now() - t);
				if (!ok) errors++;
			}
		})
	);
	return {
		count: latencies.length,
		errors,
		latencies,
		seconds: (performance.now() - started) / 1000
	};
}

function httpWorker(job: Job): Promise<Result> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const base = new URL(job.url);
	const get = (path: string, token: string) =>
		new Promise<boolean>((resolve) => {
			const req = http.request(
				{
					host: base.hostname,
					port: base.port,
					path,
					agent,
					headers: { authorization: `Bearer ${token}`, apikey: token }
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode === 200));
				}
			);
			req.on('error', () => resolve(false));
			req.end();
		});
	return loop(job.seconds, (w) => {
		const u = w % USERS;
		const path =
			job.kind === 'pk'
				? `/rest/v1/rest_b_items?id=eq.${randomOwnedId(u)}`
				: `/rest/v1/rest_b_items?select=id,name,value,rest_b_details(note)&order=id&limit=20&offset=${randomOffset()}`;
		return get(path, job.tokens[u]);
	});
}

if (!isMainThread) {
	const r = await httpWorker(workerData as Job);
	parentPort!.postMessage(r);
}

function runInWorker(job: Job): Promise<Result> {
	return new Promise((resolve, reject) => {
		const w = new Worker(fileURLToPath(import.meta.url), { workerData: job });
		w.once('message', (r: Result) => {
			resolve(r);
			void w.terminate();
		});
		w.once('error', reject);
	});
}

function report(name: string, r: Result): number {
	const sorted = Float64Array.from(r.latencies).sort();
	const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
	const rps = r.count / r.seconds;
	console.log(
		`${name.padEnd(34)} ${rps.toFixed(0).padStart(7)} req/s   p50 ${q(0.5).toFixed(2).padStart(6)} ms   p99 ${q(0.99).toFixed(2).padStart(6)} ms   errors ${r.errors}`
	);
	return rps;
}

export default async function main(args: string[]): Promise<void> {
	const seconds = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 20);
	const { bootTestStack } = await import('../../stack/test-stack.ts');
	const { JWT_SECRET } = await import('../../stack/keys.ts');
	const { loadProjectConfig } = await import('../../stack/config.ts');
	console.log(`booting a throwaway stack; ${seconds}s per phase, ${CONCURRENCY} concurrent`);
	const stack = await bootTestStack();
	const admin = postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
	try {
		await admin
			.unsafe(
				`
			create table rest_b_items (id serial primary key, owner_id uuid not null, name text not null, value int not null);
			create table rest_b_details (id serial primary key, item_id int not null references rest_b_items(id), note text not null);
			create index on rest_b_items (owner_id);
			create index on rest_b_details (item_id);
			alter table rest_b_items enable row level security;
			alter table rest_b_details enable row level security;
			create policy "Owners read their items" on rest_b_items for select to authenticated using (owner_id = (select auth.uid()));
			create policy "Anyone signed in reads details" on rest_b_details for select to authenticated using (true);
			insert into rest_b_items (owner_id, name, value)
			  select ('00000000-0000-4000-8000-' || lpad((((g - 1) % ${USERS}) + 1)::text, 12, '0'))::uuid, 'item ' || g, g % 97
			  from generate_series(1, ${ROWS}) g;
			insert into rest_b_details (item_id, note) select (g % ${ROWS}) + 1, 'note ' || g from generate_series(1, ${ROWS * 2}) g;
			analyze rest_b_items; analyze rest_b_details;
		`
			)
			.simple();
		const key = new TextEncoder().encode(JWT_SECRET);
		const tokens = await Promise.all(
			Array.from({ length: USERS }, (_, i) =>
				new SignJWT({ sub: userId(i), role: 'authenticated', aud: 'authenticated' })
					.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
					.setExpirationTime('2h')
					.sign(key)
			)
		);
		for (let i = 0; i < 200; i++) {
			const r = await fetch(`${stack.apiUrl}/rest/v1/rest_b_items?limit=1`, {
				headers: { authorization: `Bearer ${tokens[0]}` }
			});
			await r.text();
			if (r.status === 200) break;
			await new Promise((res) => setTimeout(res, 50));
		}

		// The raw driver: the same pipelined transaction the service sends, with the SQL it builds.
		const { loadSchemaCache } = await import('../../stack/rest/schema-cache.ts');
		const { Builder, buildRead } = await import('../../stack/rest/build-sql.ts');
		const { parseQuery } = await import('../../stack/rest/parse-query.ts');
		const config = loadProjectConfig();
		const raw = postgres(stack.dbUrl.replace('postgres:postgres@', 'authenticator:postgres@'), {
			max: CONCURRENCY,
			fetch_types: false,
			onnotice: () => {}
		});
		const cache = await loadSchemaCache(raw, config.schemas);
		const plan = (qs: string, limit: number, offset: number) => {
			const b = new Builder(cache, 'public');
			const rel = b.relation('rest_b_items')!;
			return buildRead(b, Builder.relationSource(rel), parseQuery(new URLSearchParams(qs)), {
				count: false,
				head: false,
				limit,
				offset
			});
		};
		const pkPlan = plan('id=eq.1', config.maxRows, 0);
		const listPlan = plan('select=id,name,value,rest_b_details(note)&order=id', 20, 1);
		const setup = `select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true), set_config('request.path', $5, true)`;
		const claims = Array.from({ length: USERS }, (_, i) =>
			JSON.stringify({ sub: userId(i), role: 'authenticated', aud: 'authenticated' })
		);
		const rawOnce = async (sqlText: string, params: string[], u: number) => {
			const c = await raw.reserve();
			try {
				const p = [
					c.unsafe('BEGIN READ ONLY'),
					c.unsafe(
						setup,
						[
							'"public", "public", "extensions"',
							'authenticated',
							claims[u],
							'GET',
							'/rest_b_items'
						],
						{ prepare: true }
					),
					c.unsafe(sqlText, params, { prepare: true }),
					c.unsafe('COMMIT')
				];
				const [, , rows] = await Promise.all(p);
				return (rows as unknown as Array<{ body: string }>)[0].body.length > 0;
			} finally {
				c.release();
			}
		};

		const url = stack.apiUrl;
		const pkHttp = report(
			'(a) PK GET under RLS, HTTP',
			await runInWorker({ url, seconds, tokens, kind: 'pk' })
		);
		const listHttp = report(
			'(b) 20 rows + embed, HTTP',
			await runInWorker({ url, seconds, tokens, kind: 'list' })
		);
		const pkRaw = report(
			'(c) PK GET, raw driver',
			await loop(seconds, (w) =>
				rawOnce(pkPlan.sql, [String(randomOwnedId(w % USERS)), String(config.maxRows)], w % USERS)
			)
		);
		const listRaw = report(
			'(d) 20 rows + embed, raw driver',
			await loop(seconds, (w) => rawOnce(listPlan.sql, ['20', String(randomOffset())], w % USERS))
		);
		console.log(
			`ratio HTTP/raw: PK GET ${((pkHttp / pkRaw) * 100).toFixed(0)}%, list ${((listHttp / listRaw) * 100).toFixed(0)}%`
		);
		await raw.end();
	} finally {
		await admin.end();
		await stack.stop();
	}
}
