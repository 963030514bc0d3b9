// Storage through the official storage-js (inside supabase-js), as real users under RLS policies
// on storage.objects: each operation allowed in the user's own folder and denied in another's,
// the size and type limits, and path traversal refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import { readdirSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
	ANON_KEY,
	SERVICE_ROLE_KEY,
	adminSql,
	apiUrl,
	clientAs,
	serviceClient,
	signedInClient
} from '../support/stack.ts';
import { syncConfiguredBuckets } from '../../stack/storage/buckets.ts';

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64'
);
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const DOCS = `docs-${run}`;
const IMGS = `imgs-${run}`;
const PUB = `pub-${run}`;
const policy = (what: string) => `storage test ${run} ${what}`;

const sql = adminSql();
const alice = randomUUID();
const bob = randomUUID();
let aliceClient: SupabaseClient;
let bobClient: SupabaseClient;
let objectsDir: string | null = null;

/** Every byte file the storage service holds (objects/ and tmp/). */
function filesOnDisk(): string[] {
	if (!objectsDir) return [];
	const out: string[] = [];
	const walk = (d: string) => {
		if (!existsSync(d)) return;
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(path.join(d, e.name));
			else out.push(path.join(d, e.name));
		}
	};
	walk(objectsDir);
	return out.sort();
}

async function rowCount(bucket: string): Promise<number> {
	const [r] = await sql<{ n: number }[]>`
		select count(*)::int as n from storage.objects where bucket_id = ${bucket}`;
	return r.n;
}

/** A request exactly as written: fetch and the URL class would resolve `..` and `%2e%2e`. */
function rawRequest(
	method: string,
	rawPath: string,
	body?: Buffer,
	headers: Record<string, string> = {}
): Promise<{ status: number; json: Record<string, unknown> | null }> {
	const url = new URL(apiUrl());
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: url.hostname,
				port: url.port,
				method,
				path: rawPath,
				headers: {
					apikey: SERVICE_ROLE_KEY,
					authorization: `Bearer ${SERVICE_ROLE_KEY}`,
					...(body ? { 'content-length': String(body.length) } : {}),
					...headers
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: Record<string, unknown> | null;
					try {
						json = JSON.parse(text) as Record<string, unknown>;
					} catch {
						json = null;
					}
					resolve({ status: res.statusCode ?? 0, json });
				});
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

beforeAll(async () => {
	const admin = serviceClient();
	const fixtures: [
		string,
		{ public: boolean; fileSizeLimit?: number; allowedMimeTypes?: string[] }
	][] = [
		[DOCS, { public: false }],
		[IMGS, { public: false, fileSizeLimit: 2048, allowedMimeTypes: ['image/*'] }],
		[PUB, { public: true }]
	];
	for (const [id, opts] of fixtures) {
		const { error } = await admin.storage.createBucket(id, opts);
		expect(error).toBeNull();
	}
	const own = sql.unsafe(
		`bucket_id in ('${DOCS}', '${IMGS}', '${PUB}') and (storage.foldername(name))[1] = (select auth.uid())::text`
	);
	await sql`create policy ${sql(policy('insert'))} on storage.objects for insert to authenticated with check (${own})`;
	await sql`create policy ${sql(policy('select'))} on storage.objects for select to authenticated using (${own})`;
	await sql`create policy ${sql(policy('update'))} on storage.objects for update to authenticated using (${own}) with check (${own})`;
	await sql`create policy ${sql(policy('delete'))} on storage.objects for delete to authenticated using (${own})`;
	aliceClient = await clientAs(alice);
	bobClient = await clientAs(bob);
	// One object of alice's that the read, sign, list, copy and traversal tests share, written
	// here so that each test finds it whatever order the tests run in.
	const notes = await aliceClient.storage
		.from(DOCS)
		.upload(`${alice}/notes.txt`, Buffer.from('hello storage'), { contentType: 'text/plain' });
	expect(notes.error).toBeNull();
	const [dir] = await sql<{ d: string }[]>`select current_setting('data_directory') as d`.catch(
		() => [{ d: '' }]
	);
	if (dir.d) objectsDir = path.join(path.dirname(dir.d), 'services', 'storage');
});

afterAll(async () => {
	const admin = serviceClient();
	for (const id of [DOCS, IMGS, PUB]) {
		await admin.storage.emptyBucket(id);
		await admin.storage.deleteBucket(id);
	}
	for (const what of ['insert', 'select', 'update', 'delete'])
		await sql`drop policy if exists ${sql(policy(what))} on storage.objects`;
	await sql.end();
});

describe('upload and download', () => {
	it('uploads a raw body into the own folder and downloads the same bytes', async () => {
		const { data, error } = await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/raw.txt`, Buffer.from('hello storage'), { contentType: 'text/plain' });
		expect(error).toBeNull();
		expect(data?.fullPath).toBe(`${DOCS}/${alice}/raw.txt`);
		expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
		const dl = await aliceClient.storage.from(DOCS).download(`${alice}/raw.txt`);
		expect(dl.error).toBeNull();
		expect(await dl.data?.text()).toBe('hello storage');
		const [row] = await sql`select owner_id, metadata from storage.objects
			where bucket_id = ${DOCS} and name = ${`${alice}/raw.txt`}`;
		expect(row.owner_id).toBe(alice);
		expect(row.metadata.size).toBe(13);
		expect(row.metadata.mimetype).toBe('text/plain');
	});

	it('uploads multipart (a Blob) with user metadata', async () => {
		const { error } = await aliceClient.storage
			.from(IMGS)
			.upload(`${alice}/dot.png`, new Blob([PNG], { type: 'image/png' }), {
				metadata: { caption: 'a dot' }
			});
		expect(error).toBeNull();
		const info = await aliceClient.storage.from(IMGS).info(`${alice}/dot.png`);
		expect(info.error).toBeNull();
		expect(info.data?.size).toBe(PNG.length);
		expect(info.data?.contentType).toBe('image/png');
		expect(info.data?.metadata).toEqual({ caption: 'a dot' });
	});

	it('refuses an upload into another user’s folder with the RLS error and writes nothing', async () => {
		const before = filesOnDisk();
		const { error } = await bobClient.storage
			.from(DOCS)
			.upload(`${alice}/intruder.txt`, Buffer.from('x'), { contentType: 'text/plain' });
		expect(error).toMatchObject({
			statusCode: '403',
			message: 'new row violates row-level security policy'
		});
		expect(filesOnDisk()).toEqual(before);
		const [r] =
			await sql`select count(*)::int as n from storage.objects where name = ${`${alice}/intruder.txt`}`;
		expect(r.n).toBe(0);
	});

	it('refuses a duplicate without upsert (409) and leaves no new file; upsert replaces', async () => {
		const name = `${alice}/dup.txt`;
		await aliceClient.storage
			.from(DOCS)
			.upload(name, Buffer.from('one'), { contentType: 'text/plain' });
		const before = filesOnDisk();
		const dup = await aliceClient.storage
			.from(DOCS)
			.upload(name, Buffer.from('two'), { contentType: 'text/plain' });
		expect(dup.error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
		expect(filesOnDisk()).toEqual(before);
		const up = await aliceClient.storage
			.from(DOCS)
			.upload(name, Buffer.from('three'), { contentType: 'text/plain', upsert: true });
		expect(up.error).toBeNull();
		expect(await (await aliceClient.storage.from(DOCS).download(name)).data?.text()).toBe('three');
		// The old version's bytes are gone: as many files as before.
		expect(filesOnDisk().length).toBe(before.length);
	});

	it('uploads a FormData body and replaces it with update()', async () => {
		const form = new FormData();
		form.append('', new Blob(['form body'], { type: 'text/plain' }), 'form.txt');
		const name = `${alice}/form.txt`;
		const up = await aliceClient.storage.from(DOCS).upload(name, form);
		expect(up.error).toBeNull();
		const upd = await aliceClient.storage
			.from(DOCS)
			.update(name, Buffer.from('updated'), { contentType: 'text/plain' });
		expect(upd.error).toBeNull();
		expect(await (await aliceClient.storage.from(DOCS).download(name)).data?.text()).toBe(
			'updated'
		);
	});

	it('round-trips a 5 MB file byte for byte', async () => {
		const big = Buffer.alloc(5 * 1024 * 1024);
		for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
		const name = `${alice}/big.bin`;
		const up = await aliceClient.storage
			.from(DOCS)
			.upload(name, big, { contentType: 'application/octet-stream' });
		expect(up.error).toBeNull();
		const dl = await aliceClient.storage.from(DOCS).download(name);
		expect(Buffer.from(await dl.data!.arrayBuffer()).equals(big)).toBe(true);
		await aliceClient.storage.from(DOCS).remove([name]);
	});

	it('answers HEAD for an existing object with its length', async () => {
		const res = await rawRequest('HEAD', `/storage/v1/object/${DOCS}/${alice}/notes.txt`);
		expect(res.status).toBe(200);
		const missing = await rawRequest('HEAD', `/storage/v1/object/${DOCS}/${alice}/none.txt`);
		expect(missing.status).toBe(400);
	});

	it('denies downloading, info and exists on another user’s object', async () => {
		const dl = await bobClient.storage.from(DOCS).download(`${alice}/notes.txt`);
		expect(dl.error).toMatchObject({ statusCode: '404' });
		const info = await bobClient.storage.from(DOCS).info(`${alice}/notes.txt`);
		expect(info.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
		const ex = await bobClient.storage.from(DOCS).exists(`${alice}/notes.txt`);
		expect(ex.data).toBe(false);
		const own = await aliceClient.storage.from(DOCS).exists(`${alice}/notes.txt`);
		expect(own.data).toBe(true);
	});

	it('serves byte ranges and the caching headers', async () => {
		const { data } = await aliceClient.storage.from(DOCS).createSignedUrl(`${alice}/notes.txt`, 60);
		const res = await fetch(data!.signedUrl, { headers: { range: 'bytes=0-4' } });
		expect(res.status).toBe(206);
		expect(await res.text()).toBe('hello');
		expect(res.headers.get('content-range')).toBe('bytes 0-4/13');
		expect(res.headers.get('etag')).toMatch(/^".+"$/);
		expect(res.headers.get('cache-control')).toBe('max-age=3600');
		expect(res.headers.get('last-modified')).toBeTruthy();
	});

	it('reads public buckets without a policy, private ones not', async () => {
		const admin = serviceClient();
		await admin.storage
			.from(PUB)
			.upload('open/readme.txt', Buffer.from('public!'), { contentType: 'text/plain' });
		const url = admin.storage.from(PUB).getPublicUrl('open/readme.txt').data.publicUrl;
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(await res.text()).toBe('public!');
		const priv = await fetch(
			aliceClient.storage.from(DOCS).getPublicUrl(`${alice}/notes.txt`).data.publicUrl
		);
		expect(priv.status).toBe(400);
		expect(await priv.json()).toMatchObject({ statusCode: '404' });
	});
});

describe('signed URLs', () => {
	it('creates a signed download URL that works without auth, and refuses it to others', async () => {
		const { data, error } = await aliceClient.storage
			.from(DOCS)
			.createSignedUrl(`${alice}/notes.txt`, 60, { download: 'n.txt' });
		expect(error).toBeNull();
		const res = await fetch(data!.signedUrl);
		expect(res.status).toBe(200);
		expect(await res.text()).toBe('hello storage');
		expect(res.headers.get('content-disposition')).toContain('n.txt');
		const denied = await bobClient.storage.from(DOCS).createSignedUrl(`${alice}/notes.txt`, 60);
		expect(denied.error).toMatchObject({ statusCode: '404' });
		const tampered = data!.signedUrl.replace('notes.txt', 'dup.txt');
		expect((await fetch(tampered)).status).toBe(400);
	});

	it('signs many paths, reporting the ones not readable', async () => {
		const { data, error } = await aliceClient.storage
			.from(DOCS)
			.createSignedUrls([`${alice}/notes.txt`, `${bob}/nothing.txt`], 60);
		expect(error).toBeNull();
		expect(data?.[0].signedUrl).toBeTruthy();
		expect(data?.[1].signedUrl).toBeNull();
		expect(data?.[1].error).toBeTruthy();
	});

	it('creates a signed upload URL and uploads to it; refuses signing in another’s folder', async () => {
		const name = `${alice}/via-signed.txt`;
		const signed = await aliceClient.storage.from(DOCS).createSignedUploadUrl(name);
		expect(signed.error).toBeNull();
		const up = await anonClientFor()
			.storage.from(DOCS)
			.uploadToSignedUrl(name, signed.data!.token, Buffer.from('signed upload'), {
				contentType: 'text/plain'
			});
		expect(up.error).toBeNull();
		expect(up.data?.fullPath).toBe(`${DOCS}/${name}`);
		const [row] =
			await sql`select owner_id from storage.objects where bucket_id = ${DOCS} and name = ${name}`;
		expect(row.owner_id).toBe(alice);
		const denied = await bobClient.storage.from(DOCS).createSignedUploadUrl(`${alice}/x.txt`);
		expect(denied.error).toMatchObject({ statusCode: '403' });
		// A token for one path does not upload to another.
		const wrong = await anonClientFor()
			.storage.from(DOCS)
			.uploadToSignedUrl(`${alice}/other.txt`, signed.data!.token, Buffer.from('x'), {
				contentType: 'text/plain'
			});
		expect(wrong.error).toBeTruthy();
	});

	it('uploads once per signed upload URL, even one signed with upsert and sent with x-upsert', async () => {
		const name = `${alice}/once.txt`;
		const signed = await aliceClient.storage
			.from(DOCS)
			.createSignedUploadUrl(name, { upsert: true });
		expect(signed.error).toBeNull();
		const first = await anonClientFor()
			.storage.from(DOCS)
			.uploadToSignedUrl(name, signed.data!.token, Buffer.from('first'), {
				contentType: 'text/plain',
				upsert: true
			});
		expect(first.error).toBeNull();
		const again = await anonClientFor()
			.storage.from(DOCS)
			.uploadToSignedUrl(name, signed.data!.token, Buffer.from('swapped'), {
				contentType: 'text/plain',
				upsert: true
			});
		expect(again.error).toMatchObject({
			statusCode: '409',
			message: 'This signed upload URL was already used: ask for a new one'
		});
		const raw = await fetch(`${apiUrl()}${signedPath(signed.data!.signedUrl)}`, {
			method: 'PUT',
			headers: { 'x-upsert': 'true', 'content-type': 'text/plain' },
			body: 'swapped by hand'
		});
		expect(raw.status).toBe(400);
		expect((await raw.json()).statusCode).toBe('409');
		const got = await aliceClient.storage.from(DOCS).download(name);
		expect(await got.data!.text()).toBe('first');
		// A fresh signed URL (the owner may still replace an unattached file) still works.
		const fresh = await aliceClient.storage
			.from(DOCS)
			.createSignedUploadUrl(name, { upsert: true });
		const replaced = await anonClientFor()
			.storage.from(DOCS)
			.uploadToSignedUrl(name, fresh.data!.token, Buffer.from('second'), {
				contentType: 'text/plain',
				upsert: true
			});
		expect(replaced.error).toBeNull();
		expect(await (await aliceClient.storage.from(DOCS).download(name)).data!.text()).toBe('second');
	});
});

/** The /storage/v1/... path of a signed URL as storage-js returns it. */
function signedPath(url: string): string {
	const u = new URL(url);
	return `${u.pathname}${u.search}`;
}

describe('attachments sent in a message', () => {
	const NORTHSIDE = 'a0000000-0000-4000-8000-000000000001';

	it('cannot be swapped after sending: not by a signed upsert URL, not by the service role', async () => {
		const athlete = await signedInClient('athlete01@coachline.dev');
		const coach = await signedInClient('coach.alex@coachline.dev');
		const name = `${NORTHSIDE}/${athlete.id}/${randomUUID()}.png`;
		// Signed with upsert before sending: the way the hole was found.
		const signed = await athlete.client.storage
			.from('attachments')
			.createSignedUploadUrl(name, { upsert: true });
		expect(signed.error).toBeNull();
		const up = await athlete.client.storage
			.from('attachments')
			.uploadToSignedUrl(name, signed.data!.token, PNG, { contentType: 'image/png', upsert: true });
		expect(up.error).toBeNull();
		const sent = await athlete.client.rpc('send_message_with_attachments', {
			p_organization_id: NORTHSIDE,
			p_recipient_id: coach.id,
			p_content: 'my form',
			p_client_id: randomUUID(),
			p_object_paths: [name]
		});
		expect(sent.error).toBeNull();

		const bigger = Buffer.concat([PNG, Buffer.alloc(4096)]);
		const swap = await athlete.client.storage
			.from('attachments')
			.uploadToSignedUrl(name, signed.data!.token, bigger, {
				contentType: 'image/png',
				upsert: true
			});
		expect(swap.error).toBeTruthy();
		const resign = await athlete.client.storage
			.from('attachments')
			.createSignedUploadUrl(name, { upsert: true });
		expect(resign.error, 'no new upsert URL for an attached file').toBeTruthy();
		const direct = await athlete.client.storage
			.from('attachments')
			.upload(name, bigger, { contentType: 'image/png', upsert: true });
		expect(direct.error).toBeTruthy();
		const byService = await serviceClient()
			.storage.from('attachments')
			.upload(name, bigger, { contentType: 'image/png', upsert: true });
		expect(byService.error).toMatchObject({
			statusCode: '409',
			message: 'That file is attached to a message and cannot be replaced or changed.'
		});
		const removed = await athlete.client.storage.from('attachments').remove([name]);
		expect(removed.data ?? []).toEqual([]);

		// The coach downloads exactly what was sent, and its recorded size still matches.
		const got = await coach.client.storage.from('attachments').download(name);
		expect(got.error).toBeNull();
		expect(Buffer.from(await got.data!.arrayBuffer()).equals(PNG)).toBe(true);
		const [row] = await sql`select size from public.message_attachments where r2_key = ${name}`;
		expect(Number(row.size)).toBe(PNG.length);
	});
});

function anonClientFor(): SupabaseClient {
	return createClient(apiUrl(), ANON_KEY, { auth: { persistSession: false } });
}

describe('list, move, copy, remove', () => {
	it('lists the own folder with sub-folders as entries without id; sees nothing in another’s', async () => {
		await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/sub/deep.txt`, Buffer.from('deep'), { contentType: 'text/plain' });
		const { data, error } = await aliceClient.storage.from(DOCS).list(alice);
		expect(error).toBeNull();
		const names = data!.map((e) => e.name);
		expect(names).toContain('notes.txt');
		expect(names).toContain('sub');
		expect(data!.find((e) => e.name === 'sub')?.id).toBeNull();
		const searched = await aliceClient.storage.from(DOCS).list(alice, { search: 'not' });
		expect(searched.data!.map((e) => e.name)).toEqual(['notes.txt']);
		const other = await bobClient.storage.from(DOCS).list(alice);
		expect(other.data).toEqual([]);
	});

	it('moves within the own folder, not into or out of another’s', async () => {
		await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/move-me.txt`, Buffer.from('m'), { contentType: 'text/plain' });
		const ok = await aliceClient.storage
			.from(DOCS)
			.move(`${alice}/move-me.txt`, `${alice}/moved.txt`);
		expect(ok.error).toBeNull();
		expect(
			await (await aliceClient.storage.from(DOCS).download(`${alice}/moved.txt`)).data?.text()
		).toBe('m');
		const out = await aliceClient.storage
			.from(DOCS)
			.move(`${alice}/moved.txt`, `${bob}/stolen.txt`);
		expect(out.error).toMatchObject({ statusCode: '403' });
		const theirs = await bobClient.storage
			.from(DOCS)
			.move(`${alice}/moved.txt`, `${bob}/stolen.txt`);
		expect(theirs.error).toMatchObject({ statusCode: '404' });
	});

	it('copies within the own folder with the bytes; refuses copying another’s', async () => {
		const ok = await aliceClient.storage.from(DOCS).copy(`${alice}/notes.txt`, `${alice}/copy.txt`);
		expect(ok.error).toBeNull();
		expect(ok.data?.path).toBe(`${DOCS}/${alice}/copy.txt`);
		expect(
			await (await aliceClient.storage.from(DOCS).download(`${alice}/copy.txt`)).data?.text()
		).toBe('hello storage');
		const denied = await bobClient.storage.from(DOCS).copy(`${alice}/notes.txt`, `${bob}/copy.txt`);
		expect(denied.error).toMatchObject({ statusCode: '404' });
		const before = filesOnDisk();
		const into = await aliceClient.storage.from(DOCS).copy(`${alice}/notes.txt`, `${bob}/copy.txt`);
		expect(into.error).toMatchObject({ statusCode: '403' });
		expect(filesOnDisk()).toEqual(before);
	});

	it('removes own objects and their bytes; removes nothing of another’s', async () => {
		const put = await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/remove-me.txt`, Buffer.from('r'), { contentType: 'text/plain' });
		expect(put.error).toBeNull();
		const theirs = await bobClient.storage.from(DOCS).remove([`${alice}/remove-me.txt`]);
		expect(theirs.error).toBeNull();
		expect(theirs.data).toEqual([]);
		expect(await aliceClient.storage.from(DOCS).exists(`${alice}/remove-me.txt`)).toMatchObject({
			data: true
		});
		const before = filesOnDisk().length;
		const mine = await aliceClient.storage.from(DOCS).remove([`${alice}/remove-me.txt`]);
		expect(mine.error).toBeNull();
		expect(mine.data?.map((r) => r.name)).toEqual([`${alice}/remove-me.txt`]);
		expect(filesOnDisk().length).toBe(before - 1);
		expect((await aliceClient.storage.from(DOCS).exists(`${alice}/remove-me.txt`)).data).toBe(
			false
		);
	});

	it('deletes a single object with DELETE /object/{bucket}/{path}', async () => {
		await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/single.txt`, Buffer.from('s'), { contentType: 'text/plain' });
		const res = await rawRequest('DELETE', `/storage/v1/object/${DOCS}/${alice}/single.txt`);
		expect(res.status).toBe(200);
		const again = await rawRequest('DELETE', `/storage/v1/object/${DOCS}/${alice}/single.txt`);
		expect(again.json).toMatchObject({ statusCode: '404' });
	});
});

describe('limits and content checks', () => {
	const refused = async (
		bucket: string,
		name: string,
		body: Buffer,
		contentType: string,
		status: string
	) => {
		const before = filesOnDisk();
		const rows = await rowCount(bucket);
		const { error } = await aliceClient.storage
			.from(bucket)
			.upload(`${alice}/${name}`, body, { contentType });
		expect(error).toMatchObject({ statusCode: status });
		expect(filesOnDisk()).toEqual(before);
		expect(await rowCount(bucket)).toBe(rows);
		return error!;
	};

	it('refuses a file over the bucket limit (413)', async () => {
		const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
		const e = await refused(IMGS, 'big.png', big, 'image/png', '413');
		expect(e.message).toBe('The object exceeded the maximum allowed size');
	});

	it('refuses a type the bucket does not allow (415)', async () => {
		await refused(IMGS, 'a.txt', Buffer.from('text'), 'text/plain', '415');
	});

	it('refuses a PNG declared as image/jpeg', async () => {
		const e = await refused(IMGS, 'fake.jpg', PNG, 'image/jpeg', '415');
		expect(e.message).toContain('image/png');
	});

	it('refuses a text file declared as image/png', async () => {
		await refused(IMGS, 'fake.png', Buffer.from('just some text'), 'image/png', '415');
	});

	it('checks the bytes only where the bucket restricts its types, as real Storage trusts them', async () => {
		// A Buffer uploaded without a contentType arrives as text/plain;charset=UTF-8.
		const plain = await aliceClient.storage.from(DOCS).upload(`${alice}/png.bin`, PNG);
		expect(plain.error).toBeNull();
		const info = await aliceClient.storage.from(DOCS).info(`${alice}/png.bin`);
		expect(info.data).toMatchObject({
			contentType: expect.stringMatching(/^text\/plain/),
			metadata: {}
		});
		const declared = await aliceClient.storage
			.from(DOCS)
			.upload(`${alice}/png.txt`, PNG, { contentType: 'text/plain' });
		expect(declared.error).toBeNull();
		await aliceClient.storage.from(DOCS).remove([`${alice}/png.bin`, `${alice}/png.txt`]);
		// Where the bucket lists its types, a file must be what it says it is.
		await refused(IMGS, 'png.webp', PNG, 'image/webp', '415');
	});

	it('refuses a multipart file over the bucket limit', async () => {
		const before = filesOnDisk();
		const big = new Blob([PNG, Buffer.alloc(4096)], { type: 'image/png' });
		const { error } = await aliceClient.storage.from(IMGS).upload(`${alice}/big2.png`, big);
		expect(error).toMatchObject({ statusCode: '413' });
		expect(filesOnDisk()).toEqual(before);
	});

	it('refuses malformed x-metadata', async () => {
		const res = await rawRequest('POST', `/storage/v1/object/${DOCS}/meta.txt`, Buffer.from('m'), {
			'content-type': 'text/plain',
			'x-metadata': Buffer.from('{nope').toString('base64')
		});
		expect(res.json).toMatchObject({ statusCode: '400' });
	});

	it('refuses a zero-byte file', async () => {
		await refused(DOCS, 'empty.txt', Buffer.alloc(0), 'text/plain', '400');
	});

	it('refuses a JWT signed with another secret: AccessDenied inside an HTTP 400, as Storage', async () => {
		const jwt = await new SignJWT({ sub: alice, role: 'authenticated' })
			.setProtectedHeader({ alg: 'HS256' })
			.setExpirationTime('1h')
			.sign(new TextEncoder().encode('another-projects-secret-of-at-least-32-chars'));
		const res = await fetch(`${apiUrl()}/storage/v1/object/list/${DOCS}`, {
			method: 'POST',
			headers: {
				apikey: ANON_KEY,
				authorization: `Bearer ${jwt}`,
				'content-type': 'application/json'
			},
			body: '{}'
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			statusCode: '403',
			code: 'AccessDenied',
			message: 'signature verification failed'
		});
	});
});

describe('path traversal', () => {
	const attempts: [string, string][] = [
		['dot-dot segment', `${DOCS}/../x.txt`],
		['dot-dot inside', `${DOCS}/a/../../b.txt`],
		['encoded dot-dot', `${DOCS}/%2e%2e/x.txt`],
		['encoded dot-dot with encoded slash', `${DOCS}/%2e%2e%2fx.txt`],
		['double-encoded dot-dot', `${DOCS}/%252e%252e/x.txt`],
		['absolute path', `${DOCS}//etc/passwd`],
		['backslash', `${DOCS}/a%5c..%5cb.txt`],
		['NUL byte', `${DOCS}/a%00.txt`]
	];
	for (const [label, p] of attempts) {
		it(`refuses ${label} with a clear 400 and writes nothing`, async () => {
			const before = filesOnDisk();
			const rows = await rowCount(DOCS);
			const res = await rawRequest('POST', `/storage/v1/object/${p}`, Buffer.from('evil'), {
				'content-type': 'text/plain'
			});
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({ statusCode: '400' });
			expect(String(res.json?.message)).toMatch(/Invalid key|Invalid bucket/);
			expect(filesOnDisk()).toEqual(before);
			expect(await rowCount(DOCS)).toBe(rows);
		});
	}

	it('refuses traversal in a move destination', async () => {
		const { error } = await aliceClient.storage
			.from(DOCS)
			.move(`${alice}/notes.txt`, `${alice}/../x`);
		expect(error).toMatchObject({ statusCode: '400' });
	});

	it('checks the test can see the bytes directory', () => {
		expect(objectsDir && filesOnDisk().length).toBeGreaterThan(0);
	});
});

describe('buckets (service role)', () => {
	it('creates, reads, updates, empties and deletes a bucket', async () => {
		const admin = serviceClient();
		const id = `crud-${run}`;
		expect(
			(await admin.storage.createBucket(id, { public: false, fileSizeLimit: '1MB' })).error
		).toBeNull();
		expect((await admin.storage.createBucket(id)).error).toMatchObject({ statusCode: '409' });
		const got = await admin.storage.getBucket(id);
		expect(got.data).toMatchObject({ id, public: false, file_size_limit: 1_000_000 });
		expect((await admin.storage.listBuckets()).data?.some((b) => b.id === id)).toBe(true);
		expect(
			(await admin.storage.updateBucket(id, { public: true, allowedMimeTypes: ['text/*'] })).error
		).toBeNull();
		expect((await admin.storage.getBucket(id)).data).toMatchObject({
			public: true,
			allowed_mime_types: ['text/*']
		});
		await admin.storage.from(id).upload('a.txt', Buffer.from('a'), { contentType: 'text/plain' });
		expect((await admin.storage.deleteBucket(id)).error).toMatchObject({ statusCode: '409' });
		expect((await admin.storage.emptyBucket(id)).error).toBeNull();
		expect((await admin.storage.deleteBucket(id)).error).toBeNull();
		expect((await admin.storage.getBucket(id)).error).toMatchObject({ statusCode: '404' });
	});

	it('creates and then updates the buckets config.toml declares, as the CLI does', async () => {
		const id = `cfg-${run}`;
		const declared = { id, public: true, fileSizeLimit: 1024, allowedMimeTypes: ['image/*'] };
		await syncConfiguredBuckets(sql, [declared]);
		await syncConfiguredBuckets(sql, [{ ...declared, public: false, fileSizeLimit: 2048 }]);
		const [row] = await sql`select public, file_size_limit, allowed_mime_types
			from storage.buckets where id = ${id}`;
		expect(row).toMatchObject({
			public: false,
			file_size_limit: '2048',
			allowed_mime_types: ['image/*']
		});
		expect((await serviceClient().storage.deleteBucket(id)).error).toBeNull();
	});

	it('does not let a user create a bucket without a policy', async () => {
		const { error } = await aliceClient.storage.createBucket(`nope-${run}`);
		expect(error).toMatchObject({ statusCode: '403' });
	});
});
