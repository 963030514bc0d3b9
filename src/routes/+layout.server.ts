import type { LayoutServerLoad } from './$types';
import { organizationsOf } from '#lib/db/session.ts';
import { activeSession } from '#lib/server/org-context.ts';

export const load: LayoutServerLoad = async ({ locals, depends, request }) => {
	depends('app:session');
	if (!locals.user) return { user: null, profile: null, organizations: [] };
	// The hooks verified the session with this same read: no request of its own here.
	const context = await activeSession(locals, request.method !== 'GET');
	return {
		user: context.user,
		profile: context.profile,
		organizations: organizationsOf(context)
	};
};
