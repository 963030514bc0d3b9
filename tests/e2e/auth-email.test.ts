// The mail-driven sign-in journeys in Chromium, reading each email from the stack's mail catcher as
// a person reads their inbox: forgot password → mail → new password → sign in; sign in by magic
// link; an invitation emailed by an owner and accepted from the mail; two-factor sign-in turned on
// in account settings and then asked for at sign-in. Each test stands alone (its own people and
// browser contexts). Screens are saved at 390 and 1440 px under test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { appUrl, hydrated, launch, open, shoot, uniqueEmail } from './browser.ts';
import { phoneShot, signInOn } from '../support/pages.ts';
import { linkIn, mailCount, nextMail } from '../support/mail.ts';
import { anonClient, apiUrl } from '../support/stack.ts';

const PASSWORD = 'first-password-1';
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	await browser?.close();
});

async function context(viewport = WIDE): Promise<BrowserContext> {
	const ctx = await browser.newContext({
		viewport,
		baseURL: appUrl(),
		...(viewport.width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {})
	});
	ctx.setDefaultTimeout(20_000);
	return ctx;
}

/** A person with an account (signed up through the API, as /signup does) and no organization. */
async function person(prefix: string): Promise<string> {
	const email = uniqueEmail(prefix);
	const { error } = await anonClient().auth.signUp({
		email,
		password: PASSWORD,
		options: { data: { display_name: `Test ${prefix}` } }
	});
	if (error) throw error;
	return email;
}

function totp(secret: string, at = Date.now()): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
	const mac = createHmac('sha1', key).update(counter).digest();
	const o = mac[19] & 15;
	return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('mail-driven sign-in', () => {
	it('forgot password → mail → new password → signs in with it, not with the old one', async () => {
		const email = await person('forgot');
		const ctx = await context();
		const page = await ctx.newPage();
		await open(page, '/login');
		await shoot(page, 'auth-01-login');
		await phoneShot(browser, ctx, '/login', 'auth-01-login');
		await page.getByRole('link', { name: 'Forgot password?' }).click();
		await page.waitForURL('**/forgot-password');
		await hydrated(page);
		const seen = await mailCount(email);
		await page.getByLabel('Email').fill(email);
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await page.getByRole('status').filter({ hasText: email }).waitFor();
		await shoot(page, 'auth-02-reset-sent');
		const mail = await nextMail(email, seen);
		expect(mail.Subject).toBe('Reset your Coachline password');
		const link = linkIn(mail, '/reset-password');
		expect(link.startsWith(appUrl())).toBe(true);

		await page.goto(link);
		await hydrated(page);
		expect(new URL(page.url()).pathname).toBe('/reset-password');
		expect(new URL(page.url()).search).toBe('');
		await shoot(page, 'auth-03-reset-password');
		await phoneShot(browser, ctx, '/reset-password', 'auth-03-reset-password');
		await page.getByLabel('New password', { exact: true }).fill('second-password-2');
		await page.getByLabel('New password again').fill('not-the-same-3');
		await page.getByRole('button', { name: 'Save password' }).click();
		await page.getByText('The two passwords are not the same.').waitFor();
		await page.getByLabel('New password', { exact: true }).fill('second-password-2');
		await page.getByLabel('New password again').fill('second-password-2');
		await page.getByRole('button', { name: 'Save password' }).click();
		await page.waitForURL((u) => u.pathname !== '/reset-password');
		await ctx.close();

		// The link is spent: opening it again says so on the sign-in page.
		const other = await context();
		const again = await other.newPage();
		await again.goto(link);
		await hydrated(again);
		expect(new URL(again.url()).pathname).toBe('/login');
		await again.getByRole('alert').filter({ hasText: 'expired' }).waitFor();
		await again.getByLabel('Email').fill(email);
		await again.getByLabel('Password').fill(PASSWORD);
		await again.getByRole('button', { name: 'Sign in' }).click();
		await again.getByText('do not match').waitFor();
		await signInOn(again, email, 'second-password-2');
		expect(new URL(again.url()).pathname).not.toBe('/login');
		await other.close();
	});

	it('signs in with a magic link from the mail', async () => {
		const email = await person('magic');
		const ctx = await context();
		const page = await ctx.newPage();
		await open(page, '/login');
		await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
		await page.waitForURL('**/login/magic');
		await hydrated(page);
		const seen = await mailCount(email);
		await page.getByLabel('Email').fill(email);
		await page.getByRole('button', { name: 'Email me a link' }).click();
		await page.getByRole('status').filter({ hasText: email }).waitFor();
		await shoot(page, 'auth-04-magic-sent');
		await phoneShot(browser, ctx, '/login/magic', 'auth-04-magic-form');
		const mail = await nextMail(email, seen);
		expect(mail.Subject).toBe('Your Coachline sign-in link');
		await page.goto(linkIn(mail, 'token_hash='));
		await hydrated(page);
		// Signed in: a person without an organization is taken to set one up.
		expect(new URL(page.url()).pathname).toBe('/onboarding');
		await open(page, '/profile');
		expect(new URL(page.url()).pathname).toBe('/profile');
		await ctx.close();
	});

	it("a link through Auth's /verify (the default template) comes back with ?code= and signs in", async () => {
		// The app's server client starts a PKCE flow (as @supabase/ssr does) and leaves the code
		// verifier in this browser's cookies. A project mailing Auth's default template links to
		// {{ .ConfirmationURL }}: Auth's /verify with the same token, leading back with ?code=.
		const email = await person('pkce');
		const ctx = await context();
		const page = await ctx.newPage();
		await open(page, '/login/magic');
		const seen = await mailCount(email);
		await page.getByLabel('Email').fill(email);
		await page.getByRole('button', { name: 'Email me a link' }).click();
		await page.getByRole('status').filter({ hasText: email }).waitFor();
		const ours = new URL(linkIn(await nextMail(email, seen), 'token_hash='));
		const tokenHash = ours.searchParams.get('token_hash')!;
		expect(tokenHash.startsWith('pkce_')).toBe(true);
		const confirmationUrl = `${apiUrl()}/auth/v1/verify?${new URLSearchParams({
			token: tokenHash,
			type: 'magiclink',
			redirect_to: `${appUrl()}/`
		})}`;
		const codes: string[] = [];
		page.on('request', (r) => {
			const code = new URL(r.url()).searchParams.get('code');
			if (code && r.url().startsWith(appUrl())) codes.push(code);
		});
		await page.goto(confirmationUrl);
		await hydrated(page);
		expect(codes).toHaveLength(1);
		expect(new URL(page.url()).pathname).toBe('/onboarding');
		expect(new URL(page.url()).search).toBe('');
		await ctx.close();

		// The code is spent, and another browser (no verifier) cannot use it either.
		const other = await context();
		const again = await other.newPage();
		await again.goto(`${appUrl()}/?code=${codes[0]}`);
		await hydrated(again);
		expect(new URL(again.url()).pathname).toBe('/login');
		await again.getByRole('alert').waitFor();
		await other.close();
	});

	it('an owner invites by email; the invited person opens the mail and joins', async () => {
		const owner = await context();
		const page = await owner.newPage();
		await signInOn(page, 'owner@coachline.dev');
		await open(page, '/org/northside/members');
		const invitee = uniqueEmail('invitee');
		await page.getByLabel('Email').fill(invitee);
		await page.getByRole('button', { name: 'Create invitation' }).click();
		const status = page.locator('.invited[role="status"]');
		await expect(status.textContent()).resolves.toContain('We emailed them a link');
		const copyLink = await status
			.locator('input, code, a')
			.first()
			.evaluate((el) => (el instanceof HTMLInputElement ? el.value : (el.textContent ?? '')));
		expect(copyLink).toContain('/invite/');
		await shoot(page, 'auth-05-invited');
		await owner.close();

		const mail = await nextMail(invitee);
		expect(mail.Subject).toBe('You have been invited to Coachline');
		expect(mail.Text).toContain('Northside Strength');
		const link = linkIn(mail, '/invite/');
		expect(link.split('?')[0]).toBe(copyLink.trim());

		const guest = await context(PHONE);
		const g = await guest.newPage();
		await g.goto(link);
		await hydrated(g);
		expect(new URL(g.url()).pathname).toBe(new URL(copyLink.trim()).pathname);
		await g.getByText('Northside Strength').first().waitFor();
		await shoot(g, 'auth-06-invitation-landing');
		await g.getByRole('button', { name: /accept|join/i }).click();
		await g.waitForURL('**/org/northside**');
		await guest.close();
	});

	it('turns on two-factor sign-in in settings; the next sign-in asks for the code', async () => {
		const email = await person('twofactor');
		const ctx = await context();
		const page = await ctx.newPage();
		await signInOn(page, email, PASSWORD);
		await open(page, '/settings/account');
		await shoot(page, 'auth-07-2fa-off');
		await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
		const secret = (await page.locator('code.secret').textContent())!.trim();
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		// The QR code is a real image the browser decoded, not a broken one.
		const qrWidth = await page
			.getByRole('img', { name: /QR code/ })
			.evaluate((img) => (img as HTMLImageElement).naturalWidth);
		expect(qrWidth).toBeGreaterThan(0);
		await shoot(page, 'auth-08-2fa-enroll');
		await page.getByLabel('Code from the app').fill('000000');
		await page.getByRole('button', { name: 'Turn on' }).click();
		await page.getByText('That code is not right').waitFor();
		await page.getByLabel('Code from the app').fill(totp(secret));
		await page.getByRole('button', { name: 'Turn on' }).click();
		await page.getByRole('status').filter({ hasText: 'Two-factor sign-in is on' }).waitFor();
		await shoot(page, 'auth-09-2fa-on');
		await phoneShot(browser, ctx, '/settings/account', 'auth-09-2fa-on');
		await ctx.close();

		const later = await context();
		const p = await later.newPage();
		await open(p, '/login?next=/profile');
		await p.getByLabel('Email').fill(email);
		await p.getByLabel('Password').fill(PASSWORD);
		await p.getByRole('button', { name: 'Sign in' }).click();
		await p.waitForURL('**/login/mfa**');
		await hydrated(p);
		// Nothing else opens until the code is given.
		await open(p, '/profile');
		expect(new URL(p.url()).pathname).toBe('/login/mfa');
		await shoot(p, 'auth-10-mfa-code');
		await phoneShot(browser, later, '/login/mfa', 'auth-10-mfa-code');
		await p.getByLabel('Code').fill('123456' === totp(secret) ? '654321' : '123456');
		await p.getByRole('button', { name: 'Verify' }).click();
		await p.getByText('That code is not right').waitFor();
		await p.getByLabel('Code').fill(totp(secret));
		await p.getByRole('button', { name: 'Verify' }).click();
		await p.waitForURL('**/profile');
		expect(new URL(p.url()).pathname).toBe('/profile');
		await later.close();
	});
});
