// Storage beyond the basics, through the official storage-js (inside supabase-js): list-v2 with
// cursors and folders under RLS, image transformations (render URLs, signed URLs with `transform`,
// download with `transform`) and what a project without them answers, and the error bodies of
// every refusal worded as supabase/storage words them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import sharp from 'sharp';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	JWT_SECRET,
	SERVICE_ROLE_KEY,
	adminSql,
	apiUrl,
	dbUrl,
	serviceClient
} from '../support/stack.ts';
import { loadProjectConfig } from '../../stack/config.ts';
import type { GatewayRequest } from '../../stack/http.ts';
import { createStorageService } from '../../stack/storage/index.ts';

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const LIST = `list-${run}`;
const PICS = `pics-${run}`;
const PUB = `pubpics-${run}`;
const policy = (what: string) => `storage v2 test ${run} ${what}`;

const sql = adminSql();
const alice = randomUUID();
const bob = randomUUID();
let aliceClient: SupabaseClient;
let bobClient: SupabaseClient;
let renderDir: string | null = null;
let photo: Buffer;

async function jwtFor(sub: string, expiresIn = '1h'): Promise<string> {
	return new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime(expiresIn)
		.sign(new TextEncoder().encode(JWT_SECRET));
}

function clientWith(jwt: string, url = apiUrl()): SupabaseClient {
	return createClient(url, ANON_KEY, {
		global: { headers: { Authorization: `Bearer ${jwt}` } },
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
}

/** A photo-like 800×600 JPEG: a gradient, so a crop and a squash look different. */
async function makePhoto(): Promise<Buffer> {
	const w = 800;
	const h = 600;
	const raw = Buffer.alloc(w * h * 3);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const i = (y * w + x) * 3;
			raw[i] = Math.round((x / w) * 255);
			raw[i + 1] = Math.round((y / h) * 255);
			raw[i + 2] = 128;
		}
	return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
		.jpeg({ quality: 90 })
		.toBuffer();
}

async function imageOf(res: Response) {
	expect(res.status).toBe(200);
	const bytes = Buffer.from(await res.arrayBuffer());
	const meta = await sharp(bytes).metadata();
	return { bytes, meta, type: res.headers.get('content-type') };
}

function renderFiles(): string[] {
	if (!renderDir || !existsSync(renderDir)) return [];
	return readdirSync(renderDir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
	photo = await makePhoto();
	const admin = serviceClient();
	expect((await admin.storage.createBucket(LIST, { public: false })).error).toBeNull();
	expect(
		(
			await admin.storage.createBucket(PICS, {
				public: false,
				allowedMimeTypes: ['image/*']
			})
		).error
	).toBeNull();
	expect((await admin.storage.createBucket(PUB, { public: true })).error).toBeNull();
	const own = sql.unsafe(
		`bucket_id in ('${LIST}', '${PICS}') and (storage.foldername(name))[1] = (select auth.uid())::text`
	);
	await sql`create policy ${sql(policy('insert'))} on storage.objects for insert to authenticated with check (${own})`;
	await sql`create policy ${sql(policy('select'))} on storage.objects for select to authenticated using (${own})`;
	aliceClient = clientWith(await jwtFor(alice));
	bobClient = clientWith(await jwtFor(bob));
	const [dir] = await sql<{ d: string }[]>`select current_setting('data_directory') as d`.catch(
		() => [{ d: '' }]
	);
	if (dir.d) renderDir = path.join(path.dirname(dir.d), 'services', 'storage', 'render');

	// One at a time, so created_at orders them as listed here.
	for (const name of [
		`${alice}/c.txt`,
		`${alice}/a.txt`,
		`${alice}/b.txt`,
		`${alice}/photos/1.txt`,
		`${alice}/photos/2.txt`,
		`${alice}/photos/sub/3.txt`,
		`${bob}/secret.txt`
	]) {
		const { error } = await admin.storage
			.from(LIST)
			.upload(name, Buffer.from(name), { contentType: 'text/plain' });
		expect(error).toBeNull();
	}
	expect(
		(
			await aliceClient.storage
				.from(PICS)
				.upload(`${alice}/photo.jpg`, photo, { contentType: 'image/jpeg' })
		).error
	).toBeNull();
	expect(
		(await admin.storage.from(PUB).upload('cover.jpg', photo, { contentType: 'image/jpeg' })).error
	).toBeNull();
});

afterAll(async () => {
	const admin = serviceClient();
	for (const id of [LIST, PICS, PUB]) {
		await admin.storage.emptyBucket(id);
		await admin.storage.deleteBucket(id);
	}
	for (const what of ['insert', 'select'])
		await sql`drop policy if exists ${sql(policy(what))} on storage.objects`;
	await sql.end();
});

describe('list-v2 (storage.from(b).listV2)', () => {
	it('lists one folder level: sub-folders as folders, files as objects with metadata', async () => {
		const { data, error } = await aliceClient.storage
			.from(LIST)
			.listV2({ prefix: `${alice}/`, with_delimiter: true });
		expect(error).toBeNull();
		expect(data?.hasNext).toBe(false);
		expect(data?.nextCursor).toBeUndefined();
		expect(data?.folders).toEqual([{ key: `${alice}/photos/`, name: `${alice}/photos/` }]);
		expect(data?.objects.map((o) => o.name)).toEqual([
			`${alice}/a.txt`,
			`${alice}/b.txt`,
			`${alice}/c.txt`
		]);
		const a = data!.objects[0];
		expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(a.metadata).toMatchObject({ size: `${alice}/a.txt`.length, mimetype: 'text/plain' });
		expect(Date.parse(a.created_at)).not.toBeNaN();
	});

	it('lists every key under the prefix when flat, page by page with the cursor', async () => {
		const seen: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const { data, error } = await aliceClient.storage
				.from(LIST)
				.listV2({ prefix: `${alice}/`, limit: 2, cursor });
			expect(error).toBeNull();
			expect(data!.folders).toEqual([]);
			expect(data!.objects.length).toBeLessThanOrEqual(2);
			seen.push(...data!.objects.map((o) => o.name));
			cursor = data!.hasNext ? data!.nextCursor : undefined;
			if (data!.hasNext) expect(cursor).toBeTruthy();
			pages++;
		} while (cursor && pages < 10);
		expect(pages).toBe(3);
		expect(seen).toEqual(
			['a.txt', 'b.txt', 'c.txt', 'photos/1.txt', 'photos/2.txt', 'photos/sub/3.txt'].map(
				(n) => `${alice}/${n}`
			)
		);
	});

	it('keeps a date sort across pages (newest first)', async () => {
		const first = await aliceClient.storage.from(LIST).listV2({
			prefix: `${alice}/`,
			limit: 4,
			sortBy: { column: 'created_at', order: 'desc' }
		});
		expect(first.error).toBeNull();
		expect(first.data?.hasNext).toBe(true);
		const next = await aliceClient.storage
			.from(LIST)
			.listV2({ prefix: `${alice}/`, limit: 4, cursor: first.data!.nextCursor });
		expect(next.error).toBeNull();
		expect(next.data?.hasNext).toBe(false);
		expect([...first.data!.objects, ...next.data!.objects].map((o) => o.name)).toEqual(
			['photos/sub/3.txt', 'photos/2.txt', 'photos/1.txt', 'b.txt', 'a.txt', 'c.txt'].map(
				(n) => `${alice}/${n}`
			)
		);
	});

	it('matches a partial prefix and folds what follows into folders', async () => {
		const { data } = await aliceClient.storage
			.from(LIST)
			.listV2({ prefix: `${alice}/pho`, with_delimiter: true });
		expect(data?.folders.map((f) => f.name)).toEqual([`${alice}/photos/`]);
		expect(data?.objects).toEqual([]);
	});

	it('shows only the rows the caller may select (RLS), as list does', async () => {
		const theirs = await bobClient.storage.from(LIST).listV2({ prefix: `${alice}/` });
		expect(theirs.error).toBeNull();
		expect(theirs.data).toEqual({ hasNext: false, folders: [], objects: [] });
		const root = await bobClient.storage.from(LIST).listV2({ with_delimiter: true });
		expect(root.data?.folders.map((f) => f.name)).toEqual([`${bob}/`]);
		const anon = createClient(apiUrl(), ANON_KEY, { auth: { persistSession: false } });
		const none = await anon.storage.from(LIST).listV2({});
		expect(none.data?.objects).toEqual([]);
	});

	it('refuses a bad limit, sort or cursor with Storage’s 400', async () => {
		const zero = await aliceClient.storage.from(LIST).listV2({ limit: 0 });
		expect(zero.error).toMatchObject({
			status: 400,
			statusCode: '400',
			message: 'body/limit must be >= 1'
		});
		const sort = await aliceClient.storage
			.from(LIST)
			.listV2({ sortBy: { column: 'size' as 'name', order: 'asc' } });
		expect(sort.error).toMatchObject({ status: 400, statusCode: '400' });
		const cursor = await aliceClient.storage.from(LIST).listV2({ cursor: 'not-a-cursor' });
		expect(cursor.error).toMatchObject({
			status: 400,
			statusCode: '400',
			code: 'InvalidRequest'
		});
	});
});

describe('image transformations', () => {
	it('renders a public image at the asked size, cover by default, WebP for a WebP-capable client', async () => {
		const { data } = serviceClient()
			.storage.from(PUB)
			.getPublicUrl('cover.jpg', { transform: { width: 200, height: 200 } });
		expect(data.publicUrl).toContain('/storage/v1/render/image/public/');
		const img = await imageOf(
			await fetch(data.publicUrl, { headers: { accept: 'image/webp,*/*' } })
		);
		expect(img.type).toBe('image/webp');
		expect(img.meta).toMatchObject({ format: 'webp', width: 200, height: 200 });
		expect(img.bytes.length).toBeLessThan(photo.length / 4);
	});

	it('keeps the aspect ratio with contain, stretches with fill, and keeps JPEG with format origin', async () => {
		const url = (t: Record<string, unknown>) =>
			serviceClient().storage.from(PUB).getPublicUrl('cover.jpg', { transform: t }).data.publicUrl;
		const contain = await imageOf(
			await fetch(url({ width: 200, height: 200, resize: 'contain', format: 'origin' }), {
				headers: { accept: 'image/webp' }
			})
		);
		expect(contain.type).toBe('image/jpeg');
		expect(contain.meta).toMatchObject({ format: 'jpeg', width: 200, height: 150 });
		const fill = await imageOf(
			await fetch(url({ width: 100, height: 300, resize: 'fill', format: 'origin' }))
		);
		expect(fill.meta).toMatchObject({ width: 100, height: 300 });
		// Without an Accept that names WebP or AVIF, the source's own format.
		const plain = await imageOf(await fetch(url({ width: 120 }), { headers: { accept: '*/*' } }));
		expect(plain.meta).toMatchObject({ format: 'jpeg', width: 120, height: 90 });
		const avif = await imageOf(
			await fetch(url({ width: 64 }), { headers: { accept: 'image/avif,*/*' } })
		);
		expect(avif.type).toBe('image/avif');
		expect(avif.meta.format).toBe('heif');
	});

	it('applies quality (a lower quality is a smaller file) and never enlarges', async () => {
		const url = (q: number) =>
			serviceClient()
				.storage.from(PUB)
				.getPublicUrl('cover.jpg', { transform: { width: 400, quality: q } }).data.publicUrl;
		const low = await imageOf(await fetch(url(20), { headers: { accept: 'image/webp' } }));
		const high = await imageOf(await fetch(url(100), { headers: { accept: 'image/webp' } }));
		expect(low.bytes.length).toBeLessThan(high.bytes.length);
		const big = await imageOf(
			await fetch(
				serviceClient()
					.storage.from(PUB)
					.getPublicUrl('cover.jpg', { transform: { width: 5000 } }).data.publicUrl
			)
		);
		expect(big.meta.width).toBe(800);
	});

	it('signs a transformed URL for a private image; the options cannot be changed afterwards', async () => {
		const { data, error } = await aliceClient.storage
			.from(PICS)
			.createSignedUrl(`${alice}/photo.jpg`, 60, { transform: { width: 64, height: 64 } });
		expect(error).toBeNull();
		expect(data!.signedUrl).toContain('/storage/v1/render/image/sign/');
		const img = await imageOf(await fetch(data!.signedUrl, { headers: { accept: 'image/webp' } }));
		expect(img.meta).toMatchObject({ width: 64, height: 64 });
		// Query options on a signed render URL are ignored: the token decides.
		const tampered = await imageOf(await fetch(`${data!.signedUrl}&width=600&height=600`));
		expect(tampered.meta).toMatchObject({ width: 64, height: 64 });
		const plain = await aliceClient.storage.from(PICS).createSignedUrl(`${alice}/photo.jpg`, 60);
		expect(plain.data!.signedUrl).toContain('/storage/v1/object/sign/');
		// Bob cannot sign what RLS does not let him read.
		const denied = await bobClient.storage
			.from(PICS)
			.createSignedUrl(`${alice}/photo.jpg`, 60, { transform: { width: 64 } });
		expect(denied.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
	});

	it('downloads a transformed private image as the caller (render/image/authenticated), under RLS', async () => {
		const { data, error } = await aliceClient.storage
			.from(PICS)
			.download(`${alice}/photo.jpg`, { transform: { width: 100, format: 'origin' } });
		expect(error).toBeNull();
		const meta = await sharp(Buffer.from(await data!.arrayBuffer())).metadata();
		expect(meta).toMatchObject({ format: 'jpeg', width: 100, height: 75 });
		const denied = await bobClient.storage
			.from(PICS)
			.download(`${alice}/photo.jpg`, { transform: { width: 100 } });
		expect(denied.error).toMatchObject({ statusCode: '404' });
	});

	it('serves a rendered variant from the disk cache, and a new upload is never answered with the old render', async () => {
		const admin = serviceClient();
		const url = admin.storage
			.from(PUB)
			.getPublicUrl('cover.jpg', { transform: { width: 50, height: 50, format: 'origin' } })
			.data.publicUrl;
		const first = await imageOf(await fetch(url));
		const [{ version }] = await sql<{ version: string }[]>`
			select version from storage.objects where bucket_id = ${PUB} and name = 'cover.jpg'`;
		const files = renderFiles().filter((f) => f.includes(version));
		if (renderDir) expect(files.length).toBeGreaterThan(0);
		const again = await fetch(url);
		expect(Buffer.from(await again.arrayBuffer())).toEqual(first.bytes);
		const etag = again.headers.get('etag')!;
		expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
		// Replace the picture with a flat red one: the same URL must now render red.
		const red = await sharp({
			create: { width: 300, height: 300, channels: 3, background: { r: 255, g: 0, b: 0 } }
		})
			.jpeg()
			.toBuffer();
		const up = await admin.storage
			.from(PUB)
			.upload('cover.jpg', red, { contentType: 'image/jpeg', upsert: true });
		expect(up.error).toBeNull();
		const after = await imageOf(await fetch(url));
		const { dominant } = await sharp(after.bytes).stats();
		expect(dominant.r).toBeGreaterThan(200);
		expect(dominant.g).toBeLessThan(60);
		expect(after.bytes).not.toEqual(first.bytes);
		// The old version's variants went with its bytes.
		if (renderDir) for (const f of files) expect(existsSync(f)).toBe(false);
		expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(200);
		await admin.storage.from(PUB).upload('cover.jpg', photo, {
			contentType: 'image/jpeg',
			upsert: true
		});
	});

	it('refuses out-of-range options with Storage’s 400 and a non-image with 422', async () => {
		const base = `${apiUrl()}/storage/v1/render/image/public/${PUB}/cover.jpg`;
		for (const [q, message] of [
			['quality=10', 'querystring/quality must be >= 20'],
			['quality=101', 'querystring/quality must be <= 100'],
			['width=-5', 'querystring/width must be >= 0'],
			['resize=stretch', 'querystring/resize must be equal to one of the allowed values'],
			['format=png', 'querystring/format must be equal to one of the allowed values']
		]) {
			const res = await fetch(`${base}?${q}`);
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({
				statusCode: '400',
				code: 'InvalidRequest',
				error: 'Bad Request',
				message
			});
		}
		const admin = serviceClient();
		await admin.storage.from(PUB).upload('notes.txt', Buffer.from('not a picture'), {
			contentType: 'text/plain'
		});
		const text = await fetch(
			`${apiUrl()}/storage/v1/render/image/public/${PUB}/notes.txt?width=10`
		);
		expect(text.status).toBe(400);
		expect(await text.json()).toMatchObject({ statusCode: '422', code: 'InvalidRequest' });
		const missing = await fetch(`${apiUrl()}/storage/v1/render/image/public/${PUB}/nope.jpg`);
		expect(await missing.json()).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
		const privateOne = await fetch(
			`${apiUrl()}/storage/v1/render/image/public/${PICS}/${alice}/photo.jpg?width=10`
		);
		expect(await privateOne.json()).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
	});
});

describe('a project with image transformations disabled', () => {
	let server: http.Server;
	let url: string;
	let close: () => Promise<void>;
	let dataDir: string;

	beforeAll(async () => {
		// The storage service as `[storage.image_transformation] enabled = false` boots it, on the
		// same database, behind a minimal stand-in for the gateway's routing.
		const config = loadProjectConfig();
		config.storageImageTransformation = false;
		const port = Number(new URL(dbUrl()).port);
		dataDir = mkdtempSync(path.join(tmpdir(), 'coachline-storage-off-'));
		const service = await createStorageService({
			config,
			dbUrl: (role) => `postgresql://${role}:postgres@127.0.0.1:${port}/postgres`,
			jwtSecret: JWT_SECRET,
			apiUrl: 'http://127.0.0.1',
			dataDir,
			mailSmtp: null,
			log: () => {}
		} as Parameters<typeof createStorageService>[0]);
		server = http.createServer((raw, res) => {
			const u = new URL(raw.url ?? '/', 'http://x');
			const req = raw as GatewayRequest;
			req.servicePath = u.pathname.replace(/^\/storage\/v1/, '') || '/';
			req.query = u.searchParams;
			req.requestId = randomUUID();
			const auth = String(raw.headers.authorization ?? '');
			req.apikey = (raw.headers.apikey as string | undefined) ?? null;
			req.bearer = auth.replace(/^Bearer\s+/i, '') || req.apikey;
			void service.handle(req, res).catch(() => res.writeHead(500).end());
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
		close = async () => {
			await new Promise((r) => server.close(r));
			await service.close();
			rmSync(dataDir, { recursive: true, force: true });
		};
	});
	afterAll(async () => close?.());

	it('has no render route (404 as Storage answers) and signs plain object URLs', async () => {
		const res = await fetch(`${url}/storage/v1/render/image/public/${PUB}/cover.jpg?width=10`);
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({
			statusCode: '404',
			code: 'InvalidRequest',
			error: 'Not Found',
			message: `Route GET:/render/image/public/${PUB}/cover.jpg?width=10 not found`
		});
		const alicesOwn = clientWith(await jwtFor(alice), url);
		const { data, error } = await alicesOwn.storage
			.from(PICS)
			.createSignedUrl(`${alice}/photo.jpg`, 60, { transform: { width: 64 } });
		expect(error).toBeNull();
		expect(data!.signedUrl).toContain('/storage/v1/object/sign/');
		// The bytes live with the main stack's storage service (same database and secret).
		const original = await imageOf(await fetch(data!.signedUrl.replace(url, apiUrl())));
		expect(original.meta).toMatchObject({ width: 800, height: 600 });
	});
});

describe('errors worded as Storage words them', () => {
	it('object not found', async () => {
		const { error } = await aliceClient.storage.from(LIST).download(`${alice}/missing.txt`);
		expect(error).toMatchObject({ status: 400, statusCode: '404', message: 'Object not found' });
		const info = await aliceClient.storage.from(LIST).info(`${alice}/missing.txt`);
		expect(info.error).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
	});

	it('bucket not found', async () => {
		const { error } = await serviceClient().storage.getBucket(`nope-${run}`);
		expect(error).toMatchObject({
			status: 400,
			statusCode: '404',
			code: 'NoSuchBucket',
			message: 'Bucket not found'
		});
		const up = await serviceClient()
			.storage.from(`nope-${run}`)
			.upload('x.txt', Buffer.from('x'), { contentType: 'text/plain' });
		expect(up.error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
	});

	it('duplicate object and duplicate bucket (409 "The resource already exists")', async () => {
		const dup = await aliceClient.storage
			.from(LIST)
			.upload(`${alice}/a.txt`, Buffer.from('again'), { contentType: 'text/plain' });
		expect(dup.error).toMatchObject({
			status: 400,
			statusCode: '409',
			code: 'KeyAlreadyExists',
			message: 'The resource already exists'
		});
		const bucket = await serviceClient().storage.createBucket(LIST);
		expect(bucket.error).toMatchObject({
			statusCode: '409',
			code: 'BucketAlreadyExists',
			message: 'The resource already exists'
		});
	});

	it('a bucket that is not empty cannot be deleted', async () => {
		const { error } = await serviceClient().storage.deleteBucket(LIST);
		expect(error).toMatchObject({
			statusCode: '409',
			code: 'ResourceNotEmpty',
			message: 'The bucket you tried to delete is not empty'
		});
	});

	it('an expired or foreign JWT: AccessDenied with the JWT library’s words, in an HTTP 400', async () => {
		const expired = clientWith(
			await new SignJWT({ sub: alice, role: 'authenticated' })
				.setProtectedHeader({ alg: 'HS256' })
				.setExpirationTime(Math.floor(Date.now() / 1000) - 60)
				.sign(new TextEncoder().encode(JWT_SECRET))
		);
		const a = await expired.storage.from(LIST).list(alice);
		expect(a.error).toMatchObject({
			status: 400,
			statusCode: '403',
			code: 'AccessDenied',
			message: '"exp" claim timestamp check failed'
		});
		const forged = clientWith(
			await new SignJWT({ sub: alice, role: 'authenticated' })
				.setProtectedHeader({ alg: 'HS256' })
				.setExpirationTime('1h')
				.sign(new TextEncoder().encode('another-projects-secret-of-at-least-32-chars'))
		);
		const b = await forged.storage.from(LIST).listV2({});
		expect(b.error).toMatchObject({
			statusCode: '403',
			code: 'AccessDenied',
			message: 'signature verification failed'
		});
	});

	it('payload too large and mime type not allowed', async () => {
		const admin = serviceClient();
		const small = `small-${run}`;
		await admin.storage.createBucket(small, {
			public: false,
			fileSizeLimit: 100,
			allowedMimeTypes: ['image/png']
		});
		try {
			const big = await admin.storage
				.from(small)
				.upload('big.png', Buffer.alloc(500, 1), { contentType: 'image/png' });
			expect(big.error).toMatchObject({
				status: 400,
				statusCode: '413',
				code: 'EntityTooLarge',
				message: 'The object exceeded the maximum allowed size'
			});
			const mime = await admin.storage
				.from(small)
				.upload('a.txt', Buffer.from('x'), { contentType: 'text/plain' });
			expect(mime.error).toMatchObject({
				status: 400,
				statusCode: '415',
				code: 'InvalidMimeType',
				message: 'mime type text/plain is not supported'
			});
		} finally {
			await admin.storage.deleteBucket(small);
		}
	});

	it('invalid key and invalid bucket name', async () => {
		const key = await aliceClient.storage
			.from(LIST)
			.move(`${alice}/a.txt`, `${alice}/../escape.txt`);
		expect(key.error).toMatchObject({ statusCode: '400', code: 'InvalidKey' });
		expect(key.error?.message).toMatch(/^Invalid key: /);
		const res = await fetch(`${apiUrl()}/storage/v1/object/list/${encodeURIComponent('a/b')}`, {
			method: 'POST',
			headers: { apikey: SERVICE_ROLE_KEY, 'content-type': 'application/json' },
			body: '{}'
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			statusCode: '400',
			code: 'InvalidBucketName',
			message: 'Bucket name invalid'
		});
	});

	it('RLS denial on upload', async () => {
		const { error } = await bobClient.storage
			.from(LIST)
			.upload(`${alice}/from-bob.txt`, Buffer.from('x'), { contentType: 'text/plain' });
		expect(error).toMatchObject({
			status: 400,
			statusCode: '403',
			code: 'AccessDenied',
			message: 'new row violates row-level security policy'
		});
	});

	it('a signed URL for another path, or of the wrong kind', async () => {
		const { data } = await aliceClient.storage.from(LIST).createSignedUrl(`${alice}/a.txt`, 60);
		const token = new URL(data!.signedUrl).searchParams.get('token');
		const other = await fetch(
			`${apiUrl()}/storage/v1/object/sign/${LIST}/${alice}/b.txt?token=${token}`
		);
		expect(await other.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });
		const upload = await aliceClient.storage
			.from(LIST)
			.uploadToSignedUrl(`${alice}/a.txt`, token!, Buffer.from('x'), { contentType: 'text/plain' });
		expect(upload.error).toMatchObject({
			statusCode: '400',
			code: 'InvalidSignature',
			message: 'Token is not scoped for upload'
		});
		const broken = await fetch(
			`${apiUrl()}/storage/v1/object/sign/${LIST}/${alice}/a.txt?token=${token}x`
		);
		expect(await broken.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' });
	});

	it('an unknown route is a real 404', async () => {
		const res = await fetch(`${apiUrl()}/storage/v1/nothing-here`, {
			headers: { apikey: ANON_KEY }
		});
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ statusCode: '404', error: 'Not Found' });
	});
});
