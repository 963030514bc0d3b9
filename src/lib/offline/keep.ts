// Asks the service worker to save pages for offline use (see KEEP_OFFLINE in
// src/service-worker/index.ts). Today and Week call it with each other and their workouts' pages
// (document and data), so moving between them and into a workout of this week works at the gym
// without signal, even for a page never opened before.
export function keepOffline(paths: string[]): void {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !navigator.onLine) {
		return;
	}
	if (paths.length === 0) return;
	void navigator.serviceWorker.ready.then((registration) =>
		registration.active?.postMessage({ type: 'KEEP_OFFLINE', paths })
	);
}
