// The real pg_cron scheduler on the stack: nothing here calls the publisher or the purge itself.
// A coach drips a workout "morning of" a day whose 05:00 has passed; within one scheduler tick
// (pg_cron starts due jobs at the top of each minute, so at most ~70 s) the athlete sees it
// published, and cron.job_run_details records the run that did it as succeeded. The hourly purge,
// made to run every minute, removes a push finished 40 days ago and keeps a pending one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { adminSql, anonClient, serviceClient, uniqueEmail } from '../support/stack.ts';

const admin = adminSql();
const PASSWORD = 'cron-scheduler-pw-1';
let coach: SupabaseClient;
let athlete: SupabaseClient;
let coachId = '';
let athleteId = '';
let org = '';
let workout = '';

async function person(name: string): Promise<{ id: string; client: SupabaseClient }> {
	const email = uniqueEmail(name);
	const { data, error } = await serviceClient().auth.admin.createUser({
		email,
		password: PASSWORD,
		email_confirm: true,
		user_metadata: { display_name: name }
	});
	if (error || !data.user) throw error ?? new Error('no user');
	const client = anonClient();
	const login = await client.auth.signInWithPassword({ email, password: PASSWORD });
	if (login.error) throw login.error;
	return { id: data.user.id, client };
}

beforeAll(async () => {
	const c = await person('cron.coach');
	const a = await person('cron.athlete');
	coach = c.client;
	athlete = a.client;
	coachId = c.id;
	athleteId = a.id;
	const slug = `cron-${process.pid.toString(36)}${Date.now().toString(36)}`;
	const [o] = await admin<{ id: string }[]>`
		insert into public.organizations (name, slug, time_zone, created_by)
		values ('Cron Gym', ${slug}, 'Europe/London', ${coachId}) returning id`;
	org = o.id;
	await admin`
		insert into public.memberships (organization_id, user_id, role)
		values (${org}, ${coachId}, 'owner'), (${org}, ${athleteId}, 'member')`;
	const [w] = await admin<{ id: string }[]>`
		insert into public.workouts (organization_id, title, created_by)
		values (${org}, 'Fran', ${coachId}) returning id`;
	workout = w.id;
});

afterAll(async () => {
	await admin.begin(async (tx) => {
		// Replica mode skips the append-only and keep-an-owner triggers for this cleanup only.
		await tx`set local session_replication_role = replica`;
		await tx`delete from realtime.messages where topic in (${`user:${coachId}`}, ${`user:${athleteId}`})`;
		await tx`delete from public.notification_outbox where user_id in (${coachId}, ${athleteId})`;
		await tx`delete from public.audit_logs where organization_id = ${org}`;
		await tx`delete from public.workout_assignments where organization_id = ${org}`;
		await tx`delete from public.workouts where organization_id = ${org}`;
		await tx`delete from public.memberships where organization_id = ${org}`;
		await tx`delete from public.organizations where id = ${org}`;
		await tx`delete from public.profiles where id in (${coachId}, ${athleteId})`;
		await tx`delete from auth.users where id in (${coachId}, ${athleteId})`;
	});
	await admin.end();
});

describe('the pg_cron scheduler', () => {
	it('publishes a morning-of draft whose 05:00 has passed, and records the run as succeeded', async () => {
		// Yesterday's 05:00 in London has passed whatever the time of day the test runs.
		const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
		const { data: drafted, error } = await coach.rpc('assign_personal', {
			p_organization_id: org,
			p_athlete_ids: [athleteId],
			p_date: yesterday,
			p_workout_id: workout,
			p_mode: 'morning_of'
		});
		expect(error).toBeNull();
		const assignment = (
			drafted as Array<{ id: string; published: boolean; publish_at: string }>
		)[0];
		expect(assignment.published).toBe(false);
		expect(new Date(assignment.publish_at).getTime()).toBeLessThan(Date.now());
		const [{ now: assignedAt }] = await admin<{ now: Date }[]>`select now()`;

		// Polls as the athlete would by reloading the calendar: the row is theirs once published.
		const deadline = Date.now() + 70_000;
		let seen: { id: string; published: boolean } | null = null;
		while (Date.now() < deadline) {
			const { data } = await athlete
				.from('workout_assignments')
				.select('id, published')
				.eq('id', assignment.id)
				.maybeSingle();
			if (data?.published) {
				seen = data;
				break;
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
		expect(seen, 'the scheduler did not publish the draft within 70 s').toEqual({
			id: assignment.id,
			published: true
		});

		const runs = await admin<{ status: string; return_message: string | null }[]>`
			select d.status, d.return_message
			  from cron.job_run_details d join cron.job j using (jobid)
			 where j.jobname = 'publish-due-assignments' and d.start_time >= ${assignedAt}
			 order by d.start_time`;
		expect(runs.length).toBeGreaterThan(0);
		expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'succeeded'));
	}, 90_000);

	it("purges a push finished over 30 days ago at the purge job's hour, and keeps a pending one", async () => {
		// The job runs at 17 past the hour; for the test it runs every minute, then goes back.
		const old = async (status: 'sent' | 'pending', n: number) =>
			(
				await admin<{ id: string }[]>`
					insert into public.notification_outbox (id, user_id, category, status, created_at, not_before)
					values ((left(private.uuid_v7_floor(now() - interval '40 days')::text, 24) || lpad(${n}::text, 12, '0'))::uuid,
					        ${athleteId}, 'newMessage', ${status}::public.notification_status,
					        now() - interval '40 days', now() - interval '40 days')
					returning id`
			)[0].id;
		const sent = await old('sent', 1);
		const pending = await old('pending', 2);
		const [{ now: queuedAt }] = await admin<{ now: Date }[]>`select now()`;
		await admin`select cron.alter_job(j.jobid, schedule => '* * * * *')
		              from cron.job j where j.jobname = 'purge-finished-records'`;
		try {
			const deadline = Date.now() + 70_000;
			let left = 1;
			while (Date.now() < deadline && left > 0) {
				await new Promise((r) => setTimeout(r, 1000));
				[{ left }] = await admin<{ left: number }[]>`
					select count(*)::int as left from public.notification_outbox where id = ${sent}`;
			}
			expect(left, 'the scheduler did not purge the month-old push within 70 s').toBe(0);
			const [{ kept }] = await admin<{ kept: string }[]>`
				select status::text as kept from public.notification_outbox where id = ${pending}`;
			expect(kept, "a pending push is the worker's, however old").toBe('pending');
			const runs = await admin<{ status: string }[]>`
				select d.status from cron.job_run_details d join cron.job j using (jobid)
				 where j.jobname = 'purge-finished-records' and d.start_time >= ${queuedAt}`;
			expect(runs.length).toBeGreaterThan(0);
			expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'succeeded'));
		} finally {
			await admin`select cron.alter_job(j.jobid, schedule => '17 * * * *')
			              from cron.job j where j.jobname = 'purge-finished-records'`;
		}
	}, 90_000);

	it('runs every scheduled job with success: none has a failed run', async () => {
		const failed = await admin<{ jobname: string; return_message: string }[]>`
			select j.jobname, d.return_message
			  from cron.job_run_details d join cron.job j using (jobid)
			 where d.status = 'failed'`;
		expect(failed).toEqual([]);
	});
});
