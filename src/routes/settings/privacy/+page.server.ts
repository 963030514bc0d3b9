import type { Actions, PageServerLoad } from './$types';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { getProfile } from '#lib/db/profiles.ts';
import { listMyBlocks, setReadReceipts, unblockUser } from '#lib/db/privacy.ts';
import { requireUser } from '#lib/server/guards.ts';
import { isUuid } from '#lib/ids.ts';

export const load: PageServerLoad = async ({ locals, depends }) => {
	depends('app:privacy');
	const user = requireUser(locals.user);
	const [profile, blocks] = await Promise.all([
		getProfile(locals.supabase, user.id),
		listMyBlocks(locals.supabase)
	]);
	return { readReceipts: profile?.read_receipts_enabled ?? true, blocks };
};

export const actions: Actions = {
	receipts: async ({ request, locals }) => {
		const user = requireUser(locals.user);
		const enabled = (await request.formData()).get('enabled') === 'on';
		try {
			await setReadReceipts(locals.supabase, user.id, enabled);
			return { receipts: enabled };
		} catch (e) {
			return failFromDb(e);
		}
	},
	unblock: async ({ request, locals }) => {
		requireUser(locals.user);
		const userId = String((await request.formData()).get('userId') ?? '');
		if (!isUuid(userId)) return failWith(400, { form: ['Choose who to unblock.'] });
		try {
			await unblockUser(locals.supabase, userId);
			return { unblocked: userId };
		} catch (e) {
			return failFromDb(e);
		}
	}
};
