import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { getOrganizationWithMembership } from '../../../lib/db/organizations';
import { rememberOrganization } from '../../../lib/server/active-org';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: LayoutServerLoad = async ({ params, locals, cookies, depends, url }) => {
	depends('app:organization');
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	// Links made by the database (push notifications) carry the organization's id, which never
	// changes when a slug does: send them on to the slug address.
	if (UUID.test(params.slug)) {
		const { data } = await locals.supabase
			.from('organizations')
			.select('slug')
			.eq('id', params.slug)
			.maybeSingle();
		if (data)
			redirect(307, url.pathname.replace(`/org/${params.slug}`, `/org/${data.slug}`) + url.search);
	}
	// RLS shows an organization only to its members, so "not found" and "not yours" look the same.
	// One request for both (a page's own loads wait for this one).
	const found = await getOrganizationWithMembership(locals.supabase, params.slug, user.id);
	if (!found) error(404, 'This organization does not exist or you are not a member of it.');
	const { organization, membership } = found;
	rememberOrganization(cookies, organization.slug);
	return { organization, membership };
};
