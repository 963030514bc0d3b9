import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { deleteMyAccount } from '#lib/db/moderation.ts';
import { failFromDb, failWith } from '#lib/db/errors.ts';
import { requireUser } from '#lib/server/guards.ts';
import { authMessage } from '#lib/auth-messages.ts';

/** The SVG auth-js hands over as a data: URL, re-encoded so it is safe in an img src. */
function qrImage(dataUrl: string): string {
	const svg = dataUrl.replace(/^data:image\/svg\+xml;utf-8,/, '');
	return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export const load: PageServerLoad = async ({ locals }) => {
	requireUser(locals.user);
	const { data } = await locals.supabase.auth.mfa.listFactors();
	const verified = data?.totp.find((f) => f.status === 'verified') ?? null;
	return {
		twoFactor: verified
			? { on: true as const, factorId: verified.id, since: verified.created_at }
			: { on: false as const }
	};
};

export const actions: Actions = {
	/** Step 1 of turning two-factor sign-in on: a new secret to put in an authenticator app. */
	enroll: async ({ locals }) => {
		requireUser(locals.user);
		// Leftovers of an enrollment never finished would only clutter the list: start afresh.
		const { data: existing } = await locals.supabase.auth.mfa.listFactors();
		for (const f of existing?.all ?? []) {
			if (f.status !== 'verified') await locals.supabase.auth.mfa.unenroll({ factorId: f.id });
		}
		const { data, error } = await locals.supabase.auth.mfa.enroll({
			factorType: 'totp',
			friendlyName: 'Authenticator app',
			issuer: 'Coachline'
		});
		if (error || !data) return fail(400, { mfa: { error: authMessage(error!), enrolling: null } });
		return {
			mfa: {
				error: null,
				enrolling: {
					factorId: data.id,
					qr: qrImage(data.totp.qr_code),
					secret: data.totp.secret
				}
			}
		};
	},

	/** Step 2: the first code proves the app has the secret; the factor is then on. */
	confirm: async ({ request, locals }) => {
		requireUser(locals.user);
		const form = await request.formData();
		const factorId = String(form.get('factorId') ?? '');
		const secret = String(form.get('secret') ?? '');
		const qr = String(form.get('qr') ?? '');
		const code = String(form.get('code') ?? '').replace(/\s+/g, '');
		const enrolling = { factorId, secret, qr };
		if (!/^\d{6}$/.test(code)) {
			return fail(400, {
				mfa: { error: 'Enter the 6 digits your authenticator app shows.', enrolling }
			});
		}
		const { error } = await locals.supabase.auth.mfa.challengeAndVerify({ factorId, code });
		if (error) return fail(400, { mfa: { error: authMessage(error), enrolling } });
		return { mfa: { error: null, enrolling: null, turnedOn: true } };
	},

	/** Turning it off needs this session at aal2 (signed in with a code), as auth enforces. */
	unenroll: async ({ request, locals }) => {
		requireUser(locals.user);
		const factorId = String((await request.formData()).get('factorId') ?? '');
		const { error } = await locals.supabase.auth.mfa.unenroll({ factorId });
		if (error) return fail(400, { mfa: { error: authMessage(error), enrolling: null } });
		// A new access token without the factor's aal2 is issued on the next refresh.
		await locals.supabase.auth.refreshSession();
		return { mfa: { error: null, enrolling: null, turnedOff: true } };
	},

	delete: async ({ request, locals }) => {
		requireUser(locals.user);
		const confirmation = String((await request.formData()).get('confirm') ?? '').trim();
		if (confirmation !== 'DELETE') {
			return failWith(400, { confirm: ['Type DELETE in capitals to confirm.'] });
		}
		try {
			await deleteMyAccount(locals.supabase);
		} catch (e) {
			return failFromDb(e);
		}
		// The auth user is gone: drop the session cookies too.
		await locals.supabase.auth.signOut({ scope: 'local' }).catch(() => undefined);
		redirect(303, '/?account=deleted');
	}
};
