// TOTP MFA through supabase-js: enroll (secret, otpauth URI, QR code), challenge and verify with a
// code computed as an authenticator app computes it, the aal2 session and its amr, refresh keeping
// aal2, the assurance levels the app reads, and the refusals (wrong code, someone else's factor,
// unenrolling a verified factor from an aal1 session).
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createHmac } from 'node:crypto';
import { anonClient, uniqueEmail } from '../support/stack.ts';
import { PASSWORD, signedUpUser } from './auth-helpers.ts';

/** RFC 6238 computed here independently of stack/auth/totp.ts, as an authenticator app would. */
function authenticatorCode(secretBase32: string, at = Date.now()): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of secretBase32.replace(/=+$/, ''))
		bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
	const mac = createHmac('sha1', key).update(counter).digest();
	const o = mac[19] & 15;
	return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function enrolled() {
	const { client, user } = await signedUpUser(uniqueEmail('mfa'));
	const { data, error } = await client.auth.mfa.enroll({
		factorType: 'totp',
		friendlyName: 'Phone'
	});
	if (error || !data) throw error ?? new Error('no factor');
	return { client, user, factor: data };
}

describe('TOTP MFA', () => {
	it('enrolls with a secret, an otpauth URI and a QR code, then verifies to aal2', async () => {
		const { client, user, factor } = await enrolled();
		expect(factor.type).toBe('totp');
		expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(factor.totp.uri).toContain(`otpauth://totp/`);
		expect(factor.totp.uri).toContain(encodeURIComponent(user.email!));
		expect(factor.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg/);
		const before = await client.auth.mfa.getAuthenticatorAssuranceLevel();
		expect(before.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' });
		const { data: ch } = await client.auth.mfa.challenge({ factorId: factor.id });
		const { data, error } = await client.auth.mfa.verify({
			factorId: factor.id,
			challengeId: ch!.id,
			code: authenticatorCode(factor.totp.secret)
		});
		expect(error).toBeNull();
		const claims = decodeJwt(data!.access_token);
		expect(claims.aal).toBe('aal2');
		expect((claims.amr as { method: string }[]).map((a) => a.method)).toEqual(['totp', 'password']);
		const factors = await client.auth.mfa.listFactors();
		expect(factors.data?.totp.map((f) => f.status)).toEqual(['verified']);
		// A refreshed session stays aal2.
		const refreshed = await client.auth.refreshSession();
		expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe('aal2');
	});

	it('a new password sign-in is aal1 with aal2 next, until a code steps it up', async () => {
		const { client, user, factor } = await enrolled();
		await client.auth.mfa.challengeAndVerify({
			factorId: factor.id,
			code: authenticatorCode(factor.totp.secret)
		});
		const again = anonClient();
		await again.auth.signInWithPassword({ email: user.email!, password: PASSWORD });
		const level = await again.auth.mfa.getAuthenticatorAssuranceLevel();
		expect(level.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
		// Unenrolling a verified factor needs aal2.
		const refused = await again.auth.mfa.unenroll({ factorId: factor.id });
		expect(refused.error).toMatchObject({ code: 'insufficient_aal' });
		const wrong = await again.auth.mfa.challengeAndVerify({ factorId: factor.id, code: '000000' });
		expect(wrong.error).toMatchObject({ status: 422, code: 'mfa_verification_failed' });
		const ok = await again.auth.mfa.challengeAndVerify({
			factorId: factor.id,
			code: authenticatorCode(factor.totp.secret)
		});
		expect(ok.error).toBeNull();
		const removed = await again.auth.mfa.unenroll({ factorId: factor.id });
		expect(removed.error).toBeNull();
		expect((await again.auth.mfa.listFactors()).data?.all).toEqual([]);
	});

	it("refuses another user's factor, a spent challenge, and a duplicate friendly name", async () => {
		const a = await enrolled();
		const b = await signedUpUser(uniqueEmail('mfa-other'));
		const stranger = await b.client.auth.mfa.challenge({ factorId: a.factor.id });
		expect(stranger.error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' });
		const { data: ch } = await a.client.auth.mfa.challenge({ factorId: a.factor.id });
		const code = authenticatorCode(a.factor.totp.secret);
		await a.client.auth.mfa.verify({ factorId: a.factor.id, challengeId: ch!.id, code });
		const replay = await a.client.auth.mfa.verify({
			factorId: a.factor.id,
			challengeId: ch!.id,
			code
		});
		expect(replay.error).toMatchObject({ code: 'mfa_challenge_not_found' });
		const dup = await a.client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
		expect(dup.error).toMatchObject({ status: 422, code: 'mfa_factor_name_conflict' });
	});
});
