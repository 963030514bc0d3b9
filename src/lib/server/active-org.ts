// Where the active organization lives: in the URL (/org/<slug>/…), so every page is linkable,
// two tabs can show two organizations, and RLS checks each request against that organization.
// A cookie only remembers the last one visited, so "/" can send a person back to it.
import type { Cookies } from '@sveltejs/kit';

const COOKIE = 'coachline_org';

export function rememberOrganization(cookies: Cookies, slug: string): void {
	if (cookies.get(COOKIE) === slug) return;
	cookies.set(COOKIE, slug, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		maxAge: 60 * 60 * 24 * 365
	});
}

export function lastOrganization(cookies: Cookies): string | undefined {
	return cookies.get(COOKIE);
}
