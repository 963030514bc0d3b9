// `npm run bench -- app [duration=60] [warmup=35] [athletes=200] [coaches=20] [realtime=1000]
// [think=5] [steps=1.5,2,3] [step=20] [profile=1] [web=1] [build=1] [org=2000] [quick=0]
// [pages=<part of a kind>,…] [n=20]`: pages as people wait for
// them. The production build (adapter-node, `node build/index.js`) against a throwaway stack that
// holds the generated organization, with simulated people signed in through the app's own login
// form (real GoTrue sign-in, the @supabase/ssr cookie the app sets), each walking through their
// pages with think times while `realtime` WebSocket clients stay subscribed to user topics.
//
// `quick=1` skips the crowd (the measured run and the saturation steps) and measures only the CPU
// of each page kind alone in every process, with its API calls, depth and bytes, plus the DM
// delivery time of those sends alone (realtime=100 unless given): what decides how many people
// fit on the machine, and measurable while others use it. `pages=calendar,conversation` keeps the
// kinds whose name holds one of the parts; `n` is how many requests of each kind.
//
// Processes, so each one's CPU and memory can be read from /proc on its own:
//   - this process: the simulated people and a measuring proxy between the app and the API;
//   - the API (gateway + auth/rest/realtime/storage services), forked from this file;
//   - PostgreSQL (the postmaster and its backends);
//   - the app server, `node build/index.js`;
//   - the realtime clients, forked from this file.
//
// Waterfall depth: the app talks to the API through the proxy. Every API call carries the
// person's access token, whose `session_id` says which simulated person (who has one page in
// flight at a time) it belongs to; the depth of a page is the longest chain of its API calls in
// which each starts after the previous one finished. Under load that timing also counts calls
// made together whose second one waited for a connection or a busy event loop (in the app or
// in this process) until the first had answered, so the target is judged by a depth pass that
// adds DEPTH_LATENCY_MS to every API answer, where only a real chain reads as one; the depth
// under load is reported beside it.
//
// A direct message is sent as the browser sends it (the `send_message` RPC, straight to the API)
// and timed until the recipient's subscriber on `user:<recipient>` decodes `message_created`.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import postgres from 'postgres';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { ANON_KEY, JWT_SECRET } from '../../stack/keys.ts';
import { findFreePort } from '../../stack/postgres.ts';
import { generateOrganization } from './_generate.ts';
import { percentile } from './_measure.ts';
import { cpuOf, cpuOfTree, loadAverage } from './_procs.ts';
import { measureVitals, printRouteSizes, routeSizes } from './_web.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const TARGET_P95 = 150;
const TARGET_DEPTH = 2;
/**
 * The depth pass adds this much to every API answer (an API in another region): calls a page
 * makes together then overlap by far more than any scheduling jitter, so only calls made one
 * after another read as a chain.
 */
const DEPTH_LATENCY_MS = 25;
const TARGET_DM_P99 = 150;
const dumped = new Set<string>();

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- options ------------------------------------------------------------------------------------

interface Options {
	duration: number;
	warmup: number;
	athletes: number;
	coaches: number;
	realtime: number;
	think: number;
	steps: number[];
	step: number;
	profile: boolean;
	web: boolean;
	build: boolean;
	org: number;
	quick: boolean;
	pages: string[];
	n: number;
}

function readOptions(args: string[]): Options {
	const kv = new Map<string, string>();
	for (const a of args) {
		const m = /^-{0,2}([a-z]+)=(.*)$/.exec(a);
		if (!m) throw new Error(`unknown argument ${a}: use name=value (see tests/bench/app.ts)`);
		kv.set(m[1], m[2]);
	}
	const num = (k: string, d: number) => {
		const v = kv.has(k) ? Number(kv.get(k)) : d;
		if (!Number.isFinite(v) || v < 0) throw new Error(`${k} must be a number ≥ 0`);
		return v;
	};
	const steps = (kv.get('steps') ?? '1.5,2,3')
		.split(',')
		.filter(Boolean)
		.map(Number)
		.filter((x) => Number.isFinite(x) && x > 0);
	const quick = kv.get('quick') === '1';
	return {
		quick,
		pages: (kv.get('pages') ?? '').split(',').filter(Boolean),
		n: Math.max(1, Math.round(num('n', 20))),
		duration: num('duration', 60),
		// One round of each person's six pages at the mean think time, plus the spread of their
		// start: every page kind has been visited once (its data read, its code compiled) before
		// the measured minute. With 15 s, most people opened their conversation for the first time
		// inside the minute, and its first 15 s held most of its slow requests.
		warmup: num('warmup', 35),
		athletes: Math.round(num('athletes', quick ? 3 : 200)),
		coaches: Math.round(num('coaches', quick ? 3 : 20)),
		realtime: Math.round(num('realtime', quick ? 100 : 1000)),
		think: num('think', 5),
		steps: quick ? [] : steps,
		step: num('step', 20),
		profile: kv.get('profile') !== '0',
		web: kv.has('web') ? kv.get('web') !== '0' : !quick,
		build: kv.get('build') !== '0',
		org: Math.round(num('org', 2000))
	};
}

// ---- child processes ----------------------------------------------------------------------------

type StackReady = { type: 'ready'; apiUrl: string; dbUrl: string; pgPid: number };
type RealtimeMsg =
	| { type: 'ready'; joined: number; ms: number }
	| { type: 'arrivals'; items: [string, number][] }
	| { type: 'failed'; error: string };

function forkRole(role: string, config: unknown): ChildProcess {
	// The stack's API process reports its event loop delay like the app server (_loop-delay.mjs).
	const loopDelay = pathToFileURL(path.join(here, '_loop-delay.mjs')).href;
	return fork(fileURLToPath(import.meta.url), [], {
		execArgv: role === 'stack' ? ['--import', loopDelay] : [],
		env: {
			...process.env,
			...(role === 'stack' ? { COACHLINE_LOOP_LABEL: "API process's" } : {}),
			COACHLINE_APP_BENCH_ROLE: role,
			COACHLINE_APP_BENCH_CONFIG: JSON.stringify(config)
		},
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
}

async function runStackChild(): Promise<void> {
	const { bootTestStack } = await import('../../stack/test-stack.ts');
	const stack = await bootTestStack();
	const pgPid = stack.cluster.pid() ?? 0;
	process.send?.({ type: 'ready', apiUrl: stack.apiUrl, dbUrl: stack.dbUrl, pgPid });
	const stop = async () => {
		await stack.stop();
		process.exit(0);
	};
	process.on('message', (m: { type: string }) => {
		if (m.type === 'stop') void stop();
	});
	process.on('disconnect', () => void stop());
}

interface RealtimeConfig {
	apiUrl: string;
	/** Topics `user:<id>` to hold, one socket each; the first `watched` are the timed recipients. */
	users: string[];
	watched: number;
}

function decodeKind4(buf: Buffer): { topic: string; event: string; payload: unknown } | null {
	if (buf[0] !== 4) return null;
	const [tl, el, ml] = [buf[1], buf[2], buf[3]];
	let o = 5;
	const topic = buf.toString('utf8', o, (o += tl));
	const event = buf.toString('utf8', o, (o += el));
	o += ml;
	return { topic, event, payload: JSON.parse(buf.toString('utf8', o)) as unknown };
}

async function runRealtimeChild(cfg: RealtimeConfig): Promise<void> {
	const key = new TextEncoder().encode(JWT_SECRET);
	const wsUrl = `${cfg.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${ANON_KEY}&vsn=2.0.0`;
	const sockets: WebSocket[] = [];
	let arrivals: [string, number][] = [];
	const t0 = performance.now();
	for (let batch = 0; batch < cfg.users.length; batch += 100) {
		await Promise.all(
			cfg.users.slice(batch, batch + 100).map(async (sub, j) => {
				const watched = batch + j < cfg.watched;
				const token = await new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
					.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
					.setExpirationTime('3h')
					.sign(key);
				const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
				await new Promise<void>((resolve, reject) => {
					ws.once('open', () => resolve());
					ws.once('error', reject);
				});
				const joined = new Promise<void>((resolve, reject) => {
					ws.on('message', (data, isBinary) => {
						if (isBinary) {
							if (!watched) return;
							const at = wall();
							const m = decodeKind4(data as Buffer);
							// private.message_event_payload: the message's id is `message_id` (`id` is the
							// realtime row's own).
							const p = m?.payload as { message_id?: string } | undefined;
							if (m?.event === 'message_created' && p?.message_id)
								arrivals.push([p.message_id, at]);
							return;
						}
						const [, ref, , event, payload] = JSON.parse(String(data)) as [
							string,
							string,
							string,
							string,
							{ status?: string; response?: unknown }
						];
						if (ref === '1' && event === 'phx_reply') {
							if (payload.status === 'ok') resolve();
							else reject(new Error(`join user:${sub}: ${JSON.stringify(payload.response)}`));
						}
					});
				});
				ws.send(
					JSON.stringify([
						'1',
						'1',
						`realtime:user:${sub}`,
						'phx_join',
						{ config: { private: true }, access_token: token }
					])
				);
				await joined;
				sockets.push(ws);
			})
		);
	}
	process.send?.({ type: 'ready', joined: sockets.length, ms: performance.now() - t0 });
	// Phoenix drops sockets that stay silent: a heartbeat every 20 s, as realtime-js sends.
	let ref = 100;
	const beat = setInterval(() => {
		for (const ws of sockets)
			ws.send(JSON.stringify([null, String(ref++), 'phoenix', 'heartbeat', {}]));
	}, 20_000);
	const flush = setInterval(() => {
		if (arrivals.length === 0) return;
		process.send?.({ type: 'arrivals', items: arrivals });
		arrivals = [];
	}, 250);
	process.on('disconnect', () => {
		clearInterval(beat);
		clearInterval(flush);
		for (const ws of sockets) ws.terminate();
		process.exit(0);
	});
}

// ---- measuring proxy between the app server and the API -----------------------------------------

interface ApiCall {
	start: number;
	end: number;
	/** Method and path without the query, for the trace of one request of each kind. */
	what: string;
}

interface Flight {
	calls: ApiCall[];
}

/** JWT payload fields, unverified: the proxy only attributes calls, the API verifies them. */
function claimsOf(authorization: string | undefined): { sub?: string; session_id?: string } {
	const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
	const part = token.split('.')[1];
	if (!part) return {};
	try {
		return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as {
			sub?: string;
			session_id?: string;
		};
	} catch {
		return {};
	}
}

function startProxy(
	apiUrl: string,
	inFlight: Map<string, Flight>,
	latency: { ms: number }
): Promise<http.Server> {
	const api = new URL(apiUrl);
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const server = http.createServer((req, res) => {
		const start = performance.now();
		const flight = inFlight.get(claimsOf(req.headers.authorization).session_id ?? '');
		const up = http.request(
			{
				host: api.hostname,
				port: api.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: api.host },
				agent
			},
			(ur) => {
				const answer = () => {
					res.writeHead(ur.statusCode ?? 502, ur.headers);
					ur.pipe(res);
				};
				// The body waits in the paused stream meanwhile.
				if (latency.ms > 0) setTimeout(answer, latency.ms);
				else answer();
			}
		);
		up.on('error', (e) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(String(e));
		});
		const what = `${req.method} ${(req.url ?? '').split('?')[0]}`;
		res.on('finish', () => flight?.calls.push({ start, end: performance.now(), what }));
		req.pipe(up);
	});
	// WebSockets (the browser's realtime, in the vitals phase) pass through untouched.
	server.on('upgrade', (req, socket, head) => {
		const up = net.connect(Number(api.port), api.hostname, () => {
			const lines = [`${req.method} ${req.url} HTTP/1.1`];
			for (let i = 0; i < req.rawHeaders.length; i += 2)
				lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
			up.write(`${lines.join('\r\n')}\r\n\r\n`);
			up.write(head);
			socket.pipe(up).pipe(socket);
		});
		up.on('error', () => socket.destroy());
		socket.on('error', () => up.destroy());
	});
	server.keepAliveTimeout = 60_000;
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The longest chain of calls in which each starts after the one before it finished. */
export function waterfallDepth(calls: ApiCall[]): number {
	const s = [...calls].sort((a, b) => a.start - b.start);
	const depth: number[] = [];
	let best = 0;
	for (let i = 0; i < s.length; i++) {
		let d = 1;
		for (let j = 0; j < i; j++) if (s[j].end <= s[i].start) d = Math.max(d, depth[j] + 1);
		depth.push(d);
		best = Math.max(best, d);
	}
	return best;
}

// ---- measurements -------------------------------------------------------------------------------

interface Sample {
	ms: number;
	ok: boolean;
	bytes: number;
	calls: number;
	depth: number;
}

class Phase {
	samples = new Map<string, Sample[]>();
	/** The API calls of the last request of each kind, for the trace printed at the end. */
	traces = new Map<string, { t0: number; calls: ApiCall[] }>();
	errors: string[] = [];
	/** When each page request slower than the p95 target ended (performance.now()). */
	slowAt: number[] = [];
	started = performance.now();
	ended = 0;
	add(kind: string, s: Sample, error?: string) {
		let list = this.samples.get(kind);
		if (!list) this.samples.set(kind, (list = []));
		list.push(s);
		if (!kind.startsWith('api:') && s.ms > TARGET_P95) this.slowAt.push(performance.now());
		if (error && this.errors.length < 20) this.errors.push(`${kind}: ${error}`);
	}
	get seconds() {
		return ((this.ended || performance.now()) - this.started) / 1000;
	}
	get count() {
		let n = 0;
		for (const l of this.samples.values()) n += l.length;
		return n;
	}
	/** The worst p95 among page kinds (HTML pages and form actions; the direct API send aside). */
	worstP95(): number {
		let worst = 0;
		for (const [kind, l] of this.samples) {
			if (kind.startsWith('api:')) continue;
			worst = Math.max(
				worst,
				percentile(
					l.map((x) => x.ms),
					95
				)
			);
		}
		return worst;
	}
}

// ---- simulated people -----------------------------------------------------------------------------

interface World {
	appUrl: string;
	apiUrl: string;
	slug: string;
	organizationId: string;
	today: string;
	inFlight: Map<string, Flight>;
	phase: Phase;
	dmSent: Map<string, number>;
	stopping: boolean;
	think: number;
}

class Person {
	jar = new Map<string, string>();
	sessionId = '';
	accessToken = '';
	userId = '';
	iteration = 0;
	running: Promise<void> | null = null;
	stop = false;

	readonly world: World;
	readonly email: string;
	readonly role: 'athlete' | 'coach';
	readonly index: number;
	readonly extra: {
		assignments?: string[];
		coachId?: string;
		athletes?: string[];
		correspondents?: string[];
	};

	constructor(
		world: World,
		email: string,
		role: 'athlete' | 'coach',
		index: number,
		extra: Person['extra']
	) {
		this.world = world;
		this.email = email;
		this.role = role;
		this.index = index;
		this.extra = extra;
	}

	cookieHeader(): string {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	takeCookies(res: Response) {
		for (const c of res.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const gone =
				value === '' ||
				attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
				attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
			if (gone) this.jar.delete(name);
			else this.jar.set(name, value);
		}
		this.readSession();
	}

	/** The session @supabase/ssr keeps in `sb-<ref>-auth-token` (maybe chunked, base64-prefixed). */
	readSession() {
		const names = [...this.jar.keys()].filter((k) => /^sb-.*-auth-token(\.\d+)?$/.test(k));
		if (names.length === 0) return;
		names.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
		let raw = names.map((n) => decodeURIComponent(this.jar.get(n) ?? '')).join('');
		if (raw.startsWith('base64-')) raw = Buffer.from(raw.slice(7), 'base64url').toString('utf8');
		try {
			const session = JSON.parse(raw) as { access_token: string; user: { id: string } };
			const claims = claimsOf(`Bearer ${session.access_token}`);
			this.accessToken = session.access_token;
			this.sessionId = claims.session_id ?? '';
			this.userId = session.user.id;
		} catch {
			// Not a session cookie after all; the next response sets it again.
		}
	}

	async signIn(): Promise<void> {
		const res = await fetch(`${this.world.appUrl}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-forwarded-proto': 'http',
				origin: this.world.appUrl
			},
			body: new URLSearchParams({ email: this.email, password: 'password123' })
		});
		const text = await res.text();
		this.takeCookies(res);
		// A 303 to the next page, or the same as JSON ({"type":"redirect"}) when SvelteKit takes
		// the request for an enhanced form's: either way the session cookie is set.
		if (!this.sessionId) {
			const said = /role="alert"[^>]*>([^<]+)/.exec(text)?.[1] ?? text.slice(0, 300);
			throw new Error(`sign-in of ${this.email} failed: HTTP ${res.status}: ${said}`);
		}
	}

	/** One page (GET) or form action (POST), timed to the last byte, its API calls attributed. */
	async request(kind: string, pathname: string, form?: Record<string, string | string[]>) {
		const w = this.world;
		const flight: Flight = { calls: [] };
		w.inFlight.set(this.sessionId, flight);
		const headers: Record<string, string> = {
			cookie: this.cookieHeader(),
			'x-forwarded-proto': 'http'
		};
		let body: URLSearchParams | undefined;
		if (form) {
			body = new URLSearchParams();
			for (const [k, v] of Object.entries(form))
				for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
			headers['content-type'] = 'application/x-www-form-urlencoded';
			headers['x-sveltekit-action'] = 'true';
			headers.origin = w.appUrl;
		} else headers.accept = 'text/html';
		const t = performance.now();
		let ok = false;
		let bytes = 0;
		let error: string | undefined;
		let text = '';
		try {
			const res = await fetch(`${w.appUrl}${pathname}`, {
				method: form ? 'POST' : 'GET',
				headers,
				body,
				redirect: 'manual'
			});
			const buf = Buffer.from(await res.arrayBuffer());
			bytes = buf.length;
			text = buf.toString('utf8');
			this.takeCookies(res);
			if (form) {
				const r = JSON.parse(text) as { type?: string; status?: number; data?: string };
				ok = r.type === 'success' || r.type === 'redirect';
				if (!ok) error = `${r.type} ${r.status}: ${String(r.data).slice(0, 200)}`;
			} else {
				ok = res.status === 200;
				if (!ok) error = `HTTP ${res.status} ${res.headers.get('location') ?? text.slice(0, 200)}`;
			}
		} catch (e) {
			error =
				e instanceof Error
					? `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}`
					: String(e);
		}
		const ms = performance.now() - t;
		w.inFlight.delete(this.sessionId);
		// COACHLINE_APP_BENCH_DUMP=<dir> keeps the first response of each kind, to look at.
		const dump = process.env.COACHLINE_APP_BENCH_DUMP;
		if (dump && !dumped.has(kind)) {
			dumped.add(kind);
			writeFileSync(path.join(dump, `${kind.replace(/\W+/g, '-')}.html`), text);
		}
		w.phase.traces.set(kind, { t0: t, calls: flight.calls });
		w.phase.add(
			kind,
			{ ms, ok, bytes, calls: flight.calls.length, depth: waterfallDepth(flight.calls) },
			error
		);
		return text;
	}

	/** A direct message as the browser sends it: the RPC straight to the API with my token. */
	async sendMessage(to: string) {
		const w = this.world;
		const t = performance.now();
		const sentAt = wall();
		let ok = false;
		let error: string | undefined;
		let bytes = 0;
		try {
			const res = await fetch(`${w.apiUrl}/rest/v1/rpc/send_message`, {
				method: 'POST',
				headers: {
					apikey: ANON_KEY,
					authorization: `Bearer ${this.accessToken}`,
					'content-type': 'application/json',
					accept: 'application/vnd.pgrst.object+json'
				},
				body: JSON.stringify({
					p_organization_id: w.organizationId,
					p_recipient_id: to,
					p_content: `Bench message ${this.index}.${this.iteration}: how did today go?`,
					p_client_id: randomUUID()
				})
			});
			const text = await res.text();
			bytes = text.length;
			ok = res.status === 200;
			if (ok) w.dmSent.set((JSON.parse(text) as { id: string }).id, sentAt);
			else error = `HTTP ${res.status} ${text.slice(0, 200)}`;
		} catch (e) {
			error = e instanceof Error ? e.message : String(e);
		}
		w.phase.add(
			'api: send message',
			{ ms: performance.now() - t, ok, bytes, calls: 1, depth: 1 },
			error
		);
	}

	async think() {
		// Uniform between half and one and a half times the mean: people do not click in step.
		const mean = this.world.think * 1000;
		await sleep(mean * (0.5 + Math.random()));
	}

	/** Each person's own round of pages, again and again, until told to stop. */
	async loop() {
		const o = `/org/${this.world.slug}`;
		// Start at a random point of a think time, so a new crowd does not arrive in one burst.
		await sleep(Math.random() * this.world.think * 1000);
		while (!this.stop && !this.world.stopping) {
			const i = this.iteration++;
			const steps = this.role === 'athlete' ? this.athleteRound(o, i) : this.coachRound(o, i);
			for (const step of steps) {
				if (this.stop || this.world.stopping) return;
				await step();
				await this.think();
			}
		}
	}

	athleteRound(o: string, i: number): (() => Promise<unknown>)[] {
		const a = this.extra.assignments ?? [];
		const assignment = a[(this.index + i) % Math.max(1, a.length)];
		const coach = this.extra.coachId ?? '';
		return [
			() => this.request('athlete: today', `${o}/today`),
			() => this.request('athlete: week', `${o}/week`),
			() => this.request('athlete: workout', `${o}/assignments/${assignment}`),
			() =>
				this.request('athlete: log result', `${o}/assignments/${assignment}?/log`, {
					score: `${10 + (i % 20)}:${String(i % 60).padStart(2, '0')}`,
					rpe: String(1 + (i % 10)),
					notes: 'Felt good.'
				}),
			() => this.request('athlete: conversation', `${o}/messages/${coach}`),
			() => this.sendMessage(coach)
		];
	}

	coachRound(o: string, i: number): (() => Promise<unknown>)[] {
		const athletes = this.extra.athletes ?? [];
		const talk = this.extra.correspondents ?? athletes;
		const pick = (xs: string[], salt: number) =>
			xs[(this.index * 37 + i * 11 + salt) % Math.max(1, xs.length)];
		const workouts = this.extra.assignments ?? [];
		const workoutOf = workouts[(this.index * 13 + i) % Math.max(1, workouts.length)];
		// Drafts lie beyond next week: publish one athlete's drafts of one week there.
		const from = addDays(this.world.today, 8 + ((this.index + i) % 7) * 7);
		return [
			() => this.request('coach: overview', `${o}/overview`),
			() => this.request('coach: calendar week', `${o}/calendar`),
			() => this.request('coach: athlete workout', `${o}/assignments/${workoutOf}`),
			() => this.request('coach: inbox', `${o}/messages`),
			() => this.request('coach: conversation', `${o}/messages/${pick(talk, 5)}`),
			() =>
				this.request('coach: bulk publish', `${o}/calendar?/bulkPublish`, {
					athlete_id: pick(athletes, 7),
					date_from: from,
					date_to: addDays(from, 6)
				})
		];
	}
}

/**
 * Waits (at most `maxSeconds`) until the process tree under `pid` uses under 5 % of a core
 * over two seconds: background work of PostgreSQL that no request of the bench caused.
 */
async function settle(pid: number, maxSeconds = 240): Promise<{ idle: boolean; seconds: number }> {
	const start = performance.now();
	let before = cpuOfTree(pid);
	while ((performance.now() - start) / 1000 < maxSeconds) {
		await sleep(2000);
		const now = cpuOfTree(pid);
		if (now - before < 100) return { idle: true, seconds: (performance.now() - start) / 1000 };
		before = now;
	}
	return { idle: false, seconds: maxSeconds };
}

function addDays(iso: string, n: number): string {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

// ---- the run ---------------------------------------------------------------------------------------

const fmtMs = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

function printPhase(title: string, p: Phase) {
	console.log(
		`\n${title}: ${p.count} requests in ${p.seconds.toFixed(1)} s (${(p.count / p.seconds).toFixed(1)}/s)`
	);
	const rows = [...p.samples]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([kind, l]) => {
			const ms = l.map((x) => x.ms);
			return {
				page: kind,
				n: l.length,
				'p50 ms': fmtMs(percentile(ms, 50)),
				'p95 ms': fmtMs(percentile(ms, 95)),
				'p99 ms': fmtMs(percentile(ms, 99)),
				errors: l.filter((x) => !x.ok).length,
				'API calls': (l.reduce((a, x) => a + x.calls, 0) / l.length).toFixed(1),
				'depth max': Math.max(...l.map((x) => x.depth)),
				'kB sent': (l.reduce((a, x) => a + x.bytes, 0) / l.length / 1024).toFixed(1)
			};
		});
	console.table(rows);
	if (p.errors.length) console.log(`first errors:\n  ${p.errors.join('\n  ')}`);
}

interface Procs {
	app: number;
	api: number;
	pg: number;
}

/**
 * Samples what PostgreSQL's active client backends wait on (pg_stat_activity), every 100 ms
 * until stopped: the top waits, with the statement for lock waits, and autovacuum's workers.
 */
function waitSampler(sql: postgres.Sql) {
	const counts = new Map<string, number>();
	const timeline: { at: number; active: number; busy: number; total: number; steal: number }[] = [];
	let samples = 0;
	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			const rows = await sql<{ w: string }[]>`
				select coalesce(wait_event_type || ':' || wait_event, 'busy')
				       || case when wait_event_type = 'Lock' then ' (' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) || ')' else '' end as w
				  from pg_stat_activity
				 where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()
				union all
				select 'autovacuum (' || left(query, 60) || ')' from pg_stat_activity
				 where backend_type = 'autovacuum worker' and state = 'active'`.catch(() => [] as { w: string }[]);
			samples += 1;
			for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
			const cpu = machineCpu();
			timeline.push({
				at: performance.now(),
				active: rows.filter((r) => !r.w.startsWith('autovacuum')).length,
				busy: cpu.busy,
				total: cpu.total,
				steal: cpu.steal
			});
			await sleep(100);
		}
	})();
	return {
		/**
		 * Per window from `start`: PostgreSQL's client backends active (mean of the samples) and
		 * the machine's cores busy, so a window of slow requests reads as the machine full (cores
		 * near all) or as waiting on something while cores sat idle.
		 */
		windows(
			start: number,
			ms: number,
			n: number
		): { active: string; cores: string; stolen: string }[] {
			return Array.from({ length: n }, (_, w) => {
				const inside = timeline.filter(
					(t) => t.at >= start + w * ms && t.at < start + (w + 1) * ms
				);
				if (inside.length < 2) return { active: '–', cores: '–', stolen: '–' };
				const first = inside[0];
				const last = inside[inside.length - 1];
				const active = inside.reduce((a, t) => a + t.active, 0) / inside.length;
				const share = (a: number, b: number) =>
					(((b - a) / (last.total - first.total)) * cpus().length).toFixed(1);
				return {
					active: active.toFixed(1),
					cores: share(first.busy, last.busy),
					stolen: share(first.steal, last.steal)
				};
			});
		},
		async stop(): Promise<{ samples: number; top: string }> {
			stopped = true;
			await loop;
			const top = [...counts]
				.sort((a, b) => b[1] - a[1])
				.slice(0, 8)
				.map(([w, n]) => `${w} ${n}`)
				.join(', ');
			return { samples, top: top || 'none active' };
		}
	};
}

/** CPU ms of the simulation itself: this process, and the realtime clients' processes. */
function simulatorCpu(children: ChildProcess[]): { self: number; clients: number } {
	const u = process.cpuUsage();
	let clients = 0;
	for (const c of children.slice(1)) if (c.pid) clients += cpuOf(c.pid);
	return { self: (u.user + u.system) / 1000, clients };
}

/** The machine's CPU time so far from /proc/stat, in clock ticks: busy and total, all cores. */
function machineCpu(): { busy: number; total: number; steal: number } {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
	const f = line.trim().split(/\s+/).slice(1).map(Number);
	const total = f.reduce((a, b) => a + b, 0);
	const idle = (f[3] ?? 0) + (f[4] ?? 0);
	// steal: time the hypervisor ran something else while this machine had work for the core.
	return { busy: total - idle, total, steal: f[7] ?? 0 };
}

function cpuNow(p: Procs) {
	// The API counts with its children: realtime may run in a process of its own
	// (the default; COACHLINE_REALTIME_PROCESS=0 keeps it inside).
	return { app: cpuOf(p.app), api: cpuOfTree(p.api), pg: cpuOfTree(p.pg), at: performance.now() };
}

/** Peak memory of each process, sampled every 2 s off this event loop (_memory-worker.ts). */
function memorySampler(p: Procs) {
	const worker = new Worker(new URL('./_memory-worker.ts', import.meta.url), { workerData: p });
	return {
		stop: () =>
			new Promise<{ app: number; api: number; pg: number }>((resolve, reject) => {
				worker.once('message', (peak: { app: number; api: number; pg: number }) => {
					void worker.terminate();
					resolve(peak);
				});
				worker.once('error', reject);
				worker.postMessage('stop');
			})
	};
}

export default async function app(args: string[]): Promise<void> {
	const opt = readOptions(args);
	console.log(
		`app bench: ${opt.athletes} athletes + ${opt.coaches} coaches, think ${opt.think} s, ` +
			`${opt.warmup} s warm-up, ${opt.duration} s measured, ${opt.realtime} realtime clients, ` +
			`organization of ${opt.org} athletes; load average at start ${loadAverage()}`
	);
	if (opt.build || !existsSync(path.join(root, 'build/index.js'))) {
		console.log('Building the app (vite build)…');
		const t = performance.now();
		const r = spawnSync(path.join(root, 'node_modules/.bin/vite'), ['build'], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit']
		});
		if (r.status !== 0) throw new Error('vite build failed');
		console.log(`  built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
	}

	const children: ChildProcess[] = [];
	let appServer: ChildProcess | null = null;
	let proxy: http.Server | null = null;
	let sql: postgres.Sql | null = null;
	try {
		// The API and its database, in a child of their own.
		const stackChild = forkRole('stack', {});
		children.push(stackChild);
		const ready = await new Promise<StackReady>((resolve, reject) => {
			stackChild.once('message', (m: StackReady | { type: 'failed'; error: string }) =>
				m.type === 'ready' ? resolve(m) : reject(new Error(m.error))
			);
			stackChild.once('exit', (code) => reject(new Error(`stack exited with ${code}`)));
		});
		const procs: Procs = { app: 0, api: stackChild.pid ?? 0, pg: ready.pgPid };
		console.log(`stack up: API ${ready.apiUrl} (pid ${procs.api}), Postgres pid ${procs.pg}`);

		sql = postgres(ready.dbUrl, { max: 2, onnotice: () => {} });
		console.log(`Generating the organization (${opt.org} athletes)…`);
		const org = await generateOrganization(sql, { athletes: opt.org });
		console.log(
			`  ${org.counts.assignments} assignments, ${org.counts.results} results in ${org.seconds.toFixed(0)} s`
		);
		const [{ today }] = await sql<{ today: string }[]>`
			select to_char((now() at time zone 'Europe/London')::date, 'YYYY-MM-DD') as today`;

		// Accounts: e-mail of every athlete and member of staff, athletes in generator order.
		const people = await sql<{ id: string; email: string; role: string }[]>`
			select u.id, u.email, m.role::text
			  from auth.users u join public.memberships m on m.user_id = u.id
			 where m.organization_id = ${org.organizationId}
			 order by m.role, substring(u.email from '(\\d+)@')::int nulls first`;
		const athleteAccounts = people.filter((p) => p.role === 'member');
		const staffAccounts = people.filter((p) => p.role !== 'member');
		const maxFactor = Math.max(1, ...opt.steps);
		const maxAthletes = Math.min(athleteAccounts.length, Math.ceil(opt.athletes * maxFactor));
		// Each athlete's published workouts of the last two weeks (the workout page, the result).
		const used = athleteAccounts.slice(0, maxAthletes).map((a) => a.id);
		const recent = await sql<{ user_id: string; ids: string[] }[]>`
			select user_id, array_agg(id order by date desc) as ids
			  from public.workout_assignments
			 where user_id = any (${used}::uuid[]) and published and deleted_at is null and kind = 'workout'
			   and date between ${today}::date - 14 and ${today}::date
			 group by user_id`;
		const recentOf = new Map(recent.map((r) => [r.user_id, r.ids]));
		const allRecent = recent.flatMap((r) => r.ids.slice(0, 2));

		// Pictures in the conversations: every athlete who may take part sent their coach two
		// pictures before the run (as the browser does: objects uploaded, then
		// send_message_with_attachments as the athlete), so conversation pages read threads whose
		// newest messages carry files.
		const tp = performance.now();
		for (const [i, a] of athleteAccounts.slice(0, maxAthletes).entries()) {
			const coach = staffAccounts[i % staffAccounts.length];
			const paths = [0, 1].map(() => `${org.organizationId}/${a.id}/${randomUUID()}.jpg`);
			await sql.begin(async (tx) => {
				await tx`
					insert into storage.objects (bucket_id, name, owner_id, metadata, user_metadata)
					select 'attachments', p, ${a.id}, '{"mimetype": "image/jpeg", "size": 180000}'::jsonb,
					       '{"width": 1200, "height": 900}'::jsonb
					  from unnest(${paths}::text[]) p`;
				await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: a.id, role: 'authenticated' })}, true)`;
				await tx`set local role authenticated`;
				await tx`
					select 1 from public.send_message_with_attachments(
					  ${org.organizationId}, ${coach.id}, 'Form check from this morning', null, ${paths}::text[])`;
			});
		}
		console.log(
			`  ${maxAthletes} athletes sent their coach 2 pictures in ${((performance.now() - tp) / 1000).toFixed(1)} s`
		);
		// A production database this size has long been through autovacuum, and its dirty pages
		// written out. Without this, the insert-triggered vacuum of 700,000 fresh rows starts a
		// minute after the load (autovacuum's naptime), inside the measured run, after the
		// "idle" check below has already passed; and the checkpoint of the load lands there too.
		const tv = performance.now();
		await sql`vacuum (analyze)`;
		await sql`checkpoint`;
		console.log(`  vacuumed and checkpointed in ${((performance.now() - tv) / 1000).toFixed(1)} s`);

		// The realtime clients: the staff's topics first (the timed recipients), then athletes'.
		const topics = [...staffAccounts, ...athleteAccounts].map((p) => p.id).slice(0, opt.realtime);
		if (opt.realtime > 0) {
			const rt = forkRole('realtime', {
				apiUrl: ready.apiUrl,
				users: topics,
				watched: Math.min(staffAccounts.length, topics.length)
			} satisfies RealtimeConfig);
			children.push(rt);
			const r = await new Promise<RealtimeMsg>((resolve, reject) => {
				rt.on('message', (m: RealtimeMsg) => {
					if (m.type === 'ready' || m.type === 'failed') resolve(m);
				});
				rt.once('exit', (code) => reject(new Error(`realtime clients exited with ${code}`)));
			});
			if (r.type === 'failed') throw new Error(r.error);
			if (r.type === 'ready')
				console.log(`${r.joined} realtime clients subscribed in ${(r.ms / 1000).toFixed(1)} s`);
		}
		const arrivals = new Map<string, number>();
		for (const c of children.slice(1))
			c.on('message', (m: RealtimeMsg) => {
				if (m.type === 'arrivals') for (const [id, at] of m.items) arrivals.set(id, at);
			});

		// The measuring proxy and the production server behind it.
		const inFlight = new Map<string, Flight>();
		/** Added to every API answer by the proxy (the depth pass only). */
		const latency = { ms: 0 };
		proxy = await startProxy(ready.apiUrl, inFlight, latency);
		const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
		const appPort = await findFreePort(5800 + Math.floor(Math.random() * 150));
		const appUrl = `http://127.0.0.1:${appPort}`;
		appServer = spawn(
			process.execPath,
			// Reports its event loop delay on SIGUSR2 (see _loop-delay.mjs).
			[
				// e.g. `--cpu-prof --cpu-prof-dir=/tmp/app-profile`: a V8 profile of the app server.
				...(process.env.COACHLINE_APP_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
				'--import',
				pathToFileURL(path.join(here, '_loop-delay.mjs')).href,
				path.join(root, 'build/index.js')
			],
			{
				cwd: root,
				env: {
					...process.env,
					NODE_ENV: 'production',
					HOST: '127.0.0.1',
					PORT: String(appPort),
					// This adapter-node takes the origin from the request (protocol "https" unless a
					// header says otherwise), as behind a TLS-terminating proxy: the people below say
					// `x-forwarded-proto: http`, as such a proxy would.
					PROTOCOL_HEADER: 'x-forwarded-proto',
					// Longer than the people's idle sockets live (undici: 4 s), so a request never
					// races the server closing the connection it reuses, as behind a proxy pool.
					KEEP_ALIVE_TIMEOUT: '65',
					ORIGIN: appUrl,
					PUBLIC_SUPABASE_URL: proxyUrl,
					PUBLIC_SUPABASE_ANON_KEY: ANON_KEY
				},
				stdio: ['ignore', 'ignore', 'inherit']
			}
		);
		procs.app = appServer.pid ?? 0;
		for (let i = 0; ; i++) {
			const up = await fetch(`${appUrl}/login`).then(
				(r) => r.ok,
				() => false
			);
			if (up) break;
			if (i > 300) throw new Error('the app server did not start');
			await sleep(100);
		}
		console.log(
			`app server (node build/index.js, pid ${procs.app}) at ${appUrl}, API through ${proxyUrl}`
		);

		const world: World = {
			appUrl,
			apiUrl: ready.apiUrl,
			slug: org.slug,
			organizationId: org.organizationId,
			today,
			inFlight,
			phase: new Phase(),
			dmSent: new Map(),
			stopping: false,
			think: opt.think
		};
		const athleteIds = athleteAccounts.map((a) => a.id);
		const correspondents = athleteIds.slice(0, maxAthletes);
		const crowd: Person[] = [];
		const makeAthlete = (i: number) =>
			new Person(world, athleteAccounts[i].email, 'athlete', i, {
				assignments: recentOf.get(athleteAccounts[i].id) ?? allRecent,
				coachId: staffAccounts[i % staffAccounts.length].id
			});
		const makeCoach = (i: number) =>
			new Person(world, staffAccounts[i % staffAccounts.length].email, 'coach', i, {
				athletes: athleteIds,
				assignments: allRecent,
				correspondents
			});
		/** Grows the crowd to n athletes and m coaches, signing the newcomers in (10 at a time). */
		const grow = async (n: number, m: number) => {
			const have = (role: string) => crowd.filter((p) => p.role === role).length;
			const fresh: Person[] = [];
			for (let i = have('athlete'); i < Math.min(n, athleteAccounts.length); i++)
				fresh.push(makeAthlete(i));
			for (let i = have('coach'); i < m; i++) fresh.push(makeCoach(i));
			const t = performance.now();
			for (let i = 0; i < fresh.length; i += 10)
				await Promise.all(fresh.slice(i, i + 10).map((p) => p.signIn()));
			if (fresh.length)
				console.log(
					`signed in ${fresh.length} people through /login in ${((performance.now() - t) / 1000).toFixed(1)} s`
				);
			for (const p of fresh) {
				crowd.push(p);
				if (!opt.quick) p.running = p.loop();
			}
		};

		// Loading the organization leaves PostgreSQL busy for minutes (autovacuum and analyze of
		// 700,000 new rows, realtime's decoding of their WAL): the crowd starts once it idles, so the
		// measured minute is the app's and not the tail of the load (a worst p95 at 220 people above
		// the one at 330 said so).
		if (!opt.quick) {
			const first = await settle(procs.pg);
			console.log(
				`PostgreSQL idle before the crowd: ${first.idle ? 'yes' : 'no'}, after ${first.seconds.toFixed(0)} s`
			);
		}

		// Warm-up, then the measured run (not in quick mode: only the people the profile uses).
		world.phase = new Phase();
		await grow(opt.athletes, opt.coaches);
		if (!opt.quick) {
			// The memory sampler starts with the warm-up: its thread's start-up and first reading of
			// every backend's page tables are not the measured minute's.
			const mem = memorySampler(procs);
			await sleep(opt.warmup * 1000);
			world.phase = new Phase();
			world.dmSent.clear();
			const load0 = loadAverage();
			const waits = waitSampler(sql);
			const cpu0 = cpuNow(procs);
			const sim0 = simulatorCpu(children);
			// This process's own stalls: the people's timers, their response parsing and the proxy
			// all wait on one event loop, so a pause here lengthens every request it is timing.
			const loopDelay = monitorEventLoopDelay({ resolution: 10 });
			loopDelay.enable();
			// the warm-up's lines; the measured minute's come at its end
			appServer?.kill('SIGUSR2');
			stackChild?.kill('SIGUSR2');
			const machine0 = machineCpu();
			await sleep(opt.duration * 1000);
			const cpu1 = cpuNow(procs);
			const sim1 = simulatorCpu(children);
			loopDelay.disable();
			appServer?.kill('SIGUSR2');
			stackChild?.kill('SIGUSR2');
			const machine1 = machineCpu();
			const waited = await waits.stop();
			const main = world.phase;
			main.ended = performance.now();
			const dmSent = new Map(world.dmSent);
			const load1 = loadAverage();
			printPhase(`Measured run, ${opt.athletes} athletes + ${opt.coaches} coaches`, main);
			console.log(
				'\nAPI calls of one request of each kind (ms from the request start: start–end):'
			);
			for (const [kind, tr] of [...main.traces].sort(([a], [b]) => a.localeCompare(b))) {
				if (kind.startsWith('api:')) continue;
				const calls = [...tr.calls].sort((a, b) => a.start - b.start);
				console.log(
					`  ${kind}: ${calls.map((c) => `${c.what} ${(c.start - tr.t0).toFixed(0)}–${(c.end - tr.t0).toFixed(0)}`).join(', ')}`
				);
			}
			const pages = main.count;
			const wallS = (cpu1.at - cpu0.at) / 1000;
			const cpuRow = (name: string, a: number, b: number, mb: number) => ({
				process: name,
				'CPU s': ((b - a) / 1000).toFixed(1),
				'cores busy': ((b - a) / 1000 / wallS).toFixed(2),
				'CPU ms/request': ((b - a) / pages).toFixed(2),
				'peak memory MB': Number.isNaN(mb) ? '–' : mb.toFixed(0)
			});
			const peakMb = await mem.stop();
			console.log(
				`\nProcesses during the measured run (load average ${load0} at start, ${load1} at end; ` +
					`the whole machine ${(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cpus().length).toFixed(2)} of ${cpus().length} cores busy):`
			);
			console.table([
				cpuRow('app server (node build)', cpu0.app, cpu1.app, peakMb.app),
				cpuRow('API (gateway + services)', cpu0.api, cpu1.api, peakMb.api),
				cpuRow('PostgreSQL (all backends, PSS)', cpu0.pg, cpu1.pg, peakMb.pg),
				// Not part of the product: the simulated people with the measuring proxy, and the
				// realtime clients, share the same cores.
				cpuRow('load generator + proxy (this process)', sim0.self, sim1.self, NaN),
				cpuRow('realtime clients', sim0.clients, sim1.clients, NaN)
			]);

			// DMs: from the send until the recipient's subscriber decoded it.
			await sleep(1500);
			const dm: number[] = [];
			for (const [id, at] of dmSent) {
				const got = arrivals.get(id);
				if (got !== undefined) dm.push(got - at);
			}
			const dmP99 = percentile(dm, 99);
			console.log(
				`\nDirect message → recipient's open conversation (user:<recipient> subscriber): ` +
					`${dm.length}/${dmSent.size} delivered, p50 ${fmtMs(percentile(dm, 50))} ms, ` +
					`p95 ${fmtMs(percentile(dm, 95))} ms, p99 ${fmtMs(dmP99)} ms, max ${fmtMs(percentile(dm, 100))} ms`
			);

			// When the slow requests came (clustered: a stall; spread: steady queueing), and what
			// PostgreSQL's active backends were waiting on, sampled every 100 ms.
			const windows = Array.from({ length: Math.ceil(opt.duration / 5) }, () => 0);
			for (const at of main.slowAt) {
				const w = Math.floor((at - main.started) / 5000);
				if (w >= 0 && w < windows.length) windows[w] += 1;
			}
			console.log(
				`\nPage requests over ${TARGET_P95} ms, per 5 s of the measured minute: ${windows.join(' ')}`
			);
			const around = waits.windows(main.started, 5000, windows.length);
			console.log(
				`  PostgreSQL backends active, mean per 5 s:   ${around.map((w) => w.active).join(' ')}`
			);
			console.log(
				`  machine cores busy (of ${cpus().length}) per 5 s:       ${around.map((w) => w.cores).join(' ')}`
			);
			console.log(
				`  of which stolen by the hypervisor:          ${around.map((w) => w.stolen).join(' ')}`
			);
			console.log(
				`Load generator's event loop delay: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`
			);
			console.log(
				`PostgreSQL active backends, sampled every 100 ms (${waited.samples} samples; busy = on CPU): ${waited.top}`
			);

			// Targets.
			let errors = 0;
			let deepest = 0;
			const slow: string[] = [];
			const deep: string[] = [];
			for (const [kind, l] of main.samples) {
				errors += l.filter((x) => !x.ok).length;
				const d = Math.max(...l.map((x) => x.depth));
				deepest = Math.max(deepest, d);
				if (d > TARGET_DEPTH) deep.push(`${kind} (${d})`);
				const p95 = percentile(
					l.map((x) => x.ms),
					95
				);
				if (!kind.startsWith('api:') && p95 > TARGET_P95)
					slow.push(`${kind} (${p95.toFixed(0)} ms)`);
			}
			const mark = (ok: boolean) => (ok ? 'met ' : 'MISSED');
			console.log(`\nTargets at ${opt.athletes + opt.coaches} people:`);
			console.log(
				`  ${mark(slow.length === 0)} every page p95 ≤ ${TARGET_P95} ms${slow.length ? `: ${slow.join(', ')}` : ''}`
			);
			console.log(`  ${mark(errors === 0)} 0 errors (${errors})`);
			console.log(
				`  ${deep.length === 0 ? 'met ' : 'over'} API calls at most ${TARGET_DEPTH} deep in sequence, by timing under load${deep.length ? `: ${deep.join(', ')}` : ''} (judged by the depth pass below)`
			);
			console.log(
				`  ${mark(dmP99 <= TARGET_DM_P99 && dm.length === dmSent.size)} DM delivered p99 ≤ ${TARGET_DM_P99} ms (${fmtMs(dmP99)} ms)`
			);

			// Saturation: more people at the same think time until the worst page p95 passes 150 ms.
			const steps: {
				people: number;
				pagesPerS: number;
				worstP95: number;
				errors: number;
				load: string;
			}[] = [
				{
					people: opt.athletes + opt.coaches,
					pagesPerS: main.count / main.seconds,
					worstP95: main.worstP95(),
					errors,
					load: load1
				}
			];
			for (const f of opt.steps) {
				const n = Math.round(opt.athletes * f);
				const m = Math.round(opt.coaches * f);
				await grow(n, m);
				await sleep(5000);
				world.phase = new Phase();
				await sleep(opt.step * 1000);
				const p = world.phase;
				p.ended = performance.now();
				let e = 0;
				for (const l of p.samples.values()) e += l.filter((x) => !x.ok).length;
				steps.push({
					people: n + m,
					pagesPerS: p.count / p.seconds,
					worstP95: p.worstP95(),
					errors: e,
					load: loadAverage()
				});
				console.log(
					`  step ${n + m} people: ${(p.count / p.seconds).toFixed(1)} requests/s, worst page p95 ${p.worstP95().toFixed(0)} ms, ${e} errors`
				);
				if (p.worstP95() > TARGET_P95) break;
			}
			world.stopping = true;
			await Promise.all(crowd.map((p) => p.running));
			console.log('\nSaturation (same think time, more people):');
			console.table(
				steps.map((s) => ({
					people: s.people,
					'requests/s': s.pagesPerS.toFixed(1),
					'worst page p95 ms': s.worstP95.toFixed(0),
					errors: s.errors,
					'load average': s.load
				}))
			);
			const crossed = steps.find((s) => s.worstP95 > TARGET_P95);
			const below = [...steps].reverse().find((s) => s.worstP95 <= TARGET_P95);
			console.log(
				crossed
					? `p95 passes ${TARGET_P95} ms at ${crossed.pagesPerS.toFixed(1)} requests/s (${crossed.people} people)` +
							(below
								? `; held at ${below.pagesPerS.toFixed(1)} requests/s (${below.people} people)`
								: '')
					: `p95 stayed ≤ ${TARGET_P95} ms up to ${steps.at(-1)?.pagesPerS.toFixed(1)} requests/s (${steps.at(-1)?.people} people)`
			);
		}

		// CPU per page kind: each kind alone, 3 people at a time, no think time, nothing else running.
		if (opt.profile || opt.quick) {
			console.log('\nCPU per request of each kind, each kind alone (3 people, back to back):');
			const rows: Record<string, string | number>[] = [];
			let dmAlone = '';
			const aloneErrors: string[] = [];
			const traces: string[] = [];
			world.stopping = false;
			const athletes = crowd.filter((p) => p.role === 'athlete').slice(0, 3);
			const coaches = crowd.filter((p) => p.role === 'coach').slice(0, 3);
			const o = `/org/${org.slug}`;
			const kinds: [string, Person[], (p: Person, i: number) => Promise<unknown>][] = [
				['athlete: today', athletes, (p) => p.request('x', `${o}/today`)],
				['athlete: week', athletes, (p) => p.request('x', `${o}/week`)],
				['athlete: workout', athletes, (p, i) => p.athleteRound(o, i)[2]()],
				['athlete: log result', athletes, (p, i) => p.athleteRound(o, i)[3]()],
				['athlete: conversation', athletes, (p, i) => p.athleteRound(o, i)[4]()],
				['api: send message', athletes, (p, i) => p.athleteRound(o, i)[5]()],
				['coach: overview', coaches, (p, i) => p.coachRound(o, i)[0]()],
				['coach: calendar week', coaches, (p, i) => p.coachRound(o, i)[1]()],
				['coach: athlete workout', coaches, (p, i) => p.coachRound(o, i)[2]()],
				['coach: inbox', coaches, (p, i) => p.coachRound(o, i)[3]()],
				['coach: conversation', coaches, (p, i) => p.coachRound(o, i)[4]()],
				['coach: bulk publish', coaches, (p, i) => p.coachRound(o, i)[5]()]
			];
			const chosen = kinds.filter(
				([kind]) => opt.pages.length === 0 || opt.pages.some((part) => kind.includes(part))
			);
			// Loading the organization leaves PostgreSQL busy for minutes (autovacuum and analyze of
			// the new rows, realtime's WAL decoding of 700,000 inserts), all counted in its process
			// tree: wait until it idles, or the first kinds measured carry that work.
			const settled = await settle(procs.pg);
			console.log(
				`PostgreSQL idle before measuring: ${settled.idle ? 'yes' : 'no'}, after ${settled.seconds.toFixed(0)} s`
			);
			for (const [kind, who, run] of chosen) {
				const n = opt.n;
				world.phase = new Phase();
				world.dmSent.clear();
				const c0 = cpuNow(procs);
				let next = 0;
				await Promise.all(
					who.map(async (p) => {
						while (next < n) {
							const i = next++;
							p.iteration = 1000 + i;
							await run(p, 1000 + i);
						}
					})
				);
				const c1 = cpuNow(procs);
				const all = [...world.phase.samples.values()].flat();
				const avg = (f: (x: Sample) => number) => all.reduce((a, x) => a + f(x), 0) / all.length;
				rows.push({
					page: kind,
					'app ms': ((c1.app - c0.app) / n).toFixed(1),
					'API ms': ((c1.api - c0.api) / n).toFixed(1),
					'Postgres ms': ((c1.pg - c0.pg) / n).toFixed(1),
					'alone p50 ms': fmtMs(
						percentile(
							all.map((x) => x.ms),
							50
						)
					),
					'API calls': avg((x) => x.calls).toFixed(1),
					depth: Math.max(...all.map((x) => x.depth)),
					'kB sent': (avg((x) => x.bytes) / 1024).toFixed(1),
					errors: all.filter((x) => !x.ok).length
				});
				aloneErrors.push(...world.phase.errors.slice(0, 3));
				for (const tr of world.phase.traces.values()) {
					const calls = [...tr.calls].sort((a, b) => a.start - b.start);
					traces.push(
						`  ${kind}: ${calls.map((c) => `${c.what} ${(c.start - tr.t0).toFixed(0)}–${(c.end - tr.t0).toFixed(0)}`).join(', ')}`
					);
				}
				if (world.dmSent.size > 0) {
					// The sends alone: from the send until the recipient's subscriber decoded it.
					await sleep(1500);
					const dm = [...world.dmSent]
						.map(([id, at]) => (arrivals.has(id) ? (arrivals.get(id) ?? 0) - at : NaN))
						.filter((x) => Number.isFinite(x));
					dmAlone = `DM sent alone → recipient's subscriber: ${dm.length}/${world.dmSent.size} delivered, p50 ${fmtMs(percentile(dm, 50))} ms, p99 ${fmtMs(percentile(dm, 99))} ms, max ${fmtMs(percentile(dm, 100))} ms`;
				}
			}
			console.table(rows);
			console.log('API calls of the last request of each kind (ms from its start: start–end):');
			console.log(traces.join('\n'));
			if (dmAlone) console.log(dmAlone);
			if (aloneErrors.length) console.log(`first errors:\n  ${aloneErrors.join('\n  ')}`);
			console.log(`load average ${loadAverage()}`);

			// The depth pass: the same kinds, 3 requests each, with DEPTH_LATENCY_MS added to every
			// API answer.
			console.log(
				`\nWaterfall depth with ${DEPTH_LATENCY_MS} ms added to every API answer (3 requests of each kind):`
			);
			const depthRows: Record<string, string | number>[] = [];
			const tooDeep: string[] = [];
			latency.ms = DEPTH_LATENCY_MS;
			try {
				for (const [kind, who, run] of chosen) {
					world.phase = new Phase();
					world.dmSent.clear();
					let next = 0;
					await Promise.all(
						who.map(async (p) => {
							while (next < 3) {
								const i = next++;
								p.iteration = 2000 + i;
								await run(p, 2000 + i);
							}
						})
					);
					const all = [...world.phase.samples.values()].flat();
					const d = Math.max(...all.map((x) => x.depth));
					if (d > TARGET_DEPTH) tooDeep.push(`${kind} (${d})`);
					depthRows.push({
						page: kind,
						'API calls': Math.max(...all.map((x) => x.calls)),
						depth: d,
						'p50 ms': fmtMs(
							percentile(
								all.map((x) => x.ms),
								50
							)
						),
						errors: all.filter((x) => !x.ok).length
					});
				}
			} finally {
				latency.ms = 0;
			}
			console.table(depthRows);
			console.log(
				`  ${tooDeep.length === 0 ? 'met ' : 'MISSED'} API calls at most ${TARGET_DEPTH} deep in sequence${tooDeep.length ? `: ${tooDeep.join(', ')}` : ''}`
			);
		}
		// The browser's side, on the same build, stack and data, with nobody else on it.
		if (opt.web) {
			printRouteSizes(await routeSizes(path.join(root, 'build')));
			const athlete = athleteAccounts[0];
			const coach = staffAccounts[0];
			const workout = (recentOf.get(athlete.id) ?? allRecent)[0];
			await measureVitals({
				appUrl,
				people: { athlete: athlete.email, coach: coach.email },
				pages: [
					{ name: "athlete's Today", path: `/org/${org.slug}/today`, as: 'athlete' },
					{ name: 'a workout', path: `/org/${org.slug}/assignments/${workout}`, as: 'athlete' },
					{ name: 'calendar week (coach)', path: `/org/${org.slug}/calendar`, as: 'coach' },
					{ name: 'a conversation', path: `/org/${org.slug}/messages/${coach.id}`, as: 'athlete' }
				]
			});
		}
		console.log(`load average at the end ${loadAverage()}`);
	} finally {
		proxy?.close();
		proxy?.closeAllConnections();
		appServer?.kill();
		await sql?.end().catch(() => {});
		for (const c of children.slice(1)) c.disconnect();
		const stackChild = children[0];
		if (stackChild?.connected) {
			stackChild.send({ type: 'stop' });
			await new Promise((r) => stackChild.once('exit', r));
		}
	}
}

// ---- child entry points -------------------------------------------------------------------------

const role = process.env.COACHLINE_APP_BENCH_ROLE;
if (role && process.send) {
	const cfg = JSON.parse(process.env.COACHLINE_APP_BENCH_CONFIG ?? '{}') as unknown;
	try {
		if (role === 'stack') await runStackChild();
		else if (role === 'realtime') await runRealtimeChild(cfg as RealtimeConfig);
	} catch (e) {
		process.send({
			type: 'failed',
			error: e instanceof Error ? (e.stack ?? e.message) : String(e)
		});
		process.exit(1);
	}
}
