import type { Actions, PageServerLoad } from './$types';
import { isAdmin } from '#lib/db/client.ts';
import { changeMemberRole, listMembers, removeMember } from '#lib/db/memberships.ts';
import { inviteMember, listPendingInvitations, revokeInvitation } from '#lib/db/invitations.ts';
import { eraseMember } from '#lib/db/moderation.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';
import { orgContext } from '#lib/server/org-context.ts';
import { fieldErrors, formValues, inviteSchema, roleSchema } from '#lib/validation.ts';
import { mailInvitation } from '#lib/server/invite-mail.ts';

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:members');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const [members, invitations] = await Promise.all([
		listMembers(locals.supabase, organization.id),
		isAdmin(membership.role) ? listPendingInvitations(locals.supabase, organization.id) : []
	]);
	return { members, invitations, origin: url.origin };
};

export const actions: Actions = {
	invite: async ({ request, locals, params, url }) => {
		const { organization } = await orgContext(locals, params.slug);
		const values = formValues(await request.formData());
		const parsed = inviteSchema.safeParse(values);
		if (!parsed.success) return failWith(400, fieldErrors(parsed.error), values);
		try {
			const invitation = await inviteMember(locals.supabase, {
				organizationId: organization.id,
				...parsed.data
			});
			const link = `${url.origin}/invite/${invitation.token}`;
			// This form always addresses an email; link-only invitations are made elsewhere.
			const mail = await mailInvitation({
				email: invitation.email ?? parsed.data.email,
				invitationUrl: link,
				organization: organization.name,
				invitedBy: locals.user?.email ?? 'A coach'
			});
			return {
				invited: {
					email: invitation.email,
					role: invitation.role,
					link,
					emailed: mail.sent,
					mailProblem: mail.sent ? null : mail.reason
				}
			};
		} catch (e) {
			const failure = failFromDb(e, values);
			if (failure.data.code === 'invalid_email' || failure.data.code === 'already_member') {
				failure.data.errors = { email: failure.data.errors.form };
			}
			return failure;
		}
	},

	revoke: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const id = String((await request.formData()).get('invitationId') ?? '');
		try {
			await revokeInvitation(locals.supabase, id);
			return { revoked: true };
		} catch (e) {
			return failFromDb(e);
		}
	},

	changeRole: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const data = formValues(await request.formData());
		const role = roleSchema.safeParse(data.role);
		if (!role.success) return failWith(400, { form: ['Choose a role.'] }, data);
		try {
			await changeMemberRole(locals.supabase, data.membershipId ?? '', role.data);
			return { changed: true };
		} catch (e) {
			return failFromDb(e, data);
		}
	},

	remove: async ({ request, locals, params }) => {
		await orgContext(locals, params.slug);
		const data = formValues(await request.formData());
		try {
			await removeMember(locals.supabase, data.membershipId ?? '');
			return { removed: true };
		} catch (e) {
			return failFromDb(e, data);
		}
	},

	erase: async ({ request, locals, params }) => {
		const { organization } = await orgContext(locals, params.slug);
		const userId = String((await request.formData()).get('userId') ?? '');
		try {
			await eraseMember(locals.supabase, organization.id, userId);
			return { erased: true };
		} catch (e) {
			return failFromDb(e);
		}
	}
};
