// The demo organization from supabase/seed.sql, as its owner and as an athlete see it: real data
// in the library, programs and members pages, and no sight of the other organization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, open, phoneLike, shoot, useProductionBuild } from './browser.ts';
import { signIn } from '../support/pages.ts';

// Against the production build: what ships is what is tested.
useProductionBuild();

let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});

afterAll(async () => {
	await browser?.close();
});

describe('the seeded demo organization', () => {
	it('shows the owner the library, programs and members of Northside', async () => {
		const { ctx, page } = await signIn(browser, 'owner@coachline.dev');
		expect(new URL(page.url()).pathname, 'staff land on the overview').toBe(
			'/org/northside/overview'
		);
		await open(page, '/org/northside/library');
		const titles = page.locator('.workouts h2');
		await titles.first().waitFor();
		expect(await titles.count()).toBeGreaterThanOrEqual(10);
		await shoot(page, '20-seeded-library');

		await open(page, '/org/northside/programs');
		await page.locator('.programs h3').first().waitFor();
		await shoot(page, '21-seeded-programs');

		await open(page, '/org/northside/members');
		expect(await page.locator('table.list tbody tr').count()).toBeGreaterThanOrEqual(10);
		await shoot(page, '22-seeded-members');
		const phone = await phoneLike(browser, ctx);
		const phonePage = await phone.newPage();
		await open(phonePage, '/org/northside/library');
		await shoot(phonePage, '20-seeded-library');
		await phone.close();

		// Another organization is simply not there.
		const res = await open(page, '/org/harbour/library');
		expect(res?.status()).toBe(404);
		await ctx.close();
	});

	it('opens the builder on a seeded workout', async () => {
		const { ctx, page } = await signIn(browser, 'coach.alex@coachline.dev');
		await open(page, '/org/northside/library');
		await page.locator('.workouts h2 a').first().click();
		await page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
		await page.locator('ol.movements > li').first().waitFor();
		await shoot(page, '23-seeded-workout');
		await ctx.close();
	});
	it('tells a signed-in account that an invitation for another email is not theirs', async () => {
		// The seeded invitation is addressed to new.athlete@coachline.dev.
		const { ctx, page } = await signIn(browser, 'athlete01@coachline.dev');
		await open(page, '/invite/demo-invitation-northside-0001');
		await page
			.getByText(
				'This invitation is for n…@coachline.dev; you are signed in as athlete01@coachline.dev.'
			)
			.waitFor();
		expect(await page.getByRole('button', { name: /Accept and join/ }).count()).toBe(0);
		await shoot(page, '24-invite-for-someone-else');
		const phone = await phoneLike(browser, ctx);
		const phonePage = await phone.newPage();
		await open(phonePage, '/invite/demo-invitation-northside-0001');
		await phonePage.getByText(/This invitation is for n…@coachline\.dev/).waitFor();
		expect(
			await phonePage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
		).toBe(true);
		await shoot(phonePage, '24-invite-for-someone-else');
		await phone.close();
		// Switching account keeps the way back to the invitation.
		await page.getByRole('button', { name: 'Sign out and switch account' }).click();
		await page.waitForURL('**/login?next=*');
		expect(new URL(page.url()).searchParams.get('next')).toBe(
			'/invite/demo-invitation-northside-0001'
		);
		await ctx.close();
	});
});
