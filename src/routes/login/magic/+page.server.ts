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
		// Only people who have an account: signing up asks for a name first (/signup).
		const { error } = await locals.supabase.auth.signInWithOtp({
			email: parsed.data,
			options: { shouldCreateUser: false, emailRedirectTo: `${url.origin}/` }
		});
		if (error) {
			return failWith(error.status === 429 ? 429 : 400, { form: [authMessage(error)] }, values);
		}
		return { sent: parsed.data };
	}
};
