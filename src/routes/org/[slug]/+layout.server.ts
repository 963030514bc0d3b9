import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { getOrganizationBySlug } from '../../../lib/db/organizations';
import { getMyMembership } from '../../../lib/db/memberships';
import { rememberOrganization } from '../../../lib/server/active-org';

export const load: LayoutServerLoad = async ({ params, locals, cookies, depends }) => {
	depends('app:organization');
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	// RLS shows an organization only to its members, so "not found" and "not yours" look the same.
	const organization = await getOrganizationBySlug(locals.supabase, params.slug);
	if (!organization) error(404, 'This organization does not exist or you are not a member of it.');
	const membership = await getMyMembership(locals.supabase, organization.id, user.id);
	if (!membership) error(404, 'This organization does not exist or you are not a member of it.');
	rememberOrganization(cookies, organization.slug);
	return { organization, membership };
};
