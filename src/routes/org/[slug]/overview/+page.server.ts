import type { PageServerLoad } from './$types';
import { coachOverview, type Overview } from '../../../../lib/db/assignments';
import { DbError } from '../../../../lib/db/errors';
import { requireStaff } from '../../../../lib/server/guards';

export const load: PageServerLoad = async ({ parent, locals, depends }) => {
	depends('app:overview');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	try {
		return { overview: await coachOverview(locals.supabase, organization.id), loadError: null };
	} catch (e) {
		if (!(e instanceof DbError)) throw e;
		return { overview: null as Overview | null, loadError: e.message };
	}
};
