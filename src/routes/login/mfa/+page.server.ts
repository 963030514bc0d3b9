import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { failWith } from '#lib/db/errors.ts';
import { formValues } from '#lib/validation.ts';
import { safeNext } from '#lib/safe-next.ts';
import { authMessage } from '#lib/auth-messages.ts';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { email: locals.user.email };
};

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const values = formValues(await request.formData());
		const code = (values.code ?? '').replace(/\s+/g, '');
		if (!/^\d{6}$/.test(code)) {
			return failWith(400, { code: ['Enter the 6 digits your authenticator app shows.'] });
		}
		const { data: factors, error: listError } = await locals.supabase.auth.mfa.listFactors();
		const factor = factors?.totp.find((f) => f.status === 'verified');
		if (listError || !factor) return failWith(400, { form: ['No authenticator is set up.'] });
		const { error } = await locals.supabase.auth.mfa.challengeAndVerify({
			factorId: factor.id,
			code
		});
		if (error) return failWith(400, { code: [authMessage(error)] });
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
