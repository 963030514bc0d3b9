// Client-generated ids for rows the database stores (a message's client id, the key a retry
// reuses). Time-ordered (RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits) so
// they land at the end of the (sender, client id) index rather than on a random page of a large
// one, like the database's own message ids (private.uuid_v7). Still unguessable: 74 random bits.
// Works outside secure contexts too (getRandomValues needs none).

export function uuidV7(now: number = Date.now()): string {
	const b = crypto.getRandomValues(new Uint8Array(16));
	let ms = now;
	for (let i = 5; i >= 0; i--) {
		b[i] = ms % 256;
		ms = Math.floor(ms / 256);
	}
	b[6] = (b[6] & 0x0f) | 0x70;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a string is a UUID in the text form Postgres prints: the one check before an id from a
 * URL or a form reaches the database (which would answer a malformed one with a 400, not a 404).
 */
export function isUuid(value: string): boolean {
	return UUID.test(value);
}
