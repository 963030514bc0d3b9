// The coach's day dialog: the workout picker starts with nothing selected and says so, filters as
// the coach types, moves with the arrows and picks with Enter; deleting asks first and can be
// undone from the toast.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appUrl, launch, open } from './browser.ts';
import { signedInState } from '../support/pages.ts';

const ATHLETE05 = '10000000-0000-4000-8000-000000000105';

let browser: Browser;
let sql: postgres.Sql;
let coachState: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
	browser = await launch();
	sql = postgres(inject('dbUrl'), { max: 2 });
	coachState = await signedInState(browser, 'coach.sam@coachline.dev');
});

afterAll(async () => {
	await browser?.close();
	await sql?.end();
});

async function openDay(): Promise<{ ctx: BrowserContext; page: Page }> {
	const ctx = await browser.newContext({
		baseURL: appUrl(),
		viewport: { width: 1440, height: 900 },
		storageState: coachState
	});
	ctx.setDefaultTimeout(20_000);
	const page = await ctx.newPage();
	await open(page, '/org/northside/calendar');
	await page.locator(`td.today[data-athlete="${ATHLETE05}"]`).click();
	await page.locator('dialog.cell-dialog').waitFor();
	return { ctx, page };
}

describe('the day dialog', () => {
	it('picks a workout by typing, arrows and Enter, and never assigns nothing', async () => {
		const { ctx, page } = await openDay();
		try {
			const dialog = page.locator('dialog.cell-dialog');
			await dialog.getByText('No workout selected yet').waitFor();
			expect(await dialog.locator('[role="option"][aria-selected="true"]').count()).toBe(0);
			// Assign with nothing picked: a clear message, nothing sent.
			await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
			await dialog.getByText('Pick a workout from the list.').waitFor();

			const picker = dialog.getByRole('combobox', { name: 'Workout' });
			await picker.fill('squat');
			// The picker reads the library when the dialog opens (it is not in the page's HTML).
			await dialog.getByRole('option', { name: /squat/i }).first().waitFor();
			const options = dialog.getByRole('option');
			const titles = (await options.allTextContents()).map((t) => t.trim());
			expect(titles.length).toBeGreaterThan(0);
			for (const t of titles) expect(t.toLowerCase()).toContain('squat');
			await picker.press('ArrowDown');
			await picker.press('ArrowDown');
			// Typing makes the first match active; two steps down (wrapping) from there.
			const expected = titles[2 % titles.length];
			await picker.press('Enter');
			await dialog.getByText(`Selected: ${expected}`).waitFor();
			expect(await dialog.locator('[role="option"][aria-selected="true"]').textContent()).toContain(
				expected
			);
			await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
			await dialog.waitFor({ state: 'detached' });
			await page
				.locator(`td.today[data-athlete="${ATHLETE05}"] .chip`, { hasText: expected })
				.first()
				.waitFor();
		} finally {
			await ctx.close();
		}
	});

	it('asks before deleting and undoes from the toast', async () => {
		const [row] = await sql<{ id: string }[]>`
			insert into public.workout_assignments (organization_id, user_id, kind, workout_id, date, published, assigned_by)
			select 'a0000000-0000-4000-8000-000000000001', ${ATHLETE05}, 'workout', w.id,
			       (now() at time zone 'Europe/London')::date, true, '10000000-0000-4000-8000-000000000003'
			  from public.workouts w where w.organization_id = 'a0000000-0000-4000-8000-000000000001'
			   and not w.is_snapshot order by w.title limit 1
			returning id`;
		const { ctx, page } = await openDay();
		try {
			const dialog = page.locator('dialog.cell-dialog');
			const item = dialog.locator('.existing li', {
				has: page.locator(`[data-assignment="${row.id}"]`)
			});
			await item.getByRole('button', { name: 'Delete…' }).click();
			// Asked first: nothing is deleted yet.
			await item.getByRole('alert').waitFor();
			expect(await item.getByRole('alert').textContent()).toMatch(/can see it/);
			const live = async () =>
				(await sql`select deleted_at from public.workout_assignments where id = ${row.id}`)[0]
					.deleted_at === null;
			expect(await live()).toBe(true);
			await item.getByRole('button', { name: 'Keep it' }).click();
			expect(await live()).toBe(true);

			await item.getByRole('button', { name: 'Delete…' }).click();
			await item.getByRole('button', { name: 'Yes, delete' }).click();
			await expect.poll(live).toBe(false);
			await page.locator('.toast').getByRole('button', { name: 'Undo' }).click();
			await expect.poll(live).toBe(true);
			await page.locator('.toast', { hasText: 'Restored' }).waitFor();
		} finally {
			await ctx.close();
		}
	});
});

describe('the week grid’s rows', () => {
	it('finds athletes by name, says when nobody matches, and pages past the end say so', async () => {
		const ctx = await browser.newContext({
			baseURL: appUrl(),
			viewport: { width: 1440, height: 900 },
			storageState: coachState
		});
		ctx.setDefaultTimeout(20_000);
		const page = await ctx.newPage();
		try {
			await open(page, '/org/northside/calendar');
			const names = () =>
				page.locator('table[role="grid"] tbody th[scope="row"]').allTextContents();
			const everyone = await names();
			expect(everyone.length).toBeGreaterThan(1);
			// The seed's active athletes all fit on the first page of rows: no pager.
			expect(await page.getByRole('navigation', { name: 'Athletes' }).count()).toBe(0);

			await page.getByLabel('Athlete', { exact: true }).fill('MARCUS');
			await page.getByRole('button', { name: 'Find' }).click();
			await page.waitForURL(/[?&]q=MARCUS/);
			await expect.poll(names).toEqual(['Marcus Reid']);
			// Its cells are the week's cells of that athlete only.
			expect(await page.locator('td[data-athlete]').count()).toBe(7);
			expect(
				await page.locator(`td[data-athlete]:not([data-athlete="${ATHLETE05}"])`).count()
			).toBe(0);

			await page.getByLabel('Athlete', { exact: true }).fill('nobody by this name');
			await page.getByRole('button', { name: 'Find' }).click();
			await page.getByText('No athletes match').waitFor();
			await page.getByRole('link', { name: 'Show everyone' }).click();
			await expect.poll(names).toEqual(everyone);

			await open(page, '/org/northside/calendar?page=9');
			await page.getByText('This page is past the end.').waitFor();
		} finally {
			await ctx.close();
		}
	});
});
