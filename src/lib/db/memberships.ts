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

/** Someone I might write to: an active member found by name. */
export interface Person {
	userId: string;
	role: MembershipRole;
	displayName: string;
}

/** `%`, `_` and `\` match themselves in a name search, not any text. */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Up to `limit` active members besides me whose name holds `search` (all of them when empty), by
 * name: ordered, filtered and cut in SQL, so the answer costs the same in an organization of 20
 * or of 2,000 members.
 */
export async function findPeople(
	db: Db,
	organizationId: string,
	{ search, exceptUserId, limit }: { search: string; exceptUserId: string; limit: number }
): Promise<Person[]> {
	let query = db
		.from('memberships')
		.select('user_id, role, profile:profiles!memberships_user_id_fkey!inner(display_name)')
		.eq('organization_id', organizationId)
		.eq('status', 'active')
		.neq('user_id', exceptUserId);
	if (search) query = query.ilike('profile.display_name', likeText(search));
	const rows = must(await query.order('profile(display_name)').order('user_id').limit(limit));
	return rows.map((r) => ({
		userId: r.user_id,
		role: r.role,
		displayName: r.profile?.display_name ?? 'Unknown'
	}));
}

/** The names of these people (members of the organization I can see), by user id. */
export async function memberNames(
	db: Db,
	organizationId: string,
	userIds: string[]
): Promise<Map<string, string>> {
	if (userIds.length === 0) return new Map();
	const rows = must(
		await db
			.from('memberships')
			.select('user_id, profile:profiles!memberships_user_id_fkey(display_name)')
			.eq('organization_id', organizationId)
			.in('user_id', userIds)
	);
	return new Map(rows.map((r) => [r.user_id, r.profile?.display_name ?? 'Unknown']));
}
