// Workout assignments end to end on the seeded demo: a coach assigns, the athlete sees it live (no reload),
// completes it and the coach's overview moves; bulk publish goes through its preview; skip with a
// reason and without one, reopen, and a logged result that completes the workout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hydrated, launch, open, phoneLike, shoot } from './browser.ts';
import { signIn } from '../support/pages.ts';

const ORG = '/org/northside';
const ATHLETE01 = '10000000-0000-4000-8000-000000000101';
const ATHLETE02 = '10000000-0000-4000-8000-000000000102';

let browser: Browser;
let coach: { ctx: BrowserContext; page: Page };
let athlete: { ctx: BrowserContext; page: Page };

/** Opens the cell dialog of an athlete's day and assigns the first matching workout. */
async function assignFromDialog(
	page: Page,
	cell: string,
	options: { note?: string; mode?: 'publish' | 'draft' } = {}
): Promise<string> {
	await page.locator(cell).click();
	const dialog = page.locator('dialog.cell-dialog');
	await dialog.waitFor();
	// The picker: type to filter, arrows move, Enter picks; the choice is then said in words.
	const first = dialog.getByRole('option').first();
	const title = (await first.textContent())?.trim() ?? '';
	const picker = dialog.getByRole('combobox', { name: 'Workout' });
	// Arrows then Enter pick the first; typing its title then Enter keeps it (the first match).
	await picker.press('ArrowDown');
	await picker.press('Enter');
	await dialog.getByText(`Selected: ${title}`).waitFor();
	await picker.fill(title);
	await picker.press('Enter');
	await dialog.getByText(`Selected: ${title}`).waitFor();
	if (options.note) await dialog.getByLabel('Note (optional)').fill(options.note);
	await dialog.getByLabel(options.mode === 'draft' ? 'Save as draft' : 'Publish now').check();
	await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
	await dialog.waitFor({ state: 'detached' });
	return title;
}

async function kpi(page: Page, name: string): Promise<number> {
	return Number(await page.locator(`[data-kpi="${name}"]`).textContent());
}

beforeAll(async () => {
	browser = await launch();
	coach = await signIn(browser, 'coach.alex@coachline.dev');
	athlete = await signIn(browser, 'athlete01@coachline.dev');
});

afterAll(async () => {
	await coach?.ctx.close();
	await athlete?.ctx.close();
	await browser?.close();
});

describe('workout assignments', () => {
	it('assign → the athlete sees it live → completes → the overview changes', async () => {
		const c = coach.page;
		const a = athlete.page;

		await open(c, `${ORG}/overview`);
		const completedBefore = await kpi(c, 'completed');
		await shoot(c, '60-overview-before');

		// The athlete has Today open and subscribed before anything is assigned.
		await open(a, `${ORG}/today`);
		await a.locator('[data-live="live"]').waitFor({ timeout: 20_000 });

		await open(c, `${ORG}/calendar`);
		const todayCell = `td.today[data-athlete="${ATHLETE01}"]`;
		const title = await assignFromDialog(c, todayCell, { note: 'Live test: go steady' });
		await c.locator(`${todayCell} .chip`, { hasText: title }).first().waitFor();
		await shoot(c, '61-calendar');

		// No reload: the broadcast makes Today re-read.
		await a
			.locator('.items .assignment', { hasText: 'Live test: go steady' })
			.filter({ hasText: title })
			.waitFor({ timeout: 30_000 });
		await shoot(a, '62-today');

		await a
			.locator('.items .assignment', { hasText: 'Live test: go steady' })
			.getByRole('link')
			.click();
		await a.waitForURL(/\/assignments\/[0-9a-f-]{36}$/);
		await hydrated(a);
		await a.locator('ol.sections > li').first().waitFor();
		await shoot(a, '63-assignment');
		await a.getByRole('button', { name: 'Mark complete' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('Completed');

		await open(c, `${ORG}/overview`);
		expect(await kpi(c, 'completed')).toBe(completedBefore + 1);
		await c.locator('table.roster tbody tr').first().waitFor();
		// The athlete's row draws it: the sparkline's last day (today) lists the completion in its
		// tooltip, a completed bar is drawn, and the hatch for skipped days is on the page once.
		const spark = c.locator(`tr[data-athlete="${ATHLETE01}"] svg.spark`);
		const days = ((await spark.locator('title').textContent()) ?? '').split('\n');
		expect(days).toHaveLength(7);
		expect(days[6]).toMatch(/^\d{4}-\d{2}-\d{2}: \d+ planned, [1-9]\d* completed/);
		expect(await spark.getAttribute('aria-label')).toMatch(/, [1-9]\d* completed,/);
		expect(await spark.locator('path.completed').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+h/);
		expect(await c.locator('pattern#spark-hatch').count()).toBe(1);
		await shoot(c, '64-overview');
		// Sorting, filtering and searching the roster happen in SQL and live in the URL.
		await c.getByLabel('Sort by').selectOption('name');
		await c.waitForURL(/sort=name/);
		const names = await c.locator('table.roster tbody th').allTextContents();
		expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y)));
		await c.locator('label.chip-radio', { hasText: 'On track' }).click();
		await c.waitForURL(/status=on_track/);
		await c.locator('label.chip-radio', { hasText: 'All' }).click();
		await c.waitForURL((u) => !u.search.includes('status='));
		const someone = names[names.length - 1];
		await c.getByLabel('Find an athlete').fill(someone.slice(0, 6).toLowerCase());
		await c.waitForURL(/[?&]q=/);
		await expect
			.poll(() => c.locator('table.roster tbody th').allTextContents())
			.toContain(someone);
		await c.getByLabel('Find an athlete').fill('zz-nobody-zz');
		await c.getByText('No athlete matches').waitFor();
		await shoot(c, '65-overview-search-empty');
		await c.getByLabel('Find an athlete').fill('');
		await c
			.getByTestId('roster-range')
			.filter({ hasText: /Showing 1–\d+ of \d+/ })
			.waitFor();
	});

	it('bulk publishes drafts after showing a preview', async () => {
		const c = coach.page;
		await open(c, `${ORG}/calendar`);
		await c.getByRole('link', { name: /Next/ }).click();
		await c.waitForURL(/week=\d{4}-\d{2}-\d{2}/);
		const cells = c.locator(`td[data-athlete="${ATHLETE02}"]`);

		// Keyboard alternative to drag and drop: pick a workout up, then Enter on a day.
		await c.getByLabel('Draft', { exact: true }).check();
		const pick = c.locator('.lib-list button.pick').first();
		await pick.click();
		await cells.nth(0).focus();
		await c.keyboard.press('Enter');
		await cells.nth(0).locator('.chip.draft').waitFor();
		await cells.nth(1).click();
		await cells.nth(1).locator('.chip.draft').waitFor();
		await c.keyboard.press('Escape');
		await c
			.getByRole('button', { name: 'Cancel' })
			.click()
			.catch(() => undefined);

		// Drag and drop from the library panel.
		await c.locator('.lib-list li[draggable]').nth(1).dragTo(cells.nth(2));
		await cells.nth(2).locator('.chip.draft').waitFor();
		await expect.poll(() => cells.locator('.tag-draft').count()).toBeGreaterThanOrEqual(3);

		// A scattered selection (first and third day) touches exactly those two days.
		await c.getByRole('button', { name: 'Select days' }).click();
		for (const i of [0, 2]) await cells.nth(i).click();
		await expect.poll(() => c.getByTestId('selected-count').textContent()).toMatch(/2\s+days/);
		await c.getByRole('button', { name: 'Delete…' }).click();
		const dialog = c.locator('dialog.bulk-dialog');
		await dialog.waitFor();
		expect(await dialog.getByTestId('bulk-count').textContent()).toMatch(/2\s+cells\s+match/);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'detached' });

		// Add the middle day: three days, preview, confirm.
		await cells.nth(1).click();
		await expect.poll(() => c.getByTestId('selected-count').textContent()).toMatch(/3\s+days/);
		await c.getByRole('button', { name: 'Publish…' }).click();
		await dialog.waitFor();
		expect(await dialog.getByTestId('bulk-count').textContent()).toMatch(/3\s+cells\s+match/);
		expect(await dialog.locator('.samples li').count()).toBe(3);
		await shoot(c, '65-bulk-preview');
		await dialog.getByRole('button', { name: 'Publish 3' }).click();
		await dialog.waitFor({ state: 'detached' });
		await expect.poll(() => cells.locator('.tag-draft').count()).toBe(0);

		// Move the third day's workout to the fourth day from its cell.
		await c.getByRole('button', { name: /Selecting/ }).click();
		const moved = (await cells.nth(2).locator('.chip').first().textContent())?.trim() ?? '';
		await cells.nth(2).click();
		const cellDialog = c.locator('dialog.cell-dialog');
		await cellDialog.waitFor();
		const day4 = await cells.nth(3).getAttribute('data-date');
		await cellDialog
			.getByLabel('Move to')
			.first()
			.fill(day4 ?? '');
		await shoot(c, '66-move-cell');
		await cellDialog.getByRole('button', { name: 'Move', exact: true }).first().click();
		await cellDialog.waitFor({ state: 'detached' });
		await cells
			.nth(3)
			.locator('.chip', { hasText: moved.slice(0, 12) })
			.first()
			.waitFor();
		await expect.poll(() => cells.nth(2).locator('.chip').count()).toBe(0);
	});

	it('skips with a reason, reopens, then logs a result that completes it', async () => {
		const c = coach.page;
		await open(c, `${ORG}/calendar`);
		await assignFromDialog(c, `td.today[data-athlete="${ATHLETE01}"]`, {
			note: 'Skip test session'
		});

		const a = athlete.page;
		await open(a, `${ORG}/today`);
		await a
			.locator('.items .assignment', { hasText: 'Skip test session' })
			.getByRole('link')
			.click();
		await a.waitForURL(/\/assignments\/[0-9a-f-]{36}$/);
		await hydrated(a);
		// Let the live channel join (and its first re-read land) before acting.
		await a.locator('[data-live="live"]').waitFor({ timeout: 20_000 });
		await a.waitForLoadState('networkidle');
		await a.getByRole('button', { name: 'Skip…' }).click();
		await a.getByLabel('Why are you skipping it?').fill('Sore knee, resting it');
		await a.getByRole('button', { name: 'Skip workout' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('Skipped');
		await a.getByText('Sore knee, resting it').waitFor();

		await a.getByRole('button', { name: 'Reopen' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('To do');

		// The reason is optional: skipping with the field left empty works and shows no reason.
		await a.getByRole('button', { name: 'Skip…' }).click();
		await a.getByRole('button', { name: 'Skip workout' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('Skipped');
		expect(await a.locator('.reason').count()).toBe(0);
		await a.getByRole('button', { name: 'Reopen' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('To do');

		await a.getByRole('button', { name: 'Log result' }).click();
		await a.getByLabel('Score').fill('5 rounds + 3');
		await a.getByLabel('RPE (1–10)').selectOption('8');
		const firstLoad = a.locator('.movement-log input[name^="load_"]').first();
		if (await firstLoad.count()) await firstLoad.fill('60');
		await a.getByRole('button', { name: 'Save result' }).click();
		await expect.poll(() => a.getByTestId('assignment-status').textContent()).toBe('Completed');

		await open(a, `${ORG}/week`);
		await a.locator('.day[data-today] .assignment').first().waitFor();
		await shoot(a, '66-week');
	});

	it('looks right on a phone', async () => {
		// What a person notices on a 390 px phone: nothing scrolls sideways, every section of the
		// coach's navigation is on screen, the calendar shows a day that fits, and its day dialog
		// opens fully on screen.
		const fits = async (p: Page) =>
			expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		const onScreen = async (p: Page, selector: string) => {
			const box = await p.locator(selector).first().boundingBox();
			expect(box, `${selector} is rendered`).not.toBeNull();
			expect(box!.x, `${selector} starts on screen`).toBeGreaterThanOrEqual(0);
			expect(box!.x + box!.width, `${selector} ends on screen`).toBeLessThanOrEqual(390);
		};
		// Its own workout for today, so this test needs no other.
		await open(coach.page, `${ORG}/calendar`);
		await assignFromDialog(coach.page, `td.today[data-athlete="${ATHLETE01}"]`);

		const coachPhone = await phoneLike(browser, coach.ctx);
		const cp = await coachPhone.newPage();
		await open(cp, `${ORG}/calendar`);
		await cp.locator('.agenda-view .row-card').first().waitFor();
		expect(await cp.locator('table.grid').isVisible(), 'the 7-day grid is for wider screens').toBe(
			false
		);
		await fits(cp);
		for (const tab of ['Overview', 'Calendar', 'Library', 'Programs', 'People', 'Messages']) {
			await onScreen(cp, `nav.tabs a:text-is("${tab}"), nav.tabs a:has-text("${tab}")`);
		}
		await shoot(cp, '61-calendar');
		await cp
			.locator(`.agenda-view .row-card[data-athlete="${ATHLETE01}"] button.open`)
			.first()
			.click();
		await cp.locator('dialog.cell-dialog').waitFor();
		await onScreen(cp, 'dialog.cell-dialog');
		await shoot(cp, '61-calendar-day-dialog');
		await cp.keyboard.press('Escape');
		await open(cp, `${ORG}/overview`);
		await fits(cp);
		await shoot(cp, '64-overview');
		await coachPhone.close();

		const athletePhone = await phoneLike(browser, athlete.ctx);
		const ap = await athletePhone.newPage();
		await open(ap, `${ORG}/today`);
		await fits(ap);
		await shoot(ap, '62-today');
		await open(ap, `${ORG}/week`);
		await fits(ap);
		await shoot(ap, '66-week');
		await ap.locator('.day[data-today] .assignment a').first().click();
		await ap.waitForURL(/\/assignments\//);
		await fits(ap);
		await onScreen(ap, 'main h1');
		await shoot(ap, '63-assignment');
		await athletePhone.close();
	});
});
