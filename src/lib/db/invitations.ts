import type { Db, MembershipRole, Tables } from './client';
import { must } from './errors';

export type Invitation = Tables<'invitations'>;

/** Invitations nobody has used or revoked yet, newest first (visible to owners and admins). */
export async function listPendingInvitations(db: Db, organizationId: string) {
	return must(
		await db
			.from('invitations')
			.select('id, email, role, token, created_at, expires_at')
			.eq('organization_id', organizationId)
			.is('accepted_at', null)
			.is('revoked_at', null)
			.order('created_at', { ascending: false })
	);
}

export async function inviteMember(
	db: Db,
	input: { organizationId: string; email: string; role: MembershipRole }
): Promise<Invitation> {
	return must(
		await db.rpc('invite_member', {
			p_organization_id: input.organizationId,
			p_email: input.email,
			p_role: input.role
		})
	);
}

export async function revokeInvitation(db: Db, invitationId: string) {
	return must(await db.rpc('revoke_invitation', { p_invitation_id: invitationId }));
}

/** What an invitation link is about, for the person holding the token. */
export async function getInvitation(db: Db, token: string) {
	return must(await db.rpc('get_invitation', { p_token: token }).maybeSingle()) ?? null;
}

export async function acceptInvitation(db: Db, token: string) {
	return must(await db.rpc('accept_invitation', { p_token: token }));
}
