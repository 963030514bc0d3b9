import type { PageServerLoad } from './$types';
import {
	coachOverview,
	type Overview,
	type OverviewQuery,
	type OverviewRow,
	type OverviewSort
} from '#lib/db/assignments.ts';
import { TRAFFIC_LIGHTS } from '#lib/db/client.ts';
import { DbError } from '#lib/db/errors.ts';
import { requireStaff } from '#lib/server/guards.ts';

const PAGE_SIZE = 50;
const SORTS: OverviewSort[] = ['status', 'compliance', 'name'];

/** The roster's view in the URL (linkable, back button works); anything unknown falls back. */
function readQuery(url: URL): Required<Pick<OverviewQuery, 'sort' | 'limit' | 'offset'>> & {
	status: OverviewRow['status'] | null;
	search: string;
	page: number;
} {
	const sort = url.searchParams.get('sort') as OverviewSort | null;
	const status = url.searchParams.get('status') as OverviewRow['status'] | null;
	const page = Math.max(
		1,
		Math.min(10_000, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1)
	);
	return {
		sort: sort && SORTS.includes(sort) ? sort : 'status',
		status: status && TRAFFIC_LIGHTS.includes(status) ? status : null,
		search: (url.searchParams.get('q') ?? '').trim().slice(0, 100),
		page,
		limit: PAGE_SIZE,
		offset: (page - 1) * PAGE_SIZE
	};
}

export const load: PageServerLoad = async ({ parent, locals, depends, url }) => {
	depends('app:overview');
	const { organization, membership } = await parent();
	requireStaff(membership.role);
	const query = readQuery(url);
	try {
		return {
			overview: await coachOverview(locals.supabase, organization.id, query),
			query,
			loadError: null
		};
	} catch (e) {
		if (!(e instanceof DbError)) throw e;
		return { overview: null as Overview | null, query, loadError: e.message };
	}
};
