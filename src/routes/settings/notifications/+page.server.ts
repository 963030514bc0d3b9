import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '#lib/server/guards.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const SNOOZE_PRESETS: Record<string, number | null> = {
	'1h': 60,
	'8h': 8 * 60,
	'24h': 24 * 60,
	'1w': 7 * 24 * 60,
	off: null
};

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals.user);
	const [prefs, subs] = await Promise.all([
		locals.supabase
			.from('notification_preferences')
			.select('*')
			.eq('user_id', user.id)
			.maybeSingle(),
		locals.supabase.from('push_subscriptions').select('endpoint, user_agent, created_at')
	]);
	return {
		preferences: prefs.data,
		devices: subs.data ?? [],
		loadError: prefs.error?.message ?? subs.error?.message ?? null
	};
};

const validZone = (zone: string) => {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
};

export const actions: Actions = {
	save: async ({ request, locals }) => {
		const user = requireUser(locals.user);
		const form = await request.formData();
		const start = String(form.get('quietStart') ?? '').slice(0, 5);
		const end = String(form.get('quietEnd') ?? '').slice(0, 5);
		const zone = String(form.get('timeZone') ?? '');
		const quiet = form.get('quietHours') === 'on';
		const errors: Record<string, string[]> = {};
		if (quiet) {
			if (!TIME.test(start)) errors.quietStart = ['Choose when quiet hours start.'];
			if (!TIME.test(end)) errors.quietEnd = ['Choose when quiet hours end.'];
			if (!errors.quietStart && !errors.quietEnd && start === end) {
				errors.quietEnd = ['Quiet hours must end at a different time than they start.'];
			}
		}
		if (zone && !validZone(zone)) errors.timeZone = ['Choose a time zone from the list.'];
		if (Object.keys(errors).length) return fail(400, { errors });
		const { error } = await locals.supabase.from('notification_preferences').upsert(
			{
				user_id: user.id,
				messages_enabled: form.get('messages') === 'on',
				comments_enabled: form.get('comments') === 'on',
				workouts_enabled: form.get('workouts') === 'on',
				announcements_enabled: form.get('announcements') === 'on',
				quiet_hours_start: quiet ? start : null,
				quiet_hours_end: quiet ? end : null,
				time_zone: zone || null
			},
			{ onConflict: 'user_id' }
		);
		if (error) return fail(500, { errors: { form: [error.message] } });
		return { saved: true };
	},

	snooze: async ({ request, locals }) => {
		const user = requireUser(locals.user);
		const preset = String((await request.formData()).get('preset') ?? '');
		if (!(preset in SNOOZE_PRESETS)) return fail(400, { errors: { form: ['Unknown snooze.'] } });
		const minutes = SNOOZE_PRESETS[preset];
		const mutedUntil = minutes === null ? null : new Date(Date.now() + minutes * 60_000);
		const { error } = await locals.supabase
			.from('notification_preferences')
			.upsert(
				{ user_id: user.id, muted_until: mutedUntil?.toISOString() ?? null },
				{ onConflict: 'user_id' }
			);
		if (error) return fail(500, { errors: { form: [error.message] } });
		return { snoozed: true };
	},

	subscribe: async ({ request, locals }) => {
		requireUser(locals.user);
		const form = await request.formData();
		const endpoint = String(form.get('endpoint') ?? '');
		const p256dh = String(form.get('p256dh') ?? '');
		const auth = String(form.get('auth') ?? '');
		if (!endpoint.startsWith('https://') || !p256dh || !auth) {
			return fail(400, { errors: { form: ['The browser did not give a usable subscription.'] } });
		}
		const { error } = await locals.supabase.rpc('register_push_subscription', {
			p_endpoint: endpoint,
			p_p256dh: p256dh,
			p_auth: auth,
			p_user_agent: (request.headers.get('user-agent') ?? '').slice(0, 500) || undefined
		});
		if (error) return fail(500, { errors: { form: [error.message] } });
		return { subscribed: true };
	},

	unsubscribe: async ({ request, locals }) => {
		requireUser(locals.user);
		const endpoint = String((await request.formData()).get('endpoint') ?? '');
		if (!endpoint) return { unsubscribed: true };
		// RLS limits the delete to the caller's own rows.
		const { error } = await locals.supabase
			.from('push_subscriptions')
			.delete()
			.eq('endpoint', endpoint);
		if (error) return fail(500, { errors: { form: [error.message] } });
		return { unsubscribed: true };
	}
};
