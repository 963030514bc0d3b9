import type { Actions } from './$types';
import { updateProfile } from '../../lib/db/profiles';
import { failFromDb, failWith } from '../../lib/db/errors';
import { requireUser } from '../../lib/server/guards';
import { fieldErrors, formValues, profileSchema } from '../../lib/validation';

export const actions: Actions = {
	save: async ({ request, locals }) => {
		const user = requireUser(locals.user);
		const values = formValues(await request.formData());
		const parsed = profileSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), values);
		try {
			await updateProfile(locals.supabase, user.id, parsed.data);
		} catch (e) {
			return failFromDb(e, values);
		}
		return { saved: true };
	}
};
