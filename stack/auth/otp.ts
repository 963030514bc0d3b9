// One-time tokens as GoTrue keeps them: a numeric code mailed to the person, and in auth.users
// only its hash, sha224(email + code) in hex, which is also the token_hash of the mailed link.
// Each purpose has its column and its *_sent_at, which also paces resends (max_frequency).
import { createHash, randomInt } from 'node:crypto';
import type { AuthContext } from './context.ts';
import { AuthError } from './errors.ts';
import type { Sql } from './users.ts';

export type TokenColumn =
	| 'confirmation_token'
	| 'recovery_token'
	| 'email_change_token_new'
	| 'email_change_token_current'
	| 'reauthentication_token';

export const SENT_AT: Record<TokenColumn, string> = {
	confirmation_token: 'confirmation_sent_at',
	recovery_token: 'recovery_sent_at',
	email_change_token_new: 'email_change_sent_at',
	email_change_token_current: 'email_change_sent_at',
	reauthentication_token: 'reauthentication_sent_at'
};

export function newOtp(length: number): string {
	let code = '';
	for (let i = 0; i < length; i += 1) code += String(randomInt(10));
	return code;
}

export function tokenHash(email: string, otp: string): string {
	return createHash('sha224')
		.update(email.toLowerCase() + otp)
		.digest('hex');
}

export const otpExpired = () =>
	new AuthError(403, 'otp_expired', 'Token has expired or is invalid');

/** 429 when the last mail of this kind to the user went out less than max_frequency ago. */
export async function assertNotTooSoon(
	ctx: AuthContext,
	sql: Sql,
	userId: string,
	column: TokenColumn
): Promise<void> {
	const [row] = await sql<{ wait: number | null }[]>`
		select ceil(extract(epoch from (${sql(SENT_AT[column])}
			+ make_interval(secs => ${ctx.settings.maxFrequency}) - now())))::int as wait
		from auth.users where id = ${userId}`;
	if (row?.wait && row.wait > 0) {
		throw new AuthError(
			429,
			'over_email_send_rate_limit',
			`For security purposes, you can only request this after ${row.wait} seconds.`
		);
	}
}

/**
 * Stores a fresh code's hash in `column` (stamping its *_sent_at) and returns the code and the
 * stored hash, which the mailed link carries. A PKCE flow's hash is stored as `pkce_<hash>`, as
 * GoTrue stores it, so following the link knows to answer with an auth code.
 */
export async function issueToken(
	ctx: AuthContext,
	sql: Sql,
	userId: string,
	email: string,
	column: TokenColumn,
	pkce = false
): Promise<{ otp: string; hash: string }> {
	const otp = newOtp(ctx.settings.otpLength);
	const hash = (pkce ? 'pkce_' : '') + tokenHash(email, otp);
	await sql`
		update auth.users set ${sql(column)} = ${hash}, ${sql(SENT_AT[column])} = now(), updated_at = now()
		where id = ${userId}`;
	return { otp, hash };
}

/**
 * The user whose `column` holds `hash` and whose code has not expired, locked for update. A hash
 * computed from a typed code also matches the same hash stored for a PKCE flow (`pkce_<hash>`);
 * `pkce` says whether the stored token was one.
 */
export async function findByToken(
	ctx: AuthContext,
	tx: Sql,
	columns: TokenColumn[],
	hash: string
): Promise<{ id: string; column: TokenColumn; pkce: boolean } | null> {
	for (const column of columns) {
		const [row] = await tx<{ id: string; fresh: boolean; stored: string }[]>`
			select id, ${tx(column)} as stored,
				${tx(SENT_AT[column])} + make_interval(secs => ${ctx.settings.otpExpiry}) > now() as fresh
			from auth.users
			where (${tx(column)} = ${hash} or ${tx(column)} = ${'pkce_' + hash}) and ${tx(column)} <> ''
			for update`;
		if (row) {
			if (!row.fresh) return null;
			return { id: row.id, column, pkce: row.stored.startsWith('pkce_') };
		}
	}
	return null;
}

/** Glob match as GoTrue matches redirect URLs: `*` within a path segment or host label, `**` across. */
function globToRegExp(glob: string): RegExp {
	let re = '';
	for (let i = 0; i < glob.length; i += 1) {
		const c = glob[i];
		if (c === '*' && glob[i + 1] === '*') {
			re += '.*';
			i += 1;
		} else if (c === '*') re += '[^/.]*';
		else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${re}$`);
}

/** The redirect a link may lead to: the one asked for when allowed, else site_url. */
export function allowedRedirect(ctx: AuthContext, asked: string | null | undefined): string {
	const site = ctx.settings.siteUrl;
	if (!asked) return site;
	let url: URL;
	try {
		url = new URL(asked);
	} catch {
		return site;
	}
	if (url.origin === new URL(site).origin) return asked;
	const base = `${url.origin}${url.pathname}`;
	for (const allowed of ctx.settings.additionalRedirectUrls) {
		if (allowed === asked || allowed === base || allowed === url.origin) return asked;
		if (
			allowed.includes('*') &&
			(globToRegExp(allowed).test(asked) || globToRegExp(allowed).test(base))
		)
			return asked;
	}
	return site;
}
