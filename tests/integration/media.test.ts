// The media worker with the real stack: an athlete sends a photo to their coach, the worker makes
// a thumbnail the coach can fetch; when the message is deleted, the worker removes the bytes.
// Several workers (and lanes) make each thumbnail once, an unreadable image does not hold up the
// rest, and an erased person's profile pictures are deleted from storage by the worker.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaWorker } from '../../src/lib/server/media/worker.ts';
import {
	ANON_KEY,
	SERVICE_ROLE_KEY,
	adminSql,
	apiUrl,
	dbUrl,
	serviceClient,
	signedInClient,
	uniqueEmail
} from '../support/stack.ts';

const ORG = 'a0000000-0000-4000-8000-000000000001';
const COACH = '10000000-0000-4000-8000-000000000002';
const sql = adminSql();

afterAll(async () => {
	await sql.end();
});

describe('media worker', () => {
	it('makes a thumbnail of a photo attachment and deletes the bytes of a deleted message', async () => {
		const athlete = (await signedInClient('athlete02@coachline.dev')).client;
		const coach = (await signedInClient('coach.alex@coachline.dev')).client;
		const me = (await athlete.auth.getUser()).data.user!.id;
		const png = await sharp({
			create: { width: 1200, height: 800, channels: 3, background: { r: 15, g: 118, b: 110 } }
		})
			.png()
			.toBuffer();
		const path = `${ORG}/${me}/${randomUUID()}.png`;
		const up = await athlete.storage
			.from('attachments')
			.upload(path, png, { contentType: 'image/png' });
		expect(up.error).toBeNull();

		const sent = await athlete.rpc('send_message_with_attachments', {
			p_organization_id: ORG,
			p_recipient_id: COACH,
			p_content: 'Form check on my last set',
			p_client_id: randomUUID(),
			p_object_paths: [path]
		});
		expect(sent.error).toBeNull();
		const messageId = (sent.data as { id: string }).id;

		const worker = new MediaWorker({
			databaseUrl: dbUrl(),
			supabaseUrl: apiUrl(),
			serviceRoleKey: SERVICE_ROLE_KEY
		});
		try {
			const first = await worker.runOnce();
			expect(first.thumbnails).toBeGreaterThanOrEqual(1);
			const [att] =
				await sql`select thumbnail_r2_key from public.message_attachments where message_id = ${messageId}`;
			expect(att.thumbnail_r2_key).toMatch(new RegExp(`^${ORG}/${me}/thumbnails/.+\\.webp$`));

			// The coach, a participant, can fetch the thumbnail; it is small and a real WebP.
			const signed = await coach.storage
				.from('attachments')
				.createSignedUrl(att.thumbnail_r2_key, 60);
			expect(signed.error).toBeNull();
			const res = await fetch(signed.data!.signedUrl);
			expect(res.status).toBe(200);
			const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
			expect(meta.format).toBe('webp');
			expect(Math.max(meta.width!, meta.height!)).toBe(320);

			// Deleting the message queues its files; the worker removes them through the Storage API.
			expect((await athlete.rpc('delete_message', { p_message_id: messageId })).error).toBeNull();
			const queued =
				await sql`select object_name from public.storage_deletions where object_name = ${path}`;
			expect(queued.length).toBe(1);
			await worker.runOnce();
			const left =
				await sql`select 1 from storage.objects where bucket_id = 'attachments' and name = ${path}`;
			expect(left.length, 'the original is gone from storage').toBe(0);
			expect(
				(await sql`select 1 from public.storage_deletions where object_name = ${path}`).length
			).toBe(0);
		} finally {
			await worker.stop();
		}
	});
});

async function sendPhotos(athlete: SupabaseClient, me: string, files: Buffer[], ext: string) {
	const paths: string[] = [];
	for (const bytes of files) {
		const path = `${ORG}/${me}/${randomUUID()}.${ext}`;
		const up = await athlete.storage
			.from('attachments')
			.upload(path, bytes, { contentType: ext === 'png' ? 'image/png' : 'image/jpeg' });
		expect(up.error).toBeNull();
		paths.push(path);
	}
	const sent = await athlete.rpc('send_message_with_attachments', {
		p_organization_id: ORG,
		p_recipient_id: COACH,
		p_content: '',
		p_client_id: randomUUID(),
		p_object_paths: paths
	});
	expect(sent.error).toBeNull();
	return paths;
}

describe('media worker, in parallel', () => {
	it('two workers with several lanes make each thumbnail once; an unreadable image waits aside', async () => {
		const athlete = (await signedInClient('athlete03@coachline.dev')).client;
		const me = (await athlete.auth.getUser()).data.user!.id;
		const jpeg = await sharp({
			create: { width: 900, height: 600, channels: 3, background: { r: 200, g: 80, b: 40 } }
		})
			.jpeg()
			.toBuffer();
		const good = await sendPhotos(athlete, me, Array<Buffer>(8).fill(jpeg), 'jpg');
		// A JPEG cut short: the storage service accepts it (the magic number is right), sharp cannot read it.
		const [broken] = await sendPhotos(athlete, me, [jpeg.subarray(0, 600)], 'jpg');

		const made: string[] = [];
		const workers = [1, 2].map(
			() =>
				new MediaWorker({
					databaseUrl: dbUrl(),
					supabaseUrl: apiUrl(),
					serviceRoleKey: SERVICE_ROLE_KEY,
					concurrency: 3,
					onThumbnail: (id) => made.push(id)
				})
		);
		try {
			await Promise.all(workers.map((w) => w.makeThumbnails()));
			const rows = await sql<{ id: string; r2_key: string; thumbnail_r2_key: string | null }[]>`
				select id, r2_key, thumbnail_r2_key from public.message_attachments
				 where r2_key = any(${sql.array([...good, broken])})`;
			const goodIds = rows.filter((r) => r.r2_key !== broken).map((r) => r.id);
			expect(rows.filter((r) => r.r2_key !== broken && r.thumbnail_r2_key).length).toBe(8);
			for (const id of goodIds) {
				expect(made.filter((m) => m === id).length, 'each thumbnail is made exactly once').toBe(1);
			}
			const [bad] =
				await sql`select thumbnail_r2_key, thumbnail_attempts, thumbnail_error from public.message_attachments where r2_key = ${broken}`;
			expect(bad.thumbnail_r2_key).toBeNull();
			expect(bad.thumbnail_attempts).toBe(1);
			expect(bad.thumbnail_error).toBeTruthy();
			// Within its lease the broken image is not tried again.
			await workers[0].makeThumbnails();
			const [again] =
				await sql`select thumbnail_attempts from public.message_attachments where r2_key = ${broken}`;
			expect(again.thumbnail_attempts).toBe(1);
		} finally {
			await Promise.all(workers.map((w) => w.stop()));
		}
	});
});

describe('picture sizes', () => {
	it("keeps the uploader's size hint, then the worker's measurement (orientation applied) replaces it", async () => {
		const { client: athlete, id: me } = await signedInClient('athlete09@coachline.dev');
		// A photo taken with the phone turned: 1200×800 pixels stored, shown 800×1200 (EXIF 6).
		const turned = await sharp({
			create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 90, b: 160 } }
		})
			.jpeg()
			.withMetadata({ orientation: 6 })
			.toBuffer();
		const square = await sharp({
			create: { width: 500, height: 500, channels: 3, background: { r: 90, g: 40, b: 160 } }
		})
			.png()
			.toBuffer();
		const hinted = `${ORG}/${me}/${randomUUID()}.jpg`;
		const bare = `${ORG}/${me}/${randomUUID()}.png`;
		// The hint as a browser that ignored the orientation would send it.
		const up1 = await athlete.storage.from('attachments').upload(hinted, turned, {
			contentType: 'image/jpeg',
			metadata: { width: 1200, height: 800 }
		});
		expect(up1.error).toBeNull();
		const up2 = await athlete.storage
			.from('attachments')
			.upload(bare, square, { contentType: 'image/png' });
		expect(up2.error).toBeNull();
		const sent = await athlete.rpc('send_message_with_attachments', {
			p_organization_id: ORG,
			p_recipient_id: COACH,
			p_content: 'Two angles',
			p_client_id: randomUUID(),
			p_object_paths: [hinted, bare]
		});
		expect(sent.error).toBeNull();

		const sizes = async () => {
			const rows = await sql<{ r2_key: string; width: number | null; height: number | null }[]>`
				select r2_key, width, height from public.message_attachments
				 where r2_key in (${hinted}, ${bare})`;
			return Object.fromEntries(rows.map((r) => [r.r2_key, [r.width, r.height]]));
		};
		expect(await sizes(), 'the hint travels as user metadata; no hint, no size').toEqual({
			[hinted]: [1200, 800],
			[bare]: [null, null]
		});

		const worker = new MediaWorker({
			databaseUrl: dbUrl(),
			supabaseUrl: apiUrl(),
			serviceRoleKey: SERVICE_ROLE_KEY
		});
		try {
			await worker.makeThumbnails();
		} finally {
			await worker.stop();
		}
		expect(await sizes(), 'what the worker measured, as the photo is shown').toEqual({
			[hinted]: [800, 1200],
			[bare]: [500, 500]
		});
	});
});

describe('avatars', () => {
	it("a profile picture is public, replaced pictures and an erased person's pictures are deleted by the worker", async () => {
		const email = uniqueEmail('avatar');
		const created = await serviceClient().auth.admin.createUser({
			email,
			password: 'password123',
			email_confirm: true
		});
		expect(created.error).toBeNull();
		const person = createClient(apiUrl(), ANON_KEY, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		expect(
			(await person.auth.signInWithPassword({ email, password: 'password123' })).error
		).toBeNull();
		const me = created.data.user!.id;
		const webp = await sharp({
			create: { width: 256, height: 256, channels: 3, background: { r: 15, g: 118, b: 110 } }
		})
			.webp()
			.toBuffer();
		const first = `${me}/${randomUUID()}.webp`;
		const second = `${me}/${randomUUID()}.webp`;
		for (const path of [first, second]) {
			const up = await person.storage
				.from('avatars')
				.upload(path, webp, { contentType: 'image/webp' });
			expect(up.error).toBeNull();
		}
		// Nobody writes into someone else's folder, not even through the API.
		const other = (await signedInClient('athlete04@coachline.dev')).client;
		const intrusion = await other.storage
			.from('avatars')
			.upload(`${me}/${randomUUID()}.webp`, webp, { contentType: 'image/webp' });
		expect(intrusion.error).not.toBeNull();

		expect(
			(await person.from('profiles').update({ avatar_path: first }).eq('id', me)).error
		).toBeNull();
		// Public read, without a session.
		const url = person.storage.from('avatars').getPublicUrl(first).data.publicUrl;
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/webp');

		expect(
			(await person.from('profiles').update({ avatar_path: second }).eq('id', me)).error
		).toBeNull();
		const worker = new MediaWorker({
			databaseUrl: dbUrl(),
			supabaseUrl: apiUrl(),
			serviceRoleKey: SERVICE_ROLE_KEY
		});
		const left = async (path: string) =>
			(await sql`select 1 from storage.objects where bucket_id = 'avatars' and name = ${path}`)
				.length;
		try {
			await worker.deleteQueued();
			expect(await left(first), 'the replaced picture is deleted').toBe(0);
			expect(await left(second)).toBe(1);

			const erased = await person.rpc('delete_my_account');
			expect(erased.error).toBeNull();
			expect((erased.data as { avatars_removed: number }).avatars_removed).toBe(1);
			await worker.deleteQueued();
			expect(await left(second), "the erased person's picture is deleted").toBe(0);
			expect(
				(await fetch(person.storage.from('avatars').getPublicUrl(second).data.publicUrl)).ok
			).toBe(false);
			expect(
				(
					await sql`select 1 from public.storage_deletions where bucket_id = 'avatars' and object_name like ${me + '/%'}`
				).length
			).toBe(0);
		} finally {
			await worker.stop();
		}
	});
});
