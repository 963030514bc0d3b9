import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';
import { listen, type HubSubscription } from './realtime-hub';
import type { LiveStatus } from './realtime.svelte';

/**
 * Listens for `announcement:new` on the organization's private topic and on the topic of every
 * program the person can read (enrolled athletes: their programs; staff: all of the
 * organization's), authorized by the realtime.messages policies. `changed` runs on each event and
 * after every (re)join, since events sent while away are not replayed: realtime is a hint, the
 * caller re-reads. Returns a function that stops listening.
 */
export function subscribeAnnouncements(
	db: SupabaseClient<Database>,
	opts: {
		organizationId: string;
		userId: string;
		staff: boolean;
		changed: () => void;
		onStatus?: (s: LiveStatus) => void;
	}
): () => void {
	let closed = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	// Joins of several topics and a burst of posts coalesce into one re-read.
	const changed = () => {
		if (closed) return;
		if (timer) clearTimeout(timer);
		timer = setTimeout(() => {
			timer = null;
			if (!closed) opts.changed();
		}, 150);
	};
	const subs: HubSubscription[] = [];
	const join = (topic: string, reportStatus: boolean) => {
		subs.push(
			listen(
				db,
				topic,
				(event) => {
					if (event === 'announcement:new') changed();
				},
				(state) => {
					if (closed) return;
					if (state === 'SUBSCRIBED') changed();
					if (!reportStatus) return;
					opts.onStatus?.(
						state === 'SUBSCRIBED' ? 'live' : state === 'CONNECTING' ? 'connecting' : 'offline'
					);
				}
			)
		);
	};
	opts.onStatus?.('connecting');
	join(`org:${opts.organizationId}`, true);
	const programs = opts.staff
		? db.from('programs').select('id').eq('organization_id', opts.organizationId)
		: db
				.from('program_enrollments')
				.select('id:program_id')
				.eq('organization_id', opts.organizationId)
				.eq('user_id', opts.userId)
				.is('ended_at', null);
	void Promise.resolve(programs).then(({ data }) => {
		if (closed) return;
		for (const p of data ?? []) join(`program:${p.id}`, false);
	});
	const onVisible = () => {
		if (document.visibilityState === 'visible') changed();
	};
	document.addEventListener('visibilitychange', onVisible);
	return () => {
		closed = true;
		if (timer) clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisible);
		for (const s of subs) s.stop();
	};
}
