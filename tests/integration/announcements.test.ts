// Announcements end to end below the UI, on the seeded demo: a coach posts through the API
// (supabase-js .rpc); members joined to the organization's or the program's private topic get
// `announcement:new` live, people outside that audience cannot even join the topic, and the post
// queued one push per person of the audience but the author, with mutes and quiet hours applied
// by the notification rules (a muted author's push is skipped, quiet hours defer it).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { adminSql, clientAs } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const ORG = 'a0000000-0000-4000-8000-000000000001';
const STRENGTH = 'b0000000-0000-4000-8000-000000000001'; // athletes 01-06 enrolled
const COACH = '10000000-0000-4000-8000-000000000002';
const ATHLETE01 = '10000000-0000-4000-8000-000000000101';
const ATHLETE01_DEVICE = 'https://fcm.googleapis.com/fcm/send/announcements-test-athlete01';
const ATHLETE07 = '10000000-0000-4000-8000-000000000107'; // not in Strength Cycle
const ATHLETE08 = '10000000-0000-4000-8000-000000000108';
const HARBOUR_COACH = '20000000-0000-4000-8000-000000000002';

const sql = adminSql();
const clients: SupabaseClient[] = [];
const posted: string[] = [];
const uploaded: string[] = [];

async function as(sub: string): Promise<SupabaseClient> {
	const c = await clientAs(sub);
	clients.push(c);
	return c;
}

function join(
	c: SupabaseClient,
	topic: string
): Promise<{ status: string; channel: RealtimeChannel; got: Record<string, unknown>[] }> {
	const got: Record<string, unknown>[] = [];
	const channel = c
		.channel(topic, { config: { private: true } })
		.on('broadcast', { event: 'announcement:new' }, (m) =>
			got.push(m.payload as Record<string, unknown>)
		);
	return new Promise((resolve) => {
		channel.subscribe((status) => {
			if (status !== 'CLOSED') resolve({ status, channel, got });
		});
	});
}

async function post(coach: SupabaseClient, body: string, programId?: string): Promise<string> {
	const { data, error } = await coach.rpc('post_announcement', {
		p_organization_id: ORG,
		p_body: body,
		p_program_id: programId
	});
	if (error) throw new Error(error.message);
	const id = (data as { id: string }).id;
	posted.push(id);
	return id;
}

beforeAll(async () => {
	// athlete08 mutes the coach; athlete07 has quiet hours around the clock but one minute;
	// athlete01 has a device (without one a push is recorded skipped at once)
	await sql`insert into public.notification_mutes (user_id, muted_user_id) values (${ATHLETE08}, ${COACH})`;
	await sql`
		insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
		values (${ATHLETE01}, ${ATHLETE01_DEVICE}, 'p256', 'auth')
		on conflict (endpoint) do nothing`;
	await sql`
		insert into public.notification_preferences (user_id, quiet_hours_start, quiet_hours_end, time_zone)
		values (${ATHLETE07}, (now() at time zone 'UTC')::time - interval '1 minute',
		        (now() at time zone 'UTC')::time - interval '2 minutes', 'UTC')
		on conflict (user_id) do update set quiet_hours_start = excluded.quiet_hours_start,
		  quiet_hours_end = excluded.quiet_hours_end, time_zone = excluded.time_zone`;
});

afterAll(async () => {
	for (const c of clients) await c.removeAllChannels();
	await sql`delete from public.notification_mutes where user_id = ${ATHLETE08} and muted_user_id = ${COACH}`;
	await sql`delete from public.notification_preferences where user_id = ${ATHLETE07}`;
	await sql`delete from public.push_subscriptions where endpoint = ${ATHLETE01_DEVICE}`;
	if (posted.length) {
		await sql`delete from public.notification_outbox where payload ->> 'announcement_id' = any (${posted})`;
		await sql`delete from public.announcements where id = any (${posted}::uuid[])`;
		await sql`delete from public.storage_deletions where object_name = any (${uploaded})`;
	}
	await sql.end();
});

describe('announcements: realtime and push', () => {
	it('an organization announcement arrives live on org:<id> and queues one push per member but the author', async () => {
		const athlete = await join(await as(ATHLETE01), `org:${ORG}`);
		expect(athlete.status).toBe('SUBSCRIBED');
		const coach = await as(COACH);
		const id = await post(coach, 'Gym closed on Friday for the floor repair.');

		const payload = await waitFor(() => athlete.got.find((p) => p.announcement_id === id));
		expect(payload).toMatchObject({ organization_id: ORG, program_id: null });

		const [{ audience }] = await sql<{ audience: number }[]>`
			select count(*)::int as audience from public.memberships
			 where organization_id = ${ORG} and status = 'active' and user_id <> ${COACH}`;
		const rows = await sql<
			{ user_id: string; status: string; skip_reason: string | null; deferred: boolean }[]
		>`
			select user_id, status::text, skip_reason, not_before > created_at + interval '1 minute' as deferred
			  from public.notification_outbox
			 where category = 'announcement' and payload ->> 'announcement_id' = ${id}`;
		expect(rows).toHaveLength(audience);
		expect(new Set(rows.map((r) => r.user_id)).size).toBe(audience);
		expect(rows.some((r) => r.user_id === COACH)).toBe(false);
		// the muted author: skipped; quiet hours: queued for later; a device: pending now;
		// no device: recorded skipped at once
		expect(rows.find((r) => r.user_id === ATHLETE08)).toMatchObject({
			status: 'skipped',
			skip_reason: 'muted'
		});
		expect(rows.find((r) => r.user_id === ATHLETE07)).toMatchObject({
			status: 'pending',
			deferred: true
		});
		expect(rows.find((r) => r.user_id === ATHLETE01)).toMatchObject({
			status: 'pending',
			deferred: false
		});
		// everyone else without a device: skipped at once, unless their own quiet hours hold it
		const others = rows.filter((r) => ![ATHLETE01, ATHLETE07, ATHLETE08].includes(r.user_id));
		expect(others.filter((r) => !r.deferred).length).toBeGreaterThan(0);
		for (const r of others)
			expect(r).toMatchObject(
				r.deferred
					? { status: 'pending', skip_reason: null }
					: { status: 'skipped', skip_reason: 'no_subscription' }
			);
	});

	it('a program announcement reaches only the program topic, which only its audience may join', async () => {
		const enrolled = await join(await as(ATHLETE01), `program:${STRENGTH}`);
		expect(enrolled.status).toBe('SUBSCRIBED');
		const notEnrolled = await join(await as(ATHLETE07), `program:${STRENGTH}`);
		expect(notEnrolled.status).toBe('CHANNEL_ERROR');
		const otherOrg = await join(await as(HARBOUR_COACH), `program:${STRENGTH}`);
		expect(otherOrg.status).toBe('CHANNEL_ERROR');

		const id = await post(await as(COACH), 'Test week starts Monday.', STRENGTH);
		await waitFor(() => enrolled.got.find((p) => p.announcement_id === id));
		const users = await sql<{ user_id: string }[]>`
			select user_id from public.notification_outbox
			 where category = 'announcement' and payload ->> 'announcement_id' = ${id} order by user_id`;
		const [{ n }] = await sql<{ n: number }[]>`
			select count(*)::int as n from public.program_enrollments where program_id = ${STRENGTH} and ended_at is null`;
		expect(users).toHaveLength(n);
		expect(users.map((u) => u.user_id)).toContain(ATHLETE01);
		expect(users.map((u) => u.user_id)).not.toContain(ATHLETE07);
	});

	it('a member who may not post is refused and nothing goes out', async () => {
		const athlete = await as(ATHLETE01);
		const { error } = await athlete.rpc('post_announcement', {
			p_organization_id: ORG,
			p_body: 'Hi all'
		});
		expect(error?.message).toBe('Only staff of the organization can do this.');
		const [{ n }] = await sql<{ n: number }[]>`
			select count(*)::int as n from public.announcements where body = 'Hi all' and organization_id = ${ORG}`;
		expect(n).toBe(0);
	});
});

describe('announcements: attachments', () => {
	it('a coach uploads an image and posts it; an athlete of the audience reads it, an outsider and another program cannot', async () => {
		const coach = await as(COACH);
		const png = await sharp({
			create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 40 } }
		})
			.png()
			.toBuffer();
		const path = `${ORG}/${COACH}/${randomUUID()}.png`;
		uploaded.push(path);
		const up = await coach.storage
			.from('attachments')
			.upload(path, png, { contentType: 'image/png' });
		expect(up.error).toBeNull();

		const { data, error } = await coach.rpc('post_announcement', {
			p_organization_id: ORG,
			p_body: 'The new rig, photo attached.',
			p_program_id: STRENGTH,
			p_object_paths: [path]
		});
		expect(error).toBeNull();
		const id = (data as { id: string }).id;
		posted.push(id);

		// an athlete of Strength Cycle: the feed row carries the file, and its bytes download
		const athlete = await as(ATHLETE01);
		const feed = await athlete.rpc('announcement_feed', { p_organization_id: ORG });
		expect(feed.error).toBeNull();
		const row = (feed.data ?? []).find((r: { id: string }) => r.id === id) as
			{ attachments: { r2_key: string; type: string; mime_type: string }[] } | undefined;
		expect(row?.attachments).toEqual([
			expect.objectContaining({ r2_key: path, type: 'image', mime_type: 'image/png' })
		]);
		const got = await athlete.storage.from('attachments').download(path);
		expect(got.error).toBeNull();
		expect(Buffer.from(await got.data!.arrayBuffer()).equals(png)).toBe(true);
		const signed = await athlete.storage.from('attachments').createSignedUrl(path, 60);
		expect(signed.error).toBeNull();

		// not in the program, and another organization's coach: no row, no bytes, no signed URL
		for (const who of [ATHLETE07, HARBOUR_COACH]) {
			const c = await as(who);
			const rows = await c.from('message_attachments').select('id').eq('announcement_id', id);
			expect(rows.data ?? []).toHaveLength(0);
			const refused = await c.storage.from('attachments').download(path);
			expect(refused.error).not.toBeNull();
			const refusedUrl = await c.storage.from('attachments').createSignedUrl(path, 60);
			expect(refusedUrl.data).toBeNull();
		}

		// deleting the announcement takes the file with it: queued for the storage worker
		const del = await coach.rpc('delete_announcement', { p_id: id });
		expect(del.error).toBeNull();
		const queued = await sql<{ reason: string }[]>`
			select reason from public.storage_deletions where bucket_id = 'attachments' and object_name = ${path}`;
		expect(queued).toEqual([{ reason: 'announcement_deleted' }]);
		const after = await athlete.storage.from('attachments').download(path);
		expect(after.error).not.toBeNull();
	});

	it("an upload that is not the poster's own is refused and no announcement is left", async () => {
		const athlete = await as(ATHLETE01);
		const path = `${ORG}/${ATHLETE01}/${randomUUID()}.png`;
		uploaded.push(path);
		const png = await sharp({
			create: { width: 8, height: 8, channels: 3, background: { r: 0, g: 0, b: 0 } }
		})
			.png()
			.toBuffer();
		expect(
			(await athlete.storage.from('attachments').upload(path, png, { contentType: 'image/png' }))
				.error
		).toBeNull();
		const { error } = await (
			await as(COACH)
		).rpc('post_announcement', {
			p_organization_id: ORG,
			p_body: 'Borrowed photo',
			p_object_paths: [path]
		});
		expect(error?.message).toBe('That file was not uploaded by you for this organization.');
		const [{ n }] = await sql<{ n: number }[]>`
			select count(*)::int as n from public.announcements where body = 'Borrowed photo'`;
		expect(n).toBe(0);
		// still unattached, so its uploader may remove it (the storage policy for unattached uploads)
		const removed = await athlete.storage.from('attachments').remove([path]);
		expect(removed.error).toBeNull();
	});
});
