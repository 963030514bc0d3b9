// Shared setup of the REST feature tests (one file per feature, as PostgREST's spec is laid out):
// tokens, clients and the fixture tables every file reads. The files share the fixture's tables in
// `public` and some of them write to them, so a file holds an advisory lock from creating the
// fixture to dropping it: the REST files run one after another, other files alongside them.
import { afterAll, beforeAll, expect } from 'vitest';
import { SignJWT } from 'jose';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import {
	ANON_KEY,
	JWT_SECRET,
	adminSql,
	anonClient,
	apiUrl,
	dbUrl,
	serviceClient
} from '../../support/stack.ts';
import { REST_FIXTURE_DROP, REST_FIXTURE_SQL } from './fixture.ts';

export const ALICE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
/** pg_advisory_lock key held while a REST feature file owns the fixture. */
const FIXTURE_LOCK = 680_001;

export async function mint(
	claims: Record<string, unknown>,
	expiresIn = 3600,
	secret = JWT_SECRET
): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
		.sign(new TextEncoder().encode(secret));
}

export const userToken = (sub: string) =>
	mint({ sub, role: 'authenticated', aud: 'authenticated' });

export function clientFor(jwt: string): SupabaseClient {
	return createClient(apiUrl(), ANON_KEY, {
		global: { headers: { Authorization: `Bearer ${jwt}` } },
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
}

export function rest(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set('apikey', ANON_KEY);
	if (init.token) headers.set('authorization', `Bearer ${init.token}`);
	return fetch(`${apiUrl()}/rest/v1${path}`, { ...init, headers });
}

export const errorShape = (code: string) => ({
	code,
	details: expect.toSatisfy(
		(v: unknown) => v === null || typeof v === 'string' || Array.isArray(v)
	),
	hint: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
	message: expect.any(String)
});

/** The schema cache reloads on NOTIFY pgrst (sent by the DDL event trigger); wait until it has. */
export async function waitForTable(name: string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const r = await rest(`/${name}?limit=0`);
		if (r.status !== 404) return;
		await new Promise((res) => setTimeout(res, 50));
	}
	throw new Error(`${name} never appeared in the schema cache`);
}

// Live bindings: set by the hooks `useRestFixture` registers, read by the test files.
export let db: postgres.Sql;
export let anon: SupabaseClient;
export let service: SupabaseClient;
export let alice: SupabaseClient;
export let bob: SupabaseClient;
export let aliceToken: string;

/** Registers the hooks that create the fixture (under the lock) and the clients, and drop it. */
export function useRestFixture(): void {
	let lock: postgres.Sql;
	beforeAll(async () => {
		lock = postgres(dbUrl(), { max: 1, onnotice: () => {} });
		await lock`select pg_advisory_lock(${FIXTURE_LOCK})`;
		db = adminSql();
		await db.unsafe(REST_FIXTURE_SQL).simple();
		await waitForTable('rest_t_notes');
		anon = anonClient();
		service = serviceClient();
		aliceToken = await userToken(ALICE);
		alice = clientFor(aliceToken);
		bob = clientFor(await userToken(BOB));
	});
	afterAll(async () => {
		await db.unsafe(REST_FIXTURE_DROP).simple();
		await db.end();
		await lock`select pg_advisory_unlock(${FIXTURE_LOCK})`;
		await lock.end();
	});
}
