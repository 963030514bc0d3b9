// At the gym without signal (Chromium really offline: context.setOffline): Today, the week and
// their workouts stay readable once seen; Mark complete, Log result and Skip made offline wait in
// the outbox, are sent once when the connection returns, and the page then shows what the
// database decided. Never the error page, and one offline indicator.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appUrl, hydrated, launch, open } from './browser.ts';
import { signedInState } from '../support/pages.ts';
import { signedInClient } from '../support/stack.ts';

const ORG = '/org/northside';
const ORG_ID = 'a0000000-0000-4000-8000-000000000001';
const ATHLETE_EMAIL = 'athlete04@coachline.dev';
const ATHLETE_ID = '10000000-0000-4000-8000-000000000104';

let browser: Browser;
let sql: postgres.Sql;
let athleteState: Awaited<ReturnType<BrowserContext['storageState']>>;

/** Today in the athlete's zone (the organization's: Europe/London). */
const today = () =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

/** Publishes `n` workouts for the athlete today as the coach; returns their ids and titles. */
async function publishToday(n: number): Promise<{ id: string; title: string }[]> {
	const { client: coach } = await signedInClient('coach.alex@coachline.dev');
	const workouts = await coach
		.from('workouts')
		.select('id, title')
		.eq('organization_id', ORG_ID)
		.eq('is_snapshot', false)
		.order('title')
		.limit(n);
	if (workouts.error) throw workouts.error;
	const out: { id: string; title: string }[] = [];
	for (const [i, w] of workouts.data.entries()) {
		const assigned = await coach.rpc('assign_personal', {
			p_organization_id: ORG_ID,
			p_athlete_ids: [ATHLETE_ID],
			p_date: today(),
			p_kind: 'workout',
			p_mode: 'publish',
			p_sort_order: i,
			p_workout_id: w.id
		});
		if (assigned.error) throw assigned.error;
		out.push({ id: (assigned.data as unknown as { id: string }[])[0].id, title: w.title });
	}
	return out;
}

async function athletePage(): Promise<{ ctx: BrowserContext; page: Page }> {
	const ctx = await browser.newContext({
		baseURL: appUrl(),
		viewport: { width: 390, height: 844 },
		storageState: athleteState
	});
	ctx.setDefaultTimeout(20_000);
	return { ctx, page: await ctx.newPage() };
}

/** Opens a page online under the service worker, so it (and in dev its modules) is saved. */
async function visitControlled(page: Page, path: string) {
	await open(page, path);
	await page.waitForFunction(() => !!navigator.serviceWorker?.controller, undefined, {
		timeout: 30_000
	});
}

async function savedForOffline(page: Page, path: string) {
	await expect
		.poll(
			() =>
				page.evaluate(
					async (p) =>
						!!(await (await caches.open('coachline-pages-v1')).match(p, { ignoreSearch: true })),
					`${path}/__data.json`
				),
			{ timeout: 20_000 }
		)
		.toBe(true);
}

/** The one indicator: the banner says offline, no page says live. */
async function saysOfflineOnce(page: Page) {
	await expect.poll(() => page.locator('.offline').textContent()).toContain('Offline');
	expect(await page.locator('[data-live="live"]').count()).toBe(0);
	expect(await page.locator('main').textContent()).not.toMatch(/\bLive\b/);
}

async function noErrorPage(page: Page) {
	expect(await page.getByText('Something went wrong').count()).toBe(0);
	expect(await page.getByText('Internal Error').count()).toBe(0);
}

beforeAll(async () => {
	browser = await launch();
	sql = postgres(inject('dbUrl'), { max: 2 });
	athleteState = await signedInState(browser, ATHLETE_EMAIL);
});

afterAll(async () => {
	await browser?.close();
	await sql?.end();
});

describe('offline at the gym', () => {
	it('keeps Today, the week and their workouts readable offline once seen', async () => {
		const [w, other] = await publishToday(2);
		const { ctx, page } = await athletePage();
		try {
			await visitControlled(page, `${ORG}/today`);
			await page.reload();
			await hydrated(page);
			// The dev server serves each route's code on first use (a production build precaches
			// it all at install): open one workout online so the workout route's code is cached.
			await open(page, `${ORG}/assignments/${other.id}`);
			await visitControlled(page, `${ORG}/week`);
			// Seeing Today saved its workouts too, though none was opened.
			await savedForOffline(page, `${ORG}/assignments/${w.id}`);

			await ctx.setOffline(true);
			const response = await page.reload();
			expect(response?.fromServiceWorker()).toBe(true);
			await hydrated(page);
			await page.getByRole('heading', { name: 'Your week' }).waitFor();
			await saysOfflineOnce(page);

			// To Today and into the workout, by the app's own links (client-side navigations).
			await page.locator('nav.tabs a', { hasText: 'Today' }).click();
			await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
			await page.locator(`main a[href$="/assignments/${w.id}"]`).first().click();
			await page.getByRole('heading', { name: w.title, level: 1 }).waitFor();
			expect(await page.locator('ol.sections > li').count()).toBeGreaterThan(0);
			await noErrorPage(page);

			// A full reload of the workout without signal.
			await page.reload();
			await hydrated(page);
			await page.getByRole('heading', { name: w.title, level: 1 }).waitFor();
			expect(await page.locator('ol.sections > li').count()).toBeGreaterThan(0);
			await saysOfflineOnce(page);
			await page.screenshot({ path: 'test-results/screens/athlete-workout-offline-phone.png' });

			// Back online the page says live again, and the banner goes.
			await ctx.setOffline(false);
			await expect.poll(() => page.locator('.offline').count(), { timeout: 20_000 }).toBe(0);
		} finally {
			await ctx.close();
		}
	});

	it('queues complete, log and skip made offline and sends each once when back online', async () => {
		const [a, b, c, d] = await publishToday(4);
		const { ctx, page } = await athletePage();
		const posts: string[] = [];
		page.on('request', (r) => {
			if (r.method() === 'POST' && r.url().includes('/assignments/')) posts.push(r.url());
		});
		try {
			await visitControlled(page, `${ORG}/today`);
			await page.reload();
			await hydrated(page);
			for (const w of [a, b, c, d]) await savedForOffline(page, `${ORG}/assignments/${w.id}`);
			// Route code, which the dev server serves on first use (a build precaches it).
			await open(page, `${ORG}/week`);
			await open(page, `${ORG}/assignments/${a.id}`);

			await ctx.setOffline(true);
			// Mark complete: queued, not the error page.
			await page.getByRole('button', { name: 'Mark complete' }).click();
			await page.getByTestId('waiting').getByText('Mark complete').waitFor();
			await noErrorPage(page);

			// Log a result on the second one.
			await page.getByRole('link', { name: /Back to your week/ }).click();
			await page.locator(`main a[href$="/assignments/${b.id}"]`).first().click();
			await page.getByRole('heading', { name: b.title, level: 1 }).waitFor();
			await page.getByRole('button', { name: 'Log result' }).click();
			await page.getByLabel('Score').fill('12:34 offline');
			await page.getByRole('button', { name: 'Save result' }).click();
			await page.getByTestId('waiting').getByText('Log result').waitFor();
			await noErrorPage(page);

			// Skip the third.
			await page.getByRole('link', { name: /Back to your week/ }).click();
			await page.locator(`main a[href$="/assignments/${c.id}"]`).first().click();
			await page.getByRole('heading', { name: c.title, level: 1 }).waitFor();
			await page.getByRole('button', { name: 'Skip…' }).click();
			await page.getByLabel('Why are you skipping it?').fill('No signal, sore knee');
			await page.getByRole('button', { name: 'Skip workout' }).click();
			await page.getByTestId('waiting').getByText('Skip').waitFor();
			await expect
				.poll(() => page.locator('.offline').textContent())
				.toMatch(/Offline\s*— 3 waiting to send/);
			await noErrorPage(page);

			// Nothing reached the database while offline.
			const statuses = async () =>
				Object.fromEntries(
					(
						await sql<{ id: string; status: string }[]>`
						select id, status::text from public.workout_assignments
						 where id in (${a.id}, ${b.id}, ${c.id})`
					).map((r) => [r.id, r.status])
				);
			expect(await statuses()).toEqual({
				[a.id]: 'assigned',
				[b.id]: 'assigned',
				[c.id]: 'assigned'
			});
			expect(posts).toEqual([]);

			await ctx.setOffline(false);
			await expect
				.poll(statuses, { timeout: 30_000 })
				.toEqual({ [a.id]: 'completed', [b.id]: 'completed', [c.id]: 'skipped' });
			// The page shows what the database decided, and nothing waits any more.
			await page.getByTestId('assignment-status').getByText('Skipped').waitFor({ timeout: 20_000 });
			await expect.poll(() => page.getByTestId('waiting').count()).toBe(0);
			await expect.poll(() => page.locator('.offline').count()).toBe(0);

			// Sent once: one post per item, one result row, even after another drop and return. The
			// marker is a fourth workout completed offline after them: it waits in the same outbox
			// and goes out on the same reconnect, so once the database has it, any repeat of the
			// first three would have been posted too.
			await ctx.setOffline(true);
			await page.getByRole('link', { name: /Back to your week/ }).click();
			await page.locator(`main a[href$="/assignments/${d.id}"]`).first().click();
			await page.getByRole('heading', { name: d.title, level: 1 }).waitFor();
			await page.getByRole('button', { name: 'Mark complete' }).click();
			await page.getByTestId('waiting').getByText('Mark complete').waitFor();
			await ctx.setOffline(false);
			await expect
				.poll(
					async () =>
						(
							await sql<{ status: string }[]>`
							select status::text from public.workout_assignments where id = ${d.id}`
						)[0].status,
					{ timeout: 30_000 }
				)
				.toBe('completed');
			const earlier = posts.filter((u) => !u.includes(d.id));
			expect(earlier.filter((u) => u.includes('complete'))).toHaveLength(1);
			expect(earlier.filter((u) => u.includes('log'))).toHaveLength(1);
			expect(earlier.filter((u) => u.includes('skip'))).toHaveLength(1);
			const results = await sql<{ score: string }[]>`
				select score from public.workout_results where workout_assignment_id = ${b.id}`;
			expect(results.map((r) => r.score)).toEqual(['12:34 offline']);
			const [skipped] = await sql<{ skip_reason: string }[]>`
				select skip_reason from public.workout_assignments where id = ${c.id}`;
			expect(skipped.skip_reason).toBe('No signal, sore knee');
		} finally {
			await ctx.close();
		}
	});

	it('explains what the database refused and keeps it until discarded', async () => {
		const [w] = await publishToday(1);
		const { ctx, page } = await athletePage();
		try {
			await visitControlled(page, `${ORG}/today`);
			await open(page, `${ORG}/assignments/${w.id}`);
			await ctx.setOffline(true);
			await page.getByRole('button', { name: 'Mark complete' }).click();
			await page.getByTestId('waiting').getByText('Mark complete').waitFor();
			// Meanwhile the coach removes the workout.
			await sql`update public.workout_assignments set deleted_at = now() where id = ${w.id}`;

			await ctx.setOffline(false);
			const stuck = page.getByTestId('stuck');
			await stuck.waitFor({ timeout: 30_000 });
			await stuck.locator('summary').click();
			await expect.poll(() => stuck.textContent()).toMatch(/Mark complete.*deleted|not found/i);
			await noErrorPage(page);
			await stuck.getByRole('button', { name: 'Discard' }).click();
			await expect.poll(() => page.getByTestId('stuck').count()).toBe(0);
		} finally {
			await ctx.close();
		}
	});
});
