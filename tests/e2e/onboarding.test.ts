// A new coach's first journey, in a real browser: a coach signs up, creates an organization,
// invites an athlete who accepts in a second browser, then builds a workout with the keyboard.
// Each main screen is saved at desktop and phone width under test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hydrated, launch, newDesktop, open, shoot, uniqueEmail } from './browser.ts';
import { phoneShot, step } from '../support/pages.ts';

let browser: Browser;
let coach: BrowserContext;
let coachPage: Page;
let athlete: BrowserContext;
let athletePage: Page;

const suffix = Date.now().toString(36);
const slug = `northside-${suffix}`;
// Markup in a name must come back as text, never as markup.
const orgName = `Northside <b>Strength</b> ${suffix}`;
const coachEmail = uniqueEmail('coach');
const athleteEmail = uniqueEmail('athlete');
let inviteLink = '';
let workoutUrl = '';
let revokedLink = '';

beforeAll(async () => {
	browser = await launch();
	coach = await newDesktop(browser);
	coachPage = await coach.newPage();
	athlete = await newDesktop(browser);
	athletePage = await athlete.newPage();
});

afterAll(async () => {
	await browser?.close();
});

describe('before signing up', () => {
	it('shows the landing and sign-in pages to anonymous visitors, and guards app pages', async () => {
		const anonymous = await newDesktop(browser);
		const coachPage = await anonymous.newPage();
		await open(coachPage, '/');
		await expect(coachPage.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
			'Coaching'
		);
		await shoot(coachPage, '01-landing');
		await open(coachPage, '/profile');
		expect(new URL(coachPage.url()).pathname).toBe('/login');
		expect(new URL(coachPage.url()).searchParams.get('next')).toBe('/profile');
		await shoot(coachPage, '02-login');
		await phoneShot(browser, anonymous, '/login', '02-login');
		await anonymous.close();
	});

	it('refuses a wrong password with a readable message', async () => {
		const anonymous = await newDesktop(browser);
		const coachPage = await anonymous.newPage();
		await open(coachPage, '/login');
		await coachPage.getByLabel('Email', { exact: true }).fill('nobody@e2e.coachline.dev');
		await coachPage.getByLabel('Password', { exact: true }).fill('wrong-password');
		await coachPage.getByRole('button', { name: 'Sign in' }).click();
		await coachPage.getByRole('alert').waitFor();
		expect(await coachPage.getByRole('alert').textContent()).toMatch(/do not match|invalid/i);
		await anonymous.close();
	});
});

// One story: each step builds on what the one before it left (the account, the organization,
// the invitation, the workout), so they run as steps of one test, not as tests of their own.
it('sign up → organization → invite → accept → workout → sign out', async () => {
	await step('signs a coach up and lands on onboarding', async () => {
		await open(coachPage, '/signup');
		await coachPage.getByRole('button', { name: 'Create account' }).click();
		await coachPage.getByText('Your name is required.').waitFor();
		await coachPage.getByLabel('Your name').fill('Casey Coach');
		await coachPage.getByLabel('Email', { exact: true }).fill(coachEmail);
		await coachPage.getByLabel('Password', { exact: true }).fill('password123');
		await shoot(coachPage, '03-signup');
		await phoneShot(browser, coach, '/signup', '03-signup');
		await coachPage.getByRole('button', { name: 'Create account' }).click();
		await coachPage.waitForURL('**/onboarding');
		await coachPage.getByRole('heading', { name: 'Create an organization' }).waitFor();
	});

	await step('creates an organization and shows its name as text', async () => {
		await coachPage.getByLabel('Name', { exact: true }).fill(orgName);
		await coachPage.getByLabel('Address').fill(slug);
		await coachPage.getByLabel('Time zone').selectOption('Europe/London');
		await shoot(coachPage, '04-onboarding');
		await phoneShot(browser, coach, '/onboarding', '04-onboarding');
		await coachPage.getByRole('button', { name: 'Create organization' }).click();
		await coachPage.waitForURL(`**/org/${slug}/members`);
		const summary = coachPage.locator('summary .current');
		expect(await summary.textContent()).toBe(orgName);
		expect(await coachPage.locator('summary b').count()).toBe(0);
	});

	await step('refuses a duplicate address with the database’s message', async () => {
		await open(coachPage, '/onboarding');
		await coachPage.getByLabel('Name', { exact: true }).fill('Copycat');
		await coachPage.getByLabel('Address').fill(slug);
		await coachPage.getByRole('button', { name: 'Create organization' }).click();
		await coachPage.getByText(/already taken/).waitFor();
	});

	await step('invites an athlete and shows the link on screen', async () => {
		await open(coachPage, `/org/${slug}/members`);
		await coachPage.getByLabel('Email', { exact: true }).fill(athleteEmail);
		await coachPage.getByLabel('Role', { exact: true }).selectOption('member');
		await coachPage.getByRole('button', { name: 'Create invitation' }).click();
		const link = coachPage.getByLabel('Invitation link', { exact: true });
		await link.waitFor();
		inviteLink = await link.inputValue();
		expect(inviteLink).toMatch(/\/invite\/[0-9a-f]{16,}$/);
		await coachPage.getByRole('heading', { name: 'Pending invitations' }).waitFor();
		await coachPage.getByText(athleteEmail).first().waitFor();
		await shoot(coachPage, '05-members-invited');
	});

	await step('revokes a pending invitation', async () => {
		const extra = uniqueEmail('revoked');
		await coachPage.getByLabel('Email', { exact: true }).fill(extra);
		await coachPage.getByRole('button', { name: 'Create invitation' }).click();
		await coachPage.locator('.invited').filter({ hasText: extra }).waitFor();
		revokedLink = await coachPage.getByLabel('Invitation link', { exact: true }).inputValue();
		await coachPage.getByRole('button', { name: `Revoke invitation for ${extra}` }).click();
		await coachPage.getByText('Invitation revoked', { exact: true }).waitFor();
		expect(
			await coachPage.getByRole('button', { name: `Revoke invitation for ${extra}` }).count()
		).toBe(0);
	});

	await step('lets the athlete sign up from the link and accept in a second browser', async () => {
		await open(athletePage, inviteLink);
		await shoot(athletePage, '06-invite-anonymous');
		await athletePage.getByRole('link', { name: 'Create an account' }).click();
		await athletePage.waitForURL('**/signup?next=*');
		await athletePage.getByLabel('Your name').fill('Avery Athlete');
		await athletePage.getByLabel('Email', { exact: true }).fill(athleteEmail);
		await athletePage.getByLabel('Password', { exact: true }).fill('password123');
		await athletePage.getByRole('button', { name: 'Create account' }).click();
		await athletePage.waitForURL('**/invite/*');
		await athletePage.getByText('as an athlete').waitFor();
		await shoot(athletePage, '07-invite-accept');
		await phoneShot(browser, athlete, new URL(inviteLink).pathname, '07-invite-accept');
		await athletePage.getByRole('button', { name: /Accept and join/ }).click();
		await athletePage.waitForURL(`**/org/${slug}/today`);
		await athletePage.getByRole('heading', { name: 'Today' }).waitFor();
		// Athletes see their own navigation, not the staff pages. (Today links to the week too, so
		// the Week tab is looked up in the section navigation.)
		const sections = athletePage.getByRole('navigation', { name: /sections$/ });
		expect(await sections.getByRole('link', { name: 'Week', exact: true }).count()).toBe(1);
		expect(await athletePage.getByRole('link', { name: 'Library' }).count()).toBe(0);
		await shoot(athletePage, '08-athlete-today');
		await phoneShot(browser, athlete, `/org/${slug}/today`, '08-athlete-today');
	});

	await step('refuses to reuse an accepted invitation', async () => {
		await open(athletePage, inviteLink);
		await athletePage.getByText('This invitation has already been used.').waitFor();
		// A withdrawn link explains itself too.
		await open(athletePage, revokedLink);
		await athletePage.getByText(/withdrawn/).waitFor();
	});

	await step('keeps athletes out of the library', async () => {
		const res = await open(athletePage, `/org/${slug}/library`);
		expect(res?.status()).toBe(403);
	});

	await step('shows the athlete in the members list, and no pending invitation', async () => {
		await open(coachPage, `/org/${slug}/members`);
		await coachPage.getByRole('cell', { name: 'Avery Athlete', exact: true }).waitFor();
		await coachPage.getByText('No pending invitations.').waitFor();
		await shoot(coachPage, '09-members');
		// Inviting someone who already belongs is refused next to the email field.
		await coachPage.getByLabel('Email', { exact: true }).fill(athleteEmail);
		await coachPage.getByRole('button', { name: 'Create invitation' }).click();
		await coachPage.getByText(/is already a member of this organization/).waitFor();
		expect(await coachPage.getByText('No pending invitations.').count()).toBe(1);
		await phoneShot(browser, coach, `/org/${slug}/members`, '09-members');
	});

	await step('changes roles, and refuses to leave the organization without an owner', async () => {
		const ownRole = coachPage.getByLabel('Role of Casey Coach');
		await ownRole.selectOption('member');
		await coachPage.getByRole('button', { name: 'Save role of Casey Coach' }).click();
		await coachPage.getByText(/at least one owner/).waitFor();
		await open(coachPage, `/org/${slug}/members`);
		expect(await coachPage.getByLabel('Role of Casey Coach').inputValue()).toBe('owner');

		await coachPage.getByLabel('Role of Avery Athlete').selectOption('coach');
		await coachPage.getByRole('button', { name: 'Save role of Avery Athlete' }).click();
		await coachPage.getByText('Role changed', { exact: true }).waitFor();
		await open(coachPage, `/org/${slug}/members`);
		expect(await coachPage.getByLabel('Role of Avery Athlete').inputValue()).toBe('coach');
		await coachPage.getByLabel('Role of Avery Athlete').selectOption('member');
		await coachPage.getByRole('button', { name: 'Save role of Avery Athlete' }).click();
		await coachPage.getByText('Role changed', { exact: true }).first().waitFor();
	});

	await step('starts with an empty library', async () => {
		await open(coachPage, `/org/${slug}/library`);
		await coachPage.getByText('Your library is empty').waitFor();
		await shoot(coachPage, '10-library-empty');
	});

	await step('builds a workout with the keyboard-friendly builder', async () => {
		await coachPage.getByRole('link', { name: '+ New workout' }).click();
		await coachPage.waitForURL('**/library/new');
		await coachPage.locator('#workout-title').fill('Strength A');
		const section = coachPage.locator('section.section').first();
		await section.getByLabel('Section title').fill('Strength');
		let moves = section.locator('ol.movements > li');
		await moves.nth(0).getByLabel('Movement', { exact: true }).fill('Back squat');
		await moves.nth(0).getByLabel('Sets', { exact: true }).fill('5');
		await moves.nth(0).getByLabel('Reps', { exact: true }).fill('ten');
		await moves.nth(0).getByLabel('Load', { exact: true }).fill('100');
		await moves.nth(0).getByLabel('Unit', { exact: true }).selectOption('kg');

		// Adding a movement moves focus to its name, so typing continues there.
		await section.getByRole('button', { name: /Add movement/ }).click();
		await coachPage.keyboard.type('Row');
		moves = section.locator('ol.movements > li');
		expect(await moves.nth(1).getByLabel('Movement', { exact: true }).inputValue()).toBe('Row');
		await moves.nth(1).getByLabel('Distance (m)').fill('500');
		await moves.nth(1).getByLabel('Time (mm:ss)').fill('2:00');
		// Alt+↑ in a field moves its movement up and keeps focus in the field.
		await moves.nth(1).getByLabel('Distance (m)').focus();
		await coachPage.keyboard.press('Alt+ArrowUp');
		expect(await moves.nth(0).getByLabel('Movement', { exact: true }).inputValue()).toBe('Row');
		expect(
			await coachPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)
		).toBe('500');
		// The move buttons do the same, for mouse and screen reader users.
		await section.getByRole('button', { name: 'Move Back squat up' }).click();
		expect(await moves.nth(0).getByLabel('Movement', { exact: true }).inputValue()).toBe(
			'Back squat'
		);

		// A second section, added and removed again.
		await coachPage.getByRole('button', { name: '+ Add section' }).click();
		expect(await coachPage.locator('section.section').count()).toBe(2);
		await coachPage.keyboard.type('Finisher');
		await coachPage.getByRole('button', { name: 'Remove section Finisher' }).click();
		expect(await coachPage.locator('section.section').count()).toBe(1);

		// Bad input is reported next to the field and nothing is saved.
		await coachPage.getByRole('button', { name: 'Create workout' }).click();
		await coachPage.getByText('Reps must be a number.').waitFor();
		expect(new URL(coachPage.url()).pathname).toBe(`/org/${slug}/library/new`);
		await shoot(coachPage, '11-builder-error');

		await moves.nth(0).getByLabel('Reps', { exact: true }).fill('5');
		await shoot(coachPage, '12-builder');
		await coachPage.getByRole('button', { name: 'Create workout' }).click();
		await coachPage.waitForURL(/\/library\/[0-9a-f-]{36}$/);
		workoutUrl = new URL(coachPage.url()).pathname;

		// What was saved comes back in order.
		await coachPage.reload();
		await hydrated(coachPage);
		const saved = coachPage.locator('ol.movements > li');
		expect(await saved.nth(0).getByLabel('Movement', { exact: true }).inputValue()).toBe(
			'Back squat'
		);
		expect(await saved.nth(0).getByLabel('Reps', { exact: true }).inputValue()).toBe('5');
		expect(await saved.nth(0).getByLabel('Unit', { exact: true }).inputValue()).toBe('kg');
		expect(await saved.nth(1).getByLabel('Movement', { exact: true }).inputValue()).toBe('Row');
		expect(await saved.nth(1).getByLabel('Time (mm:ss)').inputValue()).toBe('2:00');
		await phoneShot(browser, coach, workoutUrl, '12-builder');

		// Editing a saved workout: add a movement, save, and it is there after a reload.
		await coachPage.getByRole('button', { name: /Add movement/ }).click();
		await coachPage.keyboard.type('Plank');
		await coachPage.locator('ol.movements > li').nth(2).getByLabel('Time (mm:ss)').fill('1:00');
		await coachPage.getByRole('button', { name: 'Save workout' }).click();
		await coachPage.getByText('Workout saved', { exact: true }).waitFor();
		await coachPage.reload();
		await hydrated(coachPage);
		expect(await coachPage.locator('ol.movements > li').count()).toBe(3);
		expect(
			await coachPage
				.locator('ol.movements > li')
				.nth(2)
				.getByLabel('Movement', { exact: true })
				.inputValue()
		).toBe('Plank');
	});

	await step('lists, searches, duplicates and archives workouts', async () => {
		await open(coachPage, workoutUrl);
		await coachPage.getByRole('button', { name: 'Duplicate', exact: true }).click();
		await coachPage.waitForURL(
			(url) => url.pathname !== workoutUrl && /library\/[0-9a-f-]{36}$/.test(url.pathname)
		);
		expect(await coachPage.locator('#workout-title').inputValue()).toBe('Strength A (copy)');

		await open(coachPage, `/org/${slug}/library`);
		await coachPage.getByText('2 workouts').waitFor();
		await shoot(coachPage, '13-library');
		await phoneShot(browser, coach, `/org/${slug}/library`, '13-library');

		await coachPage.getByLabel('Search workouts').fill('copy');
		await coachPage.getByRole('button', { name: 'Search' }).click();
		await coachPage.getByText('1 workout matching “copy”').waitFor();
		await coachPage.getByRole('button', { name: 'Archive Strength A (copy)' }).click();
		await coachPage.getByText('No workouts match “copy”').waitFor();
		await open(coachPage, `/org/${slug}/library?show=archived`);
		await coachPage.getByRole('link', { name: 'Strength A (copy)' }).waitFor();
	});

	await step('creates a program and enrolls the athlete', async () => {
		await open(coachPage, `/org/${slug}/programs`);
		await coachPage.getByText('No programs yet').waitFor();
		await coachPage.getByLabel('Name', { exact: true }).fill('Off-season');
		await coachPage.getByRole('radio', { name: /Feed/ }).check();
		await coachPage.getByRole('button', { name: 'Create program' }).click();
		await coachPage.waitForURL(/\/programs\/[0-9a-f-]{36}$/);
		await coachPage.getByText('Nobody is enrolled yet').waitFor();
		await coachPage.getByLabel('Athlete', { exact: true }).selectOption({ label: 'Avery Athlete' });
		await coachPage.getByRole('button', { name: 'Enroll', exact: true }).click();
		await coachPage.getByText('Enrolled athletes (1)').waitFor();
		await shoot(coachPage, '14-program');
		const programUrl = new URL(coachPage.url()).pathname;
		await phoneShot(browser, coach, programUrl, '14-program');
		await open(coachPage, `/org/${slug}/programs`);
		await coachPage.getByText('1 athlete enrolled').waitFor();
		await shoot(coachPage, '15-programs');
	});

	await step('edits the profile and time zone', async () => {
		await open(coachPage, '/profile');
		await coachPage.getByLabel('Display name').fill('Casey <i>Coach</i>');
		await coachPage.getByLabel(/^Time zone/).selectOption('America/New_York');
		await coachPage.getByRole('button', { name: 'Save profile' }).click();
		await coachPage.getByText('Profile saved', { exact: true }).waitFor();
		await coachPage.reload();
		await hydrated(coachPage);
		expect(await coachPage.getByLabel(/^Time zone/).inputValue()).toBe('America/New_York');
		expect(await coachPage.locator('.account a').first().textContent()).toContain(
			'Casey <i>Coach</i>'
		);
		await shoot(coachPage, '16-profile');
		await phoneShot(browser, coach, '/profile', '16-profile');
	});

	await step('signs out', async () => {
		await coachPage.getByRole('button', { name: 'Sign out' }).click();
		await coachPage.waitForURL('**/login');
		await open(coachPage, `/org/${slug}/library`);
		expect(new URL(coachPage.url()).pathname).toBe('/login');
	});
}, 900_000);
