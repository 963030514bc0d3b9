// Uploads: raw or multipart body → temporary file (size-limited, hashed) → declared type checked
// against the bucket and the sniffed bytes → the row written as the caller, the file renamed into
// place inside that transaction, and removed again if the row does not commit.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { HttpError, JsonTooDeepError, parseClientJson, type GatewayRequest } from '../http.ts';
import { findBucket, type StorageContext } from './context.ts';
import { invalidRequest, storageError, tooLarge } from './errors.ts';
import type { Received } from './files.ts';
import { asCaller, type Caller } from './scope.ts';
import { checkDeclared, checkSniffed } from './sniff.ts';

// Multipart framing and the small text fields around the file.
const MULTIPART_OVERHEAD = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Incoming {
	received: Received;
	contentType: string;
	cacheControl: string;
	userMetadata: unknown;
}

export interface UploadOptions {
	bucketId: string;
	name: string;
	upsert: boolean;
	caller: Caller;
	operation: string;
	/**
	 * A signed upload URL's token id: the object keeps it (metadata.uploadTokenId), and a second
	 * upload with the same token is refused, whatever upsert says.
	 */
	uploadTokenId?: string;
}

function parseJsonMetadata(text: string | null | undefined): unknown {
	if (!text) return null;
	try {
		return parseClientJson(text);
	} catch (e) {
		if (e instanceof JsonTooDeepError) throw invalidRequest(`metadata ${e.message.slice(5)}`);
		throw invalidRequest('metadata must be a JSON object');
	}
}

function cacheControlOf(v: string | null | undefined): string {
	if (!v) return 'max-age=3600';
	return /^\d+$/.test(v) ? `max-age=${v}` : v;
}

async function* counted(source: AsyncIterable<Uint8Array>, limit: number) {
	let size = 0;
	for await (const chunk of source) {
		size += chunk.length;
		if (size > limit) throw tooLarge();
		yield chunk;
	}
}

async function receiveBody(
	st: StorageContext,
	req: GatewayRequest,
	limit: number,
	allowed: string[] | null
): Promise<Incoming> {
	const declaredLength = Number(req.headers['content-length'] ?? NaN);
	const contentType = String(req.headers['content-type'] ?? '');
	if (/^multipart\/form-data/i.test(contentType)) {
		if (declaredLength > limit + MULTIPART_OVERHEAD) throw tooLarge();
		// Request.formData() holds the parts in memory; the counted stream caps that at the limit.
		const form = await new Request('http://storage.local/', {
			method: 'POST',
			headers: { 'content-type': contentType },
			body: Readable.toWeb(
				Readable.from(counted(req, limit + MULTIPART_OVERHEAD))
			) as ReadableStream,
			duplex: 'half'
		} as RequestInit)
			.formData()
			.catch((e: unknown) => {
				// The size guard's error may arrive wrapped by the fetch body reader.
				const cause = (e as { cause?: unknown }).cause;
				if (e instanceof HttpError) throw e;
				if (cause instanceof HttpError) throw cause;
				throw invalidRequest('Malformed multipart body');
			});
		let file: File | null = null;
		for (const [key, value] of form.entries()) {
			if (typeof value !== 'string' && (key === '' || !file)) file = value;
		}
		if (!file) throw invalidRequest('The multipart body has no file part');
		const fieldType = form.get('contentType');
		const declared = typeof fieldType === 'string' && fieldType ? fieldType : file.type;
		const mime = checkDeclared(declared || 'application/octet-stream', allowed);
		const received = await st.files.receive(
			Readable.fromWeb(file.stream() as import('node:stream/web').ReadableStream),
			limit
		);
		const cc = form.get('cacheControl');
		const md = form.get('metadata');
		return {
			received,
			contentType: mime,
			cacheControl: cacheControlOf(typeof cc === 'string' ? cc : null),
			userMetadata: parseJsonMetadata(typeof md === 'string' ? md : null)
		};
	}
	if (declaredLength > limit) throw tooLarge();
	const mime = checkDeclared(contentType || 'application/octet-stream', allowed);
	const xmeta = req.headers['x-metadata'];
	let userMetadata: unknown = null;
	if (typeof xmeta === 'string' && xmeta) {
		userMetadata = parseJsonMetadata(Buffer.from(xmeta, 'base64').toString('utf8'));
	}
	const received = await st.files.receive(req, limit);
	return {
		received,
		contentType: mime,
		cacheControl: cacheControlOf(req.headers['cache-control'] as string | undefined),
		userMetadata
	};
}

export async function uploadObject(
	st: StorageContext,
	req: GatewayRequest,
	opts: UploadOptions
): Promise<{ id: string; key: string }> {
	const bucket = await findBucket(st, opts.bucketId);
	const limit = Math.min(bucket.file_size_limit ?? Infinity, st.globalLimit);
	const incoming = await receiveBody(st, req, limit, bucket.allowed_mime_types);
	const { tmp, size, md5 } = incoming.received;
	const version = randomUUID();
	let placed = false;
	try {
		if (size === 0)
			throw storageError(
				'400',
				'InvalidRequest',
				'Invalid Input',
				'The file is empty: zero-byte uploads are not allowed'
			);
		// Real Storage trusts the declared type; the bytes are checked against it only where the
		// bucket restricts its types, so a disguised file cannot slip past the list.
		if (bucket.allowed_mime_types?.length) await checkSniffed(tmp, incoming.contentType);
		const now = new Date().toISOString();
		const metadata = {
			eTag: `"${md5}"`,
			size,
			mimetype: incoming.contentType,
			cacheControl: incoming.cacheControl,
			lastModified: now,
			contentLength: size,
			httpStatusCode: 200,
			...(opts.uploadTokenId ? { uploadTokenId: opts.uploadTokenId } : {})
		};
		const sub = opts.caller.sub;
		const owner = sub && UUID.test(sub) ? sub : null;
		const { id, old } = await asCaller(st.sql, opts.caller, req, opts.operation, async (tx) => {
			let old: string | null = null;
			if (opts.uploadTokenId) {
				const [used] = await tx`
					select 1 from storage.objects
					 where bucket_id = ${opts.bucketId} and name = ${opts.name}
					   and metadata ->> 'uploadTokenId' = ${opts.uploadTokenId}`;
				if (used) {
					throw storageError(
						'409',
						'KeyAlreadyExists',
						'Duplicate',
						'This signed upload URL was already used: ask for a new one'
					);
				}
			}
			if (opts.upsert) {
				const [prev] = await tx<{ version: string | null }[]>`
					select version from storage.objects
					where bucket_id = ${opts.bucketId} and name = ${opts.name}`;
				old = prev?.version ?? null;
			}
			const row = {
				bucket_id: opts.bucketId,
				name: opts.name,
				owner,
				owner_id: sub,
				metadata: tx.json(metadata),
				user_metadata:
					incoming.userMetadata === null ? null : tx.json(incoming.userMetadata as never),
				version
			};
			const [inserted] = await tx<{ id: string }[]>`
				insert into storage.objects ${tx(row)}
				${
					opts.upsert
						? tx`on conflict (bucket_id, name) do update set
							owner = excluded.owner, owner_id = excluded.owner_id,
							metadata = excluded.metadata, user_metadata = excluded.user_metadata,
							version = excluded.version, last_accessed_at = now()`
						: tx``
				}
				returning id`;
			// Bytes in place before the row commits; the catch below removes them if it does not.
			await st.files.place(tmp, version);
			placed = true;
			return { id: inserted.id, old };
		});
		if (old && old !== version) await st.files.remove(old);
		return { id, key: `${opts.bucketId}/${opts.name}` };
	} catch (e) {
		await st.files.remove(tmp);
		if (placed) await st.files.remove(version);
		throw e;
	}
}

/**
 * Tests whether the caller could upload here, as supabase/storage does before signing an upload
 * URL: the insert runs as the caller and is rolled back.
 */
export async function probeUpload(
	st: StorageContext,
	req: GatewayRequest,
	opts: UploadOptions
): Promise<void> {
	await findBucket(st, opts.bucketId);
	const rollback = Symbol('rollback');
	try {
		await asCaller(st.sql, opts.caller, req, opts.operation, async (tx) => {
			const sub = opts.caller.sub;
			await tx`
				insert into storage.objects (bucket_id, name, owner, owner_id, version)
				values (${opts.bucketId}, ${opts.name}, ${sub && UUID.test(sub) ? sub : null}, ${sub},
				        ${randomUUID()})
				${opts.upsert ? tx`on conflict (bucket_id, name) do update set version = excluded.version` : tx``}`;
			throw rollback;
		});
	} catch (e) {
		if (e !== rollback) throw e;
	}
}
