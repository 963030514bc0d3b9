// The browser's side of a page: what each route ships (JavaScript and CSS after compression,
// from the production build) and how it paints in Chromium on a throttled phone (Largest
// Contentful Paint and Cumulative Layout Shift, read with PerformanceObserver).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { median } from './_measure.ts';

export const JS_BUDGET_KB = 120;
export const LCP_TARGET_MS = 2500;
export const CLS_TARGET = 0.1;

interface Sizes {
	files: number;
	raw: number;
	gzip: number;
	brotli: number;
}

/** Compressed size of one built file: the .gz/.br adapter-node precompressed, else computed. */
function sizeOf(clientDir: string, file: string): { raw: number; gzip: number; brotli: number } {
	const full = path.join(clientDir, file);
	const raw = readFileSync(full);
	const gz = existsSync(`${full}.gz`) ? readFileSync(`${full}.gz`).length : gzipSync(raw).length;
	const br = existsSync(`${full}.br`)
		? readFileSync(`${full}.br`).length
		: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
	return { raw: raw.length, gzip: gz, brotli: br };
}

function total(clientDir: string, files: Set<string>): Sizes {
	const out: Sizes = { files: files.size, raw: 0, gzip: 0, brotli: 0 };
	for (const f of files) {
		const s = sizeOf(clientDir, f);
		out.raw += s.raw;
		out.gzip += s.gzip;
		out.brotli += s.brotli;
	}
	return out;
}

export interface RouteSizes {
	route: string;
	js: Sizes;
	css: Sizes;
}

/**
 * What a first visit to each page route downloads: SvelteKit's client entry and its imports,
 * then for every node the page renders (its layouts and the page) the chunks and stylesheets
 * the server manifest lists for it, i.e. what the server tells the browser to load up front.
 */
export async function routeSizes(buildDir: string): Promise<RouteSizes[]> {
	const clientDir = path.join(buildDir, 'client');
	const manifestText = readFileSync(path.join(buildDir, 'server/manifest-full.js'), 'utf8');
	const entry = /client: \{[^\n]*?imports:(\[[^\]]*\])/.exec(manifestText);
	if (!entry) throw new Error('build/server/manifest-full.js: no client imports found');
	const entryImports = JSON.parse(entry[1]) as string[];
	const routes = [
		...manifestText.matchAll(
			/id: "([^"]+)",[\s\S]*?page: \{ layouts: \[([\d,]*)\], errors: \[[\d,]*\], leaf: (\d+) \}/g
		)
	];
	const nodeCache = new Map<number, { imports: string[]; stylesheets: string[] }>();
	const node = async (i: number) => {
		let n = nodeCache.get(i);
		if (!n) {
			const text = readFileSync(path.join(buildDir, `server/nodes/${i}.js`), 'utf8');
			const list = (name: string) =>
				JSON.parse(
					new RegExp(`export const ${name} = (\\[.*?\\]);`).exec(text)?.[1] ?? '[]'
				) as string[];
			n = { imports: list('imports'), stylesheets: list('stylesheets') };
			nodeCache.set(i, n);
		}
		return n;
	};
	const out: RouteSizes[] = [];
	for (const [, id, layouts, leaf] of routes) {
		const nodes = [...layouts.split(',').filter(Boolean).map(Number), Number(leaf)];
		const js = new Set(entryImports);
		const css = new Set<string>();
		for (const i of nodes) {
			const n = await node(i);
			for (const f of n.imports) js.add(f);
			for (const f of n.stylesheets) css.add(f);
		}
		out.push({ route: id, js: total(clientDir, js), css: total(clientDir, css) });
	}
	return out.sort((a, b) => a.route.localeCompare(b.route));
}

const kb = (b: number) => (b / 1024).toFixed(1);

export function printRouteSizes(sizes: RouteSizes[]): void {
	console.log('\nJavaScript and CSS each page route ships on a first visit (kB):');
	console.table(
		sizes.map((s) => ({
			route: s.route,
			'JS files': s.js.files,
			'JS raw': kb(s.js.raw),
			'JS gzip': kb(s.js.gzip),
			'JS brotli': kb(s.js.brotli),
			'CSS raw': kb(s.css.raw),
			'CSS gzip': kb(s.css.gzip),
			'CSS brotli': kb(s.css.brotli)
		}))
	);
	const today = sizes.find((s) => s.route === '/org/[slug]/today');
	if (today)
		console.log(
			`athlete's Today: ${kb(today.js.gzip)} kB JS gzip (${kb(today.js.brotli)} kB brotli), budget ≤ ${JS_BUDGET_KB} kB: ${today.js.gzip / 1024 <= JS_BUDGET_KB ? 'met' : 'MISSED'}`
		);
}

export interface VitalsPage {
	name: string;
	path: string;
	/** Which signed-in person opens it. */
	as: 'athlete' | 'coach';
}

/**
 * A mid-range phone on a mobile network, as Lighthouse's mobile default ("slow 4G"): 4× CPU
 * slowdown, 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
 */
const NETWORK = {
	offline: false,
	latency: 150,
	downloadThroughput: (1.6 * 1024 * 1024) / 8,
	uploadThroughput: (750 * 1024) / 8
};

/** In the page before anything runs: the LCP and layout-shift entries, as they come. */
const OBSERVE = `
window.__vitals = { lcp: 0, cls: 0, lcpElement: '' };
new PerformanceObserver((l) => {
	for (const e of l.getEntries()) {
		window.__vitals.lcp = e.startTime;
		const el = e.element;
		window.__vitals.lcpElement = el ? el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') : '';
	}
}).observe({ type: 'largest-contentful-paint', buffered: true });
new PerformanceObserver((l) => {
	for (const e of l.getEntries()) if (!e.hadRecentInput) window.__vitals.cls += e.value;
}).observe({ type: 'layout-shift', buffered: true });
`;

export async function measureVitals(opts: {
	appUrl: string;
	people: Record<'athlete' | 'coach', string>;
	pages: VitalsPage[];
	runs?: number;
	chromium?: string;
}): Promise<void> {
	const runs = opts.runs ?? 3;
	const browser: Browser = await chromium.launch({
		executablePath: opts.chromium ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
	});
	try {
		const rows: Record<string, string | number>[] = [];
		const contexts = new Map<string, Awaited<ReturnType<Browser['newContext']>>>();
		for (const who of ['athlete', 'coach'] as const) {
			const ctx = await browser.newContext({
				viewport: { width: 390, height: 844 },
				deviceScaleFactor: 2,
				isMobile: true,
				hasTouch: true,
				extraHTTPHeaders: { 'x-forwarded-proto': 'http' }
			});
			ctx.setDefaultTimeout(60_000);
			const page = await ctx.newPage();
			await page.goto(`${opts.appUrl}/login`);
			await page.fill('input[name="email"]', opts.people[who]);
			await page.fill('input[name="password"]', 'password123');
			await Promise.all([
				page.waitForURL((u) => !u.pathname.startsWith('/login')),
				page.click('form button[type="submit"]')
			]);
			await page.close();
			await ctx.addInitScript(OBSERVE);
			contexts.set(who, ctx);
		}
		for (const p of opts.pages) {
			const lcps: number[] = [];
			const clss: number[] = [];
			let element = '';
			for (let r = 0; r < runs; r++) {
				const ctx = contexts.get(p.as);
				if (!ctx) continue;
				const page = await ctx.newPage();
				const cdp = await ctx.newCDPSession(page);
				await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
				await cdp.send('Network.enable');
				// A first visit each time: nothing from the cache.
				await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
				await cdp.send('Network.emulateNetworkConditions', NETWORK);
				await page.goto(`${opts.appUrl}${p.path}`, { waitUntil: 'load' });
				// Late shifts (hydration, realtime catch-up) count: wait for the network to settle.
				await page.waitForLoadState('networkidle').catch(() => {});
				await page.waitForTimeout(1000);
				const v = (await page.evaluate('window.__vitals')) as {
					lcp: number;
					cls: number;
					lcpElement: string;
				};
				lcps.push(v.lcp);
				clss.push(v.cls);
				element = v.lcpElement;
				await page.close();
			}
			const lcp = median(lcps);
			const cls = Math.max(...clss);
			rows.push({
				page: p.name,
				'LCP median ms': lcp.toFixed(0),
				'LCP runs': lcps.map((x) => x.toFixed(0)).join(' / '),
				'LCP element': element,
				'CLS max': cls.toFixed(3),
				targets: `${lcp <= LCP_TARGET_MS ? 'LCP met' : 'LCP MISSED'}, ${cls <= CLS_TARGET ? 'CLS met' : 'CLS MISSED'}`
			});
		}
		console.log(
			`\nLargest Contentful Paint and layout shift, Chromium as a phone (390×844, 4× CPU slowdown, ` +
				`150 ms RTT, 1.6 Mbit/s down), a first visit without cache, ${runs} runs each ` +
				`(targets LCP ≤ ${LCP_TARGET_MS} ms, CLS ≤ ${CLS_TARGET}):`
		);
		console.table(rows);
	} finally {
		await browser.close();
	}
}
