// Private-channel authorization the way supabase/realtime does it: RLS on realtime.messages is
// the policy. Probe rows are written as the admin connection, then the user's role and claims are
// put in place and we look at what their SELECT (read) and INSERT (write) policies allow, all in
// a transaction that is rolled back so no probe is ever committed (nor decoded by the slot).
import type postgres from 'postgres';
import type { Claims } from './tokens.ts';

export type Extension = 'broadcast' | 'presence';

export interface ReadPolicies {
	broadcast: boolean;
	presence: boolean;
}

/** Roles a token may act as; anything else is refused rather than handed to SET ROLE. */
const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

class Rollback extends Error {}

export class AuthorizationError extends Error {}

interface Identity {
	claims: Claims;
	headers: Record<string, string>;
}

async function asUser<T>(
	sql: postgres.Sql,
	topic: string,
	who: Identity,
	before: (tx: postgres.TransactionSql) => Promise<unknown>,
	body: (tx: postgres.TransactionSql, setup: unknown) => Promise<T>
): Promise<T> {
	const role = who.claims.role;
	if (!API_ROLES.has(role)) throw new AuthorizationError(`role ${role} may not use realtime`);
	let result: T | undefined;
	try {
		await sql.begin(async (tx) => {
			const setup = await before(tx);
			await tx`select set_config('role', ${role}, true),
				set_config('realtime.topic', ${topic}, true),
				set_config('request.jwt.claims', ${JSON.stringify(who.claims)}, true),
				set_config('request.jwt.claim.sub', ${String(who.claims.sub ?? '')}, true),
				set_config('request.jwt.claim.role', ${role}, true),
				set_config('request.headers', ${JSON.stringify(who.headers)}, true)`;
			result = await body(tx, setup);
			throw new Rollback();
		});
	} catch (e) {
		if (!(e instanceof Rollback)) {
			if ((e as { code?: string }).code === '23514')
				throw new AuthorizationError('MissingPartition');
			throw e;
		}
	}
	return result as T;
}

/** Which extensions the user may receive on a private topic (SELECT policies). */
export async function readPolicies(
	sql: postgres.Sql,
	topic: string,
	who: Identity
): Promise<ReadPolicies> {
	return asUser(
		sql,
		topic,
		who,
		async (tx) =>
			(
				await tx<{ id: string }[]>`
				insert into realtime.messages (topic, extension, private)
				values (${topic}, 'broadcast', true), (${topic}, 'presence', true)
				returning id`
			).map((r) => r.id),
		async (tx, ids) => {
			const rows = await tx<{ extension: string }[]>`
				select extension from realtime.messages
				 where topic = ${topic} and id = any(${ids as string[]}::uuid[])`;
			const seen = new Set(rows.map((r) => r.extension));
			return { broadcast: seen.has('broadcast'), presence: seen.has('presence') };
		}
	);
}

/** Whether the user may send on a private topic (INSERT policy with check); 42501 means no. */
export async function writePolicy(
	sql: postgres.Sql,
	topic: string,
	extension: Extension,
	who: Identity
): Promise<boolean> {
	return asUser(
		sql,
		topic,
		who,
		async () => null,
		async (tx) => {
			try {
				await tx.savepoint(async (sp) => {
					await sp`insert into realtime.messages (topic, extension, private)
						values (${topic}, ${extension}, true)`;
				});
				return true;
			} catch (e) {
				if ((e as { code?: string }).code === '42501') return false;
				throw e;
			}
		}
	);
}
