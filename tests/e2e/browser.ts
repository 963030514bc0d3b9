// What browser tests share: launching Debian's Chromium, screenshots at desktop and phone width.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

let served: 'dev' | 'production' = 'dev';

/**
 * Called at the top of a test file: its pages come from the production build (`node build`, with
 * NODE_ENV=production) instead of Vite's dev server. Each file runs in its own module context, so
 * this holds for that file only.
 */
export function useProductionBuild(): void {
	served = 'production';
}

export const appUrl = (): string => inject(served === 'production' ? 'productionAppUrl' : 'appUrl');

export const SCREENSHOTS = path.resolve('test-results/screenshots');

export async function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: inject('chromiumPath'),
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function newDesktop(browser: Browser): Promise<BrowserContext> {
	const ctx = await browser.newContext({ viewport: DESKTOP, baseURL: appUrl() });
	ctx.setDefaultTimeout(20_000);
	return ctx;
}

/** A phone-sized context signed in as the same person as `from`. */
export async function phoneLike(browser: Browser, from: BrowserContext): Promise<BrowserContext> {
	const ctx = await browser.newContext({
		viewport: PHONE,
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		baseURL: appUrl(),
		storageState: await from.storageState()
	});
	ctx.setDefaultTimeout(20_000);
	return ctx;
}

/** Saves `<name>.desktop.png` / `<name>.phone.png` (full page) under test-results/screenshots. */
export async function shoot(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const kind = (page.viewportSize()?.width ?? 0) < 600 ? 'phone' : 'desktop';
	// Let toasts and the progress bar settle so screenshots show the page itself.
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.${kind}.png`), fullPage: true });
}

/** Waits until the app has hydrated (forms enhanced, handlers attached) after a full page load. */
export async function hydrated(page: Page): Promise<void> {
	await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
}

/** Loads a page in full and waits for it to become interactive. */
export async function open(page: Page, path: string) {
	const response = await page.goto(path);
	await hydrated(page);
	return response;
}

let counter = 0;
export function uniqueEmail(prefix: string): string {
	counter += 1;
	return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter}@e2e.coachline.dev`;
}
