// Two people chatting live in two browser contexts: the coach (Alex Morgan) and an athlete
// (Priya Shah, athlete02) of the seeded Northside organization. Typing, delivery without a
// reload, read ticks, edit with history, delete with a placeholder; screenshots of the screens.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launch, open, phoneLike, shoot } from './browser.ts';
import { signIn } from '../support/pages.ts';

const ALEX = '10000000-0000-4000-8000-000000000002';
const PRIYA = '10000000-0000-4000-8000-000000000102';
const INBOX = '/org/northside/messages';

let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});

afterAll(async () => {
	await browser?.close();
});

const bubble = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });

describe('direct messages between a coach and an athlete', () => {
	it('chats live: typing, delivery, read ticks, edit history and delete', async () => {
		const run = randomUUID().slice(0, 8);
		const coach = await signIn(browser, 'coach.alex@coachline.dev');
		const athlete = await signIn(browser, 'athlete02@coachline.dev');

		// The coach opens the conversation; the athlete waits in the inbox.
		await open(coach.page, `${INBOX}/${PRIYA}`);
		await open(athlete.page, INBOX);
		// Presence: both are on the organization's topic, so the coach sees Priya online.
		await coach.page.locator('.status', { hasText: 'Online' }).waitFor();

		const first = `Great session today ${run}`;
		const composer = coach.page.getByLabel('Message Priya Shah');
		await composer.fill(first);
		await composer.press('Enter');
		await expect
			.poll(() => bubble(coach.page, first).getByTestId('receipt').getAttribute('data-state'))
			.toBe('sent');

		// The athlete's inbox and navigation badge update without a reload.
		await athlete.page.getByTestId('conversation').filter({ hasText: first }).waitFor();
		await athlete.page.getByTestId('unread-total').waitFor();

		// Opening it reads it: the coach's tick turns to read.
		await athlete.page.getByTestId('conversation').filter({ hasText: first }).click();
		await athlete.page.waitForURL(`**/messages/${ALEX}`);
		await bubble(athlete.page, first).waitFor();
		await expect
			.poll(() => bubble(coach.page, first).getByTestId('receipt').getAttribute('data-state'), {
				timeout: 15_000
			})
			.toBe('read');
		expect(
			await bubble(coach.page, first).getByTestId('receipt').getAttribute('aria-label')
		).toMatch(/^Read /);

		// The athlete types: the coach sees it; then the reply arrives without a reload.
		const reply = `Thanks coach, legs are toast ${run}`;
		const athleteComposer = athlete.page.getByLabel('Message Alex Morgan');
		await athleteComposer.click();
		await athlete.page.keyboard.type(reply, { delay: 80 });
		await coach.page.getByTestId('typing').filter({ hasText: 'Priya is typing…' }).waitFor();
		await athleteComposer.press('Enter');
		await bubble(coach.page, reply).waitFor();
		await expect.poll(() => coach.page.getByTestId('typing').count(), { timeout: 6000 }).toBe(0);

		// Script and right-to-left override stay text.
		const tricky = `<script>window.__pwned = 1</script> \u202Eevil ${run}`;
		await composer.fill(tricky);
		await composer.press('Enter');
		await bubble(athlete.page, `evil ${run}`).waitFor();
		expect(await athlete.page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);
		expect(await bubble(athlete.page, `evil ${run}`).locator('.text').textContent()).toContain(
			'<script>'
		);
		// The override is not shown, so it cannot reorder what follows it (Trojan Source).
		expect(await bubble(athlete.page, `evil ${run}`).locator('.text').textContent()).not.toContain(
			'\u202E'
		);

		await shoot(coach.page, '70-messages-conversation');

		// The coach edits the first message: both see "edited", and its history.
		const edited = `Great session today, well done ${run}`;
		const mine = bubble(coach.page, first);
		await mine.getByLabel('Message actions').click();
		await mine.getByRole('button', { name: 'Edit' }).click();
		await coach.page.getByLabel('Edit message').fill(edited);
		await coach.page.getByRole('button', { name: 'Save' }).click();
		await bubble(coach.page, edited)
			.getByRole('button', { name: /edited/ })
			.waitFor();
		const theirs = bubble(athlete.page, edited);
		await theirs.getByRole('button', { name: /edited/ }).click();
		const history = athlete.page.getByRole('dialog', { name: 'Edit history' });
		await history.getByText(first, { exact: true }).waitFor();
		await history.getByText(edited, { exact: true }).waitFor();
		await shoot(athlete.page, '71-messages-edit-history');
		await history.getByRole('button', { name: 'Close' }).click();

		// The coach deletes a message: a placeholder stays on both sides.
		const oops = `Wrong chat, sorry ${run}`;
		await composer.fill(oops);
		await composer.press('Enter');
		await bubble(athlete.page, oops).waitFor();
		const gone = bubble(coach.page, oops);
		await expect.poll(() => gone.getAttribute('data-status')).toBe('sent');
		await gone.getByLabel('Message actions').click();
		await gone.getByRole('button', { name: 'Delete' }).click();
		await coach.page.getByRole('button', { name: 'Delete', exact: true }).click();
		await expect.poll(() => coach.page.getByText(oops).count()).toBe(0);
		await expect.poll(() => athlete.page.getByText(oops).count()).toBe(0);
		expect(await athlete.page.getByText('Message deleted').count()).toBeGreaterThan(0);

		// Screens at desktop and phone width.
		await open(coach.page, INBOX);
		await coach.page.getByTestId('conversation').first().waitFor();
		await shoot(coach.page, '72-messages-inbox');
		await open(coach.page, '/settings/privacy');
		await shoot(coach.page, '73-privacy-settings');

		const phone = await phoneLike(browser, coach.ctx);
		const phonePage = await phone.newPage();
		await open(phonePage, INBOX);
		await phonePage.getByTestId('conversation').first().waitFor();
		await shoot(phonePage, '72-messages-inbox');
		await open(phonePage, `${INBOX}/${PRIYA}`);
		await bubble(phonePage, edited).waitFor();
		await shoot(phonePage, '70-messages-conversation');
		await open(phonePage, '/settings/privacy');
		await shoot(phonePage, '73-privacy-settings');
		await phone.close();

		await coach.ctx.close();
		await athlete.ctx.close();
	});

	it('search finds a message far back in a long thread and opens the thread at it', async () => {
		const run = randomUUID().slice(0, 8);
		const CHLOE = '10000000-0000-4000-8000-000000000104';
		const NORTHSIDE = 'a0000000-0000-4000-8000-000000000001';
		const sql = postgres(inject('dbUrl'), { max: 1, onnotice: () => {} });
		try {
			// 180 messages between Alex and Chloe over the last day; the oldest holds the needle,
			// far beyond the first page of 50 the thread opens with.
			await sql`
				insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content, created_at)
				select ${NORTHSIDE}, case when g % 2 = 0 then ${ALEX}::uuid else ${CHLOE}::uuid end,
				       (case when g % 2 = 0 then 'coach' else 'member' end)::public.sender_role,
				       case when g % 2 = 0 then ${CHLOE}::uuid else ${ALEX}::uuid end,
				       case when g = 1 then ${`needle${run} was the first thing we said`} else 'Filler ' || g end,
				       now() - interval '1 day' + g * interval '1 minute'
				  from generate_series(1, 180) g`;
		} finally {
			await sql.end();
		}
		const coach = await signIn(browser, 'coach.alex@coachline.dev');
		await open(coach.page, `${INBOX}?q=needle${run}`);
		const hit = coach.page.locator('a.item', { hasText: `needle${run}` });
		await hit.waitFor();
		await hit.click();
		await coach.page.waitForURL(/#m-/);
		const found = bubble(coach.page, `needle${run}`);
		await found.waitFor({ timeout: 20_000 });
		await expect.poll(() => found.isVisible()).toBe(true);
		await expect.poll(() => coach.page.getByTestId('seeking').count()).toBe(0);
		await shoot(coach.page, '74-messages-search-jump');
		await coach.ctx.close();
	});
});
