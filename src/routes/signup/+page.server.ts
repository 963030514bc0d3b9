import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { failWith } from '#lib/db/errors.ts';
import { fieldErrors, formValues, signUpSchema } from '#lib/validation.ts';
import { safeNext } from '#lib/safe-next.ts';

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
		// Someone invited by email already has an account, without a password: auth signs them in
		// but keeps the account as it was, so the password and name they just chose are set now.
		if (data.user?.invited_at && !data.user.user_metadata?.display_name) {
			const { error: setError } = await locals.supabase.auth.updateUser({
				password: parsed.data.password,
				data: { display_name: parsed.data.displayName }
			});
			// The profile was made from the email when the invitation created the account.
			const { error: nameError } = await locals.supabase
				.from('profiles')
				.update({ display_name: parsed.data.displayName })
				.eq('id', data.user.id);
			if (setError || nameError) {
				return failWith(400, { form: [(setError ?? nameError)!.message] }, safeValues);
			}
		}
		redirect(303, safeNext(url.searchParams.get('next'), '/onboarding'));
	}
};
