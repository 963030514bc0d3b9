import { z } from 'zod';
import { Constants } from '../database.types';
import type { Db, MembershipRole } from './client';
import { DbError, toDbError } from './errors';
import type { MyOrganization, Organization } from './organizations';
import type { Profile } from './profiles';

/** What the API said about the session cookie's access token, and the shell's data with it. */
export type SessionContext =
	| { state: 'signed_out' }
	| {
			state: 'active';
			user: SessionUser;
			/** aal1 with a verified second factor: the code is asked for before anything else. */
			secondFactorDue: boolean;
			profile: Profile | null;
			/** My active memberships, each with its organization, by organization name. */
			memberships: {
				organization: Organization;
				membership: { id: string; role: MembershipRole };
			}[];
	  };

// The generated types call every column of a `returns table` function non-null; these are
// outer-joined (no profile, no membership) or nullable in their tables, so the rows are read
// with their real shape.
const rowSchema = z.object({
	user_id: z.string(),
	email: z.string().nullable(),
	session_active: z.boolean(),
	second_factor_due: z.boolean(),
	display_name: z.string().nullable(),
	avatar_path: z.string().nullable(),
	time_zone: z.string().nullable(),
	read_receipts_enabled: z.boolean().nullable(),
	profile_deleted_at: z.string().nullable(),
	profile_is_tombstone: z.boolean().nullable(),
	profile_created_at: z.string().nullable(),
	profile_updated_at: z.string().nullable(),
	organization_id: z.string().nullable(),
	organization_name: z.string().nullable(),
	organization_slug: z.string().nullable(),
	organization_time_zone: z.string().nullable(),
	organization_member_dm_enabled: z.boolean().nullable(),
	organization_created_by: z.string().nullable(),
	organization_created_at: z.string().nullable(),
	organization_updated_at: z.string().nullable(),
	membership_id: z.string().nullable(),
	membership_role: z.enum(Constants.public.Enums.membership_role).nullable()
});
type Row = z.infer<typeof rowSchema>;

function profileOf(r: Row): Profile | null {
	if (
		r.display_name === null ||
		r.read_receipts_enabled === null ||
		r.profile_is_tombstone === null ||
		r.profile_created_at === null ||
		r.profile_updated_at === null
	)
		return null;
	return {
		id: r.user_id,
		display_name: r.display_name,
		avatar_path: r.avatar_path,
		time_zone: r.time_zone,
		read_receipts_enabled: r.read_receipts_enabled,
		deleted_at: r.profile_deleted_at,
		is_tombstone: r.profile_is_tombstone,
		created_at: r.profile_created_at,
		updated_at: r.profile_updated_at
	};
}

type Membership = Extract<SessionContext, { state: 'active' }>['memberships'][number];

function membershipOf(r: Row): Membership | null {
	const { organization_id: id, organization_name: name, organization_slug: slug } = r;
	const { organization_time_zone: timeZone, organization_member_dm_enabled: dms } = r;
	const { organization_created_at: createdAt, organization_updated_at: updatedAt } = r;
	const { membership_id: membershipId, membership_role: role } = r;
	if (
		id === null ||
		name === null ||
		slug === null ||
		timeZone === null ||
		dms === null ||
		createdAt === null ||
		updatedAt === null ||
		membershipId === null ||
		role === null
	)
		return null;
	return {
		organization: {
			id,
			name,
			slug,
			time_zone: timeZone,
			member_dm_enabled: dms,
			created_by: r.organization_created_by,
			created_at: createdAt,
			updated_at: updatedAt
		},
		membership: { id: membershipId, role }
	};
}

/**
 * The session in one request (public.session_context): the API verifies the token's signature
 * and expiry, the database whether its session still exists, whether a second factor is due,
 * and returns the profile and memberships every page's shell shows.
 *
 * signed_out when the API refuses the token (forged, expired, another project's) or the session
 * ended. A DbError (status 503) when the API cannot answer at all: that is not the person's
 * fault, and sending them to sign in again would not help.
 */
export async function readSessionContext(db: Db): Promise<SessionContext> {
	let result;
	try {
		result = await db.rpc('session_context');
	} catch (e) {
		throw new DbError(e instanceof Error ? e.message : String(e), 'unreachable', 503);
	}
	const { data, error, status } = result;
	if (error) {
		// 401: PostgREST refused the token (PGRST301 bad or expired JWT), or no token at all.
		if (status === 401 || /^PGRST30\d$/.test(error.code ?? '')) return { state: 'signed_out' };
		if (status === 0 || status >= 500) {
			throw new DbError(error.message || 'The server could not be reached.', 'unreachable', 503);
		}
		throw toDbError(error);
	}
	const rows = z.array(rowSchema).parse(data);
	const first = rows[0];
	if (!first || !first.session_active) return { state: 'signed_out' };
	const memberships = rows
		.map(membershipOf)
		.filter((m) => m !== null)
		.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
	return {
		state: 'active',
		user: { id: first.user_id, email: first.email },
		secondFactorDue: first.second_factor_due,
		profile: profileOf(first),
		memberships
	};
}

/** The shell's list of my organizations (what the organization switcher shows). */
export function organizationsOf(
	context: Extract<SessionContext, { state: 'active' }>
): MyOrganization[] {
	return context.memberships.map(({ organization: o, membership: m }) => ({
		id: o.id,
		name: o.name,
		slug: o.slug,
		role: m.role
	}));
}
