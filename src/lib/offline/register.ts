// Registers the service worker (src/service-worker/, built by SvelteKit; vite.config.ts sets
// `serviceWorker: { register: false }` so the app does it here). SvelteKit 3 serves and builds it
// as an ES module, in dev and in production alike, hence `type: 'module'`.
import { goto } from '$app/navigation';

let registering: Promise<ServiceWorkerRegistration | null> | null = null;

export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
	if (!('serviceWorker' in navigator)) return Promise.resolve(null);
	registering ??= (async () => {
		// The worker asks an open window to go to a notification's page when it cannot navigate it.
		navigator.serviceWorker.addEventListener('message', (event) => {
			const data = event.data as { type?: string; url?: string } | null;
			if (data?.type === 'NAVIGATE' && data.url) {
				const url = new URL(data.url, location.origin);
				// The url comes from our own push payload (any app path), so it cannot go through resolve().
				// eslint-disable-next-line svelte/no-navigation-without-resolve
				if (url.origin === location.origin) void goto(url.pathname + url.search + url.hash);
			}
		});
		try {
			return await navigator.serviceWorker.register('/service-worker.js', {
				type: 'module',
				scope: '/'
			});
		} catch (e) {
			console.warn('Service worker registration failed', e);
			return null;
		}
	})();
	return registering;
}
