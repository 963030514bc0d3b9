import type { Db, Tables } from './client';
import { must } from './errors';

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
