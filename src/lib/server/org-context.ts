import { error } from '@sveltejs/kit';
import { getOrganizationWithMembership } from '../db/organizations';
import { requireUser } from './guards';

/**
 * Form actions do not run layout loads, so each one re-reads the organization from the URL and
 * the caller's membership; RLS decides again what the caller may touch.
 */
export async function orgContext(locals: App.Locals, slug: string) {
	const user = requireUser(locals.user);
	const found = await getOrganizationWithMembership(locals.supabase, slug, user.id);
	if (!found) error(404, 'This organization does not exist or you are not a member of it.');
	return { user, ...found };
}
