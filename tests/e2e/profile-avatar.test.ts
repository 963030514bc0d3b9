// Profile pictures in a real browser: a new person picks a picture on their profile, sees a
// preview, saves it (the server re-encodes it to a 512 px WebP in the public avatars bucket), and
// removes it again; a file that is too large is refused before it is sent.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, newDesktop, open, phoneLike, shoot, uniqueEmail } from './browser.ts';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
	browser = await launch();
	ctx = await newDesktop(browser);
	page = await ctx.newPage();
});

afterAll(async () => {
	await browser?.close();
});

describe('profile picture', () => {
	it('previews, saves, shows and removes a profile picture', async () => {
		await open(page, '/signup');
		await page.getByLabel('Your name').fill('Avery Avatar');
		await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('avatar'));
		await page.getByLabel('Password', { exact: true }).fill('password123');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL('**/onboarding');

		await open(page, '/profile');
		await page.getByRole('heading', { name: 'Profile picture' }).waitFor();
		const input = page.getByLabel('Choose a picture');

		// Too large: refused in the browser, nothing to save.
		const huge = Buffer.alloc(2 * 1024 * 1024 + 1, 0);
		await input.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: huge });
		await page.getByText('a profile picture can be at most 2 MB').waitFor();
		expect(await page.getByRole('button', { name: 'Save picture' }).isDisabled()).toBe(true);

		const photo = await sharp({
			create: { width: 1200, height: 800, channels: 3, background: { r: 220, g: 90, b: 40 } }
		})
			.jpeg()
			.toBuffer();
		await input.setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: photo });
		await page.getByAltText('Preview of me.jpg, not saved yet').waitFor();
		await shoot(page, '40-profile-avatar-preview');
		await page.getByRole('button', { name: 'Save picture' }).click();
		await page.getByText('Profile picture saved', { exact: true }).waitFor();

		// Shown through Storage's image transformation at the 96 px box, not the stored 512 px.
		const avatar = page.locator('.picture .avatar img');
		await avatar.waitFor();
		const src = await avatar.getAttribute('src');
		expect(src).toMatch(
			/\/storage\/v1\/render\/image\/public\/avatars\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.webp\?width=96&height=96&resize=cover$/
		);
		await expect
			.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
			.toBe(96);
		const stored = await fetch(src!.replace('/render/image/', '/object/').replace(/\?.*$/, ''));
		expect((await sharp(Buffer.from(await stored.arrayBuffer())).metadata()).width).toBe(512);
		await shoot(page, '41-profile-avatar');
		// A 2x phone screen takes the 192 px rendition from the srcset.
		const phone = await phoneLike(browser, ctx);
		const phonePage = await phone.newPage();
		await open(phonePage, '/profile');
		const phoneAvatar = phonePage.locator('.picture .avatar img');
		await phoneAvatar.waitFor();
		// naturalWidth of a 2x candidate is its density-corrected width: 192 / 2.
		await expect
			.poll(() =>
				phoneAvatar.evaluate((img: HTMLImageElement) =>
					img.complete ? `${img.naturalWidth} ${img.currentSrc}` : 'loading'
				)
			)
			.toMatch(/^96 .*width=192&height=192&resize=cover$/);
		await shoot(phonePage, '41-profile-avatar');
		await phone.close();

		// A project without image transformations (a hosted plan lacking them) refuses render
		// URLs: the picture still shows, from the original.
		const hosted = await phoneLike(browser, ctx);
		await hosted.route('**/storage/v1/render/image/**', (route) =>
			route.fulfill({
				status: 403,
				contentType: 'application/json',
				body: JSON.stringify({
					statusCode: '403',
					error: 'FeatureNotEnabled',
					message: 'feature not enabled for this tenant'
				})
			})
		);
		const hostedPage = await hosted.newPage();
		await open(hostedPage, '/profile');
		const fallback = hostedPage.locator('.picture .avatar img');
		// The picture shows (decoded, not the initials), loaded from the stored original.
		await expect
			.poll(() =>
				fallback.evaluate((img: HTMLImageElement) =>
					img.complete && img.naturalWidth > 0 ? img.currentSrc : 'not shown'
				)
			)
			.toMatch(/\/storage\/v1\/object\/public\/avatars\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.webp$/);
		expect(await fallback.getAttribute('srcset')).toBeNull();
		await shoot(hostedPage, '42-profile-avatar-without-transforms');
		await hosted.close();

		await page.getByRole('button', { name: 'Remove picture' }).click();
		await page.getByText('Profile picture removed', { exact: true }).waitFor();
		await page.locator('.picture .avatar img').waitFor({ state: 'detached' });
		expect((await page.locator('.picture .avatar').textContent())?.trim()).toBe('AA');
	});
});
