import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { isAdmin } from '#lib/db/client.ts';
import { getAssignmentHeader } from '#lib/db/comments.ts';

export const load: PageServerLoad = async ({ parent, params, locals, depends }) => {
	depends('app:assignment-discussion');
	const { organization, membership, profile, user } = await parent();
	const assignment = await getAssignmentHeader(locals.supabase, params.id);
	// RLS hides other athletes' workouts: "not found" and "not yours" look the same.
	if (!assignment || assignment.organizationId !== organization.id) {
		error(404, 'This workout does not exist or is not yours to discuss.');
	}
	return {
		assignment,
		me: { id: user!.id, display_name: profile?.display_name ?? 'You' },
		canModerate: isAdmin(membership.role)
	};
};
