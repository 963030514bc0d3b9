// The installable, offline-capable app in Chromium: the service worker installs and takes control,
// the manifest and its icons are valid, a push delivered through the DevTools protocol becomes a
// notification, and offline the athlete's Today still opens while a message queued in the outbox
// is sent exactly once when the connection returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appUrl, hydrated, launch, open } from './browser.ts';
import { signInOn } from '../support/pages.ts';
import { adminSql } from '../support/stack.ts';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;
const sql = adminSql();

beforeAll(async () => {
	browser = await launch();
	ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: appUrl() });
	ctx.setDefaultTimeout(20_000);
	await ctx.grantPermissions(['notifications'], { origin: appUrl() });
	page = await ctx.newPage();
	await signInOn(page, 'athlete01@coachline.dev');
});

afterAll(async () => {
	await browser?.close();
	await sql.end();
});

async function controlled(p: Page): Promise<void> {
	await p.waitForFunction(() => !!navigator.serviceWorker?.controller, undefined, {
		timeout: 30_000
	});
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	expect(bytes.subarray(0, 8).equals(signature)).toBe(true);
	expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Queues a message through the app's own outbox module, as the messaging screen does when a send
 * fails offline (the dev server serves the module the page already loaded; a string, so vitest
 * does not rewrite the dynamic import).
 */
async function enqueueInPage(
	p: Page,
	payload: { p_organization_id: string; p_recipient_id: string; p_content: string },
	clientId: string
): Promise<void> {
	await p.evaluate(
		`import('/src/lib/offline/outbox.ts').then((m) => m.enqueueMessage(${JSON.stringify(payload)}, ${JSON.stringify(clientId)}))`
	);
}

describe('the PWA', () => {
	it('installs the service worker, which controls the page', async () => {
		await open(page, '/org/northside/today');
		const state = await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.ready;
			return { scope: registration.scope, active: registration.active?.state };
		});
		expect(state.scope).toBe(appUrl() + '/');
		expect(state.active).toBe('activated');
		await controlled(page);
	});

	it('serves a valid manifest whose icons are PNGs of the stated sizes', async () => {
		const res = await ctx.request.get('/manifest.webmanifest');
		expect(res.ok()).toBe(true);
		const manifest = (await res.json()) as {
			name: string;
			short_name: string;
			start_url: string;
			scope: string;
			display: string;
			theme_color: string;
			background_color: string;
			icons: { src: string; sizes: string; type: string; purpose?: string }[];
			shortcuts: { url: string; name: string }[];
		};
		expect(manifest.name).toBe('Coachline');
		expect(manifest.short_name).toBeTruthy();
		expect(manifest.start_url).toBe('/');
		expect(manifest.scope).toBe('/');
		expect(manifest.display).toBe('standalone');
		expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
		expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
		const pngs = manifest.icons.filter((i) => i.type === 'image/png');
		const sizes = pngs.map((i) => `${i.sizes}:${i.purpose ?? 'any'}`);
		expect(sizes).toEqual(
			expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable'])
		);
		for (const icon of pngs) {
			const r = await ctx.request.get(icon.src);
			expect(r.ok(), icon.src).toBe(true);
			expect(r.headers()['content-type']).toContain('image/png');
			const { width, height } = pngSize(await r.body());
			expect(`${width}x${height}`).toBe(icon.sizes);
		}
		// The apple-touch-icon linked from app.html.
		const html = await (await ctx.request.get('/login')).text();
		const apple = html.match(/rel="apple-touch-icon" href="([^"]+)"/)?.[1];
		expect(apple).toBeTruthy();
		const a = await ctx.request.get(new URL(apple!, appUrl()).pathname);
		expect(pngSize(await a.body())).toEqual({ width: 180, height: 180 });
		// The shortcuts land on the active organization's screens.
		expect(manifest.shortcuts.map((s) => s.url).sort()).toEqual(['/messages', '/today']);
		await page.goto('/today');
		expect(new URL(page.url()).pathname).toBe('/org/northside/today');
	});

	it('shows a notification for a push delivered through the DevTools protocol', async () => {
		await open(page, '/org/northside/today');
		await controlled(page);
		const cdp = await ctx.newCDPSession(page);
		const registrationId = new Promise<string>((resolve) => {
			cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
				const mine = registrations.find(
					(r: { scopeURL: string; isDeleted: boolean }) =>
						r.scopeURL === appUrl() + '/' && !r.isDeleted
				);
				if (mine) resolve(mine.registrationId);
			});
		});
		await cdp.send('ServiceWorker.enable');
		const payload = {
			title: 'Alex Morgan',
			body: 'Great session today!',
			tag: 'dm:test',
			url: '/org/northside/today',
			category: 'newMessage',
			outbox_id: crypto.randomUUID(),
			data: {}
		};
		const id = await registrationId;
		await cdp.send('ServiceWorker.deliverPushMessage', {
			origin: appUrl(),
			registrationId: id,
			data: JSON.stringify(payload)
		});
		// At least once: the same tag delivered again replaces the first, it does not add one.
		await cdp.send('ServiceWorker.deliverPushMessage', {
			origin: appUrl(),
			registrationId: id,
			data: JSON.stringify({ ...payload, body: 'Great session today! (again)' })
		});
		await expect
			.poll(
				() =>
					page.evaluate(async () => {
						const registration = await navigator.serviceWorker.ready;
						const shown = await registration.getNotifications();
						return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
					}),
				{ timeout: 15_000 }
			)
			.toEqual([
				{
					title: 'Alex Morgan',
					body: 'Great session today! (again)',
					tag: 'dm:test',
					data: expect.objectContaining({ url: '/org/northside/today', category: 'newMessage' })
				}
			]);
		await cdp.detach();
	});

	it('keeps Today readable offline and sends a message queued offline exactly once', async () => {
		// A visit online, under the service worker, saves the page (and in dev its modules).
		await open(page, '/org/northside/today');
		await controlled(page);
		await page.reload();
		await hydrated(page);

		const [org] = await sql<{ id: string }[]>`
			select id from public.organizations where slug = 'northside'`;
		const [coach] = await sql<{ id: string }[]>`
			select p.id from public.profiles p join auth.users u on u.id = p.id
			 where u.email = 'coach.alex@coachline.dev'`;

		await ctx.setOffline(true);
		const response = await page.reload();
		expect(response?.fromServiceWorker()).toBe(true);
		await hydrated(page);
		await expect.poll(() => page.getByRole('heading', { name: 'Today' }).isVisible()).toBe(true);
		await expect.poll(() => page.locator('.offline').textContent()).toContain('Offline');

		const clientId = crypto.randomUUID();
		const content = `Sent from the gym with no signal ${clientId.slice(0, 8)}`;
		await enqueueInPage(
			page,
			{ p_organization_id: org.id, p_recipient_id: coach.id, p_content: content },
			clientId
		);
		await expect
			.poll(() => page.locator('.offline').textContent())
			.toMatch(/Offline\s*— 1 waiting to send/);
		// Nothing reached the server while offline.
		expect(await sql`select 1 from public.messages where client_id = ${clientId}`).toHaveLength(0);

		await ctx.setOffline(false);
		await expect
			.poll(
				async () =>
					(await sql`select content from public.messages where client_id = ${clientId}`).length,
				{ timeout: 20_000 }
			)
			.toBe(1);
		await expect.poll(() => page.locator('.offline').count()).toBe(0);

		// A second reconnect (and a retry of the same item) never duplicates it.
		await enqueueInPage(
			page,
			{ p_organization_id: org.id, p_recipient_id: coach.id, p_content: content },
			clientId
		);
		await ctx.setOffline(true);
		await ctx.setOffline(false);
		await expect.poll(() => page.locator('.offline').count(), { timeout: 20_000 }).toBe(0);
		const rows = await sql`select id, content from public.messages where client_id = ${clientId}`;
		expect(rows).toHaveLength(1);
		expect(rows[0].content).toBe(content);
	});

	it('saves notification settings: categories, quiet hours and a snooze', async () => {
		await open(page, '/profile');
		await page.getByRole('link', { name: 'Notification settings' }).click();
		await page.waitForURL('**/settings/notifications');
		await hydrated(page);
		await expect
			.poll(() => page.getByRole('button', { name: 'Enable notifications' }).isVisible())
			.toBe(true);
		await page.getByLabel('Comments on workouts').uncheck();
		await page.getByLabel(/Hold notifications during quiet hours/).check();
		await page.getByLabel('From', { exact: true }).fill('21:30');
		await page.getByLabel('Until', { exact: true }).fill('06:45');
		await page.getByRole('button', { name: 'Save settings' }).click();
		await expect
			.poll(
				async () =>
					await sql<
						{ comments_enabled: boolean; quiet_hours_start: string; quiet_hours_end: string }[]
					>`
						select np.comments_enabled, np.messages_enabled, np.quiet_hours_start::text, np.quiet_hours_end::text
						  from public.notification_preferences np join auth.users u on u.id = np.user_id
						 where u.email = 'athlete01@coachline.dev'`
			)
			.toEqual([
				{
					comments_enabled: false,
					messages_enabled: true,
					quiet_hours_start: '21:30:00',
					quiet_hours_end: '06:45:00'
				}
			]);
		await page.getByRole('button', { name: '8 hours' }).click();
		await expect.poll(() => page.getByText(/Snoozed until/).isVisible()).toBe(true);
		await sql`delete from public.notification_preferences np using auth.users u
		           where u.id = np.user_id and u.email = 'athlete01@coachline.dev'`;
	});
});
