// A conversation full of photos, as the coach (Alex Morgan) reads it with an athlete (Ethan
// Brooks, athlete11) at 1440×900 and on a 390×844 phone: it opens with the newest message in view
// although every message above carries pictures (their boxes come from the sizes stored with
// them, so nothing moves as they load), a photo the athlete sends live arrives in view, three the
// coach sends at once are measured by the browser, stored with their sizes and shown in the order
// they were picked (live and when the thread is opened again), and a reader who scrolled up to
// read history keeps their place and gets a "new message" button instead.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { appUrl, launch, open, shoot, useProductionBuild } from './browser.ts';
import { adminSql, signedInClient } from '../support/stack.ts';
import { signInOn } from '../support/pages.ts';

// Against the production build: layout shift is measured on what ships.
useProductionBuild();

const ORG = 'a0000000-0000-4000-8000-000000000001';
const ALEX = '10000000-0000-4000-8000-000000000002';
const ETHAN = '10000000-0000-4000-8000-000000000111';
const sql = adminSql();
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});

afterAll(async () => {
	await browser?.close();
	await sql.end();
});

async function signedIn(email: string): Promise<SupabaseClient> {
	return (await signedInClient(email)).client;
}

async function photo(width: number, height: number, hue: number): Promise<Buffer> {
	return sharp({
		create: { width, height, channels: 3, background: { r: hue, g: 255 - hue, b: 120 } }
	})
		.jpeg({ quality: 70 })
		.toBuffer();
}

/**
 * The athlete sends a message with these photos, each uploaded with its size as the object's
 * user metadata (what the app's composer sends), or without one (`hint: false`, as for a HEIC
 * photo the browser cannot measure).
 */
async function sendPhotos(
	athlete: SupabaseClient,
	text: string,
	photos: { width: number; height: number; hint?: boolean }[]
): Promise<void> {
	const paths: string[] = [];
	for (const [i, p] of photos.entries()) {
		const path = `${ORG}/${ETHAN}/${randomUUID()}.jpg`;
		const up = await athlete.storage
			.from('attachments')
			.upload(path, await photo(p.width, p.height, (i * 70) % 255), {
				contentType: 'image/jpeg',
				...(p.hint === false ? {} : { metadata: { width: p.width, height: p.height } })
			});
		if (up.error) throw up.error;
		paths.push(path);
	}
	const sent = await athlete.rpc('send_message_with_attachments', {
		p_organization_id: ORG,
		p_recipient_id: ALEX,
		p_content: text,
		p_client_id: randomUUID(),
		p_object_paths: paths
	});
	if (sent.error) throw sent.error;
}

/** A thread of photos and words; the coach has read it all, so it opens at the newest. */
async function seedThread(run: string): Promise<{ athlete: SupabaseClient; newest: string }> {
	const athlete = await signedIn('athlete11@coachline.dev');
	const coach = await signedIn('coach.alex@coachline.dev');
	const shapes = [
		[{ width: 1200, height: 800 }],
		[{ width: 600, height: 900 }],
		[
			{ width: 1000, height: 1000 },
			{ width: 800, height: 1200 }
		],
		[{ width: 1600, height: 600 }],
		[{ width: 900, height: 1200, hint: false }],
		[{ width: 1280, height: 960 }]
	];
	for (const [i, photos] of shapes.entries()) {
		await sendPhotos(athlete, `Set ${i + 1} from today ${run}`, photos);
		const reply = await coach.rpc('send_message', {
			p_organization_id: ORG,
			p_recipient_id: ETHAN,
			p_content: `Looks solid, keep the chest up (${i + 1}) ${run}`,
			p_client_id: randomUUID()
		});
		if (reply.error) throw reply.error;
	}
	const newest = `Last one, the top set ${run}`;
	await sendPhotos(athlete, newest, [{ width: 750, height: 1000 }]);
	const read = await coach.rpc('mark_conversation_read', {
		p_organization_id: ORG,
		p_other_user_id: ETHAN
	});
	if (read.error) throw read.error;
	return { athlete, newest };
}

/** Every layout shift of the page not caused by input, recorded from the first paint. */
const RECORD_SHIFTS = `
	window.__shifts = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
	}).observe({ type: 'layout-shift', buffered: true });
`;

async function coachAt(viewport: { width: number; height: number }, phone: boolean) {
	const ctx = await browser.newContext({
		viewport,
		baseURL: appUrl(),
		...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {})
	});
	ctx.setDefaultTimeout(20_000);
	await ctx.addInitScript(RECORD_SHIFTS);
	const page = await ctx.newPage();
	await signInOn(page, 'coach.alex@coachline.dev');
	return { ctx, page };
}

const bubble = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });

/** Waits until the pictures of this message have loaded (their bytes, not only their boxes). */
async function picturesLoaded(page: Page, text: string, count: number): Promise<void> {
	const imgs = bubble(page, text).locator('img');
	await expect.poll(() => imgs.count()).toBe(count);
	await expect
		.poll(() =>
			imgs.evaluateAll((list) =>
				list.every(
					(i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0
				)
			)
		)
		.toBe(true);
}

/** Where a message sits in the conversation's scroller: visible when both gaps are ≥ 0. */
async function placeOf(page: Page, text: string) {
	return bubble(page, text).evaluate((el) => {
		const log = el.closest('[role="log"]')!;
		const box = log.getBoundingClientRect();
		const r = el.getBoundingClientRect();
		return {
			fromTop: Math.round(r.top - box.top),
			fromBottom: Math.round(box.bottom - r.bottom),
			scrollTop: log.scrollTop,
			belowView: Math.round(log.scrollHeight - log.scrollTop - log.clientHeight)
		};
	});
}

async function expectInView(page: Page, text: string): Promise<void> {
	await expect
		.poll(async () => {
			const p = await placeOf(page, text);
			return p.fromTop >= -1 && p.fromBottom >= -1;
		})
		.toBe(true);
}

async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
	// Mobile emulation widens innerWidth to fit overflowing content: the viewport set is the yardstick.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		width
	);
}

const frames = (page: Page) =>
	page.evaluate(
		() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())))
	);

describe('a conversation with pictures', () => {
	for (const [name, viewport, phone] of [
		['desktop', { width: 1440, height: 900 }, false],
		['phone', { width: 390, height: 844 }, true]
	] as const) {
		it(`opens at the newest message and follows live pictures (${name} ${viewport.width}×${viewport.height})`, async () => {
			const run = randomUUID().slice(0, 8);
			const { athlete, newest } = await seedThread(run);
			const { ctx, page } = await coachAt(viewport, phone);

			await open(page, `/org/northside/messages/${ETHAN}`);
			await bubble(page, newest).waitFor();
			await picturesLoaded(page, newest, 1);
			await frames(page);
			const opened = await placeOf(page, newest);
			const shift = await page.evaluate(() =>
				(window as unknown as { __shifts: number[] }).__shifts.reduce((a, b) => a + b, 0)
			);
			console.log(
				`[chat-images] ${name}: layout shift on opening ${shift.toFixed(4)}, newest message ${JSON.stringify(opened)}`
			);
			expect(opened.fromTop, 'the newest message starts inside the view').toBeGreaterThanOrEqual(
				-1
			);
			expect(opened.fromBottom, 'and ends inside it').toBeGreaterThanOrEqual(-1);
			expect(opened.belowView, 'the view is at the end of the thread').toBeLessThanOrEqual(2);
			expect(shift, 'pictures load into boxes already held for them').toBeLessThan(0.05);
			await expectNoSidewaysScroll(page, viewport.width);
			await shoot(page, '75-chat-images-opened');

			// The athlete sends a photo while the coach is at the newest message: it arrives in view.
			const live = `Bonus set, how is my depth? ${run}`;
			await sendPhotos(athlete, live, [{ width: 800, height: 1100 }]);
			await bubble(page, live).waitFor();
			await picturesLoaded(page, live, 1);
			await frames(page);
			await expectInView(page, live);

			// On a busy phone a scroll event can land after the thread grew and before the view
			// followed it: that must not count as the reader leaving the newest message.
			const log = page.getByRole('log');
			const behind = await log.evaluate(async (el) => {
				const grown = document.createElement('li');
				grown.style.height = '400px';
				el.querySelector('ol')!.append(grown);
				el.dispatchEvent(new Event('scroll'));
				await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
				const left = el.scrollHeight - el.scrollTop - el.clientHeight;
				grown.remove();
				return Math.round(left);
			});
			expect(behind, 'the view followed the thread as it grew').toBeLessThanOrEqual(2);
			await frames(page);
			await expectInView(page, live);

			// The coach sends three photos from the composer: the browser measures them, the database
			// keeps their sizes, they show in the order they were picked (portrait, landscape,
			// square; sent together they share one created_at), and the coach's own message is in
			// view with its pictures.
			const mine = `Compare with these ${run}`;
			const picked = [
				{ name: 'front.jpg', width: 640, height: 960 },
				{ name: 'side.jpg', width: 960, height: 640 },
				{ name: 'top.jpg', width: 720, height: 720 }
			];
			await page.getByLabel('Attach photo or video').setInputFiles(
				await Promise.all(
					picked.map(async (p, i) => ({
						name: p.name,
						mimeType: 'image/jpeg',
						buffer: await photo(p.width, p.height, 30 + i * 60)
					}))
				)
			);
			const composer = page.getByLabel('Message Ethan Brooks');
			await composer.fill(mine);
			// Send waits for the uploads to finish.
			await expect.poll(() => page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
			await composer.press('Enter');
			await picturesLoaded(page, mine, 3);
			await frames(page);
			await expectInView(page, mine);
			const stored = await sql<{ width: number | null; height: number | null }[]>`
				select a.width, a.height from public.message_attachments a
				  join public.messages m on m.id = a.message_id where m.content = ${mine}
				 order by a.attach_order`;
			expect(
				stored.map((r) => ({ ...r })),
				'the sizes the browser measured are stored, in the order picked'
			).toEqual(picked.map(({ width, height }) => ({ width, height })));
			// What the coach sees: portrait, landscape, square, left to right (thumbnails keep the shape).
			const shapes = (text: string) =>
				bubble(page, text)
					.locator('img')
					.evaluateAll((list) =>
						list.map((i) => {
							const img = i as HTMLImageElement;
							return Math.round((img.naturalWidth / img.naturalHeight) * 100) / 100;
						})
					);
			expect(await shapes(mine), 'the pictures show in the order they were picked').toEqual([
				0.67, 1.5, 1
			]);
			await shoot(page, '76-chat-images-live');

			// Reading further up: a new photo does not move the view; a button leads down to it.
			await log.evaluate((el) => (el.scrollTop = Math.max(0, el.scrollTop - 700)));
			const before = await log.evaluate((el) => el.scrollTop);
			const later = `And the cool-down stretch ${run}`;
			await sendPhotos(athlete, later, [{ width: 1200, height: 900 }]);
			const jump = page.getByTestId('jump-to-newest');
			await jump.waitFor();
			expect(await jump.textContent()).toContain('1 new message');
			await bubble(page, later).waitFor();
			await frames(page);
			expect(
				Math.abs((await log.evaluate((el) => el.scrollTop)) - before),
				'the reader keeps their place'
			).toBeLessThanOrEqual(2);
			const away = await placeOf(page, later);
			expect(away.fromBottom, 'the new message waits below the view').toBeLessThan(0);
			await shoot(page, '77-chat-images-jump-button');
			await jump.click();
			await picturesLoaded(page, later, 1);
			await expectInView(page, later);
			await expect.poll(() => jump.count()).toBe(0);
			await expectNoSidewaysScroll(page, viewport.width);

			// Opened again, the thread is read from the database: the same order.
			await page.reload();
			await bubble(page, mine).scrollIntoViewIfNeeded();
			await picturesLoaded(page, mine, 3);
			expect(await shapes(mine), 'and in that order when the thread is opened again').toEqual([
				0.67, 1.5, 1
			]);
			await ctx.close();
		});
	}
});
