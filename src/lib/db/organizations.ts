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
 * The organization at this address and my active membership in it, in one request (the layout
 * of every organization page needs both before the page's own reads start); null when it does
 * not exist or I am not an active member (RLS shows an organization only to its members).
 */
export async function getMyOrganizationBySlug(
	db: Db,
	slug: string,
	userId: string
): Promise<{
	organization: Organization;
	membership: { id: string; role: MembershipRole };
} | null> {
	const row = must(
		await db
			.from('memberships')
			.select('id, role, organizations!inner(*)')
			.eq('organizations.slug', slug)
			.eq('user_id', userId)
			.eq('status', 'active')
			.maybeSingle()
	);
	if (!row) return null;
	return { organization: row.organizations, membership: { id: row.id, role: row.role } };
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
