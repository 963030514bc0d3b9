import { error } from '@sveltejs/kit';
import { getMyMembership } from '../db/memberships';
import { getOrganizationBySlug } from '../db/organizations';
import { requireUser } from './guards';

/**
 * Form actions do not run layout loads, so each one re-reads the organization from the URL and
 * the caller's membership; RLS decides again what the caller may touch.
 */
export async function orgContext(locals: App.Locals, slug: string) {
	const user = requireUser(locals.user);
	const organization = await getOrganizationBySlug(locals.supabase, slug);
	if (!organization) error(404, 'This organization does not exist or you are not a member of it.');
	const membership = await getMyMembership(locals.supabase, organization.id, user.id);
	if (!membership) error(404, 'This organization does not exist or you are not a member of it.');
	return { user, organization, membership };
}
