import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { acceptInvitation, getInvitation } from '#lib/db/invitations.ts';
import { getOrganizationById } from '#lib/db/organizations.ts';
import { DbError, failFromDb } from '#lib/db/errors.ts';

export const load: PageServerLoad = async ({ params, locals }) => {
	// The token is a bearer secret: only a signed-in person may look behind it.
	if (!locals.user) return { signedIn: false as const, invitation: null, problem: null };
	try {
		const invitation = await getInvitation(locals.supabase, params.token);
		return { signedIn: true as const, invitation, problem: null };
	} catch (e) {
		if (e instanceof DbError)
			return { signedIn: true as const, invitation: null, problem: e.message };
		throw e;
	}
};

export const actions: Actions = {
	accept: async ({ params, locals }) => {
		if (!locals.user) redirect(303, `/login?next=/invite/${encodeURIComponent(params.token)}`);
		let organizationId: string;
		try {
			organizationId = (await acceptInvitation(locals.supabase, params.token)).organization_id;
		} catch (e) {
			return failFromDb(e);
		}
		const organization = await getOrganizationById(locals.supabase, organizationId);
		redirect(303, organization ? `/org/${organization.slug}` : '/');
	}
};
