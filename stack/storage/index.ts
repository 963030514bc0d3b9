// The storage service (/storage/v1): supabase/storage's HTTP API over storage.buckets/objects,
// with bytes on local disk. Mounted by the gateway through stack/services.ts.
import path from 'node:path';
import postgres from 'postgres';
import { HttpError, sendJson, type ServiceFactory } from '../http.ts';
import { syncConfiguredBuckets } from './buckets.ts';
import type { StorageContext } from './context.ts';
import { FileStore } from './files.ts';
import { RenderCache } from './render.ts';
import { route } from './routes.ts';

export const createStorageService: ServiceFactory = async (ctx) => {
	const sql = postgres(ctx.dbUrl('supabase_storage_admin'), {
		max: 10,
		onnotice: () => {},
		connection: { application_name: 'coachline-storage' }
	});
	const files = new FileStore(path.join(ctx.dataDir, 'storage'));
	await files.init();
	// Rendered image variants: bounded so a burst of sizes cannot fill the disk.
	const render = new RenderCache(
		path.join(ctx.dataDir, 'storage', 'render'),
		Number(process.env.COACHLINE_RENDER_CACHE_BYTES ?? 256 * 1024 * 1024)
	);
	await render.init();
	files.onRemoved = (version) => render.forget(version);
	await syncConfiguredBuckets(sql, ctx.config.buckets);
	const st: StorageContext = {
		sql,
		files,
		secret: new TextEncoder().encode(ctx.jwtSecret),
		globalLimit: ctx.config.storageFileSizeLimit,
		imageTransformation: ctx.config.storageImageTransformation,
		render
	};
	return {
		name: 'storage',
		async handle(req, res) {
			try {
				await route(st, req, res);
			} catch (e) {
				// Answer now and discard whatever body the client is still sending.
				if (!req.complete) req.resume();
				if (e instanceof HttpError) {
					if (res.headersSent) res.destroy();
					else if (req.method === 'HEAD') res.writeHead(e.status, e.headers).end();
					else sendJson(res, e.status, e.body, e.headers);
					return;
				}
				if (res.headersSent) {
					res.destroy();
					return;
				}
				throw e;
			}
		},
		async close() {
			await sql.end({ timeout: 5 });
		}
	};
};
