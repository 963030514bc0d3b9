// GoTrue's PKCE flow for the mailed links, through supabase-js with flowType 'pkce': the client
// sends a code challenge with signInWithOtp / resetPasswordForEmail / signUp / updateUser, the
// mailed link (GoTrue's default templates: /verify) redirects with ?code=, and the same client
// exchanges it with its code verifier for a session. Runs on a second gateway over the test
// database with the default templates, confirmations on and no resend pacing, reading its own
// mail catcher.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import type postgres from 'postgres';
import { ANON_KEY, adminSql, uniqueEmail } from '../support/stack.ts';
import { startSecondGateway, type SecondGateway } from '../support/second-gateway.ts';
import { PASSWORD, signedUpUser, V } from './auth-helpers.ts';

const APP = 'http://127.0.0.1:5173';

let gateway: SecondGateway;
let sql: postgres.Sql;

const pkceClient = (): SupabaseClient => gateway.client('pkce');
const mailTo = (address: string, n = 1) => gateway.mailTo(address, n);

const linkOf = (mail: { HTML: string }) =>
	mail.HTML.match(/href="([^"]+)"/)![1].replace(/&amp;/g, '&');

/** Follows the mailed link as a browser would and returns where /verify sent it. */
async function follow(link: string): Promise<URL> {
	const r = await fetch(link, { redirect: 'manual' });
	expect(r.status).toBe(303);
	return new URL(r.headers.get('location')!);
}

async function tokenPkce(body: Record<string, unknown>) {
	const r = await fetch(`${gateway.url}/auth/v1/token?grant_type=pkce`, {
		method: 'POST',
		headers: { apikey: ANON_KEY, 'content-type': 'application/json', ...V },
		body: JSON.stringify(body)
	});
	return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

beforeAll(async () => {
	sql = adminSql();
	// GoTrue's default templates (the mailed links go through /verify), confirmations on, no pacing.
	gateway = await startSecondGateway({ enableConfirmations: true, maxFrequency: 0, templates: {} });
});
afterAll(async () => {
	await gateway?.close();
	await sql?.end();
});

describe('PKCE through the mailed link', () => {
	it('magic link: /verify redirects with ?code=, the client exchanges it once', async () => {
		const { user } = await signedUpUser(uniqueEmail('pkcemagic'));
		const email = user.email!;
		const client = pkceClient();
		const sent = await client.auth.signInWithOtp({
			email,
			options: { shouldCreateUser: false, emailRedirectTo: `${APP}/welcome` }
		});
		expect(sent.error).toBeNull();
		const [flow] = await sql<{ method: string; provider: string; challenge_method: string }[]>`
			select authentication_method as method, provider_type as provider,
				code_challenge_method::text as challenge_method
			from auth.flow_state where user_id = ${user.id}`;
		expect(flow).toEqual({ method: 'magiclink', provider: 'magiclink', challenge_method: 's256' });
		const link = linkOf(await mailTo(email));
		expect(link).toContain('/auth/v1/verify?token=pkce_');
		const to = await follow(link);
		expect(`${to.origin}${to.pathname}`).toBe(`${APP}/welcome`);
		expect(to.hash).toBe('');
		const code = to.searchParams.get('code')!;
		expect(code).toMatch(/^[0-9a-f-]{36}$/);

		const { data, error } = await client.auth.exchangeCodeForSession(code);
		expect(error).toBeNull();
		expect(data.session?.user.email).toBe(email);
		const claims = decodeJwt(data.session!.access_token);
		expect(claims.sub).toBe(user.id);
		expect((claims.amr as { method: string }[])[0].method).toBe('magiclink');
		// The flow is spent: the same code again finds nothing, and so does the link.
		const again = await tokenPkce({ auth_code: code, code_verifier: 'x'.repeat(43) });
		expect(again).toMatchObject({ status: 404, json: { code: 'flow_state_not_found' } });
		const spent = await follow(link);
		expect(spent.searchParams.get('error_code')).toBe('otp_expired');
		expect(new URLSearchParams(spent.hash.slice(1)).get('error_code')).toBe('otp_expired');
	});

	it('password reset: a wrong verifier is refused, the right one signs in for the new password', async () => {
		const { user } = await signedUpUser(uniqueEmail('pkcereset'));
		const email = user.email!;
		const client = pkceClient();
		const sent = await client.auth.resetPasswordForEmail(email, {
			redirectTo: `${APP}/reset-password`
		});
		expect(sent.error).toBeNull();
		const to = await follow(linkOf(await mailTo(email)));
		expect(to.pathname).toBe('/reset-password');
		const code = to.searchParams.get('code')!;

		const wrong = await tokenPkce({ auth_code: code, code_verifier: 'y'.repeat(64) });
		expect(wrong).toEqual({
			status: 400,
			json: {
				code: 'bad_code_verifier',
				message: 'code challenge does not match previously saved code verifier'
			}
		});
		const { data, error } = await client.auth.exchangeCodeForSession(code);
		expect(error).toBeNull();
		// auth-js remembers the verifier was for a password reset and says so (its types omit it).
		expect((data as { redirectType?: string }).redirectType).toBe('recovery');
		const claims = decodeJwt(data.session!.access_token);
		expect((claims.amr as { method: string }[])[0].method).toBe('recovery');
		const update = await client.auth.updateUser({ password: 'a-brand-new-pass-1' });
		expect(update.error).toBeNull();
		const signIn = await pkceClient().auth.signInWithPassword({
			email,
			password: 'a-brand-new-pass-1'
		});
		expect(signIn.error).toBeNull();
	});

	it('signup with confirmations: the confirmation link leads to a code that confirms and signs in', async () => {
		const email = uniqueEmail('pkcesignup');
		const client = pkceClient();
		const { data, error } = await client.auth.signUp({
			email,
			password: PASSWORD,
			options: { emailRedirectTo: `${APP}/welcome` }
		});
		expect(error).toBeNull();
		expect(data.session).toBeNull();
		const mail = await mailTo(email);
		expect(mail.Subject).toBe('Confirm Your Signup');
		const code = (await follow(linkOf(mail))).searchParams.get('code')!;
		const exchanged = await client.auth.exchangeCodeForSession(code);
		expect(exchanged.error).toBeNull();
		expect(exchanged.data.user?.email).toBe(email);
		expect(exchanged.data.user?.email_confirmed_at).toBeTruthy();
	});

	it('an auth code redeemed too late answers flow_state_expired', async () => {
		const { user } = await signedUpUser(uniqueEmail('pkcelate'));
		const client = pkceClient();
		await client.auth.signInWithOtp({ email: user.email!, options: { shouldCreateUser: false } });
		const code = (await follow(linkOf(await mailTo(user.email!)))).searchParams.get('code')!;
		// GoTrue's flow state lives 300 s from the moment the link issued its code.
		await sql`
			update auth.flow_state set auth_code_issued_at = now() - interval '301 seconds'
			where auth_code = ${code}`;
		const { error } = await client.auth.exchangeCodeForSession(code);
		expect(error).toMatchObject({ status: 422, code: 'flow_state_expired' });
	});

	it('the typed code still signs in directly, and a half-given challenge is refused', async () => {
		const { user } = await signedUpUser(uniqueEmail('pkcecode'));
		const email = user.email!;
		const client = pkceClient();
		await client.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
		const token = (await mailTo(email)).Text.match(/\b\d{6}\b/)![0];
		const { data, error } = await client.auth.verifyOtp({ email, token, type: 'email' });
		expect(error).toBeNull();
		expect(data.session?.user.id).toBe(user.id);

		const half = await fetch(`${gateway.url}/auth/v1/otp`, {
			method: 'POST',
			headers: { apikey: ANON_KEY, 'content-type': 'application/json', ...V },
			body: JSON.stringify({ email, code_challenge: 'z'.repeat(43) })
		});
		expect(half.status).toBe(400);
		expect(await half.json()).toEqual({
			code: 'validation_failed',
			message: 'PKCE flow requires code_challenge_method and code_challenge'
		});
		const empty = await tokenPkce({ auth_code: '', code_verifier: '' });
		expect(empty).toMatchObject({ status: 400, json: { code: 'validation_failed' } });
	});
});
