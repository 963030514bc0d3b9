// `npm run bench -- announcements [--athletes 2000] [--iterations 10] [--db <url>]`. The
// targets for announcements, in SQL (API-shaped transactions: role + request.jwt.claims):
//   - a coach posting to an organization of 2,000 members queues its pushes in ≤ 1 s (each
//     round rolled back, so every round queues the 2,000 again);
//   - a member's feed first page takes ≤ 10 ms with 10,000 announcements in the organization;
//   - also measured against the same budget: a coach's first page (with "seen by N of M" for each
//     announcement, 2,000-member audiences) and Today's newest unread for a member who has read
//     all but the oldest one (the longest walk it can take).
// Then EXPLAIN (ANALYZE, BUFFERS) of the statements inside both. Without --db it boots a
// throwaway cluster and removes it.
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { generateOrganization } from './_generate.ts';
import { asUser, explainInside, fmt, median, percentile, time } from './_measure.ts';
import { option, throwawayCluster } from './seed.ts';

const POST_TARGET_MS = 1000;
const FEED_TARGET_MS = 10;

export default async function announcements(args: string[]): Promise<void> {
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const iterations = Number(option(args, 'iterations') ?? 10);
	let url = option(args, 'db');
	let stop = () => {};
	if (!url) {
		console.log('Booting a throwaway cluster (platform, migrations, seed.sql)…');
		const c = await throwawayCluster();
		url = c.url;
		stop = c.stop;
	}
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const org = await generateOrganization(sql, {
			athletes,
			days: 1,
			slug: `news-${Date.now().toString(36)}`
		});
		const coach = org.coachIds[0];
		const athlete = org.athleteIds[0];
		const post = (tx: postgres.TransactionSql) =>
			tx<
				{ id: string }[]
			>`select id from public.post_announcement(${org.organizationId}, 'Gym closed on Friday for the floor repair. Sessions move to Saturday.')`;

		await asUser(
			sql,
			coach,
			async (tx) => {
				const [a] = await post(tx);
				// the outbox is not the coach's to read: count it as the bench's own superuser
				await tx`select set_config('role', 'postgres', true)`;
				const [q] = await tx<{ n: string }[]>`
					select count(*) as n from public.notification_outbox
					 where category = 'announcement' and payload ->> 'announcement_id' = ${a.id}`;
				console.log(`one post queued ${q.n} pushes (one per member but the author)`);
			},
			true
		);
		for (let i = 0; i < 2; i++) await asUser(sql, coach, async (tx) => void (await post(tx)), true);
		const postTimes = await time(iterations, () =>
			asUser(sql, coach, async (tx) => void (await post(tx)), true)
		);

		// 10,000 announcements over the last year (written directly: their fan-out is not measured
		// here), a tenth of them to a program the athlete does not follow.
		await sql.begin(async (tx) => {
			await tx`set local session_replication_role = replica`;
			await tx`
				insert into public.announcements (organization_id, program_id, author_id, body, created_at, updated_at)
				select ${org.organizationId}, case when g % 10 = 0 then ${org.programIds.coaching[1] ?? null}::uuid end,
				       ${coach}, 'Announcement number ' || g, now() - (g || ' minutes')::interval * 50,
				       now() - (g || ' minutes')::interval * 50
				  from generate_series(1, 10000) g`;
		});
		await sql`analyze public.announcements`;
		const feed = (tx: postgres.TransactionSql) =>
			tx`select count(*) from public.announcement_feed(${org.organizationId})`;
		for (let i = 0; i < 5; i++)
			await asUser(sql, athlete, async (tx) => void (await feed(tx)), true);
		const feedTimes = await time(Math.max(iterations, 50), () =>
			asUser(sql, athlete, async (tx) => void (await feed(tx)), true)
		);

		const coachFeedTimes = await time(Math.max(iterations, 50), () =>
			asUser(sql, coach, async (tx) => void (await feed(tx)), true)
		);
		// worst case for Today: everything read but the oldest announcement
		await sql.begin(async (tx) => {
			await tx`set local session_replication_role = replica`;
			await tx`
				insert into public.announcement_reads (announcement_id, user_id, organization_id)
				select a.id, ${athlete}, a.organization_id from public.announcements a
				 where a.organization_id = ${org.organizationId}
				 order by a.created_at desc offset 0 limit 9999`;
		});
		await sql`analyze public.announcement_reads`;
		const latest = (tx: postgres.TransactionSql) =>
			tx`select count(*) from public.latest_unread_announcement(${org.organizationId})`;
		for (let i = 0; i < 5; i++)
			await asUser(sql, athlete, async (tx) => void (await latest(tx)), true);
		const latestTimes = await time(Math.max(iterations, 50), () =>
			asUser(sql, athlete, async (tx) => void (await latest(tx)), true)
		);

		const row = (name: string, target: number, xs: number[]) => {
			const p95 = percentile(xs, 95);
			return `| ${name} | ≤ ${target} ms | ${fmt(median(xs))} | ${fmt(p95)} (${p95 <= target ? 'ok' : 'MISSED'}) |`;
		};
		console.log('\n| measure | target | SQL p50 | SQL p95 |\n|---|---|---|---|');
		console.log(row(`post to ${athletes} members (pushes queued)`, POST_TARGET_MS, postTimes));
		console.log(row('member feed first page, 10,000 announcements', FEED_TARGET_MS, feedTimes));
		console.log(row('coach feed first page with seen-by counts', FEED_TARGET_MS, coachFeedTimes));
		console.log(
			row("Today's newest unread (all but the oldest read)", FEED_TARGET_MS, latestTimes)
		);
		console.log(
			`load average during the run: ${loadavg()
				.map((l) => l.toFixed(1))
				.join(' / ')} (1/5/15 min)`
		);
		await explainInside(
			url,
			[
				['post_announcement', coach, post],
				['announcement_feed (member, first page)', athlete, feed],
				['announcement_feed (coach, first page, seen by)', coach, feed],
				['latest_unread_announcement (member)', athlete, latest]
			],
			/insert into public\.notification_outbox|from public\.announcements a|with pinned as|with newest as/,
			(u, onnotice) => postgres(u, { max: 1, onnotice }),
			30
		);
	} finally {
		await sql.end();
		stop();
	}
}
