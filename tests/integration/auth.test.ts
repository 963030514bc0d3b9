// Auth through the official supabase-js: sign-up, sign-in, refresh rotation, the user, sign-out.
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AuthApiError } from '@supabase/supabase-js';
import { adminSql, anonClient, apiUrl, uniqueEmail } from '../support/stack.ts';
import { authFetch, PASSWORD, signedUpUser, V } from './auth-helpers.ts';

const sql = adminSql();
afterAll(() => sql.end());

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function sessionsOf(userId: string): Promise<number> {
	const [{ n }] = await sql<{ n: string }[]>`
		select count(*) as n from auth.sessions where user_id = ${userId}`;
	return Number(n);
}

describe('signUp', () => {
	it('returns a session whose access token carries exactly Supabase claims', async () => {
		const email = uniqueEmail('Claims').replace('claims', 'CLAIMS');
		const before = Math.floor(Date.now() / 1000);
		const { session, user } = await signedUpUser(email, { display_name: 'Claire' });

		expect(session.token_type).toBe('bearer');
		expect(session.expires_in).toBe(3600);
		expect(session.refresh_token).toMatch(/^[a-z0-9]{12,}$/);
		expect(user.email).toBe(email.toLowerCase());
		expect(user.aud).toBe('authenticated');
		expect(user.role).toBe('authenticated');
		expect(user.email_confirmed_at).toBeTruthy();
		expect(user.phone).toBe('');
		expect(user.is_anonymous).toBe(false);
		expect(user.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
		expect(user.user_metadata).toEqual({ display_name: 'Claire' });
		expect(user.identities).toHaveLength(1);
		expect(user.identities?.[0]).toMatchObject({
			id: user.id,
			user_id: user.id,
			provider: 'email',
			email: email.toLowerCase(),
			identity_data: {
				sub: user.id,
				email: email.toLowerCase(),
				email_verified: true,
				phone_verified: false
			}
		});
		expect(JSON.stringify(user)).not.toMatch(/encrypted_password|\$2[aby]\$/);

		expect(decodeProtectedHeader(session.access_token)).toEqual({ alg: 'HS256', typ: 'JWT' });
		const claims = decodeJwt(session.access_token);
		expect(Object.keys(claims).sort()).toEqual(
			[
				'aal',
				'amr',
				'app_metadata',
				'aud',
				'email',
				'exp',
				'iat',
				'is_anonymous',
				'iss',
				'phone',
				'role',
				'session_id',
				'sub',
				'user_metadata'
			].sort()
		);
		expect(claims.iss).toBe(`${apiUrl()}/auth/v1`);
		expect(claims.sub).toBe(user.id);
		expect(claims.aud).toBe('authenticated');
		expect(claims.iat).toBeGreaterThanOrEqual(before - 1);
		expect(claims.exp).toBe((claims.iat as number) + 3600);
		expect(session.expires_at).toBe(claims.exp);
		expect(claims.email).toBe(email.toLowerCase());
		expect(claims.phone).toBe('');
		expect(claims.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
		expect(claims.user_metadata).toEqual({ display_name: 'Claire' });
		expect(claims.role).toBe('authenticated');
		expect(claims.aal).toBe('aal1');
		expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
		expect((claims.amr as { timestamp: number }[])[0].timestamp).toBeGreaterThanOrEqual(before - 1);
		expect(claims.session_id).toMatch(UUID_RE);
		expect(claims.is_anonymous).toBe(false);
	});

	it('writes auth.users and auth.identities rows the way GoTrue does', async () => {
		const email = uniqueEmail('rows');
		const { user, session } = await signedUpUser(email);
		const [row] = await sql`select * from auth.users where id = ${user.id}`;
		expect(row.instance_id).toBe('00000000-0000-0000-0000-000000000000');
		expect(row.aud).toBe('authenticated');
		expect(row.role).toBe('authenticated');
		expect(row.email).toBe(email);
		expect(row.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
		for (const col of [
			'confirmation_token',
			'recovery_token',
			'email_change_token_new',
			'email_change',
			'email_change_token_current',
			'phone_change',
			'phone_change_token',
			'reauthentication_token'
		]) {
			expect(row[col], col).toBe('');
		}
		expect(row.raw_app_meta_data).toEqual({ provider: 'email', providers: ['email'] });
		expect(row.email_confirmed_at).toBeInstanceOf(Date);
		expect(row.last_sign_in_at).toBeInstanceOf(Date);
		expect(row.is_anonymous).toBe(false);
		const identities = await sql`select * from auth.identities where user_id = ${user.id}`;
		expect(identities).toHaveLength(1);
		expect(identities[0].provider).toBe('email');
		expect(identities[0].provider_id).toBe(user.id);
		const claims = decodeJwt(session.access_token);
		const [s] = await sql`select * from auth.sessions where id = ${claims.session_id as string}`;
		expect(s.user_id).toBe(user.id);
		expect(s.aal).toBe('aal1');
		const [rt] =
			await sql`select * from auth.refresh_tokens where token = ${session.refresh_token}`;
		expect(rt.user_id).toBe(user.id);
		expect(rt.revoked).toBe(false);
		expect(rt.parent).toBeNull();
	});

	it('fires triggers on auth.users (the profile row) when the migrations define them', async () => {
		const [{ exists }] = await sql`select to_regclass('public.profiles') is not null as exists`;
		if (!exists) return;
		const { user } = await signedUpUser(uniqueEmail('profile'), { display_name: 'Pat Profile' });
		const rows = await sql`select display_name from public.profiles where id = ${user.id}`;
		expect(rows).toEqual([{ display_name: 'Pat Profile' }]);
	});

	it('turns an error raised by a trigger into a clean 422 and leaves no partial user', async () => {
		await sql.unsafe(`
			create schema if not exists coachline_auth_test;
			create or replace function coachline_auth_test.reject() returns trigger
			language plpgsql as $$ begin
				if new.raw_user_meta_data ? 'reject_me' then raise exception 'rejected by test trigger'; end if;
				return new;
			end $$;
			create trigger zz_coachline_auth_test_reject after insert on auth.users
				for each row execute function coachline_auth_test.reject();`);
		try {
			const email = uniqueEmail('rejected');
			const { data, error } = await anonClient().auth.signUp({
				email,
				password: PASSWORD,
				options: { data: { reject_me: true } }
			});
			expect(data.session).toBeNull();
			expect(error).toBeInstanceOf(AuthApiError);
			expect(error?.status).toBe(422);
			expect(error?.code).toBe('validation_failed');
			expect(error?.message).toContain('rejected by test trigger');
			expect(await sql`select 1 from auth.users where email = ${email}`).toHaveLength(0);
			expect(await sql`select 1 from auth.identities where email = ${email}`).toHaveLength(0);
		} finally {
			await sql.unsafe(`drop trigger zz_coachline_auth_test_reject on auth.users;
				drop schema coachline_auth_test cascade;`);
		}
	});

	it('refuses a duplicate email with user_already_exists, whatever its case', async () => {
		const email = uniqueEmail('dup');
		await signedUpUser(email);
		const { data, error } = await anonClient().auth.signUp({
			email: email.toUpperCase(),
			password: PASSWORD
		});
		expect(data.user).toBeNull();
		expect(error).toBeInstanceOf(AuthApiError);
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('user_already_exists');
		expect(error?.message).toBe('User already registered');
	});

	it('refuses a short password with weak_password and its reasons', async () => {
		const { error } = await anonClient().auth.signUp({
			email: uniqueEmail('weak'),
			password: 'abc'
		});
		expect(error?.name).toBe('AuthWeakPasswordError');
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('weak_password');
		expect((error as unknown as { reasons: string[] }).reasons).toEqual(['length']);
		expect(error?.message).toBe('Password should be at least 8 characters.');
	});

	it('refuses a malformed email and a missing password with validation_failed', async () => {
		const bad = await authFetch('/signup', {
			method: 'POST',
			headers: V,
			body: { email: 'not-an-email', password: PASSWORD }
		});
		expect(bad.status).toBe(400);
		expect(bad.json).toEqual({
			code: 'validation_failed',
			message: 'Unable to validate email address: invalid format'
		});
		const missing = await authFetch('/signup', {
			method: 'POST',
			headers: V,
			body: { email: uniqueEmail('nopw') }
		});
		expect(missing.status).toBe(400);
		expect(missing.json?.code).toBe('validation_failed');
		const anonymous = await authFetch('/signup', { method: 'POST', headers: V, body: {} });
		expect(anonymous.status).toBe(422);
		expect(anonymous.json?.code).toBe('anonymous_provider_disabled');
	});
});

describe('signInWithPassword', () => {
	it('signs in with the right password and answers invalid_credentials otherwise', async () => {
		const email = uniqueEmail('signin');
		const { user } = await signedUpUser(email);
		const client = anonClient();
		const ok = await client.auth.signInWithPassword({
			email: email.toUpperCase(),
			password: PASSWORD
		});
		expect(ok.error).toBeNull();
		expect(ok.data.user?.id).toBe(user.id);
		expect(ok.data.session?.access_token).toBeTruthy();
		expect(await sessionsOf(user.id)).toBe(2);

		for (const creds of [
			{ email, password: 'wrong-password' },
			{ email: uniqueEmail('nobody'), password: PASSWORD }
		]) {
			const bad = await anonClient().auth.signInWithPassword(creds);
			expect(bad.data.session).toBeNull();
			expect(bad.error).toBeInstanceOf(AuthApiError);
			expect(bad.error?.status).toBe(400);
			expect(bad.error?.code).toBe('invalid_credentials');
			expect(bad.error?.message).toBe('Invalid login credentials');
		}
	});

	it('verifies a seed-style user whose hash pgcrypto made with crypt()', async () => {
		const email = uniqueEmail('seeded');
		const [{ id }] = await sql<{ id: string }[]>`
			insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
				email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
				confirmation_token, recovery_token, email_change_token_new, email_change)
			values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
				'authenticated', ${email}, extensions.crypt('seed-password-1', extensions.gen_salt('bf')),
				now(), '{"provider":"email","providers":["email"]}', '{}', now(), now(), '', '', '', '')
			returning id`;
		const [{ hash }] =
			await sql`select encrypted_password as hash from auth.users where id = ${id}`;
		expect(hash).toMatch(/^\$2a\$06\$/);
		const { data, error } = await anonClient().auth.signInWithPassword({
			email,
			password: 'seed-password-1'
		});
		expect(error).toBeNull();
		expect(data.user?.id).toBe(id);
	});

	it('refuses a user created by an admin without email_confirm', async () => {
		const email = uniqueEmail('unconfirmed');
		await sql`
			insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
				raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
			values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
				'authenticated', ${email}, extensions.crypt(${PASSWORD}, extensions.gen_salt('bf')),
				'{}', '{}', now(), now())`;
		const { error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(error?.code).toBe('email_not_confirmed');
		expect(error?.status).toBe(400);
	});
});

describe('refreshSession', () => {
	it('rotates the refresh token and treats late reuse as theft, revoking the chain', async () => {
		const { client, session, user } = await signedUpUser(uniqueEmail('rotate'));
		const first = session.refresh_token;
		const r1 = await client.auth.refreshSession({ refresh_token: first });
		expect(r1.error).toBeNull();
		const second = r1.data.session?.refresh_token as string;
		expect(second).toBeTruthy();
		expect(second).not.toBe(first);
		expect(r1.data.user?.id).toBe(user.id);
		const c0 = decodeJwt(session.access_token);
		const c1 = decodeJwt(r1.data.session?.access_token as string);
		expect(c1.session_id).toBe(c0.session_id);
		expect(c1.amr).toEqual(c0.amr);
		const [child] =
			await sql`select parent, revoked from auth.refresh_tokens where token = ${second}`;
		expect(child).toEqual({ parent: first, revoked: false });
		const [parent] = await sql`select revoked from auth.refresh_tokens where token = ${first}`;
		expect(parent.revoked).toBe(true);

		// Within refresh_token_reuse_interval a racing client gets the current token back.
		const again = await anonClient().auth.refreshSession({ refresh_token: first });
		expect(again.error).toBeNull();
		expect(again.data.session?.refresh_token).toBe(second);

		// Past the interval, reuse is refused and the whole session is revoked.
		await sql`update auth.refresh_tokens set updated_at = now() - interval '1 hour'
			where token = ${first}`;
		const reuse = await anonClient().auth.refreshSession({ refresh_token: first });
		expect(reuse.error).toBeInstanceOf(AuthApiError);
		expect(reuse.error?.status).toBe(400);
		expect(reuse.error?.code).toBe('refresh_token_already_used');
		expect(reuse.error?.message).toBe('Invalid Refresh Token: Already Used');

		const next = await anonClient().auth.refreshSession({ refresh_token: second });
		expect(next.error?.code).toBe('refresh_token_already_used');
		const me = await anonClient().auth.getUser(r1.data.session?.access_token);
		expect(me.data.user).toBeNull();
		expect(me.error?.name).toBe('AuthSessionMissingError');
		const live = await sql`select 1 from auth.refresh_tokens
			where session_id = ${c0.session_id as string} and revoked = false`;
		expect(live).toHaveLength(0);
	});

	it('answers refresh_token_not_found for an unknown token', async () => {
		const { error } = await anonClient().auth.refreshSession({ refresh_token: 'abcdefghijkl' });
		expect(error).toBeInstanceOf(AuthApiError);
		expect(error?.status).toBe(400);
		expect(error?.code).toBe('refresh_token_not_found');
		expect(error?.message).toBe('Invalid Refresh Token: Refresh Token Not Found');
	});
});

describe('the user', () => {
	it('getUser returns the signed-in user and getClaims the verified claims', async () => {
		const { client, user, session } = await signedUpUser(uniqueEmail('me'), { plan: 'pro' });
		const me = await client.auth.getUser();
		expect(me.error).toBeNull();
		expect(me.data.user?.id).toBe(user.id);
		expect(me.data.user?.user_metadata).toEqual({ plan: 'pro' });
		const claims = await client.auth.getClaims();
		expect(claims.error).toBeNull();
		expect(claims.data?.claims.sub).toBe(user.id);
		expect(claims.data?.claims.session_id).toBe(decodeJwt(session.access_token).session_id);
		expect(claims.data?.header.alg).toBe('HS256');
	});

	it('updateUser merges metadata, changes the email and the password', async () => {
		const email = uniqueEmail('update');
		const { client, user } = await signedUpUser(email, { a: 1, b: 2 });
		const meta = await client.auth.updateUser({ data: { b: null, c: 3 } });
		expect(meta.error).toBeNull();
		expect(meta.data.user?.user_metadata).toEqual({ a: 1, c: 3 });

		const newEmail = uniqueEmail('updated');
		const moved = await client.auth.updateUser({ email: newEmail.toUpperCase() });
		expect(moved.error).toBeNull();
		expect(moved.data.user?.email).toBe(newEmail);
		const [identity] = await sql`select email from auth.identities where user_id = ${user.id}`;
		expect(identity.email).toBe(newEmail);

		const weak = await client.auth.updateUser({ password: 'short' });
		expect(weak.error?.code).toBe('weak_password');
		const same = await client.auth.updateUser({ password: PASSWORD });
		expect(same.error?.code).toBe('same_password');
		const changed = await client.auth.updateUser({ password: 'a-brand-new-password' });
		expect(changed.error).toBeNull();

		const oldLogin = await anonClient().auth.signInWithPassword({
			email: newEmail,
			password: PASSWORD
		});
		expect(oldLogin.error?.code).toBe('invalid_credentials');
		const newLogin = await anonClient().auth.signInWithPassword({
			email: newEmail,
			password: 'a-brand-new-password'
		});
		expect(newLogin.error).toBeNull();
	});

	it('refuses an email that another user has with email_exists', async () => {
		const taken = uniqueEmail('taken');
		await signedUpUser(taken);
		const { client } = await signedUpUser(uniqueEmail('taker'));
		const { error } = await client.auth.updateUser({ email: taken });
		expect(error?.status).toBe(422);
		expect(error?.code).toBe('email_exists');
	});
});

describe('signOut', () => {
	async function threeSessions() {
		const email = uniqueEmail('signout');
		const first = await signedUpUser(email);
		const more = [anonClient(), anonClient()];
		for (const c of more) {
			const { error } = await c.auth.signInWithPassword({ email, password: PASSWORD });
			expect(error).toBeNull();
		}
		return { userId: first.user.id, clients: [first.client, ...more] };
	}

	const alive = async (c: ReturnType<typeof anonClient>, token: string) =>
		(await c.auth.getUser(token)).data.user !== null;

	it("scope 'others' ends every session but the caller's, then 'local' ends that one", async () => {
		const { userId, clients } = await threeSessions();
		const tokens = await Promise.all(
			clients.map(async (c) => (await c.auth.getSession()).data.session?.access_token as string)
		);
		expect(await sessionsOf(userId)).toBe(3);
		expect((await clients[0].auth.signOut({ scope: 'others' })).error).toBeNull();
		expect(await sessionsOf(userId)).toBe(1);
		expect(await alive(clients[0], tokens[0])).toBe(true);
		expect(await alive(clients[1], tokens[1])).toBe(false);
		expect((await clients[0].auth.signOut({ scope: 'local' })).error).toBeNull();
		expect(await sessionsOf(userId)).toBe(0);
		expect(await alive(anonClient(), tokens[0])).toBe(false);
	});

	it("scope 'global' (the default) ends every session of the user with 204", async () => {
		const { userId, clients } = await threeSessions();
		const token = (await clients[2].auth.getSession()).data.session?.access_token as string;
		const raw = await authFetch('/logout', {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` }
		});
		expect(raw.status).toBe(204);
		expect(raw.text).toBe('');
		expect(await sessionsOf(userId)).toBe(0);
		const after = await clients[0].auth.refreshSession();
		expect(after.error?.code).toBe('refresh_token_not_found');
	});

	it('refuses an unknown scope', async () => {
		const { session } = await signedUpUser(uniqueEmail('scope'));
		const r = await authFetch('/logout?scope=everyone', {
			method: 'POST',
			headers: { ...V, authorization: `Bearer ${session.access_token}` }
		});
		expect(r.status).toBe(400);
		expect(r.json?.code).toBe('validation_failed');
	});
});
