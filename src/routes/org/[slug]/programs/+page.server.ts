import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { createProgram, listPrograms } from '#lib/db/programs.ts';
import { programUnreadCounts } from '#lib/db/comments.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { fieldErrors, formValues, programSchema } from '#lib/validation.ts';

export const load: PageServerLoad = async ({ parent, locals, depends }) => {
	depends('app:programs');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const [programs, unread] = await Promise.all([
		listPrograms(locals.supabase, organization.id),
		// Badges are extra: the list still shows when the counts cannot be read.
		programUnreadCounts(locals.supabase, organization.id).catch(
			() => ({}) as Record<string, number>
		)
	]);
	return { programs, unread };
};

export const actions: Actions = {
	create: async ({ request, locals, params }) => {
		const { user, organization } = await orgContext(locals, params.slug);
		const values = formValues(await request.formData());
		const parsed = programSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), values);
		let id: string;
		try {
			id = (
				await createProgram(locals.supabase, {
					organizationId: organization.id,
					userId: user.id,
					...parsed.data
				})
			).id;
		} catch (e) {
			return failFromDb(e, values);
		}
		redirect(303, `/org/${organization.slug}/programs/${id}`);
	}
};
