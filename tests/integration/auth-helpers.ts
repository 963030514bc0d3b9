// Shared by the auth integration tests: raw calls to /auth/v1 and users made quickly.
import { anonClient, apiUrl, ANON_KEY } from '../support/stack.ts';

export const PASSWORD = 'correct-horse-9';

export interface RawResponse {
	status: number;
	headers: Headers;
	text: string;
	json: Record<string, unknown> | null;
}

/** A request to /auth/v1 without supabase-js: no version header unless given. */
export async function authFetch(
	path: string,
	init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}
): Promise<RawResponse> {
	const headers: Record<string, string> = { apikey: ANON_KEY, ...init.headers };
	let body: string | undefined;
	if (init.body !== undefined) {
		body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
		headers['content-type'] ??= 'application/json';
	}
	const r = await fetch(`${apiUrl()}/auth/v1${path}`, {
		method: init.method ?? 'GET',
		headers,
		body
	});
	const text = await r.text();
	let json: Record<string, unknown> | null;
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		json = null;
	}
	return { status: r.status, headers: r.headers, text, json };
}

export const V = { 'x-supabase-api-version': '2024-01-01' };

/** Signs a new user up through supabase-js and returns the client holding the session. */
export async function signedUpUser(email: string, data: Record<string, unknown> = {}) {
	const client = anonClient();
	const { data: res, error } = await client.auth.signUp({
		email,
		password: PASSWORD,
		options: { data }
	});
	if (error || !res.session || !res.user) throw error ?? new Error('no session from signUp');
	return { client, session: res.session, user: res.user };
}
