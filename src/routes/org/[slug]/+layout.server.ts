import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { getMyOrganizationBySlug } from '#lib/db/organizations.ts';
import { rememberOrganization } from '#lib/server/active-org.ts';
import { isUuid } from '#lib/ids.ts';

export const load: LayoutServerLoad = async ({ params, locals, cookies, depends, url }) => {
	depends('app:organization');
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	// Links made by the database (push notifications) carry the organization's id, which never
	// changes when a slug does: send them on to the slug address.
	if (isUuid(params.slug)) {
		const { data } = await locals.supabase
			.from('organizations')
			.select('slug')
			.eq('id', params.slug)
			.maybeSingle();
		if (data)
			redirect(307, url.pathname.replace(`/org/${params.slug}`, `/org/${data.slug}`) + url.search);
	}
	// RLS shows an organization only to its members, so "not found" and "not yours" look the same.
	// One request for both, so a page's own reads start after one round trip, not two.
	const mine = await getMyOrganizationBySlug(locals.supabase, params.slug, user.id);
	if (!mine) error(404, 'This organization does not exist or you are not a member of it.');
	const { organization, membership } = mine;
	rememberOrganization(cookies, organization.slug);
	return { organization, membership };
};
