// bcrypt as GoTrue uses it (cost 10). Hashes made by pgcrypto's crypt(…, gen_salt('bf')) ($2a$)
// verify too, so hand-written seed users can sign in.
import bcrypt from 'bcryptjs';

const COST = 10;
// Compared against when the user does not exist, so a miss costs as much as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('coachline-timing-equalizer', COST);

export function hashPassword(password: string): Promise<string> {
	return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
	if (!hash || !/^\$2[aby]\$\d\d\$/.test(hash)) {
		await bcrypt.compare(password, DUMMY_HASH);
		return false;
	}
	try {
		return await bcrypt.compare(password, hash);
	} catch {
		return false;
	}
}

/** bcrypt only reads 72 bytes; GoTrue refuses longer passwords rather than truncate them. */
export const MAX_PASSWORD_BYTES = 72;

export function isBcryptHash(s: string): boolean {
	return /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(s);
}
