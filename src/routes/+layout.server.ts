import type { LayoutServerLoad } from './$types';
import { listMyOrganizations } from '#lib/db/organizations.ts';
import { getProfile } from '#lib/db/profiles.ts';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	depends('app:session');
	const user = locals.user;
	if (!user) return { user: null, profile: null, organizations: [], shellError: null };
	try {
		const [profile, organizations] = await Promise.all([
			getProfile(locals.supabase, user.id),
			listMyOrganizations(locals.supabase, user.id)
		]);
		return { user, profile, organizations, shellError: null };
	} catch (e) {
		// The shell still renders (with sign out) when the API is unreachable; pages show their own error.
		const message = e instanceof Error ? e.message : 'The server could not be reached.';
		return { user, profile: null, organizations: [], shellError: message };
	}
};
