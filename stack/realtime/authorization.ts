// Private-channel authorization the way supabase/realtime does it: RLS on realtime.messages is
// the policy. Probe rows are written as the admin connection, then the user's role and claims are
// put in place and we look at what their SELECT (read) and INSERT (write) policies allow, all in
// a transaction that is rolled back so no probe is ever committed (nor decoded by the slot).
import { randomUUID } from 'node:crypto';
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

/**
 * Runs `body` as the user in a transaction that is always rolled back. The statements of `body`
 * are pipelined after the one that puts the user's role and claims in place (3 round trips in
 * all: BEGIN, the pipelined statements, ROLLBACK), so they must not depend on each other's
 * results: probe ids are made here rather than returned by the INSERT.
 */
async function asUser<T>(
	sql: postgres.Sql,
	topic: string,
	who: Identity,
	body: (tx: postgres.TransactionSql, asUser: postgres.PendingQuery<postgres.Row[]>) => Promise<T>
): Promise<T> {
	const role = who.claims.role;
	if (!API_ROLES.has(role)) throw new AuthorizationError(`role ${role} may not use realtime`);
	let result: T | undefined;
	try {
		await sql.begin(async (tx) => {
			const become = tx`select set_config('role', ${role}, true),
				set_config('realtime.topic', ${topic}, true),
				set_config('request.jwt.claims', ${JSON.stringify(who.claims)}, true),
				set_config('request.jwt.claim.sub', ${String(who.claims.sub ?? '')}, true),
				set_config('request.jwt.claim.role', ${role}, true),
				set_config('request.headers', ${JSON.stringify(who.headers)}, true)`;
			result = await body(tx, become);
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
	const ids = [randomUUID(), randomUUID()];
	return asUser(sql, topic, who, async (tx, become) => {
		// The probes are written as the admin (before the role changes), then read as the user.
		const [, , rows] = await Promise.all([
			tx`insert into realtime.messages (id, topic, extension, private)
				values (${ids[0]}, ${topic}, 'broadcast', true), (${ids[1]}, ${topic}, 'presence', true)`,
			become,
			tx<{ extension: string }[]>`
				select extension from realtime.messages
				 where topic = ${topic} and id = any(${ids}::uuid[])`
		]);
		const seen = new Set(rows.map((r) => r.extension));
		return { broadcast: seen.has('broadcast'), presence: seen.has('presence') };
	});
}

/** Whether the user may send on a private topic (INSERT policy with check); 42501 means no. */
export async function writePolicy(
	sql: postgres.Sql,
	topic: string,
	extension: Extension,
	who: Identity
): Promise<boolean> {
	return asUser(sql, topic, who, async (tx, become) => {
		// No savepoint needed: the transaction is rolled back whatever happens.
		const insert = tx`insert into realtime.messages (topic, extension, private)
			values (${topic}, ${extension}, true)`;
		const [asUserDone, inserted] = await Promise.allSettled([become, insert]);
		if (asUserDone.status === 'rejected') throw asUserDone.reason;
		if (inserted.status === 'fulfilled') return true;
		if ((inserted.reason as { code?: string }).code === '42501') return false;
		throw inserted.reason;
	});
}
