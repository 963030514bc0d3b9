import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { rememberOrganization } from '#lib/server/active-org.ts';
import { activeSession, membershipAt } from '#lib/server/org-context.ts';
import { isUuid } from '#lib/ids.ts';

export const load: LayoutServerLoad = async ({
	params,
	locals,
	cookies,
	depends,
	url,
	request
}) => {
	depends('app:organization');
	if (!locals.user) error(401, 'Sign in first.');
	// The session's memberships (read once per request by the hooks) hold every organization I
	// am an active member of, so this page's own reads start after that one round trip.
	const context = await activeSession(locals, request.method !== 'GET');
	// Links made by the database (push notifications) carry the organization's id, which never
	// changes when a slug does: send them on to the slug address.
	if (isUuid(params.slug)) {
		const byId = context.memberships.find((m) => m.organization.id === params.slug);
		if (byId) {
			redirect(
				307,
				url.pathname.replace(`/org/${params.slug}`, `/org/${byId.organization.slug}`) + url.search
			);
		}
	}
	const { organization, membership } = membershipAt(context, params.slug);
	rememberOrganization(cookies, organization.slug);
	return { organization, membership };
};
