import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { isStaff } from '#lib/db/client.ts';

/** The organization's front door: staff land on the overview, members on today. */
export const load: PageServerLoad = async ({ parent, params }) => {
	const { membership } = await parent();
	redirect(307, `/org/${params.slug}/${isStaff(membership.role) ? 'overview' : 'today'}`);
};
