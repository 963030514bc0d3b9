import type { Db, MembershipRole, Tables } from './client';
import { must } from './errors';

export type Organization = Tables<'organizations'>;
export interface MyOrganization {
	id: string;
	name: string;
	slug: string;
	role: MembershipRole;
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
