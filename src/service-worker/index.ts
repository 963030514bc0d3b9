// Coachline's service worker (built by SvelteKit from this directory; registered by the root
// layout, see src/lib/offline/register.ts). What it does:
// - install: precaches the app shell, i.e. Vite's immutable build output and the static files;
// - activate: deletes the caches of older versions and takes control of open pages;
// - fetch:
//   * immutable assets: cache first (their names carry a content hash);
//   * navigations: network first; the athlete's Today and Week pages and workout pages
//     (/org/<slug>/assignments/<id>) are kept in a cache so they open offline once visited; any
//     other page offline gets a small offline page;
//   * the same pages' data requests (SvelteKit's …/__data.json): network first with the cached
//     copy as the fallback, offline or when the network takes too long. The fallback ignores
//     the `x-sveltekit-invalidated` query: a copy with more nodes than asked for still serves;
//   * KEEP_OFFLINE (from Today and Week): fetches the workout pages they list, page and data,
//     into the same cache, so this week's workouts open offline even if never opened before;
//     Not stale-while-revalidate on purpose: after a form action SvelteKit refetches the data, and
//     a stale answer would show the state from before the action;
//   * everything else of our origin (dev modules, /_app/env.js, …): network first, cache fallback;
//   * signing out (POST /logout) empties the page cache, so the next person on the device never
//     sees the last one's workouts;
// - push: shows the notification the push worker sent ({title, body, tag, url, category,
//   outbox_id, data}); delivery is at least once, and the same `tag` replaces rather than repeats;
// - notificationclick: focuses an open window of the app (navigated to the notification's url) or
//   opens a new one.
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { self } from '$app/service-worker';
import { immutable, assets } from '$app/manifest';
import { version } from '$app/env';

const SHELL = `coachline-shell-${version}`;
const RUNTIME = `coachline-runtime-${version}`;
/** Survives versions: the athlete's pages must stay readable offline across an app update. */
const PAGES = 'coachline-pages-v1';
const CURRENT = new Set([SHELL, RUNTIME, PAGES]);

const PRECACHE = [...immutable.map((f) => `/${f.path}`), ...assets.map((f) => `/${f.path}`)];
const PRECACHED = new Set(PRECACHE);
const NETWORK_TIMEOUT_MS = 4000;

/** The athlete pages readable offline, and their data requests. */
const OFFLINE_PAGE = /^\/org\/[^/]+\/(today|week|assignments\/[0-9a-f-]{36})\/?$/;
const OFFLINE_DATA = /^\/org\/[^/]+\/(today|week|assignments\/[0-9a-f-]{36})\/__data\.json$/;

self.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(SHELL);
			await cache.addAll(PRECACHE);
			await self.skipWaiting();
		})()
	);
});

self.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (!CURRENT.has(key)) await caches.delete(key);
			}
			await self.clients.claim();
		})()
	);
});

self.addEventListener('message', (event) => {
	const type = (event.data as { type?: string } | null)?.type;
	if (type === 'SKIP_WAITING') void self.skipWaiting();
	if (type === 'CLEAR_USER_DATA') event.waitUntil(caches.delete(PAGES));
	if (type === 'KEEP_OFFLINE') {
		const paths = (event.data as { paths?: unknown }).paths;
		if (Array.isArray(paths)) event.waitUntil(keepOffline(paths.filter(isString)));
	}
});

self.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (url.origin !== self.location.origin) return;

	if (request.method !== 'GET') {
		if (request.method === 'POST' && url.pathname === '/logout') {
			event.waitUntil(caches.delete(PAGES));
		}
		return;
	}
	if (url.pathname === '/service-worker.js') return;

	if (PRECACHED.has(url.pathname) || url.pathname.startsWith('/_app/immutable/')) {
		event.respondWith(cacheFirst(request));
	} else if (request.mode === 'navigate') {
		event.respondWith(navigation(request, OFFLINE_PAGE.test(url.pathname)));
	} else if (OFFLINE_DATA.test(url.pathname)) {
		event.respondWith(networkFirst(request, PAGES, NETWORK_TIMEOUT_MS));
	} else {
		event.respondWith(networkFirst(request, RUNTIME));
	}
});

const isString = (v: unknown): v is string => typeof v === 'string';

/** Saves pages (document and data) the athlete will want at the gym; failures are skipped. */
async function keepOffline(paths: string[]): Promise<void> {
	const cache = await caches.open(PAGES);
	for (const path of paths.slice(0, 30)) {
		if (!OFFLINE_PAGE.test(path)) continue;
		for (const url of [path, `${path.replace(/\/$/, '')}/__data.json`]) {
			try {
				const response = await fetch(url, { credentials: 'same-origin', redirect: 'manual' });
				if (response.status === 200 && response.type === 'basic') {
					await cache.put(new URL(url, self.location.origin).href, response);
				}
			} catch {
				// Offline or refused: the page is saved on its next visit instead.
			}
		}
	}
}

async function cacheFirst(request: Request): Promise<Response> {
	const cached = await caches.match(request);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok && response.type === 'basic') {
		const cache = await caches.open(RUNTIME);
		await cache.put(request, response.clone());
	}
	return response;
}

/** The network's answer (cached when good), else the cached copy; waits `timeout` ms at most when a copy exists. */
async function networkFirst(request: Request, cacheName: string, timeout = 0): Promise<Response> {
	const cache = await caches.open(cacheName);
	const network = fetch(request).then(async (response) => {
		if (response.status === 200 && response.type === 'basic') {
			await cache.put(request, response.clone());
		}
		return response;
	});
	const cached =
		(await cache.match(request)) ?? (await cache.match(request, { ignoreSearch: true }));
	if (!cached) return network;
	if (!timeout) return network.catch(() => cached);
	const timer = new Promise<Response>((resolve) => setTimeout(() => resolve(cached), timeout));
	return Promise.race([network.catch(() => cached), timer]);
}

async function navigation(request: Request, keep: boolean): Promise<Response> {
	try {
		const response = await fetch(request);
		if (keep && response.status === 200 && response.type === 'basic' && !response.redirected) {
			const cache = await caches.open(PAGES);
			await cache.put(request.url, response.clone());
		}
		return response;
	} catch (error) {
		const cached = await caches.match(request.url, { cacheName: PAGES, ignoreSearch: true });
		if (cached) return cached;
		if (!keep) return offlinePage();
		throw error;
	}
}

/** The offline fallback for a page never visited: what is readable offline, and a retry. */
async function offlinePage(): Promise<Response> {
	const cache = await caches.open(PAGES);
	const links = (await cache.keys())
		.map((r) => new URL(r.url).pathname)
		.filter((p) => /^\/org\/[^/]+\/(today|week)\/?$/.test(p))
		.map((p) => {
			const label = p.endsWith('/week') ? 'This week' : 'Today';
			const org = p.split('/')[2];
			return `<li><a href="${escapeHtml(p)}">${label} (${escapeHtml(decodeURIComponent(org))})</a></li>`;
		})
		.join('');
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="theme-color" content="#0f766e"><title>Offline · Coachline</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#f6f7f9;color:#111827}main{max-width:32rem;margin:0 auto;background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:1.5rem}a{color:#0f766e}button{font:inherit;min-height:2.75rem;padding:0 1rem;border-radius:8px;border:0;background:#0f766e;color:#fff}</style></head><body><main><h1>You're offline</h1><p>This page isn't saved on this device yet. It will load when you're back online.</p>${links ? `<p>Saved for offline:</p><ul>${links}</ul>` : ''}<p><button type="button" onclick="location.reload()">Try again</button></p></main></body></html>`;
	return new Response(html, {
		status: 503,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
	});
}

function escapeHtml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
	);
}

interface PushPayload {
	title?: string;
	body?: string;
	tag?: string;
	url?: string;
	category?: string;
	outbox_id?: string;
	data?: unknown;
}

self.addEventListener('push', (event) => {
	let payload: PushPayload;
	try {
		payload = (event.data?.json() ?? {}) as PushPayload;
	} catch {
		payload = { body: event.data?.text() };
	}
	const options: NotificationOptions & { renotify?: boolean } = {
		body: payload.body ?? '',
		tag: payload.tag || payload.outbox_id || undefined,
		data: {
			url: safeUrl(payload.url),
			category: payload.category,
			outbox_id: payload.outbox_id,
			data: payload.data
		},
		icon: '/icons/icon-192.png',
		badge: '/icons/badge-96.png',
		// A repeat delivery of the same tag (at-least-once) replaces the shown one silently.
		renotify: false
	};
	event.waitUntil(self.registration.showNotification(payload.title || 'Coachline', options));
});

/** Only our own pages may be opened from a notification. */
function safeUrl(raw: string | undefined): string {
	try {
		const url = new URL(raw ?? '/', self.location.origin);
		return url.origin === self.location.origin ? url.pathname + url.search + url.hash : '/';
	} catch {
		return '/';
	}
}

self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const target = new URL(
		safeUrl((event.notification.data as { url?: string } | null)?.url),
		self.location.origin
	).href;
	event.waitUntil(
		(async () => {
			const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const client = windows.find((w) => w.url === target) ?? windows[0];
			if (client) {
				const focused = await client.focus();
				if (focused.url !== target) {
					const navigated = await focused.navigate(target).catch(() => null);
					if (navigated) return;
					focused.postMessage({ type: 'NAVIGATE', url: target });
				}
				return;
			}
			await self.clients.openWindow(target);
		})()
	);
});
