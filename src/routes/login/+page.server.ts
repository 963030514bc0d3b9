import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { failWith } from '#lib/db/errors.ts';
import { fieldErrors, formValues, signInSchema } from '#lib/validation.ts';
import { safeNext } from '#lib/safe-next.ts';

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const values = formValues(await request.formData());
		const safeValues = { email: values.email ?? '' };
		const parsed = signInSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), safeValues);

		const { error } = await locals.supabase.auth.signInWithPassword(parsed.data);
		if (error) {
			const message =
				error.code === 'invalid_credentials'
					? 'That email and password do not match an account.'
					: error.message;
			return failWith(
				error.status && error.status >= 500 ? 503 : 400,
				{ form: [message] },
				safeValues
			);
		}
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
