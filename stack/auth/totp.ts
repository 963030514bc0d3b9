// TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, the parameters every
// authenticator app uses by default, with node:crypto. Secrets travel in base32 (RFC 4648).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;
export const DIGITS = 6;

export function base32Encode(bytes: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const b of bytes) {
		value = (value << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
	return out;
}

export function base32Decode(text: string): Buffer {
	const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
	let bits = 0;
	let value = 0;
	const out: number[] = [];
	for (const c of clean) {
		const i = ALPHABET.indexOf(c);
		if (i < 0) throw new Error('not base32');
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

/** A new 160-bit secret (RFC 4226 recommends the HMAC's output length), in base32. */
export function newTotpSecret(): string {
	return base32Encode(randomBytes(20));
}

export function hotp(secret: Buffer, counter: number): string {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', secret).update(msg).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
	return String(code).padStart(DIGITS, '0');
}

export function totp(secretBase32: string, atMs = Date.now()): string {
	return hotp(base32Decode(secretBase32), Math.floor(atMs / 1000 / STEP_SECONDS));
}

/** True when `code` is the code of this step or the one before or after (clock drift). */
export function checkTotp(secretBase32: string, code: string, atMs = Date.now()): boolean {
	if (!/^\d{6}$/.test(code)) return false;
	const secret = base32Decode(secretBase32);
	const step = Math.floor(atMs / 1000 / STEP_SECONDS);
	let ok = false;
	for (const s of [step - 1, step, step + 1]) {
		// Every candidate is compared, in constant time, so timing says nothing about which matched.
		if (timingSafeEqual(Buffer.from(hotp(secret, s)), Buffer.from(code))) ok = true;
	}
	return ok;
}

/** The otpauth:// URI authenticator apps read from the QR code (Key Uri Format). */
export function otpauthUri(secret: string, issuer: string, account: string): string {
	const label = encodeURIComponent(`${issuer}:${account}`);
	const q = new URLSearchParams({
		secret,
		issuer,
		algorithm: 'SHA1',
		digits: String(DIGITS),
		period: String(STEP_SECONDS)
	});
	return `otpauth://totp/${label}?${q}`;
}
