// Emailing an invitation. Creating an account for someone else is the Auth admin API's job, so
// this runs with the service role key, on the server only, and only after invite_member (under
// the coach's own RLS) has created the invitation: the key never decides who may invite.
import { createClient } from '@supabase/supabase-js';
import { SUPABASE_SERVICE_ROLE_KEY } from '$app/env/private';
import { PUBLIC_SUPABASE_URL } from '$app/env/public';

// The Supabase CLI's well-known local service_role key, public by design: it only ever guards a
// stack on this machine, so it is used only when the API is on loopback.
const LOCAL_SERVICE_ROLE_KEY =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

function serviceKey(): string | null {
	if (SUPABASE_SERVICE_ROLE_KEY) return SUPABASE_SERVICE_ROLE_KEY;
	const host = PUBLIC_SUPABASE_URL ? new URL(PUBLIC_SUPABASE_URL).hostname : '';
	return host === '127.0.0.1' || host === 'localhost' ? LOCAL_SERVICE_ROLE_KEY : null;
}

export type InviteMailResult = { sent: true } | { sent: false; reason: string };

/**
 * Mails `email` a link to the invitation page. A new address gets Auth's invitation (it creates
 * the account, confirmed by the link); an address that already has an account gets a sign-in link
 * to the same page, since Auth invites only people without one.
 */
export async function mailInvitation(input: {
	email: string;
	invitationUrl: string;
	organization: string;
	invitedBy: string;
}): Promise<InviteMailResult> {
	const key = serviceKey();
	if (!key || !PUBLIC_SUPABASE_URL) {
		return { sent: false, reason: 'Email is not set up on this server: send the link yourself.' };
	}
	const admin = createClient(PUBLIC_SUPABASE_URL, key, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
	});
	const { error } = await admin.auth.admin.inviteUserByEmail(input.email, {
		redirectTo: input.invitationUrl,
		data: { organization: input.organization, invited_by: input.invitedBy }
	});
	if (!error) return { sent: true };
	if (error.code !== 'email_exists') return { sent: false, reason: describe(error) };
	// A sign-in link needs no admin power; this client keeps no session, so nothing of it lands
	// in the coach's cookies.
	const { error: linkError } = await admin.auth.signInWithOtp({
		email: input.email,
		options: { shouldCreateUser: false, emailRedirectTo: input.invitationUrl }
	});
	return linkError ? { sent: false, reason: describe(linkError) } : { sent: true };
}

function describe(error: { code?: string; status?: number }): string {
	if (error.code === 'over_email_send_rate_limit') {
		return 'Too many emails were sent recently: send the link yourself, or try again later.';
	}
	return 'The email could not be sent: send the link yourself.';
}
