// TOTP multi-factor authentication as GoTrue serves it under /factors: enroll (secret, otpauth
// URI and QR code), challenge, verify (the session becomes aal2 with a totp amr entry and a new
// access token), unenroll. Codes and messages as GoTrue answers them.
import { randomUUID } from 'node:crypto';
import qrcode from 'qrcode-generator';
import { z } from 'zod';
import type { GatewayRequest } from '../http.ts';
import type { AuthContext } from './context.ts';
import { enforceRateLimit } from './rate-limit.ts';
import { AuthError, unprocessable, validationFailed } from './errors.ts';
import { requireUser } from './guard.ts';
import { clientInfo } from './request.ts';
import { sessionResponse } from './session-response.ts';
import { addAmrClaim, sessionAssurance } from './sessions.ts';
import { checkTotp, newTotpSecret, otpauthUri } from './totp.ts';
import { findUserById, type UserRow } from './users.ts';
import { decode, isUuid } from './validate.ts';

const str = z.string().nullish();
const enrollBody = z.looseObject({ factor_type: str, friendly_name: str, issuer: str, phone: str });
const verifyBody = z.looseObject({ challenge_id: str, code: str });

/** How long a challenge may be answered (GoTrue's MFA challenge_expiry_duration default). */
const CHALLENGE_SECONDS = 300;

const factorNotFound = () => new AuthError(404, 'mfa_factor_not_found', 'Factor not found');

interface FactorRow {
	id: string;
	user_id: string;
	status: string;
	secret: string | null;
	friendly_name: string | null;
}

async function ownFactor(ctx: AuthContext, userId: string, id: string): Promise<FactorRow> {
	if (!isUuid(id)) throw factorNotFound();
	const [f] = await ctx.sql<FactorRow[]>`
		select id, user_id, status::text as status, secret, friendly_name
		from auth.mfa_factors where id = ${id} and user_id = ${userId}`;
	if (!f) throw factorNotFound();
	return f;
}

/** The QR code as SVG markup; GoTrue sends it bare and auth-js makes it a data: URL. */
function qrSvg(text: string): string {
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

/** POST /factors: a new, unverified TOTP factor with its secret. */
export async function enroll(ctx: AuthContext, req: GatewayRequest, body: unknown) {
	const { user } = await requireUser(ctx, req);
	const p = decode(enrollBody, body);
	if (p.factor_type !== 'totp') {
		if (p.factor_type === 'phone') {
			throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone');
		}
		if (p.factor_type === 'webauthn') {
			throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
		}
		throw validationFailed('factor_type needs to be totp, phone or webauthn');
	}
	if (!ctx.settings.mfa.totpEnroll) {
		throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP');
	}
	const [{ n }] = await ctx.sql<{ n: number }[]>`
		select count(*)::int as n from auth.mfa_factors where user_id = ${user.id}`;
	if (n >= ctx.settings.mfa.maxEnrolledFactors) {
		throw unprocessable(
			'too_many_enrolled_mfa_factors',
			'Maximum number of verified factors reached, unenroll to continue'
		);
	}
	const friendly = p.friendly_name ?? '';
	if (friendly.trim()) {
		const [dup] = await ctx.sql`
			select 1 from auth.mfa_factors where user_id = ${user.id} and friendly_name = ${friendly}`;
		if (dup) {
			throw unprocessable(
				'mfa_factor_name_conflict',
				`A factor with the friendly name "${friendly}" for this user already exists`
			);
		}
	}
	// Unverified factors left behind by abandoned enrollments are cleared, as GoTrue does.
	await ctx.sql`
		delete from auth.mfa_factors
		where user_id = ${user.id} and status = 'unverified' and created_at < now() - interval '1 day'`;
	const secret = newTotpSecret();
	const issuer = p.issuer || new URL(ctx.settings.siteUrl).hostname;
	const uri = otpauthUri(secret, issuer, user.email ?? user.id);
	const id = randomUUID();
	await ctx.sql`
		insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at,
			updated_at, secret)
		values (${id}, ${user.id}, ${friendly}, 'totp', 'unverified', now(), now(), ${secret})`;
	return {
		id,
		type: 'totp',
		friendly_name: friendly,
		totp: { qr_code: qrSvg(uri), secret, uri }
	};
}

/** POST /factors/{id}/challenge */
export async function challenge(ctx: AuthContext, req: GatewayRequest, id: string) {
	const { user } = await requireUser(ctx, req);
	const factor = await ownFactor(ctx, user.id, id);
	if (!ctx.settings.mfa.totpVerify) {
		throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
	}
	const challengeId = randomUUID();
	const [{ created }] = await ctx.sql<{ created: Date }[]>`
		insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)
		values (${challengeId}, ${factor.id}, now(), ${clientInfo(req).ip ?? '127.0.0.1'}::inet)
		returning created_at as created`;
	await ctx.sql`update auth.mfa_factors set last_challenged_at = now() where id = ${factor.id}`;
	return {
		id: challengeId,
		type: 'totp',
		expires_at: Math.floor(created.getTime() / 1000) + CHALLENGE_SECONDS
	};
}

/** POST /factors/{id}/verify: the code answers the challenge; the session steps up to aal2. */
export async function verify(ctx: AuthContext, req: GatewayRequest, id: string, body: unknown) {
	enforceRateLimit(ctx, req, 'token_verifications');
	const { user, sessionId } = await requireUser(ctx, req);
	const factor = await ownFactor(ctx, user.id, id);
	if (!ctx.settings.mfa.totpVerify) {
		throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
	}
	const p = decode(verifyBody, body);
	if (!p.challenge_id || !isUuid(p.challenge_id)) {
		throw unprocessable('mfa_challenge_not_found', 'Challenge not found');
	}
	if (!sessionId) throw new AuthError(403, 'session_not_found', 'Session not found');
	return ctx.sql.begin(async (tx) => {
		const [ch] = await tx<{ verified_at: Date | null; expired: boolean }[]>`
			select verified_at, created_at + make_interval(secs => ${CHALLENGE_SECONDS}) < now() as expired
			from auth.mfa_challenges where id = ${p.challenge_id!} and factor_id = ${factor.id}
			for update`;
		if (!ch || ch.verified_at) {
			throw unprocessable('mfa_challenge_not_found', 'Challenge not found');
		}
		if (ch.expired) {
			await tx`delete from auth.mfa_challenges where id = ${p.challenge_id!}`;
			throw unprocessable(
				'mfa_challenge_expired',
				`MFA challenge ${p.challenge_id} has expired, verify against another challenge or create a new challenge.`
			);
		}
		if (!checkTotp(factor.secret ?? '', (p.code ?? '').trim())) {
			throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered');
		}
		await tx`update auth.mfa_challenges set verified_at = now() where id = ${p.challenge_id!}`;
		await tx`
			update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factor.id}`;
		await tx`
			update auth.sessions set aal = 'aal2', factor_id = ${factor.id}, updated_at = now()
			where id = ${sessionId}`;
		await addAmrClaim(tx, sessionId, 'totp');
		const [rt] = await tx<{ token: string }[]>`
			select token from auth.refresh_tokens
			where session_id = ${sessionId} and revoked = false order by id desc limit 1`;
		const fresh = (await findUserById(tx, user.id)) as UserRow;
		return sessionResponse(ctx, tx, fresh, {
			userId: user.id,
			sessionId,
			refreshToken: rt?.token ?? '',
			authenticatedAt: Math.floor(Date.now() / 1000)
		});
	});
}

/** DELETE /factors/{id}: a verified factor can only be removed from an aal2 session. */
export async function unenroll(ctx: AuthContext, req: GatewayRequest, id: string) {
	const { user, sessionId } = await requireUser(ctx, req);
	const factor = await ownFactor(ctx, user.id, id);
	if (factor.status === 'verified') {
		const aal = sessionId ? (await sessionAssurance(ctx.sql, sessionId)).aal : 'aal1';
		if (aal !== 'aal2') {
			throw new AuthError(403, 'insufficient_aal', 'AAL2 required to unenroll verified factor');
		}
	}
	await ctx.sql.begin(async (tx) => {
		await tx`delete from auth.mfa_factors where id = ${factor.id}`;
		// With no verified factor left, the session no longer stands at aal2.
		await tx`
			update auth.sessions set aal = 'aal1', factor_id = null
			where user_id = ${user.id} and factor_id = ${factor.id}`;
	});
	return { id: factor.id };
}
