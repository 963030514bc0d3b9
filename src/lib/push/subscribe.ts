// Web push on this device: what the browser supports, and turning it on and off. The settings
// page (/settings/notifications) uses these; the subscription itself is saved by its form actions
// (register_push_subscription / delete of the own push_subscriptions row) through the server.

export interface PushSupport {
	/** The browser has service workers, the Push API and notifications. */
	supported: boolean;
	permission: NotificationPermission | 'unsupported';
	/** iPhone/iPad (Safari and every other iOS browser, which all use WebKit). */
	ios: boolean;
	/** Opened from the Home Screen / as an installed app. */
	standalone: boolean;
}

export function isIos(): boolean {
	const ua = navigator.userAgent;
	// iPadOS 13+ reports itself as a Mac; its touch screen gives it away.
	return /iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

export function isStandalone(): boolean {
	return (
		window.matchMedia('(display-mode: standalone)').matches ||
		(navigator as Navigator & { standalone?: boolean }).standalone === true
	);
}

export function pushSupport(): PushSupport {
	const supported =
		'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
	return {
		supported,
		permission: 'Notification' in window ? Notification.permission : 'unsupported',
		ios: isIos(),
		standalone: isStandalone()
	};
}

/** The VAPID public key (base64url) as the bytes pushManager.subscribe wants. */
export function urlBase64ToUint8Array(base64: string): Uint8Array<ArrayBuffer> {
	const padded = (base64 + '='.repeat((4 - (base64.length % 4)) % 4))
		.replace(/-/g, '+')
		.replace(/_/g, '/');
	const raw = atob(padded);
	const out = new Uint8Array(new ArrayBuffer(raw.length));
	for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
	return out;
}

export interface SubscriptionKeys {
	endpoint: string;
	p256dh: string;
	auth: string;
}

/**
 * Asks for permission (call it from a click) and subscribes this browser with the app's VAPID
 * key, replacing a subscription made with another key. Returns what the server must save.
 */
export async function subscribeThisDevice(vapidPublicKey: string): Promise<SubscriptionKeys> {
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') {
		throw new Error(
			permission === 'denied'
				? 'Notifications are blocked for this site. Allow them in your browser’s site settings, then try again.'
				: 'Notifications were not allowed.'
		);
	}
	const registration = await navigator.serviceWorker.ready;
	const key = urlBase64ToUint8Array(vapidPublicKey);
	let subscription = await registration.pushManager.getSubscription();
	if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
		await subscription.unsubscribe();
		subscription = null;
	}
	subscription ??= await registration.pushManager.subscribe({
		userVisibleOnly: true,
		applicationServerKey: key
	});
	const json = subscription.toJSON();
	if (!json.endpoint || !json.keys?.p256dh || !json.keys?.auth) {
		throw new Error('The browser returned an incomplete push subscription.');
	}
	return { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth };
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
	if (!a) return false;
	const x = new Uint8Array(a);
	return x.length === b.length && x.every((v, i) => v === b[i]);
}

/** This browser's current subscription endpoint, if any. */
export async function currentEndpoint(): Promise<string | null> {
	if (!('serviceWorker' in navigator)) return null;
	const registration = await navigator.serviceWorker.getRegistration();
	const subscription = await registration?.pushManager.getSubscription();
	return subscription?.endpoint ?? null;
}

/** Unsubscribes this browser; returns the endpoint the server should forget. */
export async function unsubscribeThisDevice(): Promise<string | null> {
	const registration = await navigator.serviceWorker.getRegistration();
	const subscription = await registration?.pushManager.getSubscription();
	if (!subscription) return null;
	const endpoint = subscription.endpoint;
	await subscription.unsubscribe();
	return endpoint;
}
