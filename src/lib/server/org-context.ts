import { error } from '@sveltejs/kit';
import type { SessionContext } from '../db/session';

export type ActiveSession = Extract<SessionContext, { state: 'active' }>;

/**
 * The verified session of this request (read once, by the hooks, before any load or action
 * runs). `afterChange` for loads that run after a form action in the same request (a page
 * rendered without JavaScript), which may have changed the profile or the memberships.
 */
export async function activeSession(
	locals: App.Locals,
	afterChange = false
): Promise<ActiveSession> {
	const context = await locals.session(afterChange);
	if (context.state !== 'active') error(401, 'Sign in first.');
	return context;
}

/**
 * My active membership in the organization with this address, with the organization; 404 when
 * there is none. "Not found" and "not yours" look the same, as RLS makes them for every read.
 */
export function membershipAt(context: ActiveSession, slug: string) {
	const mine = context.memberships.find((m) => m.organization.slug === slug);
	if (!mine) error(404, 'This organization does not exist or you are not a member of it.');
	return mine;
}

/**
 * Form actions do not run layout loads, so each one finds the organization of the URL among the
 * session's memberships (read once per request, before the action); RLS decides again what the
 * caller may touch.
 */
export async function orgContext(locals: App.Locals, slug: string) {
	const context = await activeSession(locals);
	return { user: context.user, ...membershipAt(context, slug) };
}
