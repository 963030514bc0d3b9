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

describe('the week page as a coach of many uses it', () => {
	const ORG_ID = 'a0000000-0000-4000-8000-000000000001';
	const SAM = '10000000-0000-4000-8000-000000000003';

	it('the library panel reads its workouts once the page is up, a page at a time, and searches all of them', async () => {
		// 55 more workouts: the library is longer than one page of the panel (50).
		await sql`
			insert into public.workouts (organization_id, title, created_by)
			select ${ORG_ID}, 'Pager drill ' || lpad(g::text, 2, '0'), ${SAM} from generate_series(1, 55) g`;
		const ctx = await browser.newContext({
			baseURL: appUrl(),
			viewport: { width: 1440, height: 900 },
			storageState: coachState
		});
		ctx.setDefaultTimeout(20_000);
		const page = await ctx.newPage();
		try {
			// The page's HTML carries no library: the panel reads it in the browser.
			const html = await (await page.request.get('/org/northside/calendar')).text();
			expect(html).toContain('Library');
			expect(html).not.toContain('Pager drill');

			await open(page, '/org/northside/calendar');
			const panel = page.locator('aside.library');
			const items = panel.locator('.lib-list li[draggable]');
			await expect.poll(() => items.count()).toBe(50);
			const [{ library }] = await sql<{ library: number }[]>`
				select count(*)::int as library from public.workouts
				 where organization_id = ${ORG_ID} and not is_snapshot and archived_at is null`;
			expect(library).toBeGreaterThan(55);
			await panel.getByRole('button', { name: 'Show more workouts' }).click();
			await expect.poll(() => items.count()).toBe(library);
			expect(await panel.getByRole('button', { name: 'Show more workouts' }).count()).toBe(0);
			expect(await items.last().textContent()).toMatch(/\S/);

			// The search runs in the database: a title from the end of the library, found by name.
			await panel.getByLabel('Search workouts').fill('drill 54');
			await expect
				.poll(() => panel.locator('.lib-list .wtitle').allTextContents())
				.toEqual(['Pager drill 54']);
			await panel.getByLabel('Search workouts').fill('no such workout here');
			await panel.getByText('No workout matches “no such workout here”.').waitFor();

			// The day dialog's picker finds the same workout beyond the first page by typing.
			await panel.getByLabel('Search workouts').fill('');
			await page.locator(`td.today[data-athlete="${ATHLETE05}"]`).click();
			const dialog = page.locator('dialog.cell-dialog');
			await dialog.getByText('Showing the first 50: type to find others.').waitFor();
			await dialog.getByRole('combobox', { name: 'Workout' }).fill('Pager drill 55');
			await expect
				.poll(() => dialog.getByRole('option').allTextContents())
				.toEqual([expect.stringContaining('Pager drill 55')]);
			await dialog.getByRole('combobox', { name: 'Workout' }).press('Enter');
			await dialog.getByText('Selected: Pager drill 55').waitFor();
		} finally {
			await ctx.close();
			await sql`delete from public.workouts where organization_id = ${ORG_ID} and title like 'Pager drill %'`;
		}
	});

	it('the template panel reads its templates when it is opened', async () => {
		const ctx = await browser.newContext({
			baseURL: appUrl(),
			viewport: { width: 1440, height: 900 },
			storageState: coachState
		});
		ctx.setDefaultTimeout(20_000);
		const page = await ctx.newPage();
		try {
			await open(page, '/org/northside/calendar');
			const panel = page.locator('details.templates');
			expect(await panel.getByLabel('Template').count()).toBe(0);
			await panel.locator('summary').click();
			const [{ n }] = await sql<{ n: number }[]>`
				select count(*)::int as n from public.program_templates where organization_id = ${ORG_ID}`;
			if (n > 0) {
				await expect.poll(() => panel.getByLabel('Template').locator('option').count()).toBe(n);
				await panel.getByRole('button', { name: 'Apply template' }).waitFor();
			} else {
				await panel.getByText('No templates yet.').waitFor();
			}
		} finally {
			await ctx.close();
		}
	});

	it('pages through the athletes 15 at a time, and the second page is one click away', async () => {
		// Six more athletes: 18 in all, so the grid has a second page.
		const extra = await sql<{ id: string }[]>`
			insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
			  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
			  phone_change, phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data,
			  created_at, updated_at)
			select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
			       'pager' || g || '.' || substr(md5(random()::text), 1, 6) || '@test.coachline.dev', '', now(),
			       '', '', '', '', '', '', '', '', '{"provider":"email","providers":["email"]}'::jsonb,
			       jsonb_build_object('display_name', 'Zz Pager ' || g), now(), now()
			  from generate_series(1, 6) g
			returning id`;
		const ids = extra.map((r) => r.id);
		await sql`
			insert into public.memberships (organization_id, user_id, role)
			select ${ORG_ID}, id, 'member' from unnest(${ids}::uuid[]) id`;
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
			const pager = page.getByRole('navigation', { name: 'Athletes' });
			expect(await names()).toHaveLength(15);
			await pager.getByText('Athletes 1–15').waitFor();
			expect(await pager.getByRole('link', { name: /Previous/ }).count()).toBe(0);

			await pager.getByRole('link', { name: /Next 15/ }).click();
			await page.waitForURL(/[?&]page=2/);
			await expect.poll(names).toEqual(expect.arrayContaining(['Zz Pager 6']));
			const second = await names();
			expect(second.length).toBe(3);
			await pager.getByText('Athletes 16–18').waitFor();
			expect(await pager.getByRole('link', { name: /Next/ }).count()).toBe(0);
			// The cells of the second page answer as the first page's do: a day opens its dialog.
			await page.locator('table[role="grid"] tbody tr').first().locator('td').first().click();
			await page.locator('dialog.cell-dialog', { hasText: second[0] }).waitFor();
			await page.keyboard.press('Escape');

			await pager.getByRole('link', { name: /Previous 15/ }).click();
			await page.waitForURL((u) => !u.search.includes('page='));
			await expect.poll(async () => (await names()).length).toBe(15);
		} finally {
			await ctx.close();
			await sql`delete from public.memberships where user_id = any(${ids}::uuid[])`;
			await sql`delete from auth.users where id = any(${ids}::uuid[])`;
		}
	});
});
