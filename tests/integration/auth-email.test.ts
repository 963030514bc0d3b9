// Auth's mail flows through the official supabase-js, each read back from the mail catcher the
// way a person reads their inbox: recovery, magic link and email code, the /verify link,
// invitations and generate_link, reauthentication; then, on a second gateway over the same
// database with enable_confirmations, double_confirm_changes and anonymous sign-ins switched on,
// signup confirmation, resend and the email change confirmed from both addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { anonClient, serviceClient, uniqueEmail } from '../support/stack.ts';
import { codeIn, linkIn, mailCount, nextMail } from '../support/mail.ts';
import { startSecondGateway, type SecondGateway } from '../support/second-gateway.ts';
import { authFetch, PASSWORD, signedUpUser, V } from './auth-helpers.ts';

const APP = 'http://127.0.0.1:5173';

describe('password recovery', () => {
	it('mails a link and a code; the code signs in (amr recovery) and the password can be set', async () => {
		const { user } = await signedUpUser(uniqueEmail('forgot'));
		const email = user.email!;
		const client = anonClient();
		const seen = await mailCount(email);
		const { error } = await client.auth.resetPasswordForEmail(email, {
			redirectTo: `${APP}/reset-password`
		});
		expect(error).toBeNull();
		const mail = await nextMail(email, seen);
		expect(mail.Subject).toBe('Reset your Coachline password');
		expect(linkIn(mail, '/reset-password')).toMatch(/token_hash=[0-9a-f]{56}&type=recovery$/);
		const { data, error: verr } = await client.auth.verifyOtp({
			email,
			token: codeIn(mail),
			type: 'recovery'
		});
		expect(verr).toBeNull();
		expect(decodeJwt(data.session!.access_token).amr).toEqual([
			expect.objectContaining({ method: 'recovery' })
		]);
		const { error: uerr } = await client.auth.updateUser({ password: 'a-new-password-7' });
		expect(uerr).toBeNull();
		const again = await anonClient().auth.signInWithPassword({
			email,
			password: 'a-new-password-7'
		});
		expect(again.error).toBeNull();
		// The code is spent: a second use is refused.
		const reuse = await anonClient().auth.verifyOtp({
			email,
			token: codeIn(mail),
			type: 'recovery'
		});
		expect(reuse.error).toMatchObject({ status: 403, code: 'otp_expired' });
	});

	it('the link (token_hash) verifies once; a wrong code and a second request too soon are refused', async () => {
		const { user } = await signedUpUser(uniqueEmail('forgot2'));
		const email = user.email!;
		const seen = await mailCount(email);
		await anonClient().auth.resetPasswordForEmail(email, { redirectTo: `${APP}/reset-password` });
		const link = new URL(linkIn(await nextMail(email, seen), '/reset-password'));
		const wrong = await anonClient().auth.verifyOtp({ email, token: '000000', type: 'recovery' });
		expect(wrong.error).toMatchObject({ status: 403, code: 'otp_expired' });
		const soon = await anonClient().auth.resetPasswordForEmail(email);
		expect(soon.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' });
		const hash = link.searchParams.get('token_hash')!;
		const ok = await anonClient().auth.verifyOtp({ token_hash: hash, type: 'recovery' });
		expect(ok.error).toBeNull();
		expect(ok.data.user?.email).toBe(email);
		const twice = await anonClient().auth.verifyOtp({ token_hash: hash, type: 'recovery' });
		expect(twice.error).toMatchObject({ status: 403, code: 'otp_expired' });
	});

	it('answers {} for an unknown address and sends nothing', async () => {
		const email = uniqueEmail('ghost');
		const { data, error } = await anonClient().auth.resetPasswordForEmail(email);
		expect(error).toBeNull();
		expect(data).toEqual({});
		expect(await mailCount(email)).toBe(0);
	});
});

describe('magic link and email code', () => {
	it('signs an existing user in with the mailed code (amr otp)', async () => {
		const { user } = await signedUpUser(uniqueEmail('magic'));
		const email = user.email!;
		const seen = await mailCount(email);
		const { error } = await anonClient().auth.signInWithOtp({
			email,
			options: { shouldCreateUser: false, emailRedirectTo: `${APP}/` }
		});
		expect(error).toBeNull();
		const mail = await nextMail(email, seen);
		expect(mail.Subject).toBe('Your Coachline sign-in link');
		const { data, error: verr } = await anonClient().auth.verifyOtp({
			email,
			token: codeIn(mail),
			type: 'email'
		});
		expect(verr).toBeNull();
		expect(decodeJwt(data.session!.access_token)).toMatchObject({
			aal: 'aal1',
			amr: [expect.objectContaining({ method: 'otp' })]
		});
	});

	it('creates an unconfirmed user for a new address; the code confirms it', async () => {
		const email = uniqueEmail('newmagic');
		const { error } = await anonClient().auth.signInWithOtp({ email });
		expect(error).toBeNull();
		const mail = await nextMail(email);
		const { data } = await anonClient().auth.verifyOtp({
			email,
			token: codeIn(mail),
			type: 'email'
		});
		expect(data.user?.email_confirmed_at).toBeTruthy();
	});

	it('refuses an unknown address with shouldCreateUser false (otp_disabled)', async () => {
		const email = uniqueEmail('nomagic');
		const { error } = await anonClient().auth.signInWithOtp({
			email,
			options: { shouldCreateUser: false }
		});
		expect(error).toMatchObject({ status: 422, code: 'otp_disabled' });
		expect(await mailCount(email)).toBe(0);
	});

	it('GET /verify redirects with the session in the fragment, or the error once spent', async () => {
		const { user } = await signedUpUser(uniqueEmail('verifyget'));
		const email = user.email!;
		const { data } = await serviceClient().auth.admin.generateLink({
			type: 'magiclink',
			email,
			options: { redirectTo: `${APP}/welcome` }
		});
		const link = data.properties!.action_link;
		expect(link).toContain('/auth/v1/verify?token=');
		const first = await fetch(link, { redirect: 'manual' });
		expect(first.status).toBe(303);
		const to = new URL(first.headers.get('location')!);
		expect(`${to.origin}${to.pathname}`).toBe(`${APP}/welcome`);
		const fragment = new URLSearchParams(to.hash.slice(1));
		expect(fragment.get('type')).toBe('magiclink');
		expect(decodeJwt(fragment.get('access_token')!).email).toBe(email);
		const second = await fetch(link, { redirect: 'manual' });
		const err = new URLSearchParams(new URL(second.headers.get('location')!).hash.slice(1));
		expect(err.get('error_code')).toBe('otp_expired');
		expect(err.get('error_description')).toBe('Email link is invalid or has expired');
	});

	it('a redirect outside site_url and additional_redirect_urls falls back to site_url', async () => {
		const { user } = await signedUpUser(uniqueEmail('redirect'));
		const { data } = await serviceClient().auth.admin.generateLink({
			type: 'recovery',
			email: user.email!,
			options: { redirectTo: 'https://evil.example/steal' }
		});
		expect(data.properties!.redirect_to).toBe(APP);
	});

	it('POST /verify without a type or token says what is missing', async () => {
		const noType = await authFetch('/verify', { method: 'POST', headers: V, body: { token: '1' } });
		expect(noType.status).toBe(400);
		expect(noType.json).toMatchObject({ code: 'validation_failed' });
		const badType = await authFetch('/verify', {
			method: 'POST',
			headers: V,
			body: { type: 'sms_login', token_hash: 'x' }
		});
		expect(badType.json).toMatchObject({
			code: 'validation_failed',
			message: 'Unsupported verification type'
		});
	});
});

describe('invitations and generate_link', () => {
	it('invites a new address by mail; the link signs the invited person in', async () => {
		const email = uniqueEmail('invited');
		const { data, error } = await serviceClient().auth.admin.inviteUserByEmail(email, {
			data: { organization: 'Northside Strength', invited_by: 'Olivia Hart' },
			redirectTo: `${APP}/invite/some-token`
		});
		expect(error).toBeNull();
		expect(data.user?.invited_at).toBeTruthy();
		expect(data.user?.email_confirmed_at).toBeUndefined();
		const mail = await nextMail(email);
		expect(mail.Subject).toBe('You have been invited to Coachline');
		expect(mail.Text).toContain('Olivia Hart invited');
		const hash = new URL(linkIn(mail, '/invite/')).searchParams.get('token_hash')!;
		const v = await anonClient().auth.verifyOtp({ token_hash: hash, type: 'invite' });
		expect(v.error).toBeNull();
		expect(v.data.user?.email_confirmed_at).toBeTruthy();
		expect(decodeJwt(v.data.session!.access_token).amr).toEqual([
			expect.objectContaining({ method: 'invite' })
		]);
	});

	it('refuses to invite a registered address (email_exists), and anyone but the service role', async () => {
		const { user } = await signedUpUser(uniqueEmail('member'));
		const { error } = await serviceClient().auth.admin.inviteUserByEmail(user.email!);
		expect(error).toMatchObject({ status: 422, code: 'email_exists' });
		const r = await authFetch('/invite', { method: 'POST', headers: V, body: { email: 'x@y.co' } });
		expect(r.status).toBe(403);
		expect(r.json).toMatchObject({ code: 'not_admin' });
	});

	it('signing up as an invited (unconfirmed) address signs in but keeps the account as it was', async () => {
		const email = uniqueEmail('invitedsignup');
		const { data: invited } = await serviceClient().auth.admin.inviteUserByEmail(email);
		const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD });
		expect(error).toBeNull();
		expect(data.user?.id).toBe(invited.user!.id);
		expect(data.session).not.toBeNull();
		// As GoTrue: the password of this request is not taken for an address it cannot vouch for.
		const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(signIn.error).toMatchObject({ code: 'invalid_credentials' });
		const again = await anonClient().auth.signUp({ email, password: PASSWORD });
		expect(again.error).toMatchObject({ status: 422, code: 'user_already_exists' });
	});

	it('generate_link answers the link and code without sending mail', async () => {
		const { user } = await signedUpUser(uniqueEmail('genlink'));
		const email = user.email!;
		const seen = await mailCount(email);
		const { data, error } = await serviceClient().auth.admin.generateLink({
			type: 'recovery',
			email
		});
		expect(error).toBeNull();
		expect(data.user?.id).toBe(user.id);
		expect(data.properties).toMatchObject({
			verification_type: 'recovery',
			email_otp: expect.stringMatching(/^\d{6}$/),
			hashed_token: expect.stringMatching(/^[0-9a-f]{56}$/)
		});
		expect(await mailCount(email)).toBe(seen);
		const v = await anonClient().auth.verifyOtp({
			email,
			token: data.properties!.email_otp,
			type: 'recovery'
		});
		expect(v.error).toBeNull();
		const missing = await serviceClient().auth.admin.generateLink({
			type: 'magiclink',
			email: uniqueEmail('nouser')
		});
		expect(missing.error).toMatchObject({ status: 404, code: 'user_not_found' });
	});
});

describe('reauthentication', () => {
	it('mails a code that a password change can carry as its nonce; a wrong nonce is refused', async () => {
		const { client, user } = await signedUpUser(uniqueEmail('reauth'));
		const seen = await mailCount(user.email!);
		expect((await client.auth.reauthenticate()).error).toBeNull();
		const code = codeIn(await nextMail(user.email!, seen));
		const bad = await client.auth.updateUser({ password: 'another-pass-9', nonce: '000000' });
		expect(bad.error).toMatchObject({ status: 422, code: 'reauthentication_not_valid' });
		const ok = await client.auth.updateUser({ password: 'another-pass-9', nonce: code });
		expect(ok.error).toBeNull();
	});
});

describe('disabled providers and grants', () => {
	it('answers GoTrue codes for anonymous sign-in when off, pkce without a flow, id_token', async () => {
		const anon = await anonClient().auth.signInAnonymously();
		expect(anon.error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' });
		const pkce = await authFetch('/token?grant_type=pkce', {
			method: 'POST',
			headers: V,
			body: { auth_code: 'x', code_verifier: 'y' }
		});
		expect(pkce.status).toBe(404);
		expect(pkce.json).toMatchObject({ code: 'flow_state_not_found' });
		const idToken = await anonClient().auth.signInWithIdToken({ provider: 'google', token: 'x' });
		expect(idToken.error).toMatchObject({ status: 400, code: 'provider_disabled' });
		const oauth = await authFetch('/authorize?provider=github', { headers: V });
		expect(oauth.status).toBe(400);
		const settings = await authFetch('/settings');
		expect(settings.json).toMatchObject({
			mailer_autoconfirm: true,
			external: { email: true, anonymous_users: false }
		});
	});
});

describe('with enable_confirmations, double_confirm_changes and anonymous sign-ins on', () => {
	let gateway: SecondGateway;
	const client = () => gateway.client();

	beforeAll(async () => {
		gateway = await startSecondGateway({
			enableConfirmations: true,
			doubleConfirmChanges: true,
			enableAnonymousSignIns: true,
			maxFrequency: 0
		});
	});
	afterAll(async () => {
		await gateway?.close();
	});

	it('signup answers the user without a session and mails a confirmation; sign-in waits for it', async () => {
		const email = uniqueEmail('confirm');
		const { data, error } = await client().auth.signUp({ email, password: PASSWORD });
		expect(error).toBeNull();
		expect(data.session).toBeNull();
		expect(data.user?.confirmation_sent_at).toBeTruthy();
		const early = await client().auth.signInWithPassword({ email, password: PASSWORD });
		expect(early.error).toMatchObject({ code: 'email_not_confirmed' });
		const first = await gateway.mailTo(email, 1);
		expect(first.Subject).toBe('Confirm Your Signup');
		expect((await client().auth.resend({ type: 'signup', email })).error).toBeNull();
		const second = await gateway.mailTo(email, 2);
		// Only the newest code counts.
		const stale = await client().auth.verifyOtp({
			email,
			token: first.Text.match(/\b\d{6}\b/)![0],
			type: 'signup'
		});
		expect(stale.error).toMatchObject({ code: 'otp_expired' });
		const link = second.HTML.match(/href="([^"]+)"/)![1].replace(/&amp;/g, '&');
		const r = await fetch(link, { redirect: 'manual' });
		expect(new URLSearchParams(new URL(r.headers.get('location')!).hash.slice(1)).get('type')).toBe(
			'signup'
		);
		const later = await client().auth.signInWithPassword({ email, password: PASSWORD });
		expect(later.error).toBeNull();
	});

	it('signup of a confirmed address answers a look-alike user with no identities and mails nothing', async () => {
		const { user } = await signedUpUser(uniqueEmail('taken'));
		const { data, error } = await client().auth.signUp({ email: user.email!, password: PASSWORD });
		expect(error).toBeNull();
		expect(data.user?.identities).toEqual([]);
		expect(data.user?.id).not.toBe(user.id);
		expect(gateway.mailsTo(user.email!)).toHaveLength(0);
	});

	it('an email change is applied only once both addresses confirmed', async () => {
		const email = uniqueEmail('change');
		await client().auth.signUp({ email, password: PASSWORD });
		const confirm = await gateway.mailTo(email, 1);
		const c = client();
		await c.auth.verifyOtp({ email, token: confirm.Text.match(/\b\d{6}\b/)![0], type: 'signup' });
		const newEmail = uniqueEmail('changed');
		const { data, error } = await c.auth.updateUser({ email: newEmail });
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.new_email).toBe(newEmail);
		const toNew = await gateway.mailTo(newEmail, 1);
		const toOld = await gateway.mailTo(email, 2);
		const code = (m: { Text: string }) => m.Text.match(/\b\d{6}\b/)![0];
		const half = await c.auth.verifyOtp({
			email: newEmail,
			token: code(toNew),
			type: 'email_change'
		});
		expect(half.error).toBeNull();
		expect(half.data.session).toBeNull();
		expect((await c.auth.getUser()).data.user?.email).toBe(email);
		const done = await c.auth.verifyOtp({ email, token: code(toOld), type: 'email_change' });
		expect(done.error).toBeNull();
		expect(done.data.user?.email).toBe(newEmail);
	});

	it('signs in anonymously: is_anonymous in the user and the JWT, amr anonymous', async () => {
		const { data, error } = await client().auth.signInAnonymously();
		expect(error).toBeNull();
		expect(data.user?.is_anonymous).toBe(true);
		expect(decodeJwt(data.session!.access_token)).toMatchObject({
			is_anonymous: true,
			role: 'authenticated',
			amr: [expect.objectContaining({ method: 'anonymous' })]
		});
	});
});
