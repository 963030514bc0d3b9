// A direct message with a photo written with no connection: the picked file waits (it cannot
// upload), the message goes into the offline outbox with the file's bytes in IndexedDB, and when
// the connection returns the outbox uploads the file and sends the message exactly once (the
// client id makes a repeated send a no-op; the fixed object path makes a repeated upload one).
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, newDesktop, open, shoot } from './browser.ts';
import { signInOn } from '../support/pages.ts';
import { adminSql } from '../support/stack.ts';

const ALEX = '10000000-0000-4000-8000-000000000002';
let browser: Browser;
const sql = adminSql();

beforeAll(async () => {
	browser = await launch();
});

afterAll(async () => {
	await browser?.close();
	await sql.end();
});

describe('offline attachments', () => {
	it('queues a DM with a photo offline and sends it with the photo once, on reconnect', async () => {
		const ctx = await newDesktop(browser);
		const page = await ctx.newPage();
		await signInOn(page, 'athlete05@coachline.dev');
		await open(page, `/org/northside/messages/${ALEX}`);

		const photo = await sharp({
			create: { width: 800, height: 600, channels: 3, background: { r: 40, g: 120, b: 200 } }
		})
			.jpeg()
			.toBuffer();
		const text = `Form check from the car park ${randomUUID().slice(0, 8)}`;

		await ctx.setOffline(true);
		await page.getByLabel('Attach photo or video').setInputFiles({
			name: 'squat.jpg',
			mimeType: 'image/jpeg',
			buffer: photo
		});
		await page.getByText('Offline: uploads when the message is sent online').waitFor();
		await shoot(page, '42-offline-attachment-picked');
		const composer = page.getByLabel('Message Alex Morgan');
		await composer.fill(text);
		await composer.press('Enter');
		const bubble = page.getByTestId('message').filter({ hasText: text });
		await bubble.getByTestId('queued').waitFor();
		expect(await bubble.getByTestId('pending-files').textContent()).toContain('1 file');
		await shoot(page, '43-offline-attachment-queued');
		await expect
			.poll(() => page.locator('.offline').textContent())
			.toMatch(/Offline\s*— 1 waiting to send/);
		expect(await sql`select 1 from public.messages where content = ${text}`).toHaveLength(0);

		await ctx.setOffline(false);
		await expect
			.poll(
				async () =>
					(
						await sql<{ n: number }[]>`
							select attachment_count as n from public.messages where content = ${text}`
					)[0]?.n ?? -1,
				{ timeout: 20_000 }
			)
			.toBe(1);
		await expect.poll(() => bubble.getAttribute('data-status'), { timeout: 15_000 }).toBe('sent');
		await expect.poll(() => page.locator('.offline').count(), { timeout: 15_000 }).toBe(0);
		const [att] = await sql<{ r2_key: string; mime_type: string }[]>`
			select a.r2_key, a.mime_type from public.message_attachments a
			  join public.messages m on m.id = a.message_id where m.content = ${text}`;
		expect(att.mime_type).toBe('image/jpeg');
		expect(
			await sql`select 1 from storage.objects where bucket_id = 'attachments' and name = ${att.r2_key}`
		).toHaveLength(1);
		// The photo shows in the thread, read back from storage.
		await bubble.locator('img').first().waitFor({ timeout: 15_000 });

		// Another drop and return of the connection sends nothing twice. The marker is a second
		// message written offline: it waits in the same outbox and goes out on the same reconnect,
		// so once it has been stored, a repeat of the first would have been sent too.
		await ctx.setOffline(true);
		const marker = `Marker after the photo ${randomUUID().slice(0, 8)}`;
		await composer.fill(marker);
		await composer.press('Enter');
		await page.getByTestId('message').filter({ hasText: marker }).getByTestId('queued').waitFor();
		await ctx.setOffline(false);
		await expect
			.poll(
				async () => (await sql`select 1 from public.messages where content = ${marker}`).length,
				{
					timeout: 20_000
				}
			)
			.toBe(1);
		expect(await sql`select 1 from public.messages where content = ${text}`).toHaveLength(1);
		await ctx.close();
	});
});
