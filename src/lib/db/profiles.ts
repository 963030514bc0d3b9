import { AVATAR_BUCKET } from '../avatars';
import type { Db, Tables } from './client';
import { DbError, must } from './errors';

export type Profile = Tables<'profiles'>;

export async function getProfile(db: Db, userId: string): Promise<Profile | null> {
	return must(await db.from('profiles').select('*').eq('id', userId).maybeSingle()) ?? null;
}

export async function updateProfile(
	db: Db,
	userId: string,
	input: { displayName: string; timeZone: string | null }
) {
	return must(
		await db
			.from('profiles')
			.update({ display_name: input.displayName, time_zone: input.timeZone })
			.eq('id', userId)
			.select('*')
			.single()
	);
}

/**
 * Stores a new profile picture (already re-encoded to WebP) in the person's own folder of the
 * avatars bucket and points the profile at it; the database queues the previous one for deletion.
 * If the profile cannot be updated the new upload is removed again.
 */
export async function setAvatar(db: Db, userId: string, webp: Uint8Array): Promise<Profile> {
	const path = `${userId}/${crypto.randomUUID()}.webp`;
	const up = await db.storage
		.from(AVATAR_BUCKET)
		.upload(path, webp, { contentType: 'image/webp', cacheControl: '31536000' });
	if (up.error) throw new DbError(up.error.message, 'avatar_upload_failed', 400);
	try {
		return must(
			await db.from('profiles').update({ avatar_path: path }).eq('id', userId).select('*').single()
		);
	} catch (e) {
		await db.storage.from(AVATAR_BUCKET).remove([path]);
		throw e;
	}
}

/** Removes the profile picture (the database queues its bytes for deletion). */
export async function clearAvatar(db: Db, userId: string): Promise<Profile> {
	return must(
		await db.from('profiles').update({ avatar_path: null }).eq('id', userId).select('*').single()
	);
}
