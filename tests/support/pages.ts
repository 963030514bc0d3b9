// What browser tests do on the app's pages again and again: sign in through the login form, look
// at a page at phone width, and check a page for sideways scrolling and accessibility.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newDesktop, open, phoneLike, shoot } from '../e2e/browser.ts';
import { DEMO_PASSWORD } from './seed.ts';

/**
 * Signs in on `page` through the login form and waits until the app has left /login (seeded
 * people land in their organization, new ones on onboarding).
 */
export async function signInOn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
	await open(page, '/login');
	await page.getByLabel('Email', { exact: true }).fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => u.pathname !== '/login');
}

/** A new desktop-sized context signed in as `email`, and its page. */
export async function signIn(
	browser: Browser,
	email: string,
	options: { viewport?: { width: number; height: number }; password?: string } = {}
): Promise<{ ctx: BrowserContext; page: Page }> {
	const ctx = await newDesktop(browser);
	const page = await ctx.newPage();
	if (options.viewport) await page.setViewportSize(options.viewport);
	await signInOn(page, email, options.password);
	return { ctx, page };
}

/** Signs in once and keeps only the cookies, for tests that each start their own context. */
export async function signedInState(
	browser: Browser,
	email: string
): Promise<Awaited<ReturnType<BrowserContext['storageState']>>> {
	const { ctx } = await signIn(browser, email);
	const state = await ctx.storageState();
	await ctx.close();
	return state;
}

/**
 * How far the page scrolls sideways past `width` (the width the test set, not innerWidth: with
 * mobile emulation Chromium widens the layout viewport to fit overflowing content), and the
 * widest elements sticking out, so a failure says where to look. Empty when it fits.
 */
export async function sidewaysOverflow(page: Page, width: number): Promise<string[]> {
	const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
	if (scrollWidth <= width) return [];
	const culprits = await page.evaluate((w) => {
		const out: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>('body *')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 1 && r.width > 0 && out.length < 5) {
				out.push(
					`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(r.right)}`
				);
			}
		}
		return out;
	}, width);
	return [`scrollWidth ${scrollWidth} > ${width}: ${culprits.join(', ')}`];
}

/** Fails the test when the page scrolls sideways at `width`. */
export async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
	expect(await sidewaysOverflow(page, width), `${page.url()} at ${width} px`).toEqual([]);
}

let axeSource: string | null = null;

/** The serious and critical axe-core violations on the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
	axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
	await page.addScriptTag({ content: axeSource });
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
		const result = await axe.run(document, { resultTypes: ['violations'] });
		return result.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
	});
}

/**
 * Opens `path` in a phone-sized (390 px) copy of `from` (same session), checks it does not scroll
 * sideways and saves the phone screenshot `name`.
 */
export async function phoneShot(
	browser: Browser,
	from: BrowserContext,
	path: string,
	name: string
): Promise<void> {
	const phone = await phoneLike(browser, from);
	try {
		const page = await phone.newPage();
		await open(page, path);
		await expectNoSidewaysScroll(page, 390);
		await shoot(page, name);
	} finally {
		await phone.close();
	}
}

/**
 * One step of a longer story told in one test, where each step builds on the one before: a
 * failure is reported with the step's name in front.
 */
export async function step(name: string, body: () => Promise<void>): Promise<void> {
	try {
		await body();
	} catch (e) {
		if (e instanceof Error) e.message = `${name}: ${e.message}`;
		throw e;
	}
}
