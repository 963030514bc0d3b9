// Direct messages for the messaging benchmark, written set-based into an organization the shared
// generator made: every coach talks with every athlete (coach 1 alone has one conversation per
// athlete). Messages go in with session_replication_role = replica, so the per-row triggers
// (summaries, outbox, realtime) are skipped; the conversation_summaries rows are then built
// set-based to exactly what those triggers would have left after the same inserts followed by
// both people reading up to a watermark (mark_read_up_to): last message, preview, activity time,
// watermark, and unread = messages to the owner after it. Read receipts (read_at) are stamped
// as mark_read_up_to stamps them. The outbox pushes and realtime broadcasts those triggers would
// have queued for the history are not written: they are delivery queues, drained long ago in a
// real organization, and nothing measured here reads them.
//
// Two phases so one organization serves both sizes: `recent` puts the latest messages of every
// conversation (the last week) and builds the summaries; `history` adds older, already-read
// messages before them, which leaves every summary exactly as the triggers would (an older
// message is never the last one and is behind both watermarks).
import type postgres from 'postgres';

const PHRASES = [
	'Great session today, well done',
	'How did the squats feel?',
	'Remember to hydrate before the workout',
	'Can we move tomorrow to the evening?',
	'Knee feels better after the mobility work',
	'New PR on the deadlift!',
	'Scale the pull-ups if the shoulder hurts',
	'See you at the 7am class'
];

export interface Conversations {
	organizationId: string;
	coachIds: string[];
	athleteIds: string[];
	conversations: number;
}

async function conversationsTable(tx: postgres.TransactionSql, c: Conversations): Promise<void> {
	// One row per (coach, athlete) pair; `jitter` spreads the conversations' activity times.
	await tx`
		create temp table if not exists bench_conversations on commit drop as
		select row_number() over (order by ci.n, ai.n) - 1 as conv, ci.id as coach_id, ai.id as athlete_id,
		       least(ci.id, ai.id) as low, greatest(ci.id, ai.id) as high
		  from unnest(${c.coachIds}::uuid[]) with ordinality ci (id, n)
		 cross join unnest(${c.athleteIds}::uuid[]) with ordinality ai (id, n)`;
}

async function insertMessages(
	sql: postgres.Sql,
	c: Conversations,
	perConversation: number,
	phase: 'recent' | 'history',
	log: (s: string) => void
): Promise<void> {
	// Chunks by coach on two connections: the machine has two cores.
	const chunks = c.coachIds.map((_, i) => i);
	const run = async (coach: number) => {
		const t = performance.now();
		await sql.begin(async (tx) => {
			await tx`set local session_replication_role = replica`;
			await conversationsTable(tx, c);
			// recent: the last 7 days (+ up to a day of jitter), read up to the message 1 + conv % 4
			// from the end. history: the year before, every message read.
			await tx`
				insert into public.messages (organization_id, sender_id, sender_role, recipient_id, content,
				                             created_at, updated_at, read_at)
				select ${c.organizationId}, s.sender_id, s.sender_role, s.recipient_id,
				       (${PHRASES}::text[])[1 + (k + b.conv) % ${PHRASES.length}], t.at, coalesce(r.read_at, t.at), r.read_at
				  from bench_conversations b
				 cross join generate_series(0, ${perConversation - 1}) k
				 cross join lateral (
				   select case when ${phase} = 'recent'
				               then now() - interval '8 days' + (b.conv % 1440) * interval '1 minute'
				                    + k * (interval '7 days' / ${perConversation})
				               else now() - interval '373 days' + (b.conv % 1440) * interval '1 minute'
				                    + k * (interval '364 days' / ${perConversation}) end as at,
				          case when ${phase} = 'recent'
				               then now() - interval '8 days' + (b.conv % 1440) * interval '1 minute'
				                    + (${perConversation} - 2 - b.conv % 4) * (interval '7 days' / ${perConversation})
				               else now() - interval '8 days' end as watermark) t
				 cross join lateral (
				   select case when k % 2 = 0 then b.coach_id else b.athlete_id end as sender_id,
				          case when k % 2 = 0 then 'coach' else 'member' end::public.sender_role as sender_role,
				          case when k % 2 = 0 then b.athlete_id else b.coach_id end as recipient_id) s
				 cross join lateral (
				   select case when t.at <= t.watermark then t.watermark + interval '1 minute' end as read_at) r
				 where b.conv / ${c.athleteIds.length} = ${coach}`;
		});
		log(
			`    ${phase} messages, coach ${coach + 1}: ${((performance.now() - t) / 1000).toFixed(1)} s`
		);
	};
	let next = 0;
	const worker = async () => {
		while (next < chunks.length) await run(chunks[next++]);
	};
	await Promise.all([worker(), worker()]);
}

/** The summaries the send triggers plus both sides' mark_read_up_to would leave. */
async function buildSummaries(sql: postgres.Sql, c: Conversations): Promise<void> {
	await sql.begin(async (tx) => {
		await tx`set local session_replication_role = replica`;
		await conversationsTable(tx, c);
		await tx`
			insert into public.conversation_summaries as s
			  (owner_id, organization_id, other_user_id, last_message_id, last_message_sender_id,
			   last_message_preview, last_message_deleted, last_message_at, last_activity_at, unread_count,
			   last_read_at, hidden, created_at, updated_at)
			select o.owner_id, ${c.organizationId}, o.other_id, l.id, l.sender_id, left(l.content, 140), false,
			       l.created_at, l.created_at, u.n, w.read_at - interval '1 minute', false, f.created_at, l.created_at
			  from bench_conversations b
			 cross join lateral (values (b.coach_id, b.athlete_id), (b.athlete_id, b.coach_id)) o (owner_id, other_id)
			 cross join lateral (
			   select m.id, m.sender_id, m.content, m.created_at from public.messages m
			    where m.organization_id = ${c.organizationId} and m.participant_low = b.low and m.participant_high = b.high
			      and m.workout_assignment_id is null
			    order by m.created_at desc, m.id desc limit 1) l
			 cross join lateral (
			   select m.created_at from public.messages m
			    where m.organization_id = ${c.organizationId} and m.participant_low = b.low and m.participant_high = b.high
			      and m.workout_assignment_id is null
			    order by m.created_at, m.id limit 1) f
			 cross join lateral (
			   select max(m.read_at) as read_at from public.messages m
			    where m.organization_id = ${c.organizationId} and m.participant_low = b.low and m.participant_high = b.high
			      and m.workout_assignment_id is null and m.created_at > now() - interval '9 days') w
			 cross join lateral (
			   select count(*)::integer as n from public.messages m
			    where m.organization_id = ${c.organizationId} and m.participant_low = b.low and m.participant_high = b.high
			      and m.workout_assignment_id is null and m.recipient_id = o.owner_id and m.deleted_at is null
			      and m.created_at > w.read_at - interval '1 minute') u`;
	});
}

/** `total` messages over the coach × athlete conversations: `recent` first, then history. */
export async function generateMessages(
	sql: postgres.Sql,
	c: Conversations,
	phase: 'recent' | 'history',
	total: number,
	log: (s: string) => void = () => {}
): Promise<number> {
	const perConversation = Math.max(phase === 'recent' ? 4 : 1, Math.floor(total / c.conversations));
	await insertMessages(sql, c, perConversation, phase, log);
	if (phase === 'recent') await buildSummaries(sql, c);
	// A production table this size has long been through autovacuum; without this, the
	// insert-triggered autovacuum of millions of fresh rows runs during the measurements (on two
	// cores it takes one of them for minutes) and the figures measure it instead.
	await sql`vacuum (analyze) public.messages, public.conversation_summaries`;
	await sql`checkpoint`;
	return perConversation * c.conversations;
}
