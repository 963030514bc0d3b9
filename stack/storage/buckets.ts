// Bucket endpoints, each as the caller (RLS on storage.buckets; the service role bypasses it),
// and the start-up sync of buckets declared in supabase/config.toml, as the CLI does.
import type postgres from 'postgres';
import { z } from 'zod';
import type { BucketConfig } from '../config.ts';
import { parseSize } from '../config.ts';
import { HttpError, type GatewayRequest } from '../http.ts';
import type { StorageContext } from './context.ts';
import { duplicate, invalidRequest, noSuchBucket, storageError } from './errors.ts';
import { parseBucket } from './keys.ts';
import { asCaller, type Caller } from './scope.ts';

const COLUMNS = [
	'id',
	'name',
	'owner',
	'owner_id',
	'public',
	'file_size_limit',
	'allowed_mime_types',
	'type',
	'created_at',
	'updated_at'
];

const sizeSchema = z
	.union([z.number().int().nonnegative(), z.string(), z.null()])
	.optional()
	.transform((v, ctx) => {
		if (v === undefined || v === null) return v;
		try {
			return parseSize(v);
		} catch {
			ctx.addIssue({ code: 'custom', message: `cannot read file size ${JSON.stringify(v)}` });
			return z.NEVER;
		}
	});

const bucketBody = z.object({
	id: z.string().optional(),
	name: z.string().optional(),
	public: z.boolean().optional(),
	file_size_limit: sizeSchema,
	allowed_mime_types: z.array(z.string().min(1)).nullable().optional()
});

function parseBody(body: unknown) {
	const parsed = bucketBody.safeParse(body);
	if (!parsed.success) throw invalidRequest(parsed.error.issues.map((i) => i.message).join('; '));
	return parsed.data;
}

function checkLimit(st: StorageContext, limit: number | null | undefined): void {
	if (limit && limit > st.globalLimit)
		throw storageError(
			'413',
			'EntityTooLarge',
			'Payload too large',
			`file_size_limit ${limit} exceeds the global limit of ${st.globalLimit} bytes`
		);
}

function shape(row: Record<string, unknown>) {
	return {
		...row,
		file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit)
	};
}

export async function listBuckets(st: StorageContext, req: GatewayRequest, caller: Caller) {
	const rows = await asCaller(
		st.sql,
		caller,
		req,
		'storage.bucket.list',
		(tx) => tx<Record<string, unknown>[]>`select ${tx(COLUMNS)} from storage.buckets order by name`
	);
	return rows.map(shape);
}

export async function getBucket(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	id: string
) {
	const [row] = await asCaller(
		st.sql,
		caller,
		req,
		'storage.bucket.get',
		(tx) =>
			tx<Record<string, unknown>[]>`select ${tx(COLUMNS)} from storage.buckets where id = ${id}`
	);
	if (!row) throw noSuchBucket();
	return shape(row);
}

export async function createBucket(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	body: unknown
): Promise<{ name: string }> {
	const b = parseBody(body);
	const id = parseBucket(encodeURIComponent(b.id ?? b.name ?? ''));
	checkLimit(st, b.file_size_limit);
	await asCaller(
		st.sql,
		caller,
		req,
		'storage.bucket.create',
		(tx) => tx`
			insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
			values (${id}, ${id}, ${caller.sub && /^[0-9a-f-]{36}$/i.test(caller.sub) ? caller.sub : null},
			        ${caller.sub}, ${b.public ?? false}, ${b.file_size_limit ?? null},
			        ${b.allowed_mime_types ?? null})`
	).catch((e: unknown) => {
		// A taken bucket id is BucketAlreadyExists, not the object's KeyAlreadyExists.
		const body = e instanceof HttpError ? (e.body as { code?: string }) : null;
		throw body?.code === 'KeyAlreadyExists' ? duplicate('BucketAlreadyExists') : e;
	});
	return { name: id };
}

export async function updateBucket(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	id: string,
	body: unknown
): Promise<{ message: string }> {
	const b = parseBody(body);
	checkLimit(st, b.file_size_limit);
	const set: Record<string, unknown> = {};
	if (b.public !== undefined) set.public = b.public;
	if (b.file_size_limit !== undefined) set.file_size_limit = b.file_size_limit;
	if (b.allowed_mime_types !== undefined) set.allowed_mime_types = b.allowed_mime_types;
	const rows = await asCaller(st.sql, caller, req, 'storage.bucket.update', (tx) =>
		Object.keys(set).length
			? tx`update storage.buckets set ${tx(set)}, updated_at = now() where id = ${id} returning id`
			: tx`select id from storage.buckets where id = ${id}`
	);
	if (rows.length === 0) throw noSuchBucket();
	return { message: 'Successfully updated' };
}

export async function emptyBucket(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	id: string
): Promise<{ message: string }> {
	const rows = await asCaller(st.sql, caller, req, 'storage.bucket.empty', async (tx) => {
		const [bucket] = await tx`select id from storage.buckets where id = ${id}`;
		if (!bucket) throw noSuchBucket();
		return tx<{ version: string | null }[]>`
			delete from storage.objects where bucket_id = ${id} returning version`;
	});
	for (const r of rows) await st.files.remove(r.version);
	return { message: 'Successfully emptied' };
}

export async function deleteBucket(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	id: string
): Promise<{ message: string }> {
	await asCaller(st.sql, caller, req, 'storage.bucket.delete', async (tx) => {
		const [busy] = await tx`select 1 from storage.objects where bucket_id = ${id} limit 1`;
		if (busy)
			throw storageError(
				'409',
				'ResourceNotEmpty',
				'ResourceNotEmpty',
				'The bucket you tried to delete is not empty'
			);
		const rows = await tx`delete from storage.buckets where id = ${id} returning id`;
		if (rows.length === 0) throw noSuchBucket();
	});
	return { message: 'Successfully deleted' };
}

/** Creates or updates the buckets config.toml declares; buckets not declared are left alone. */
export async function syncConfiguredBuckets(
	sql: postgres.Sql,
	buckets: BucketConfig[]
): Promise<void> {
	for (const b of buckets) {
		await sql`
			insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
			values (${b.id}, ${b.id}, ${b.public}, ${b.fileSizeLimit}, ${b.allowedMimeTypes})
			on conflict (id) do update set
				public = excluded.public,
				file_size_limit = excluded.file_size_limit,
				allowed_mime_types = excluded.allowed_mime_types,
				updated_at = now()`;
	}
}
