import type { Actions } from './$types';
import { failWith } from '#lib/db/errors.ts';
import { emailSchema, formValues } from '#lib/validation.ts';
import { authMessage } from '#lib/auth-messages.ts';

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const values = formValues(await request.formData());
		const parsed = emailSchema.safeParse(values.email ?? '');
		if (!parsed.success) {
			return failWith(400, { email: ['Enter a valid email address.'] }, values);
		}
		// The mail's link leads back to this app (its origin), where hooks.server.ts verifies it.
		const { error } = await locals.supabase.auth.resetPasswordForEmail(parsed.data, {
			redirectTo: `${url.origin}/reset-password`
		});
		if (error) {
			return failWith(error.status === 429 ? 429 : 400, { form: [authMessage(error)] }, values);
		}
		// Said the same whether or not the address has an account, as auth answers the same.
		return { sent: parsed.data };
	}
};
