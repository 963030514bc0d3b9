// Object reads and changes other than uploads, each as the caller (RLS decides), except public
// and signed-URL downloads, which the bucket flag or the token already authorised.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { GatewayRequest } from '../http.ts';
import { findBucket, type StorageContext } from './context.ts';
import { badRequest, invalidRequest, noSuchKey } from './errors.ts';
import { checkKey } from './keys.ts';
import { asCaller, type Caller } from './scope.ts';
import { parseTransform, transformToString } from './render.ts';
import { signDownload } from './signing.ts';

export interface ObjectRow {
	id: string;
	bucket_id: string;
	name: string;
	owner: string | null;
	owner_id: string | null;
	version: string | null;
	metadata: Record<string, unknown> | null;
	user_metadata: unknown;
	created_at: Date;
	updated_at: Date;
	last_accessed_at: Date;
}

const COLUMNS = [
	'id',
	'bucket_id',
	'name',
	'owner',
	'owner_id',
	'version',
	'metadata',
	'user_metadata',
	'created_at',
	'updated_at',
	'last_accessed_at'
];

function selectObject(tx: postgres.Sql | postgres.TransactionSql, bucketId: string, name: string) {
	return tx<ObjectRow[]>`
		select ${tx(COLUMNS)} from storage.objects where bucket_id = ${bucketId} and name = ${name}`;
}

/** The row, if the caller may SELECT it. */
export async function readableObject(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	name: string,
	operation: string
): Promise<ObjectRow> {
	const [row] = await asCaller(st.sql, caller, req, operation, (tx) =>
		selectObject(tx, bucketId, name)
	);
	if (!row) throw noSuchKey();
	return row;
}

/** The row on the service's own authority (public buckets, signed URLs). */
export async function anyObject(
	st: StorageContext,
	bucketId: string,
	name: string
): Promise<ObjectRow> {
	const [row] = await selectObject(st.sql, bucketId, name);
	if (!row) throw noSuchKey();
	return row;
}

export async function publicObject(
	st: StorageContext,
	bucketId: string,
	name: string
): Promise<ObjectRow> {
	const bucket = await findBucket(st, bucketId);
	// A private bucket answers as if the object did not exist, as supabase/storage does.
	if (!bucket.public) throw noSuchKey();
	return anyObject(st, bucketId, name);
}

export function objectInfo(row: ObjectRow) {
	const m = row.metadata ?? {};
	return {
		id: row.id,
		version: row.version,
		name: row.name,
		bucket_id: row.bucket_id,
		size: m.size ?? null,
		content_type: m.mimetype ?? null,
		cache_control: m.cacheControl ?? null,
		etag: m.eTag ?? null,
		// Storage answers an object without user metadata with {}, never null.
		metadata: row.user_metadata ?? {},
		last_modified: row.updated_at,
		created_at: row.created_at
	};
}

function expiresInOf(v: unknown): number {
	const n = Number(v);
	if (!Number.isInteger(n) || n < 1) throw invalidRequest('expiresIn must be a positive integer');
	return n;
}

export async function signOne(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	name: string,
	body: Record<string, unknown>
): Promise<{ signedURL: string }> {
	const expiresIn = expiresInOf(body.expiresIn);
	const transform =
		body.transform && typeof body.transform === 'object'
			? parseTransform((k) => (body.transform as Record<string, unknown>)[k], 'body/transform')
			: {};
	await readableObject(st, req, caller, bucketId, name, 'storage.object.sign');
	// As Storage does, `transform` makes a render URL only where transformations are enabled; a
	// project without them gets the plain object URL (the original image), not an error.
	const transformations = st.imageTransformation ? transformToString(transform) : '';
	const token = await signDownload(st.secret, `${bucketId}/${name}`, expiresIn, transformations);
	const base = transformations ? 'render/image' : 'object';
	return { signedURL: `/${base}/sign/${bucketId}/${name}?token=${token}` };
}

export async function signMany(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	body: Record<string, unknown>
) {
	const expiresIn = expiresInOf(body.expiresIn);
	const paths = body.paths;
	if (!Array.isArray(paths) || paths.length === 0 || paths.length > 1000)
		throw invalidRequest('paths must be an array of 1 to 1000 object names');
	const names = paths.map((p) => String(p));
	const rows = await asCaller(
		st.sql,
		caller,
		req,
		'storage.object.sign',
		(tx) =>
			tx<
				{ name: string }[]
			>`select name from storage.objects where bucket_id = ${bucketId} and name = any(${names})`
	);
	const found = new Set(rows.map((r) => r.name));
	return Promise.all(
		names.map(async (name) =>
			found.has(name)
				? {
						error: null,
						path: name,
						signedURL: `/object/sign/${bucketId}/${name}?token=${await signDownload(st.secret, `${bucketId}/${name}`, expiresIn)}`
					}
				: {
						error: 'Either the object does not exist or you do not have access to it',
						path: name,
						signedURL: null
					}
		)
	);
}

/** Deletes rows as the caller (SELECT + DELETE policies), then their bytes. */
export async function removeObjects(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	names: string[]
): Promise<ObjectRow[]> {
	const rows = await asCaller(
		st.sql,
		caller,
		req,
		'storage.object.delete',
		(tx) => tx<ObjectRow[]>`
			delete from storage.objects where bucket_id = ${bucketId} and name = any(${names})
			returning ${tx(COLUMNS)}`
	);
	for (const r of rows) await st.files.remove(r.version);
	return rows;
}

export async function removeMany(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	body: Record<string, unknown>
): Promise<ObjectRow[]> {
	const prefixes = body.prefixes;
	if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.length > 1000)
		throw invalidRequest('prefixes must be an array of 1 to 1000 object names');
	return removeObjects(
		st,
		req,
		caller,
		bucketId,
		prefixes.map((p) => String(p))
	);
}

interface MoveBody {
	bucketId: string;
	sourceKey: string;
	destinationKey: string;
	destinationBucket: string;
}

function moveBody(body: Record<string, unknown>): MoveBody {
	if (typeof body.bucketId !== 'string') throw invalidRequest('bucketId is required');
	const destinationBucket =
		typeof body.destinationBucket === 'string' && body.destinationBucket
			? body.destinationBucket
			: body.bucketId;
	return {
		bucketId: body.bucketId,
		sourceKey: checkKey(body.sourceKey),
		destinationKey: checkKey(body.destinationKey),
		destinationBucket
	};
}

/** Renames a row (SELECT + UPDATE policies); the bytes keep their version-named file. */
export async function moveObject(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	body: Record<string, unknown>
): Promise<{ message: string }> {
	const m = moveBody(body);
	await findBucket(st, m.destinationBucket);
	const rows = await asCaller(
		st.sql,
		caller,
		req,
		'storage.object.move',
		(tx) => tx`
			update storage.objects
			set bucket_id = ${m.destinationBucket}, name = ${m.destinationKey}, last_accessed_at = now()
			where bucket_id = ${m.bucketId} and name = ${m.sourceKey}
			returning id`
	);
	if (rows.length === 0) throw noSuchKey();
	return { message: 'Successfully moved' };
}

/** Copies a row and its bytes (SELECT on the source, INSERT at the destination). */
export async function copyObject(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	body: Record<string, unknown>,
	upsert: boolean
): Promise<{ Id: string; Key: string }> {
	const m = moveBody(body);
	await findBucket(st, m.destinationBucket);
	const version = randomUUID();
	let copied = false;
	let old: string | null = null;
	try {
		const id = await asCaller(st.sql, caller, req, 'storage.object.copy', async (tx) => {
			const [src] = await selectObject(tx, m.bucketId, m.sourceKey);
			if (!src?.version) throw noSuchKey();
			if (upsert) {
				const [prev] = await selectObject(tx, m.destinationBucket, m.destinationKey);
				old = prev?.version ?? null;
			}
			const sub = caller.sub;
			const userMetadata =
				body.copyMetadata === false ? (body.metadata ?? null) : src.user_metadata;
			const row = {
				bucket_id: m.destinationBucket,
				name: m.destinationKey,
				owner: sub && UUID.test(sub) ? sub : null,
				owner_id: sub,
				metadata: tx.json({
					...(src.metadata ?? {}),
					lastModified: new Date().toISOString()
				} as never),
				user_metadata: userMetadata === null ? null : tx.json(userMetadata as never),
				version
			};
			const [inserted] = await tx<{ id: string }[]>`
				insert into storage.objects ${tx(row)}
				${
					upsert
						? tx`on conflict (bucket_id, name) do update set
							owner = excluded.owner, owner_id = excluded.owner_id,
							metadata = excluded.metadata, user_metadata = excluded.user_metadata,
							version = excluded.version, last_accessed_at = now()`
						: tx``
				}
				returning id`;
			await st.files.duplicate(src.version, version);
			copied = true;
			return inserted.id;
		});
		if (old && old !== version) await st.files.remove(old);
		return { Id: id, Key: `${m.destinationBucket}/${m.destinationKey}` };
	} catch (e) {
		if (copied) await st.files.remove(version);
		throw e;
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SORT_COLUMNS = new Set(['name', 'updated_at', 'created_at', 'last_accessed_at']);

/**
 * One folder level, as POST /object/list answers: the files directly under `prefix` and one entry
 * per sub-folder (id and dates null), only among rows the caller may SELECT.
 */
export async function listObjects(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	body: Record<string, unknown>
) {
	let prefix = typeof body.prefix === 'string' ? body.prefix : '';
	prefix = prefix.replace(/^\/+|\/+$/g, '');
	if (prefix) prefix += '/';
	const limit = Math.min(Math.max(Number(body.limit ?? 100) || 100, 1), 1000);
	const offset = Math.max(Number(body.offset ?? 0) || 0, 0);
	const sort = (body.sortBy ?? {}) as { column?: string; order?: string };
	const column = SORT_COLUMNS.has(sort.column ?? '') ? (sort.column as string) : 'name';
	const desc = String(sort.order ?? 'asc').toLowerCase() === 'desc';
	const search = typeof body.search === 'string' ? body.search : '';
	const like = search.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
	return asCaller(
		st.sql,
		caller,
		req,
		'storage.object.list',
		(tx) => tx`
			with under as (
				select substr(name, ${prefix.length + 1}) as rest, id, updated_at, created_at,
				       last_accessed_at, metadata
				from storage.objects
				where bucket_id = ${bucketId} and starts_with(name, ${prefix})
			), entries as (
				select distinct split_part(rest, '/', 1) as name, null::uuid as id,
				       null::timestamptz as updated_at, null::timestamptz as created_at,
				       null::timestamptz as last_accessed_at, null::jsonb as metadata
				from under where strpos(rest, '/') > 0
				union all
				select rest, id, updated_at, created_at, last_accessed_at, metadata
				from under where strpos(rest, '/') = 0
			)
			select * from entries
			where name ilike ${like}
			order by ${tx(column)} ${desc ? tx`desc` : tx`asc`} nulls last, name collate "C"
			limit ${limit} offset ${offset}`
	);
}

const V2_SORT = new Set(['name', 'updated_at', 'created_at']);

interface V2Cursor {
	/** The last key of the previous page. */
	k: string;
	/** Its sort column's value (date sorts), as Postgres printed it. */
	v?: string;
	c: string;
	o: 'asc' | 'desc';
}

/**
 * POST /object/list-v2/{bucket}: keyset-paginated listing among the rows the caller may SELECT.
 * Flat (every key under `prefix`) unless with_delimiter, which folds the keys below the next `/`
 * into one folder entry each (`prefix` is a plain string prefix, as in S3). The cursor carries the
 * sort, so later pages keep the order the first one asked for.
 */
export async function listObjectsV2(
	st: StorageContext,
	req: GatewayRequest,
	caller: Caller,
	bucketId: string,
	body: Record<string, unknown>
) {
	if (body.prefix !== undefined && typeof body.prefix !== 'string')
		throw badRequest('body/prefix must be string');
	if (body.cursor !== undefined && typeof body.cursor !== 'string')
		throw badRequest('body/cursor must be string');
	if (body.with_delimiter !== undefined && typeof body.with_delimiter !== 'boolean')
		throw badRequest('body/with_delimiter must be boolean');
	let limit = 1000;
	if (body.limit !== undefined) {
		if (!Number.isInteger(body.limit)) throw badRequest('body/limit must be integer');
		if ((body.limit as number) < 1) throw badRequest('body/limit must be >= 1');
		limit = Math.min(body.limit as number, 1000);
	}
	let column = 'name';
	let order: 'asc' | 'desc' = 'asc';
	if (body.sortBy !== undefined) {
		const s = body.sortBy as { column?: unknown; order?: unknown } | null;
		if (!s || typeof s !== 'object') throw badRequest('body/sortBy must be object');
		if (s.column === undefined)
			throw badRequest("body/sortBy must have required property 'column'");
		if (typeof s.column !== 'string' || !V2_SORT.has(s.column))
			throw badRequest('body/sortBy/column must be equal to one of the allowed values');
		if (s.order !== undefined && s.order !== 'asc' && s.order !== 'desc')
			throw badRequest('body/sortBy/order must be equal to one of the allowed values');
		column = s.column;
		order = (s.order as 'asc' | 'desc' | undefined) ?? 'asc';
	}
	let after: V2Cursor | null = null;
	if (body.cursor) {
		try {
			after = JSON.parse(Buffer.from(body.cursor as string, 'base64url').toString('utf8'));
		} catch {
			after = null;
		}
		if (
			!after ||
			typeof after.k !== 'string' ||
			!V2_SORT.has(after.c) ||
			(after.o !== 'asc' && after.o !== 'desc')
		)
			throw invalidRequest('Invalid cursor: pass nextCursor from the previous page unchanged');
		column = after.c;
		order = after.o;
	}
	const prefix = (body.prefix as string | undefined) ?? '';
	const folders = body.with_delimiter === true;
	const rows = await asCaller(st.sql, caller, req, 'storage.object.list_v2', (tx) => {
		const cmp = order === 'asc' ? tx`>` : tx`<`;
		const dir = order === 'asc' ? tx`asc` : tx`desc`;
		const sortValue = column === 'name' ? tx`null::timestamptz` : tx`${tx(column)}`;
		const keyset = !after
			? tx``
			: column === 'name'
				? tx`where key collate "C" ${cmp} ${after.k}`
				: tx`where (sort_at, key collate "C") ${cmp} (${after.v ?? null}::timestamptz, ${after.k})`;
		const entries = folders
			? tx`
				select key, null::uuid as id, null::jsonb as metadata, max(updated_at) as updated_at,
				       max(created_at) as created_at, max(last_accessed_at) as last_accessed_at,
				       max(sort_at) as sort_at
				from keyed where key <> name group by key
				union all
				select key, id, metadata, updated_at, created_at, last_accessed_at, sort_at
				from keyed where key = name`
			: tx`select key, id, metadata, updated_at, created_at, last_accessed_at, sort_at from keyed`;
		return tx<
			{
				key: string;
				id: string | null;
				metadata: unknown;
				updated_at: Date | null;
				created_at: Date | null;
				last_accessed_at: Date | null;
				sort_text: string | null;
			}[]
		>`
			with keyed as (
				select
					${
						folders
							? tx`case when strpos(substr(name, ${prefix.length + 1}), '/') > 0
							          then ${prefix} || split_part(substr(name, ${prefix.length + 1}), '/', 1) || '/'
							          else name end`
							: tx`name`
					} as key,
					name, id, metadata, updated_at, created_at, last_accessed_at, ${sortValue} as sort_at
				from storage.objects
				where bucket_id = ${bucketId} and starts_with(name, ${prefix})
			), entries as (${entries})
			select key, id, metadata, updated_at, created_at, last_accessed_at, sort_at::text as sort_text
			from entries ${keyset}
			order by ${column === 'name' ? tx`` : tx`sort_at ${dir},`} key collate "C" ${dir}
			limit ${limit + 1}`;
	});
	const hasNext = rows.length > limit;
	const page = rows.slice(0, limit);
	const last = page[page.length - 1];
	const cursor: V2Cursor | null =
		hasNext && last
			? {
					k: last.key,
					c: column,
					o: order,
					...(column === 'name' ? {} : { v: last.sort_text ?? undefined })
				}
			: null;
	return {
		hasNext,
		...(cursor ? { nextCursor: Buffer.from(JSON.stringify(cursor)).toString('base64url') } : {}),
		folders: page.filter((r) => r.id === null).map((r) => ({ key: r.key, name: r.key })),
		objects: page
			.filter((r) => r.id !== null)
			.map((r) => ({
				id: r.id,
				key: r.key,
				name: r.key,
				metadata: r.metadata,
				updated_at: r.updated_at,
				created_at: r.created_at,
				last_accessed_at: r.last_accessed_at
			}))
	};
}
