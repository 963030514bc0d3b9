// Announcements end to end on the seeded demo: a coach posts to the whole gym; the athlete, with
// the feed already open, sees it appear live (no reload) and finds it on Today as the newest
// unread one; the coach then sees "seen by 1 of N" and the athlete's name. A coach posts with an
// image picked in the form; the athlete sees its thumbnail in the feed and on Today, at 1440x900
// and 390x844, with no horizontal scroll. Screenshots at phone (390) and desktop (1440) widths.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hydrated, launch, open, phoneLike, shoot } from './browser.ts';
import { expectNoSidewaysScroll, signIn } from '../support/pages.ts';
import { NORTHSIDE } from '../support/seed.ts';
import { signedInClient } from '../support/stack.ts';

const ORG = '/org/northside';

let browser: Browser;
let coach: { ctx: BrowserContext; page: Page };
let athlete: { ctx: BrowserContext; page: Page };

const WIDE = { width: 1440, height: 900 };

beforeAll(async () => {
	browser = await launch();
	coach = await signIn(browser, 'coach.alex@coachline.dev', { viewport: WIDE });
	athlete = await signIn(browser, 'athlete02@coachline.dev', { viewport: WIDE });
});

afterAll(async () => {
	await coach?.ctx.close();
	await athlete?.ctx.close();
	await browser?.close();
});

describe('announcements', () => {
	it('a coach posts; the athlete sees it live, then live on Today; the coach sees who read it', async () => {
		const text = `Gym closed Friday ${Date.now().toString(36)}: floor repair.`;
		const a = athlete.page;
		await open(a, `${ORG}/announcements`);
		await hydrated(a);
		await a.locator('[data-live="live"]').waitFor({ timeout: 60_000 });

		const c = coach.page;
		await open(c, `${ORG}/announcements`);
		await hydrated(c);
		await c.getByRole('link', { name: 'News' }).first().waitFor();
		await c.getByLabel('Announcement', { exact: true }).fill(text);
		await c.getByRole('button', { name: 'Post announcement' }).click();
		await c.locator('.feed .item', { hasText: text }).waitFor({ timeout: 60_000 });

		// live: the athlete's open feed shows it without a reload
		await a.locator('.feed .item', { hasText: text }).waitFor({ timeout: 60_000 });
		await shoot(a, '90-announcements-feed');

		// Today: the feed visit marked the first one read, so the card waits for the next one,
		// which arrives live while Today is open.
		await open(a, `${ORG}/today`);
		await hydrated(a);
		const second = `Bring a towel ${Date.now().toString(36)}`;
		await c.getByLabel('Announcement', { exact: true }).fill(second);
		await c.getByRole('button', { name: 'Post announcement' }).click();
		await c.locator('.feed .item', { hasText: second }).waitFor({ timeout: 60_000 });
		const card = a.getByTestId('today-announcement');
		await card.getByText(second).waitFor({ timeout: 60_000 });
		await shoot(a, '91-today-announcement');
		// and after a reload it is still there (read from the server, not only pushed)
		await open(a, `${ORG}/today`);
		await a.getByTestId('today-announcement').getByText(second).waitFor({ timeout: 60_000 });

		// the athlete reads the feed; the coach sees it counted, with the name
		await card.getByRole('link', { name: 'Read announcements' }).click();
		await a.locator('.feed .item', { hasText: second }).waitFor({ timeout: 60_000 });
		await expect
			.poll(
				async () => {
					await open(c, `${ORG}/announcements`);
					return c.locator('.feed .item', { hasText: second }).getByTestId('seen-by').textContent();
				},
				{ timeout: 60_000 }
			)
			.toMatch(/^Seen by 1 of \d+$/);
		await c.locator('.feed .item', { hasText: second }).getByTestId('seen-by').click();
		await c.getByRole('heading', { name: /Seen by 1 of/ }).waitFor();
		await c.locator('.readers li', { hasText: 'Priya Shah' }).waitFor();
		expect(await c.locator('.readers li').count()).toBe(1);
		await shoot(c, '92-announcement-seen-by');
		await open(c, `${ORG}/announcements`);
		await shoot(c, '93-announcements-compose');
	}, 400_000);

	it('fits a phone, feed and Today', async () => {
		// Its own announcement, posted through the API as the coach, so the feed is not empty
		// whichever test ran before.
		const text = `Phone check ${Date.now().toString(36)}`;
		const { client } = await signedInClient('coach.alex@coachline.dev');
		const posted = await client.rpc('post_announcement', {
			p_organization_id: NORTHSIDE,
			p_body: text
		});
		expect(posted.error).toBeNull();
		const athletePhone = await phoneLike(browser, athlete.ctx);
		const ap = await athletePhone.newPage();
		await open(ap, `${ORG}/announcements`);
		await ap.locator('.feed .item', { hasText: text }).waitFor({ timeout: 60_000 });
		await expectNoSidewaysScroll(ap, 390);
		await shoot(ap, '90-announcements-feed');
		await athletePhone.close();

		const coachPhone = await phoneLike(browser, coach.ctx);
		const cp = await coachPhone.newPage();
		await open(cp, `${ORG}/announcements`);
		await cp.getByLabel('Announcement', { exact: true }).waitFor({ timeout: 60_000 });
		await expectNoSidewaysScroll(cp, 390);
		await shoot(cp, '93-announcements-compose');
		await coachPhone.close();
	}, 300_000);

	it('a coach posts with an image; the athlete sees it in the feed and on Today, desktop and phone', async () => {
		const text = `New rig is in ${Date.now().toString(36)}`;
		const image = await sharp({
			create: { width: 640, height: 400, channels: 3, background: { r: 15, g: 118, b: 110 } }
		})
			.jpeg()
			.toBuffer();
		// the athlete leaves the feed first: an open feed marks what arrives live as read, and Today
		// shows only what is unread
		const a = athlete.page;
		await a.setViewportSize({ width: 1440, height: 900 });
		await open(a, `${ORG}/today`);
		const c = coach.page;
		await open(c, `${ORG}/announcements`);
		await hydrated(c);
		await c.getByLabel('Announcement', { exact: true }).fill(text);
		await c
			.getByRole('group', { name: 'Announcement files' })
			.locator('input[type="file"]')
			.setInputFiles({ name: 'rig.jpg', mimeType: 'image/jpeg', buffer: image });
		// the upload finishes before the post goes: the button reads "Post announcement" again
		await c.locator('input[name="object_path"]').waitFor({ state: 'attached', timeout: 60_000 });
		await c.getByRole('button', { name: 'Post announcement' }).click();
		const posted = c.locator('.feed .item', { hasText: text });
		await posted.waitFor({ timeout: 60_000 });
		await posted.locator('img').first().waitFor({ timeout: 60_000 });
		// the form is empty again, ready for the next one
		expect(await c.locator('input[name="object_path"]').count()).toBe(0);

		const loaded = (p: Page, scope: string) =>
			p
				.locator(scope)
				.locator('img')
				.first()
				.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

		// Today first (the feed visit would mark it read)
		await open(a, `${ORG}/today`);
		const card = a.getByTestId('today-announcement');
		await card.getByText(text).waitFor({ timeout: 60_000 });
		await card.locator('img').first().waitFor({ timeout: 60_000 });
		await expect
			.poll(() => loaded(a, '[data-testid="today-announcement"]'), { timeout: 30_000 })
			.toBe(true);
		await shoot(a, '94-today-announcement-image');

		const athletePhone = await phoneLike(browser, athlete.ctx);
		const ap = await athletePhone.newPage();
		await open(ap, `${ORG}/today`);
		await ap.getByTestId('today-announcement').getByText(text).waitFor({ timeout: 60_000 });
		await expect
			.poll(() => loaded(ap, '[data-testid="today-announcement"]'), { timeout: 30_000 })
			.toBe(true);
		expect(await ap.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await shoot(ap, '94-today-announcement-image');

		await open(ap, `${ORG}/announcements`);
		const item = `.feed .item:has-text("${text}")`;
		await ap.locator(item).waitFor({ timeout: 60_000 });
		await expect.poll(() => loaded(ap, item), { timeout: 30_000 }).toBe(true);
		expect(await ap.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await shoot(ap, '95-announcements-feed-image');
		await athletePhone.close();

		await open(a, `${ORG}/announcements`);
		await a.locator(item).waitFor({ timeout: 60_000 });
		await expect.poll(() => loaded(a, item), { timeout: 30_000 }).toBe(true);
		expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
		await shoot(a, '95-announcements-feed-image');
		// the photo opens larger on a click
		await a
			.locator(item)
			.getByRole('button', { name: /Open photo 1 of 1/ })
			.click();
		await a.getByRole('dialog').waitFor();
		await shoot(a, '96-announcement-image-viewer');

		// the coach's phone: the form with a picked file still fits
		const coachPhone = await phoneLike(browser, coach.ctx);
		const cp = await coachPhone.newPage();
		await open(cp, `${ORG}/announcements`);
		await hydrated(cp);
		await cp
			.getByRole('group', { name: 'Announcement files' })
			.locator('input[type="file"]')
			.setInputFiles({
				name: 'a-photo-with-a-rather-long-file-name-from-the-phone-camera.jpg',
				mimeType: 'image/jpeg',
				buffer: image
			});
		await cp.locator('input[name="object_path"]').waitFor({ state: 'attached', timeout: 60_000 });
		expect(await cp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await shoot(cp, '97-announcements-compose-image');
		await coachPhone.close();
	}, 400_000);
});
