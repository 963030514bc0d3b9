// Comments and moderation in a real browser: an athlete comments on a workout with a photo and the coach
// sees it live and replies (the focused discussion page); exercise comments in the builder; an
// owner removes a comment with a reason and finds it in the moderation log; a new user deletes
// their account. Screenshots at desktop and phone width under test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import sharp from 'sharp';
import { createClient } from '@supabase/supabase-js';
import type { Browser } from 'playwright-core';
import { ANON_KEY } from '../../stack/keys.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { hydrated, launch, newDesktop, open, shoot, uniqueEmail } from './browser.ts';
import { phoneShot, signIn } from '../support/pages.ts';
import { ATHLETE01, NORTHSIDE } from '../support/seed.ts';
import { signedInClient } from '../support/stack.ts';

let browser: Browser;
let assignmentId = '';
let workoutId = '';
const SLUG = 'northside';
const stamp = Date.now().toString(36);

beforeAll(async () => {
	browser = await launch();
	// Arrange: the coach assigns a workout to athlete01 today, through the coach's own RPC.
	const db = createClient<Database>(inject('apiUrl'), ANON_KEY, {
		auth: { persistSession: false }
	});
	const { error: signInError } = await db.auth.signInWithPassword({
		email: 'coach.alex@coachline.dev',
		password: 'password123'
	});
	if (signInError) throw signInError;
	const org = await db.from('organizations').select('id').eq('slug', SLUG).single();
	const athlete = await db
		.from('profiles')
		.select('id')
		.eq('display_name', 'Jamie Lee')
		.limit(1)
		.single();
	const workout = await db
		.from('workouts')
		.select('id')
		.eq('organization_id', org.data!.id)
		.eq('is_snapshot', false)
		.is('archived_at', null)
		.limit(1)
		.single();
	workoutId = workout.data!.id;
	const assigned = await db.rpc('assign_personal', {
		p_organization_id: org.data!.id,
		p_athlete_ids: [athlete.data!.id],
		p_date: new Date().toISOString().slice(0, 10),
		p_workout_id: workoutId,
		p_sort_order: Math.floor(Math.random() * 90) + 5
	});
	if (assigned.error) throw assigned.error;
	assignmentId = assigned.data[0].id;
});

afterAll(async () => {
	await browser?.close();
});

describe('workout comments, exercise comments, moderation and erasure', () => {
	it('an athlete comments with a photo; the coach sees it live and replies', async () => {
		const coach = await signIn(browser, 'coach.alex@coachline.dev');
		const athlete = await signIn(browser, 'athlete01@coachline.dev');
		const path = `/org/${SLUG}/assignments/${assignmentId}/discussion`;
		await open(coach.page, path);
		await open(athlete.page, path);
		await coach.page.getByText('No comments yet').waitFor();

		// A photo made here, set on the file input; the upload shows its progress, then Send.
		const png = await sharp({
			create: { width: 640, height: 480, channels: 3, background: { r: 15, g: 118, b: 110 } }
		})
			.png()
			.toBuffer();
		await athlete.page
			.getByLabel('Write a comment')
			.fill(`Felt strong today ${stamp}, form check please`);
		await athlete.page
			.locator('input[type="file"]')
			.setInputFiles({ name: 'squat.png', mimeType: 'image/png', buffer: png });
		// An unsupported file is refused in the browser with a clear message.
		await athlete.page
			.locator('input[type="file"]')
			.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
		await athlete.page.getByText('is not a supported file').waitFor();
		const send = athlete.page.getByRole('button', { name: 'Send', exact: true });
		await expect.poll(() => send.isEnabled(), { timeout: 20_000 }).toBe(true);
		await send.click();
		const mine = athlete.page.locator('li.comment', { hasText: `Felt strong today ${stamp}` });
		await mine.locator('.tile img').waitFor({ timeout: 20_000 });

		// The coach's page updates live: the comment and its thumbnail.
		const theirs = coach.page.locator('li.comment', { hasText: `Felt strong today ${stamp}` });
		await theirs.waitFor({ timeout: 20_000 });
		await theirs.locator('.tile img').waitFor({ timeout: 20_000 });
		await shoot(coach.page, '40-discussion');

		// The viewer opens on the photo, and Esc closes it.
		await theirs.getByRole('button', { name: /Open photo/ }).click();
		const viewer = coach.page.locator('dialog.viewer');
		await viewer.locator('img').waitFor();
		await shoot(coach.page, '41-attachment-viewer');
		await coach.page.keyboard.press('Escape');
		await viewer.waitFor({ state: 'hidden' });

		// The coach replies; the athlete sees it live.
		await coach.page.getByLabel('Write a comment').fill(`Looks great ${stamp}, keep the chest up`);
		await coach.page.getByRole('button', { name: 'Send', exact: true }).click();
		await athlete.page
			.locator('li.comment', { hasText: `Looks great ${stamp}` })
			.waitFor({ timeout: 20_000 });
		await shoot(athlete.page, '42-discussion-athlete');
		await phoneShot(browser, athlete.ctx, path, '42-discussion-athlete');
		await coach.ctx.close();
		await athlete.ctx.close();
	});

	it('the owner sees unread badges, the recent-comments feed, and removes a comment with a reason', async () => {
		// Its own workout and comment to remove, through the API as the coach and the athlete, so
		// this test needs no other to have run first and leaves the other threads as they were.
		const text = `Comment to remove ${stamp}`;
		const { client: coachApi } = await signedInClient('coach.alex@coachline.dev');
		const own = await coachApi.rpc('assign_personal', {
			p_organization_id: NORTHSIDE,
			p_athlete_ids: [ATHLETE01],
			p_date: new Date().toISOString().slice(0, 10),
			p_workout_id: workoutId,
			p_sort_order: Math.floor(Math.random() * 90) + 5
		});
		expect(own.error).toBeNull();
		const ownId = (own.data as { id: string }[])[0].id;
		const { client: athleteApi } = await signedInClient('athlete01@coachline.dev');
		const posted = await athleteApi.rpc('post_workout_comment', {
			p_assignment_id: ownId,
			p_content: text
		});
		expect(posted.error).toBeNull();
		const owner = await signIn(browser, 'owner@coachline.dev');
		await open(owner.page, `/org/${SLUG}/programs`);
		await shoot(owner.page, '43-programs-badges');

		// The moderation control in the discussion, with a reason.
		await open(owner.page, `/org/${SLUG}/assignments/${ownId}/discussion`);
		const found = owner.page.locator('li.comment', { hasText: text });
		await found.waitFor({ timeout: 20_000 });
		// Its text goes when it is removed: follow it by id.
		const target = owner.page.locator(
			`li.comment[data-comment-id="${await found.getAttribute('data-comment-id')}"]`
		);
		await target.getByRole('button', { name: /^Remove/ }).click();
		const dialog = owner.page.getByRole('dialog', { name: 'Remove this comment' });
		await dialog.getByRole('button', { name: 'Remove' }).click();
		await dialog.getByText('Say why').waitFor();
		await dialog.getByLabel('Reason').fill(`Off-topic test ${stamp}`);
		await shoot(owner.page, '44-moderate-reason');
		await dialog.getByRole('button', { name: 'Remove' }).click();
		await target.getByText('This comment was removed.').waitFor({ timeout: 20_000 });

		// The moderation log, linked from the members page.
		await open(owner.page, `/org/${SLUG}/members`);
		await owner.page.getByRole('link', { name: 'Moderation log' }).click();
		await owner.page.waitForURL(`**/org/${SLUG}/moderation`);
		await owner.page.getByRole('cell', { name: `Off-topic test ${stamp}` }).waitFor();
		await shoot(owner.page, '45-moderation-log');
		await phoneShot(browser, owner.ctx, `/org/${SLUG}/moderation`, '45-moderation-log');
		await phoneShot(browser, owner.ctx, `/org/${SLUG}/members`, '46-members');
		await owner.ctx.close();
	});

	it('the coach adds and replies to an exercise comment in the builder', async () => {
		const coach = await signIn(browser, 'coach.alex@coachline.dev');
		await open(coach.page, `/org/${SLUG}/library/${workoutId}`);
		const first = coach.page.locator('[data-movement-comments]').first();
		await first.getByRole('button', { name: /^Comments \(\d+\)/ }).click();
		await first.getByLabel(/^Comment on/).fill(`Cue: brace before the descent ${stamp}`);
		await first.getByRole('button', { name: 'Comment', exact: true }).click();
		const comment = first.locator('li', { hasText: `Cue: brace before the descent ${stamp}` });
		await comment.waitFor();
		await comment
			.getByRole('button', { name: /^Reply/ })
			.first()
			.click();
		await first.getByLabel(/^Reply to/).fill(`Agreed ${stamp}`);
		await first.getByRole('button', { name: 'Reply', exact: true }).click();
		await first.locator('ol.replies li', { hasText: `Agreed ${stamp}` }).waitFor();
		// The builder above is untouched.
		await coach.page.locator('ol.movements > li').first().waitFor();
		await first.scrollIntoViewIfNeeded();
		await shoot(coach.page, '47-exercise-comments');
		await coach.ctx.close();
	});

	it('a freshly signed-up user deletes their account', async () => {
		const ctx = await newDesktop(browser);
		const page = await ctx.newPage();
		await open(page, '/signup');
		await page.getByLabel('Your name').fill('Temp Person');
		await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('erase'));
		await page.getByLabel('Password', { exact: true }).fill('password123');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL('**/onboarding');
		await open(page, '/profile');
		await page.getByRole('link', { name: /delet(e|ing) my account/i }).click();
		await page.waitForURL('**/settings/account');
		await hydrated(page);
		const button = page.getByRole('button', { name: 'Delete my account' });
		expect(await button.isDisabled()).toBe(true);
		await page.getByLabel('Type DELETE to confirm').fill('DELETE');
		await shoot(page, '48-delete-account');
		await phoneShot(browser, ctx, '/settings/account', '48-delete-account');
		await button.click();
		await page.waitForURL((url) => url.pathname === '/');
		// Signed out, and the login is gone.
		await open(page, '/profile');
		expect(new URL(page.url()).pathname).toBe('/login');
		await ctx.close();
	});
});

declare module 'vitest' {
	export interface ProvidedContext {
		apiUrl: string;
	}
}
