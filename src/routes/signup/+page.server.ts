import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { failWith } from '../../lib/db/errors';
import { fieldErrors, formValues, signUpSchema } from '../../lib/validation';
import { safeNext } from '../../lib/safe-next';

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const values = formValues(await request.formData());
		const safeValues = { email: values.email ?? '', displayName: values.displayName ?? '' };
		const parsed = signUpSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), safeValues);

		const { data, error } = await locals.supabase.auth.signUp({
			email: parsed.data.email,
			password: parsed.data.password,
			options: { data: { display_name: parsed.data.displayName } }
		});
		if (error) {
			const field = error.code === 'weak_password' ? 'password' : 'form';
			const message =
				error.code === 'user_already_exists' || error.code === 'email_exists'
					? 'An account with this email already exists: sign in instead.'
					: error.message;
			return failWith(
				error.status && error.status >= 500 ? 503 : 400,
				{ [field]: [message] },
				safeValues
			);
		}
		if (!data.session) {
			return { confirmEmail: true, email: parsed.data.email };
		}
		redirect(303, safeNext(url.searchParams.get('next'), '/onboarding'));
	}
};
