// What every storage handler shares.
import type postgres from 'postgres';
import type { FileStore } from './files.ts';
import { noSuchBucket } from './errors.ts';
import type { RenderCache } from './render.ts';

export interface StorageContext {
	/** Connected as supabase_storage_admin, the owner of storage.*: RLS applies only after SET ROLE. */
	sql: postgres.Sql;
	files: FileStore;
	secret: Uint8Array;
	/** The global limit from config.toml [storage] file_size_limit. */
	globalLimit: number;
	/** [storage.image_transformation] enabled: without it /render/image/… does not exist. */
	imageTransformation: boolean;
	render: RenderCache;
}

export interface BucketRow {
	id: string;
	public: boolean;
	file_size_limit: number | null;
	allowed_mime_types: string[] | null;
}

/** Looks a bucket up on the service's own authority, as supabase/storage does for uploads. */
export async function findBucket(st: StorageContext, id: string): Promise<BucketRow> {
	const [row] = await st.sql<BucketRow[]>`
		select id, coalesce(public, false) as public, file_size_limit, allowed_mime_types
		from storage.buckets where id = ${id}`;
	if (!row) throw noSuchBucket();
	return {
		...row,
		file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit)
	};
}
