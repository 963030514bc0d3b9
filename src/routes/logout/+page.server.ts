import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, request }) => {
		await locals.supabase.auth.signOut({ scope: 'local' });
		// Back to where the person was going after signing in again (same-site paths only).
		const next = (await request.formData().catch(() => null))?.get('next');
		if (typeof next === 'string' && /^\/(?![/\\])/.test(next)) {
			redirect(303, `/login?next=${encodeURIComponent(next)}`);
		}
		redirect(303, '/login');
	}
};
