// The media worker does what SQL cannot: it deletes the bytes of removed attachments through the
// Storage API (storage.objects refuses direct deletes, so the database queues them in
// storage_deletions) and makes thumbnails of image attachments with sharp.
import { availableParallelism } from 'node:os';
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
	/**
	 * Images in flight at once (download, resize, upload overlap). Each is claimed in the database
	 * (lease, SKIP LOCKED), so several workers can run side by side. Default: the CPU count, 2–8.
	 */
	concurrency?: number;
	/**
	 * libvips threads (process-wide). Default: the CPUs shared out among the images in flight, so
	 * one image at a time still uses every core and N at a time do not oversubscribe them.
	 */
	sharpThreads?: number;
	log?: (msg: string, fields?: Record<string, unknown>) => void;
	/** Called when a thumbnail is recorded (metrics, the benchmark). */
	onThumbnail?: (attachmentId: string) => void;
}

interface Deletion {
	id: string;
	bucket_id: string;
	object_name: string;
}

interface ClaimedImage {
	id: string;
	organization_id: string;
	uploader_id: string;
	r2_key: string;
	mime_type: string;
}

export const THUMBNAIL_BUCKET = 'attachments';

/** Largest side message_attachments_dimensions_chk accepts. */
const MAX_DIMENSION = 20000;

/**
 * The size a person sees: EXIF orientations 5–8 turn the picture a quarter, so its stored width
 * and height swap. Null when sharp could not tell, or the size is beyond what the table accepts.
 */
function orientedSize(meta: {
	width?: number;
	height?: number;
	orientation?: number;
}): { width: number; height: number } | null {
	const { width, height } = meta;
	if (!width || !height || width > MAX_DIMENSION || height > MAX_DIMENSION) return null;
	return (meta.orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height };
}

export class MediaWorker {
	readonly counters = { deleted: 0, deleteFailures: 0, thumbnails: 0, thumbnailFailures: 0 };
	private readonly sql: postgres.Sql;
	private readonly storage: SupabaseClient;
	private readonly opts: Required<Omit<MediaWorkerOptions, 'log' | 'onThumbnail'>> &
		Pick<MediaWorkerOptions, 'log' | 'onThumbnail'>;
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;

	constructor(options: MediaWorkerOptions) {
		const concurrency = Math.max(
			1,
			Math.floor(options.concurrency || Math.min(8, Math.max(2, availableParallelism())))
		);
		this.opts = {
			...options,
			sweepMs: options.sweepMs ?? 2000,
			thumbnailSize: options.thumbnailSize ?? 320,
			concurrency,
			sharpThreads: Math.max(
				1,
				options.sharpThreads ?? Math.round(availableParallelism() / concurrency)
			)
		};
		// libvips' thread pool is process-wide: the last worker constructed sets it.
		sharp.concurrency(this.opts.sharpThreads);
		this.sql = postgres(options.databaseUrl, {
			max: Math.min(this.opts.concurrency + 1, 10),
			onnotice: () => {}
		});
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

	/**
	 * Makes thumbnails until none is due: `concurrency` lanes each claim one image at a time (so a
	 * slow image never holds others' leases) and work on it while the others do theirs.
	 */
	async makeThumbnails(): Promise<number> {
		let made = 0;
		const lane = async () => {
			for (;;) {
				const [row] = await this.sql<ClaimedImage[]>`
					select id, organization_id, uploader_id, r2_key, mime_type
					  from private.service_role_claim_thumbnails(1)`;
				if (!row) return;
				if (await this.makeThumbnail(row)) made += 1;
			}
		};
		await Promise.all(Array.from({ length: this.opts.concurrency }, lane));
		return made;
	}

	private async makeThumbnail(row: ClaimedImage): Promise<boolean> {
		try {
			const { data, error } = await this.storage.storage
				.from(THUMBNAIL_BUCKET)
				.download(row.r2_key);
			if (error || !data) throw new Error(error?.message ?? 'download failed');
			const bytes = Buffer.from(await data.arrayBuffer());
			const size = orientedSize(await sharp(bytes).metadata());
			const thumb = await sharp(bytes)
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
			// The measured size replaces the uploader's hint: the conversation reserves each picture's
			// box from it before the bytes load.
			await this
				.sql`select private.service_role_set_thumbnail(${row.id}, ${key}, ${size?.width ?? null}::integer, ${size?.height ?? null}::integer)`;
			this.counters.thumbnails += 1;
			this.opts.onThumbnail?.(row.id);
			return true;
		} catch (e) {
			// The lease stays: the image is tried again when it runs out, a few times at most.
			this.counters.thumbnailFailures += 1;
			this.opts.log?.('thumbnail failed', { attachment: row.id, error: String(e) });
			await this.sql`select private.service_role_fail_thumbnail(${row.id}, ${String(e)})`.catch(
				() => undefined
			);
			return false;
		}
	}

	/** Uploads never attached to a message are queued for deletion after a day. */
	async queueOrphans(): Promise<number> {
		const [r] = await this.sql<
			[{ n: number }]
		>`select private.service_role_queue_orphan_uploads() as n`;
		return r.n;
	}
}
