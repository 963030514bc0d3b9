import { ROLES, type Db, type MembershipRole } from './client';
import { must } from './errors';

export interface Member {
	id: string;
	userId: string;
	role: MembershipRole;
	displayName: string;
	joinedAt: string;
}

/** Active members of an organization that RLS lets me see, owners first. */
export async function listMembers(db: Db, organizationId: string): Promise<Member[]> {
	const rows = must(
		await db
			.from('memberships')
			.select(
				'id, user_id, role, created_at, profile:profiles!memberships_user_id_fkey(display_name)'
			)
			.eq('organization_id', organizationId)
			.eq('status', 'active')
			.order('created_at')
	);
	const order = ROLES;
	return rows
		.map((r) => ({
			id: r.id,
			userId: r.user_id,
			role: r.role,
			displayName: r.profile?.display_name ?? 'Unknown',
			joinedAt: r.created_at
		}))
		.sort(
			(a, b) =>
				order.indexOf(a.role) - order.indexOf(b.role) || a.displayName.localeCompare(b.displayName)
		);
}

export async function changeMemberRole(db: Db, membershipId: string, role: MembershipRole) {
	return must(await db.rpc('change_member_role', { p_membership_id: membershipId, p_role: role }));
}

export async function removeMember(db: Db, membershipId: string) {
	return must(await db.rpc('remove_member', { p_membership_id: membershipId }));
}
