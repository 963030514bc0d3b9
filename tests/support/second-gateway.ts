// A second auth gateway over the test stack's database, with its own auth settings and its own
// mail catcher: for the flows the main test stack is configured against (confirmations on,
// GoTrue's default templates, no pacing between mails). Every test file that needs one starts it
// here with the settings that differ from the project's config.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { loadProjectConfig, type ProjectConfig } from '../../stack/config.ts';
import { startGateway, type Gateway } from '../../stack/gateway.ts';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../stack/mail/catcher.ts';
import { findFreePort } from '../../stack/postgres.ts';
import { ANON_KEY, dbUrl } from './stack.ts';
import { waitFor } from './wait.ts';

export interface SecondGateway {
	/** The gateway's base URL (…/auth/v1, …/rest/v1 under it). */
	url: string;
	/** A fresh supabase-js client of this gateway (no stored session); `pkce` for that flow. */
	client(flowType?: 'implicit' | 'pkce'): SupabaseClient;
	/** The mails this gateway has sent to `address` so far (envelope recipients), oldest first. */
	mailsTo(address: string): CaughtMail[];
	/** The `n`th mail to `address` (1-based), waiting for it to arrive. */
	mailTo(address: string, n?: number): Promise<CaughtMail>;
	close(): Promise<void>;
}

/** Starts a mail catcher and a gateway whose [auth] is the project's with `auth` laid over it. */
export async function startSecondGateway(
	auth: Partial<ProjectConfig['auth']>
): Promise<SecondGateway> {
	const catcher: MailCatcher = await startMailCatcher();
	let gateway: Gateway;
	try {
		const base = loadProjectConfig();
		gateway = await startGateway({
			port: await findFreePort(56000 + Math.floor(Math.random() * 900)),
			dbPort: Number(new URL(dbUrl()).port),
			config: { ...base, auth: { ...base.auth, ...auth } },
			dataDir: '/tmp',
			mailSmtp: { host: '127.0.0.1', port: catcher.smtpPort },
			quiet: true
		});
	} catch (e) {
		await catcher.close();
		throw e;
	}
	const mailsTo = (address: string) =>
		catcher.messages().filter((m) => m.Envelope.includes(address));
	return {
		url: gateway.url,
		client: (flowType = 'implicit') =>
			createClient(gateway.url, ANON_KEY, {
				auth: {
					flowType,
					persistSession: false,
					autoRefreshToken: false,
					detectSessionInUrl: false
				}
			}),
		mailsTo,
		mailTo: (address, n = 1) =>
			waitFor(() => mailsTo(address)[n - 1], {
				timeout: 10_000,
				what: `mail ${n} to ${address}`
			}),
		async close() {
			await gateway.close();
			await catcher.close();
		}
	};
}
