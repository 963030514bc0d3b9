// How the app decides who is signed in: one read (public.session_context) that the API answers
// only for a token it verified, and the database only while the token's session lasts. What a
// person would notice: their own name and organizations on every page; a cookie edited to claim
// someone else, or a session signed out on another device, lands on the sign-in page with none
// of the other person's data; a page rendered after a form without JavaScript shows the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { appUrl, launch, newDesktop, open, useProductionBuild } from './browser.ts';
import { signIn, signInOn } from '../support/pages.ts';
import { ALEX } from '../support/seed.ts';
import { ANON_KEY, apiUrl, serviceClient, uniqueEmail } from '../support/stack.ts';

useProductionBuild();

let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});

afterAll(async () => {
	await browser?.close();
});

const SESSION_COOKIE = /^sb-.*-auth-token(\.\d+)?$/;

/** The session @supabase/ssr keeps in the context's cookies (maybe chunked, base64-prefixed). */
async function sessionIn(ctx: BrowserContext) {
	const cookies = (await ctx.cookies()).filter((c) => SESSION_COOKIE.test(c.name));
	cookies.sort((a, b) => Number(a.name.split('.').pop()) - Number(b.name.split('.').pop()));
	let raw = cookies.map((c) => decodeURIComponent(c.value)).join('');
	if (raw.startsWith('base64-')) raw = Buffer.from(raw.slice(7), 'base64url').toString('utf8');
	const session = JSON.parse(raw) as { access_token: string; user: { id: string } } & Record<
		string,
		unknown
	>;
	return { session, cookies, base: cookies[0].name.replace(/\.\d+$/, '') };
}

/** Writes `session` back as the cookies, chunked the way @supabase/ssr reads them. */
async function writeSession(ctx: BrowserContext, base: string, session: object): Promise<void> {
	const value = 'base64-' + Buffer.from(JSON.stringify(session)).toString('base64url');
	const url = new URL(appUrl());
	await ctx.clearCookies({ name: SESSION_COOKIE });
	const chunks = value.match(/.{1,3000}/g) ?? [];
	await ctx.addCookies(
		chunks.map((chunk, i) => ({
			name: chunks.length === 1 ? base : `${base}.${i}`,
			value: chunk,
			domain: url.hostname,
			path: '/',
			sameSite: 'Lax' as const
		}))
	);
}

describe('the session on every page', () => {
	it('shows my own name and organizations, read with the session', async () => {
		const { ctx, page } = await signIn(browser, 'athlete01@coachline.dev');
		await open(page, '/org/northside/today');
		const account = page.locator('header .account a').first();
		expect((await account.textContent())?.trim()).not.toBe('Profile');
		expect(await page.locator('header').textContent()).toContain('Northside');
		// Another organization is not there for them, by id either.
		expect((await open(page, '/org/harbour/today'))?.status()).toBe(404);
		await ctx.close();
	});

	it("a cookie edited to claim someone else's id lands on sign-in, showing nothing of theirs", async () => {
		const { ctx, page } = await signIn(browser, 'athlete01@coachline.dev');
		const { session, base } = await sessionIn(ctx);
		const [header, , signature] = session.access_token.split('.');
		const claims = JSON.parse(
			Buffer.from(session.access_token.split('.')[1], 'base64url').toString('utf8')
		) as Record<string, unknown>;
		const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: ALEX })).toString(
			'base64url'
		);
		await writeSession(ctx, base, {
			...session,
			access_token: `${header}.${forgedPayload}.${signature}`,
			user: { ...session.user, id: ALEX }
		});
		const response = await page.goto('/org/northside/overview');
		expect(new URL(page.url()).pathname).toBe('/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/org/northside/overview');
		const html = (await response?.text()) ?? '';
		expect(html).not.toContain('Alex Morgan');
		await ctx.close();
	});

	it('a session signed out on another device ends here on the next page', async () => {
		const { ctx, page } = await signIn(browser, 'athlete02@coachline.dev');
		await open(page, '/org/northside/week');
		expect(new URL(page.url()).pathname).toBe('/org/northside/week');
		const { session } = await sessionIn(ctx);
		// "Sign out everywhere" from another device: the token itself stays unexpired and validly
		// signed, only its session is gone.
		const out = await fetch(`${apiUrl()}/auth/v1/logout?scope=global`, {
			method: 'POST',
			headers: { apikey: ANON_KEY, authorization: `Bearer ${session.access_token}` }
		});
		expect(out.status).toBe(204);
		await page.goto('/org/northside/week');
		expect(new URL(page.url()).pathname).toBe('/login');
		await ctx.close();
	});

	it('a page rendered after a form without JavaScript shows what the form changed', async () => {
		const email = uniqueEmail('session');
		const created = await serviceClient().auth.admin.createUser({
			email,
			password: 'a long enough password',
			email_confirm: true,
			user_metadata: { display_name: 'Before Rename' }
		});
		expect(created.error).toBeNull();
		const signedIn = await newDesktop(browser);
		await signInOn(await signedIn.newPage(), email, 'a long enough password');
		const state = await signedIn.storageState();
		await signedIn.close();

		const ctx = await browser.newContext({
			storageState: state,
			javaScriptEnabled: false,
			baseURL: appUrl()
		});
		const page = await ctx.newPage();
		await page.goto('/profile');
		const account = page.locator('header .account a').first();
		expect((await account.textContent())?.trim()).toBe('Before Rename');
		await page.getByLabel('Display name').fill('After Rename');
		await page.getByRole('button', { name: 'Save profile' }).click();
		await page.waitForLoadState('load');
		expect((await account.textContent())?.trim()).toBe('After Rename');
		await ctx.close();
	});
});
