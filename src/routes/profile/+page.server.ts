import type { Actions } from './$types';
import { clearAvatar, setAvatar, updateProfile } from '#lib/db/profiles.ts';
import { DbError, failFromDb, failWith } from '#lib/db/errors.ts';
import { requireUser } from '#lib/server/guards.ts';
import { normaliseAvatar } from '#lib/server/avatars.ts';
import { avatarProblem } from '#lib/avatars.ts';
import { fieldErrors, formValues, profileSchema } from '#lib/validation.ts';

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
	},

	avatar: async ({ request, locals }) => {
		const user = requireUser(locals.user);
		const file = (await request.formData()).get('avatar');
		if (!(file instanceof File) || file.size === 0) {
			return failWith(400, { avatar: ['Choose a picture first.'] });
		}
		const problem = avatarProblem(file);
		if (problem) return failWith(400, { avatar: [problem] });
		const webp = await normaliseAvatar(new Uint8Array(await file.arrayBuffer()));
		if (!webp) return failWith(400, { avatar: [`“${file.name}” could not be read as an image.`] });
		try {
			await setAvatar(locals.supabase, user.id, webp);
		} catch (e) {
			if (e instanceof DbError) return failWith(e.status, { avatar: [e.message] });
			throw e;
		}
		return { avatarSaved: true };
	},

	removeAvatar: async ({ locals }) => {
		const user = requireUser(locals.user);
		try {
			await clearAvatar(locals.supabase, user.id);
		} catch (e) {
			return failFromDb(e);
		}
		return { avatarRemoved: true };
	}
};
