import type { Db, MembershipRole, Tables } from './client';
import { must } from './errors';

export type Organization = Tables<'organizations'>;
export interface MyOrganization {
	id: string;
	name: string;
	slug: string;
	role: MembershipRole;
}

/** The organizations I actively belong to, with my role in each, by name. */
export async function listMyOrganizations(db: Db, userId: string): Promise<MyOrganization[]> {
	const rows = must(
		await db
			.from('memberships')
			.select('role, organization:organizations!inner(id, name, slug)')
			.eq('user_id', userId)
			.eq('status', 'active')
	);
	return rows
		.map((r) => ({ ...r.organization, role: r.role }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The organization at this address with my active membership in it, in one request (the inner
 * join drops it when I am not an active member; RLS hides it from non-members anyway).
 */
export async function getOrganizationWithMembership(
	db: Db,
	slug: string,
	userId: string
): Promise<{
	organization: Organization;
	membership: { id: string; role: MembershipRole };
} | null> {
	const row = must(
		await db
			.from('organizations')
			.select('*, memberships!inner(id, role)')
			.eq('slug', slug)
			.eq('memberships.user_id', userId)
			.eq('memberships.status', 'active')
			.maybeSingle()
	);
	if (!row) return null;
	const { memberships, ...organization } = row;
	const membership = memberships[0];
	return membership ? { organization, membership } : null;
}

export async function getOrganizationBySlug(db: Db, slug: string): Promise<Organization | null> {
	return must(await db.from('organizations').select('*').eq('slug', slug).maybeSingle()) ?? null;
}

export async function createOrganization(
	db: Db,
	input: { name: string; slug: string; timeZone: string }
): Promise<Organization> {
	return must(
		await db.rpc('create_organization', {
			p_name: input.name,
			p_slug: input.slug,
			p_time_zone: input.timeZone
		})
	);
}

export async function getOrganizationById(db: Db, id: string): Promise<Organization | null> {
	return must(await db.from('organizations').select('*').eq('id', id).maybeSingle()) ?? null;
}
