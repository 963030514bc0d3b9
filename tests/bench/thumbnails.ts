// `npm run bench -- thumbnails [--images 200] [--png 20] [--live 40] [--width 1200] [--height 800]
//   [--concurrency 1,4] [--sweep-ms 250] [--db <url> --api <url>]`: thumbnails generated per second
// by the real media worker, end to end. On a throwaway stack (or the one given): athletes of the
// seeded Northside organization upload real JPEGs (and some PNGs) through the Storage API into
// their own folder, send them to their coach with send_message_with_attachments (≤ 10 a message),
// then the media worker (src/lib/server/media/worker.ts, the same class `npm run worker:media`
// runs) claims, downloads, resizes to 320 px WebP with sharp, uploads and records each thumbnail.
//
// For each worker concurrency:
//   backlog  all images queued first, then the worker started: thumbnails/s from its start (its
//            first claim) to the last thumbnail recorded, and per-image latency upload→thumbnail
//            (which there is mostly waiting in the queue);
//   live     the worker already running (sweeping every --sweep-ms), --live images sent one per
//            message by four athletes at once: per-image latency upload start → thumbnail
//            recorded, the figure a person sees.
// The stack's API runs in this process (as in every bench); on a shared machine the figures are
// under whatever load the others put on it.
import { availableParallelism, loadavg } from 'node:os';
import postgres from 'postgres';
import sharp from 'sharp';
import type { SupabaseClient } from '@supabase/supabase-js';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { SERVICE_ROLE_KEY } from '../../stack/keys.ts';
import { MediaWorker } from '../../src/lib/server/media/worker.ts';
import { fmt, jwtCache, percentile, restClient } from './_measure.ts';
import { option } from './seed.ts';

const ORG = 'a0000000-0000-4000-8000-000000000001';
const COACH = '10000000-0000-4000-8000-000000000002';
const PER_MESSAGE = 10;

interface Image {
	bytes: Buffer;
	mime: 'image/jpeg' | 'image/png';
	ext: 'jpg' | 'png';
}

/** Photo-like images: a smooth random field (upscaled) with grain, so JPEG sizes are realistic. */
async function makeImages(count: number, width: number, height: number, png: boolean) {
	const grain = await sharp({
		create: {
			width,
			height,
			channels: 3,
			background: { r: 0, g: 0, b: 0 },
			noise: { type: 'gaussian', mean: 128, sigma: 40 }
		}
	})
		.raw()
		.toBuffer();
	const out: Image[] = [];
	for (let i = 0; i < count; i++) {
		const small = Buffer.alloc(24 * 16 * 3);
		for (let j = 0; j < small.length; j++) small[j] = Math.floor(Math.random() * 256);
		const base = await sharp(small, { raw: { width: 24, height: 16, channels: 3 } })
			.resize(width, height, { kernel: 'cubic' })
			.raw()
			.toBuffer();
		const img = sharp(base, { raw: { width, height, channels: 3 } }).composite([
			{ input: grain, raw: { width, height, channels: 3 }, blend: 'soft-light' }
		]);
		out.push(
			png
				? { bytes: await img.png().toBuffer(), mime: 'image/png', ext: 'png' }
				: { bytes: await img.jpeg({ quality: 85 }).toBuffer(), mime: 'image/jpeg', ext: 'jpg' }
		);
	}
	return out;
}

interface Sent {
	id: string | null;
	path: string;
	uploadStart: number;
	sentAt: number;
}

/** Uploads `images` as `sender` and sends them to the coach, `perMessage` to a message. */
async function uploadAndSend(
	client: SupabaseClient,
	sender: string,
	images: Image[],
	perMessage: number
): Promise<Sent[]> {
	const out: Sent[] = [];
	for (let i = 0; i < images.length; i += perMessage) {
		const batch: Sent[] = [];
		for (const img of images.slice(i, i + perMessage)) {
			const path = `${ORG}/${sender}/${crypto.randomUUID()}.${img.ext}`;
			const uploadStart = performance.now();
			const { error } = await client.storage
				.from('attachments')
				.upload(path, img.bytes, { contentType: img.mime });
			if (error) throw new Error(`upload ${path}: ${error.message}`);
			batch.push({ id: null, path, uploadStart, sentAt: 0 });
		}
		const { error } = await client.rpc('send_message_with_attachments', {
			p_organization_id: ORG,
			p_recipient_id: COACH,
			p_content: '',
			p_client_id: crypto.randomUUID(),
			p_object_paths: batch.map((b) => b.path)
		});
		if (error) throw new Error(`send_message_with_attachments: ${error.message}`);
		const sentAt = performance.now();
		for (const b of batch) b.sentAt = sentAt;
		out.push(...batch);
	}
	return out;
}

/** Spreads `images` over the senders, all sending at once. */
async function sendAll(
	clients: [string, SupabaseClient][],
	images: Image[],
	perMessage: number
): Promise<Sent[]> {
	const shares = clients.map((_, k) => images.filter((__, i) => i % clients.length === k));
	const parts = await Promise.all(
		clients.map(([id, c], k) => uploadAndSend(c, id, shares[k], perMessage))
	);
	return parts.flat();
}

async function attachIds(sql: postgres.Sql, sent: Sent[]): Promise<Map<string, Sent>> {
	const rows = await sql<{ id: string; r2_key: string }[]>`
		select id, r2_key from public.message_attachments where r2_key = any(${sql.array(sent.map((s) => s.path))})`;
	const byPath = new Map(sent.map((s) => [s.path, s]));
	const byId = new Map<string, Sent>();
	for (const r of rows) {
		const s = byPath.get(r.r2_key);
		if (s) {
			s.id = r.id;
			byId.set(r.id, s);
		}
	}
	return byId;
}

function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const tick = setInterval(() => {
			if (done()) {
				clearInterval(tick);
				resolve();
			} else if (Date.now() - started > timeoutMs) {
				clearInterval(tick);
				reject(new Error('timed out waiting for thumbnails'));
			}
		}, 5);
	});
}

interface Row {
	concurrency: number;
	phase: string;
	images: number;
	seconds: number;
	perSecond: number;
	p50: number;
	p99: number;
	failures: number;
}

export default async function thumbnails(args: string[]): Promise<void> {
	const jpegs = Number(option(args, 'images') ?? 200);
	const pngs = Number(option(args, 'png') ?? 20);
	const live = Number(option(args, 'live') ?? 40);
	const width = Number(option(args, 'width') ?? 1200);
	const height = Number(option(args, 'height') ?? 800);
	const sweepMs = Number(option(args, 'sweep-ms') ?? 250);
	const levels = (option(args, 'concurrency') ?? `1,${Math.max(2, availableParallelism() * 2)}`)
		.split(',')
		.map(Number)
		.filter((n) => n >= 1);
	let dbUrl = option(args, 'db');
	let apiUrl = option(args, 'api');
	let stack: TestStack | null = null;
	if (!dbUrl || !apiUrl) {
		console.log('Booting a throwaway stack (cluster, migrations, seed.sql, API with storage)…');
		stack = await bootTestStack();
		dbUrl = stack.dbUrl;
		apiUrl = stack.apiUrl;
	}
	const db = dbUrl;
	const api = apiUrl;
	const sql = postgres(db, { max: 4, onnotice: () => {} });
	const jwtOf = jwtCache();
	const rows: Row[] = [];
	try {
		// Distinct pictures, cycled: generating each of hundreds would cost more than the bench.
		const t0 = performance.now();
		const distinct = await makeImages(Math.min(jpegs, 40), width, height, false);
		const distinctPng = await makeImages(Math.min(pngs, 5), width, height, true);
		const cycle = (xs: Image[], n: number) =>
			Array.from({ length: n }, (_, i) => xs[i % xs.length]);
		const backlogImages = [...cycle(distinct, jpegs), ...cycle(distinctPng, pngs)];
		const liveImages = cycle(distinct, live);
		const avg = (xs: Image[]) => xs.reduce((s, x) => s + x.bytes.length, 0) / xs.length / 1024;
		console.log(
			`${distinct.length} JPEGs (${avg(distinct).toFixed(0)} KB avg) and ${distinctPng.length} PNGs (${avg(distinctPng).toFixed(0)} KB avg) of ${width}×${height} made in ${((performance.now() - t0) / 1000).toFixed(1)} s`
		);

		const athletes = (
			await sql<{ user_id: string }[]>`
				select user_id from public.memberships
				 where organization_id = ${ORG} and role = 'member' and status = 'active'
				 order by user_id limit 4`
		).map((r) => r.user_id);
		const clients: [string, SupabaseClient][] = await Promise.all(
			athletes.map(async (a) => [a, restClient(api, await jwtOf(a))] as [string, SupabaseClient])
		);

		for (const concurrency of levels) {
			// ---- backlog ----------------------------------------------------------------------------
			const tUp = performance.now();
			const sent = await sendAll(clients, backlogImages, PER_MESSAGE);
			const upSeconds = (performance.now() - tUp) / 1000;
			const byId = await attachIds(sql, sent);
			console.log(
				`\nconcurrency ${concurrency}: ${sent.length} images uploaded and sent by ${clients.length} athletes in ${upSeconds.toFixed(1)} s (${(sent.length / upSeconds).toFixed(1)}/s)`
			);
			const doneAt = new Map<string, number>();
			const worker = new MediaWorker({
				databaseUrl: db,
				supabaseUrl: api,
				serviceRoleKey: SERVICE_ROLE_KEY,
				concurrency,
				sweepMs,
				onThumbnail: (id) => doneAt.set(id, performance.now()),
				log: (msg, fields) => console.error(msg, fields)
			});
			const loadBefore = loadavg()[0];
			const start = performance.now();
			worker.start();
			try {
				await waitFor(
					() => doneAt.size + worker.counters.thumbnailFailures >= byId.size,
					10 * 60_000
				);
				const last = Math.max(...doneAt.values());
				const seconds = (last - start) / 1000;
				const latencies = [...doneAt].map(([id, t]) => t - byId.get(id)!.uploadStart);
				rows.push({
					concurrency,
					phase: `backlog (${jpegs} JPEG + ${pngs} PNG)`,
					images: doneAt.size,
					seconds,
					perSecond: doneAt.size / seconds,
					p50: percentile(latencies, 50),
					p99: percentile(latencies, 99),
					failures: worker.counters.thumbnailFailures
				});
				console.log(
					`  backlog: ${doneAt.size} thumbnails in ${seconds.toFixed(2)} s = ${(doneAt.size / seconds).toFixed(1)} thumbnails/s (load avg ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)})`
				);

				// ---- live ---------------------------------------------------------------------------
				if (live > 0) {
					doneAt.clear();
					const failuresBefore = worker.counters.thumbnailFailures;
					const liveStart = performance.now();
					const liveSent = await sendAll(clients, liveImages, 1);
					const liveById = await attachIds(sql, liveSent);
					await waitFor(
						() =>
							[...liveById.keys()].every((id) => doneAt.has(id)) ||
							worker.counters.thumbnailFailures > failuresBefore,
						5 * 60_000
					);
					const liveLast = Math.max(...doneAt.values());
					const liveSeconds = (liveLast - liveStart) / 1000;
					const latencies = [...liveById].map(([id, s]) => doneAt.get(id)! - s.uploadStart);
					rows.push({
						concurrency,
						phase: `live (${live} JPEG, 1 a message, sweep ${sweepMs} ms)`,
						images: liveById.size,
						seconds: liveSeconds,
						perSecond: liveById.size / liveSeconds,
						p50: percentile(latencies, 50),
						p99: percentile(latencies, 99),
						failures: worker.counters.thumbnailFailures - failuresBefore
					});
					console.log(
						`  live: upload→thumbnail p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}`
					);
				}
			} finally {
				await worker.stop();
			}
			const [{ n }] = await sql<{ n: string }[]>`
				select count(*) as n from public.message_attachments
				 where type = 'image' and thumbnail_r2_key is not null
				   and not exists (select 1 from storage.objects o
				                    where o.bucket_id = 'attachments' and o.name = thumbnail_r2_key)`;
			if (Number(n) > 0) throw new Error(`${n} recorded thumbnails are missing from storage`);
		}

		console.log(
			`\nThumbnails: ${width}×${height} → 320 px WebP, ${availableParallelism()} CPUs (shared: figures are under other load), stack API in this process.`
		);
		console.log(
			'| worker concurrency | phase | images | first claim → last thumbnail | thumbnails/s | upload→thumbnail p50 | p99 | failures |'
		);
		console.log('|---|---|---|---|---|---|---|---|');
		for (const r of rows) {
			console.log(
				`| ${r.concurrency} | ${r.phase} | ${r.images} | ${r.seconds.toFixed(2)} s | ${r.perSecond.toFixed(1)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.failures} |`
			);
		}
	} finally {
		await sql.end();
		await stack?.stop();
	}
}
