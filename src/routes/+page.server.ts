import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { lastOrganization } from '#lib/server/active-org.ts';

export const load: PageServerLoad = async ({ parent, cookies }) => {
	const { user, organizations } = await parent();
	if (!user) return {};
	if (organizations.length === 0) redirect(303, '/onboarding');
	const last = lastOrganization(cookies);
	const target = organizations.find((o) => o.slug === last) ?? organizations[0];
	redirect(303, `/org/${target.slug}`);
};
