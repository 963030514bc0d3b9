// TOTP against RFC 6238's own test vectors (Appendix B, SHA-1, secret "12345678901234567890").
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, checkTotp, hotp, newTotpSecret, otpauthUri } from './totp.ts';

const SECRET = Buffer.from('12345678901234567890');

describe('TOTP (RFC 6238)', () => {
	it('matches the RFC test vectors (last 6 of the 8 digits)', () => {
		const vectors: [number, string][] = [
			[59, '94287082'],
			[1111111109, '07081804'],
			[1111111111, '14050471'],
			[1234567890, '89005924'],
			[2000000000, '69279037'],
			[20000000000, '65353130']
		];
		for (const [t, code] of vectors) expect(hotp(SECRET, Math.floor(t / 30))).toBe(code.slice(2));
	});

	it('accepts the code of the step before and after, not two away, nor junk', () => {
		const secret = base32Encode(SECRET);
		const at = 1111111109_000;
		expect(checkTotp(secret, '081804', at)).toBe(true);
		expect(checkTotp(secret, '081804', at + 30_000)).toBe(true);
		expect(checkTotp(secret, '081804', at - 30_000)).toBe(true);
		expect(checkTotp(secret, '081804', at + 61_000)).toBe(false);
		expect(checkTotp(secret, '81804', at)).toBe(false);
		expect(checkTotp(secret, 'abcdef', at)).toBe(false);
	});

	it('round-trips base32 and makes 160-bit secrets and otpauth URIs', () => {
		expect(base32Decode(base32Encode(SECRET)).equals(SECRET)).toBe(true);
		expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
		expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
		expect(otpauthUri('ABC', 'Coachline', 'a@b.co')).toBe(
			'otpauth://totp/Coachline%3Aa%40b.co?secret=ABC&issuer=Coachline&algorithm=SHA1&digits=6&period=30'
		);
	});
});
