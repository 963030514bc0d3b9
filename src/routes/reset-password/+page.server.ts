import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { failWith } from '#lib/db/errors.ts';
import { formValues } from '#lib/validation.ts';
import { authMessage } from '#lib/auth-messages.ts';

export const load: PageServerLoad = async ({ locals }) => ({ email: locals.user?.email ?? null });

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const values = formValues(await request.formData());
		const password = values.password ?? '';
		if (password.length < 8) return failWith(400, { password: ['Use at least 8 characters.'] });
		if (password.length > 72) return failWith(400, { password: ['Use at most 72 characters.'] });
		if (password !== values.confirm) {
			return failWith(400, { confirm: ['The two passwords are not the same.'] });
		}
		const { error } = await locals.supabase.auth.updateUser({ password });
		if (error) return failWith(400, { form: [authMessage(error)] });
		redirect(303, '/?password=changed');
	}
};
