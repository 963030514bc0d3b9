// Request bodies as GoTrue decodes them: a field of the wrong JSON type fails decoding (bad_json);
// values are then checked with GoTrue's messages.
import { z } from 'zod';
import { AuthError, validationFailed, weakPassword } from './errors.ts';
import { MAX_PASSWORD_BYTES } from './passwords.ts';

const str = z.string().nullish();
const obj = z.record(z.string(), z.unknown()).nullish();

export const signupBody = z.looseObject({ email: str, phone: str, password: str, data: obj });
export const passwordGrantBody = z.looseObject({ email: str, phone: str, password: str });
export const refreshGrantBody = z.looseObject({ refresh_token: str });
export const userUpdateBody = z.looseObject({
	email: str,
	phone: str,
	password: str,
	data: obj,
	nonce: str
});
export const adminUserBody = z.looseObject({
	id: str,
	email: str,
	phone: str,
	password: str,
	password_hash: str,
	email_confirm: z.boolean().nullish(),
	phone_confirm: z.boolean().nullish(),
	user_metadata: obj,
	app_metadata: obj,
	role: str,
	ban_duration: str
});
export const logoutScope = z.enum(['global', 'local', 'others']);

export function decode<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
	const r = schema.safeParse(body);
	if (r.success) return r.data;
	const issue = r.error.issues[0];
	throw new AuthError(
		400,
		'bad_json',
		`Could not parse request body as JSON: field ${issue.path.join('.') || '(root)'}: ${issue.message}`
	);
}

// GoTrue's email pattern (a local part, then dot-separated DNS labels).
const EMAIL_RE =
	/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const isEmailShaped = (email: string): boolean =>
	email.length <= 255 && EMAIL_RE.test(email);

export function validEmail(email: string): string {
	const e = email.trim();
	if (!isEmailShaped(e)) {
		throw validationFailed('Unable to validate email address: invalid format');
	}
	return e.toLowerCase();
}

export function checkPassword(password: string, minimumLength: number): void {
	if ([...password].length < minimumLength) throw weakPassword(minimumLength);
	if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
		throw new AuthError(
			422,
			'validation_failed',
			`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`
		);
	}
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);

/** Go duration strings as GoTrue's ban_duration takes them: "24h", "1h30m", "90s". */
export function parseGoDuration(s: string): number | null {
	const m = s.match(/^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/);
	if (!m) return null;
	const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
	let total = 0;
	for (const part of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
		total += Number(part[1]) * units[part[2]];
	}
	return total;
}
