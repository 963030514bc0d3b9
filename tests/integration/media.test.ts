// The media worker with the real stack: an athlete sends a photo to their coach, the worker makes
// a thumbnail the coach can fetch; when the message is deleted, the worker removes the bytes.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaWorker } from '../../src/lib/server/media/worker.ts';
import { ANON_KEY, SERVICE_ROLE_KEY, adminSql, apiUrl, dbUrl } from '../support/stack.ts';

const ORG = 'a0000000-0000-4000-8000-000000000001';
const COACH = '10000000-0000-4000-8000-000000000002';
const sql = adminSql();

async function signIn(email: string): Promise<SupabaseClient> {
	const c = createClient(apiUrl(), ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const { error } = await c.auth.signInWithPassword({ email, password: 'password123' });
	if (error) throw error;
	return c;
}

afterAll(async () => {
	await sql.end();
});

describe('media worker', () => {
	it('makes a thumbnail of a photo attachment and deletes the bytes of a deleted message', async () => {
		const athlete = await signIn('athlete02@coachline.dev');
		const coach = await signIn('coach.alex@coachline.dev');
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
