// The service-role admin API through supabase-js: list, create, get, update, delete users.
import { afterAll, describe, expect, it } from 'vitest';
import { AuthApiError } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import {
	adminSql,
	anonClient,
	apiUrl,
	serviceClient,
	SERVICE_ROLE_KEY,
	uniqueEmail
} from '../support/stack.ts';
import { authFetch, PASSWORD, signedUpUser, V } from './auth-helpers.ts';

const sql = adminSql();
afterAll(() => sql.end());
const admin = serviceClient().auth.admin;

describe('admin users', () => {
	it('creates a user with metadata, confirmed, with an id of our choosing', async () => {
		const id = randomUUID();
		const email = uniqueEmail('admin-create');
		const { data, error } = await admin.createUser({
			id,
			email,
			password: PASSWORD,
			email_confirm: true,
			user_metadata: { display_name: 'Ada Admin' },
			app_metadata: { org: 'north' }
		});
		expect(error).toBeNull();
		expect(data.user?.id).toBe(id);
		expect(data.user?.email).toBe(email);
		expect(data.user?.email_confirmed_at).toBeTruthy();
		expect(data.user?.user_metadata).toEqual({ display_name: 'Ada Admin' });
		expect(data.user?.app_metadata).toEqual({
			provider: 'email',
			providers: ['email'],
			org: 'north'
		});
		const login = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(login.error).toBeNull();

		const dup = await admin.createUser({ email, password: PASSWORD });
		expect(dup.error).toBeInstanceOf(AuthApiError);
		expect(dup.error?.status).toBe(422);
		expect(dup.error?.code).toBe('email_exists');
	});

	it('gets, updates and deletes a user', async () => {
		const { user } = await signedUpUser(uniqueEmail('admin-target'), { a: 1 });
		const got = await admin.getUserById(user.id);
		expect(got.error).toBeNull();
		expect(got.data.user?.email).toBe(user.email);

		const newEmail = uniqueEmail('admin-moved');
		const upd = await admin.updateUserById(user.id, {
			email: newEmail,
			password: 'admin-set-password',
			user_metadata: { b: 2 },
			app_metadata: { role_hint: 'coach' }
		});
		expect(upd.error).toBeNull();
		expect(upd.data.user?.email).toBe(newEmail);
		expect(upd.data.user?.user_metadata).toEqual({ a: 1, b: 2 });
		expect(upd.data.user?.app_metadata).toMatchObject({ provider: 'email', role_hint: 'coach' });
		const login = await anonClient().auth.signInWithPassword({
			email: newEmail,
			password: 'admin-set-password'
		});
		expect(login.error).toBeNull();

		const ban = await admin.updateUserById(user.id, { ban_duration: '24h' });
		expect(ban.error).toBeNull();
		expect(ban.data.user?.banned_until).toBeTruthy();
		const banned = await anonClient().auth.signInWithPassword({
			email: newEmail,
			password: 'admin-set-password'
		});
		expect(banned.error?.code).toBe('user_banned');

		const del = await admin.deleteUser(user.id);
		expect(del.error).toBeNull();
		expect(await sql`select 1 from auth.users where id = ${user.id}`).toHaveLength(0);
		const gone = await admin.getUserById(user.id);
		expect(gone.error?.status).toBe(404);
		expect(gone.error?.code).toBe('user_not_found');
		const notUuid = await authFetch('/admin/users/not-a-uuid', {
			headers: { ...V, authorization: `Bearer ${SERVICE_ROLE_KEY}` }
		});
		expect(notUuid.status).toBe(404);
	});

	it('soft-deletes a user: the row stays, the login does not', async () => {
		const email = uniqueEmail('soft');
		const { user } = await signedUpUser(email);
		const { error } = await admin.deleteUser(user.id, true);
		expect(error).toBeNull();
		const [row] = await sql`select deleted_at, email from auth.users where id = ${user.id}`;
		expect(row.deleted_at).toBeInstanceOf(Date);
		expect(row.email).toBeNull();
		const login = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(login.error?.code).toBe('invalid_credentials');
	});

	it('lists users page by page with X-Total-Count and Link headers', async () => {
		await signedUpUser(uniqueEmail('list-a'));
		await signedUpUser(uniqueEmail('list-b'));
		const { data: listed, error } = await admin.listUsers({ page: 1, perPage: 1 });
		expect(error).toBeNull();
		if (!('aud' in listed)) throw new Error('listUsers returned no pagination');
		const data = listed;
		expect(data.users).toHaveLength(1);
		expect(data.aud).toBe('authenticated');
		const [{ n }] = await sql<{ n: string }[]>`select count(*) as n from auth.users`;
		expect(data.total).toBeGreaterThanOrEqual(2);
		expect(data.total).toBeLessThanOrEqual(Number(n) + 5);
		expect(data.nextPage).toBe(2);
		// (auth-js reads only the first digit of each Link page number, so lastPage is checked raw below.)

		const raw = await authFetch('/admin/users?page=2&per_page=1', {
			headers: { authorization: `Bearer ${SERVICE_ROLE_KEY}` }
		});
		expect(raw.status).toBe(200);
		expect(Number(raw.headers.get('x-total-count'))).toBeGreaterThanOrEqual(2);
		expect(raw.headers.get('link')).toContain(
			`<${apiUrl()}/auth/v1/admin/users?page=3&per_page=1>; rel="next"`
		);
		const total = Number(raw.headers.get('x-total-count'));
		expect(raw.headers.get('link')).toMatch(
			new RegExp(`[?]page=${total}&per_page=1>; rel="last"$`)
		);
		expect(raw.json?.aud).toBe('authenticated');
		const bad = await authFetch('/admin/users?page=zero', {
			headers: { ...V, authorization: `Bearer ${SERVICE_ROLE_KEY}` }
		});
		expect(bad.status).toBe(400);
		expect(bad.json?.code).toBe('validation_failed');
	});

	it('refuses the anon key and a user token with not_admin, and no token at all', async () => {
		const anonAdmin = anonClient().auth.admin;
		const list = await anonAdmin.listUsers();
		expect(list.error).toBeInstanceOf(AuthApiError);
		expect(list.error?.status).toBe(403);
		expect(list.error?.code).toBe('not_admin');
		expect(list.error?.message).toBe('User not allowed');
		const create = await anonAdmin.createUser({ email: uniqueEmail('nope'), password: PASSWORD });
		expect(create.error?.code).toBe('not_admin');

		const { session, user } = await signedUpUser(uniqueEmail('not-admin'));
		for (const [method, path] of [
			['GET', '/admin/users'],
			['GET', `/admin/users/${user.id}`],
			['PUT', `/admin/users/${user.id}`],
			['DELETE', `/admin/users/${user.id}`]
		]) {
			const r = await authFetch(path, {
				method,
				headers: { ...V, authorization: `Bearer ${session.access_token}` },
				body: method === 'GET' ? undefined : {}
			});
			expect(r.status, `${method} ${path}`).toBe(403);
			expect(r.json?.code).toBe('not_admin');
		}
		expect(await sql`select 1 from auth.users where id = ${user.id}`).toHaveLength(1);

		const none = await fetch(`${apiUrl()}/auth/v1/admin/users`, { headers: V });
		expect(none.status).toBe(401);
		expect(((await none.json()) as { code: string }).code).toBe('no_authorization');
	});
});
