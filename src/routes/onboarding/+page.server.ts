import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { createOrganization } from '#lib/db/organizations.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { fieldErrors, formValues, organizationSchema } from '#lib/validation.ts';

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const values = formValues(await request.formData());
		const parsed = organizationSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), values);
		let slug: string;
		try {
			slug = (await createOrganization(locals.supabase, parsed.data)).slug;
		} catch (e) {
			const failure = failFromDb(e, values);
			// Put the database's words next to the field they are about.
			const field =
				failure.data.code === 'slug_taken' || failure.data.code === 'invalid_slug'
					? 'slug'
					: failure.data.code === 'invalid_name'
						? 'name'
						: failure.data.code === 'invalid_time_zone'
							? 'timeZone'
							: null;
			if (field) failure.data.errors = { [field]: failure.data.errors.form };
			return failure;
		}
		redirect(303, `/org/${slug}/members`);
	}
};
