// The media worker does what SQL cannot: it deletes the bytes of removed attachments through the
// Storage API (storage.objects refuses direct deletes, so the database queues them in
// storage_deletions) and makes thumbnails of image attachments with sharp.
import postgres from 'postgres';
import sharp from 'sharp';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export interface MediaWorkerOptions {
	databaseUrl: string;
	supabaseUrl: string;
	serviceRoleKey: string;
	sweepMs?: number;
	/** Longest side of a thumbnail, in pixels. */
	thumbnailSize?: number;
	log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Deletion {
	id: string;
	bucket_id: string;
	object_name: string;
}

interface PendingThumbnail {
	id: string;
	organization_id: string;
	uploader_id: string;
	r2_key: string;
	mime_type: string;
}

export const THUMBNAIL_BUCKET = 'attachments';

export class MediaWorker {
	readonly counters = { deleted: 0, deleteFailures: 0, thumbnails: 0, thumbnailFailures: 0 };
	private readonly sql: postgres.Sql;
	private readonly storage: SupabaseClient;
	private readonly opts: Required<Omit<MediaWorkerOptions, 'log'>> &
		Pick<MediaWorkerOptions, 'log'>;
	/** Images that could not be read (corrupt, or a format this build cannot decode). */
	private readonly unreadable = new Set<string>();
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;

	constructor(options: MediaWorkerOptions) {
		this.opts = { sweepMs: 2000, thumbnailSize: 320, ...options };
		this.sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
		this.storage = createClient(options.supabaseUrl, options.serviceRoleKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
	}

	start(): void {
		const tick = () => {
			if (this.running) return;
			this.running = this.runOnce()
				.then(() => undefined)
				.catch((e: unknown) => this.opts.log?.('media sweep failed', { error: String(e) }))
				.finally(() => {
					this.running = null;
				});
		};
		this.timer = setInterval(tick, this.opts.sweepMs);
		tick();
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		await this.running;
		await this.sql.end({ timeout: 5 });
	}

	/** One pass: queued deletions, then pending thumbnails. Returns what it handled. */
	async runOnce(): Promise<{ deleted: number; thumbnails: number }> {
		const deleted = await this.deleteQueued();
		const thumbnails = await this.makeThumbnails();
		return { deleted, thumbnails };
	}

	async deleteQueued(): Promise<number> {
		const rows = await this.sql<Deletion[]>`
			select id, bucket_id, object_name from private.service_role_claim_storage_deletions(100)`;
		if (rows.length === 0) return 0;
		const byBucket = new Map<string, Deletion[]>();
		for (const r of rows) byBucket.set(r.bucket_id, [...(byBucket.get(r.bucket_id) ?? []), r]);
		let done = 0;
		for (const [bucket, items] of byBucket) {
			// Removing a name that is already gone succeeds, so a retried deletion is harmless.
			const { error } = await this.storage.storage
				.from(bucket)
				.remove(items.map((i) => i.object_name));
			const ids = this.sql.array(items.map((i) => i.id));
			if (error) {
				this.counters.deleteFailures += items.length;
				await this
					.sql`select private.service_role_finish_storage_deletions('{}'::uuid[], ${ids}::uuid[], ${error.message})`;
			} else {
				this.counters.deleted += items.length;
				done += items.length;
				await this.sql`select private.service_role_finish_storage_deletions(${ids}::uuid[])`;
			}
		}
		return done;
	}

	async makeThumbnails(): Promise<number> {
		const rows = await this.sql<PendingThumbnail[]>`
			select id, organization_id, uploader_id, r2_key, mime_type
			  from private.service_role_pending_thumbnails(20)`;
		let made = 0;
		for (const row of rows) {
			if (this.unreadable.has(row.id)) continue;
			try {
				const { data, error } = await this.storage.storage
					.from(THUMBNAIL_BUCKET)
					.download(row.r2_key);
				if (error || !data) throw new Error(error?.message ?? 'download failed');
				const thumb = await sharp(Buffer.from(await data.arrayBuffer()))
					.rotate()
					.resize(this.opts.thumbnailSize, this.opts.thumbnailSize, {
						fit: 'inside',
						withoutEnlargement: true
					})
					.webp({ quality: 72 })
					.toBuffer();
				const key = `${row.organization_id}/${row.uploader_id}/thumbnails/${row.id}.webp`;
				const up = await this.storage.storage
					.from(THUMBNAIL_BUCKET)
					.upload(key, thumb, { contentType: 'image/webp', upsert: true });
				if (up.error) throw new Error(up.error.message);
				await this.sql`select private.service_role_set_thumbnail(${row.id}, ${key})`;
				this.counters.thumbnails += 1;
				made += 1;
			} catch (e) {
				this.counters.thumbnailFailures += 1;
				this.unreadable.add(row.id);
				this.opts.log?.('thumbnail failed', { attachment: row.id, error: String(e) });
			}
		}
		return made;
	}

	/** Uploads never attached to a message are queued for deletion after a day. */
	async queueOrphans(): Promise<number> {
		const [r] = await this.sql<
			[{ n: number }]
		>`select private.service_role_queue_orphan_uploads() as n`;
		return r.n;
	}
}
