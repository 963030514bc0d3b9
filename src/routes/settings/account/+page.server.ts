import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { deleteMyAccount } from '../../../lib/db/moderation';
import { failFromDb, failWith } from '../../../lib/db/errors';
import { requireUser } from '../../../lib/server/guards';

export const load: PageServerLoad = ({ locals }) => {
	requireUser(locals.user);
	return {};
};

export const actions: Actions = {
	delete: async ({ request, locals }) => {
		requireUser(locals.user);
		const confirmation = String((await request.formData()).get('confirm') ?? '').trim();
		if (confirmation !== 'DELETE') {
			return failWith(400, { confirm: ['Type DELETE in capitals to confirm.'] });
		}
		try {
			await deleteMyAccount(locals.supabase);
		} catch (e) {
			return failFromDb(e);
		}
		// The auth user is gone: drop the session cookies too.
		await locals.supabase.auth.signOut({ scope: 'local' }).catch(() => undefined);
		redirect(303, '/?account=deleted');
	}
};
