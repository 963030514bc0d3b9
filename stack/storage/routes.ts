// The storage-js routes under /storage/v1, matched on the raw path so traversal is seen before
// anything normalises it away.
import type { ServerResponse } from 'node:http';
import {
	JsonTooDeepError,
	parseClientJson,
	readBody,
	sendJson,
	type GatewayRequest
} from '../http.ts';
import type { StorageContext } from './context.ts';
import {
	createBucket,
	deleteBucket,
	emptyBucket,
	getBucket,
	listBuckets,
	updateBucket
} from './buckets.ts';
import {
	invalidKey,
	invalidRequest,
	invalidSignature,
	noSuchKey,
	routeNotFound
} from './errors.ts';
import { parseBucket, parseKey } from './keys.ts';
import {
	anyObject,
	copyObject,
	listObjects,
	listObjectsV2,
	moveObject,
	objectInfo,
	publicObject,
	readableObject,
	removeMany,
	removeObjects,
	signMany,
	signOne
} from './objects.ts';
import { verifyCaller, serviceCaller, type Caller } from './scope.ts';
import { parseTransform, sendRendered, transformFromString } from './render.ts';
import { sendObject } from './send.ts';
import { signUpload, verifySigned } from './signing.ts';
import { probeUpload, uploadObject } from './upload.ts';

const JSON_LIMIT = 1024 * 1024;

async function jsonBody(req: GatewayRequest): Promise<Record<string, unknown>> {
	const raw = await readBody(req, JSON_LIMIT);
	if (raw.length === 0) return {};
	try {
		const v: unknown = parseClientJson(raw.toString('utf8'));
		if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
	} catch (e) {
		if (e instanceof JsonTooDeepError) throw invalidRequest(`The body ${e.message.slice(5)}`);
	}
	throw invalidRequest('The body must be a JSON object');
}

/** The path after /storage/v1 exactly as sent, split into still-encoded segments. */
function rawSegments(req: GatewayRequest): string[] {
	const raw = (req.url ?? '/').split('?')[0];
	const m = raw.match(/^\/storage\/v1(\/.*)?$/);
	if (!m) throw invalidKey('Invalid path');
	return (m[1] ?? '/').slice(1).split('/');
}

export async function route(
	st: StorageContext,
	req: GatewayRequest,
	res: ServerResponse
): Promise<void> {
	const seg = rawSegments(req);
	const method = req.method ?? 'GET';
	const notFound = () => routeNotFound(method, (req.url ?? '/').replace(/^\/storage\/v1/, ''));
	const caller = (): Promise<Caller> => verifyCaller(req, st.secret);
	const upsertHeader = String(req.headers['x-upsert'] ?? '').toLowerCase() === 'true';

	if (seg[0] === 'bucket') {
		const who = await caller();
		if (seg.length === 1 || (seg.length === 2 && seg[1] === '')) {
			if (method === 'GET') return sendJson(res, 200, await listBuckets(st, req, who));
			if (method === 'POST')
				return sendJson(res, 200, await createBucket(st, req, who, await jsonBody(req)));
		} else {
			const id = parseBucket(seg[1]);
			if (seg.length === 3 && seg[2] === 'empty' && method === 'POST')
				return sendJson(res, 200, await emptyBucket(st, req, who, id));
			if (seg.length === 2) {
				if (method === 'GET') return sendJson(res, 200, await getBucket(st, req, who, id));
				if (method === 'PUT')
					return sendJson(res, 200, await updateBucket(st, req, who, id, await jsonBody(req)));
				if (method === 'DELETE') return sendJson(res, 200, await deleteBucket(st, req, who, id));
			}
		}
		throw notFound();
	}
	if (seg[0] === 'render') {
		// Without [storage.image_transformation] these routes do not exist, as in Storage.
		if (!st.imageTransformation || seg[1] !== 'image' || (method !== 'GET' && method !== 'HEAD'))
			throw notFound();
		const kind = seg[2];
		const bucketId = parseBucket(seg[3]);
		const name = parseKey(seg.slice(4));
		const download = req.query.get('download');
		if (kind === 'public') {
			const options = parseTransform((k) => req.query.get(k) ?? undefined);
			const row = await publicObject(st, bucketId, name);
			return sendRendered(st, req, res, row, options, download);
		}
		if (kind === 'sign') {
			const claims = await verifySigned(st.secret, req.query.get('token'), `${bucketId}/${name}`);
			if (claims.scope === 'upload') throw invalidSignature('Token is not scoped for download');
			const row = await anyObject(st, bucketId, name);
			const options = transformFromString(claims.transformations);
			const expires = new Date(claims.exp * 1000).toUTCString();
			return sendRendered(st, req, res, row, options, download, expires);
		}
		if (kind === 'authenticated') {
			const options = parseTransform((k) => req.query.get(k) ?? undefined);
			const who = await caller();
			const row = await readableObject(st, req, who, bucketId, name, 'storage.render.image');
			return sendRendered(st, req, res, row, options, download);
		}
		throw notFound();
	}
	if (seg[0] !== 'object') throw notFound();
	const [, a, b] = seg;

	// Routes authorised by something other than the caller's JWT.
	if (a === 'public' && (method === 'GET' || method === 'HEAD')) {
		const bucketId = parseBucket(b);
		const row = await publicObject(st, bucketId, parseKey(seg.slice(3)));
		return sendObject(st, req, res, row, req.query.get('download'));
	}
	if (a === 'sign' && method === 'GET' && seg.length > 3) {
		const bucketId = parseBucket(b);
		const name = parseKey(seg.slice(3));
		const claims = await verifySigned(st.secret, req.query.get('token'), `${bucketId}/${name}`);
		if (claims.scope === 'upload') throw invalidSignature('Token is not scoped for download');
		return sendObject(st, req, res, await anyObject(st, bucketId, name), req.query.get('download'));
	}
	if (a === 'upload' && b === 'sign' && method === 'PUT') {
		const bucketId = parseBucket(seg[3]);
		const name = parseKey(seg.slice(4));
		const claims = await verifySigned(st.secret, req.query.get('token'), `${bucketId}/${name}`);
		if (claims.scope !== 'upload') throw invalidSignature('Token is not scoped for upload');
		const { id, key } = await uploadObject(st, req, {
			bucketId,
			name,
			upsert: claims.upsert,
			uploadTokenId: claims.jti ?? `legacy:${req.query.get('token')}`,
			caller: serviceCaller(claims.owner),
			operation: 'storage.object.upload_signed'
		});
		return sendJson(res, 200, { Id: id, Key: key });
	}

	const who = await caller();
	if (a === 'upload' && b === 'sign' && method === 'POST') {
		const bucketId = parseBucket(seg[3]);
		const name = parseKey(seg.slice(4));
		await probeUpload(st, req, {
			bucketId,
			name,
			upsert: upsertHeader,
			caller: who,
			operation: 'storage.object.upload_sign'
		});
		const token = await signUpload(st.secret, `${bucketId}/${name}`, who.sub, upsertHeader);
		return sendJson(res, 200, {
			url: `/object/upload/sign/${bucketId}/${name}?token=${token}`,
			token
		});
	}
	if (a === 'sign' && method === 'POST') {
		const bucketId = parseBucket(b);
		const body = await jsonBody(req);
		if (seg.length === 3) return sendJson(res, 200, await signMany(st, req, who, bucketId, body));
		const name = parseKey(seg.slice(3));
		return sendJson(res, 200, await signOne(st, req, who, bucketId, name, body));
	}
	if (a === 'list' && method === 'POST' && seg.length === 3) {
		const bucketId = parseBucket(b);
		return sendJson(res, 200, await listObjects(st, req, who, bucketId, await jsonBody(req)));
	}
	if (a === 'list-v2' && method === 'POST' && seg.length === 3) {
		const bucketId = parseBucket(b);
		return sendJson(res, 200, await listObjectsV2(st, req, who, bucketId, await jsonBody(req)));
	}
	if (a === 'move' && method === 'POST' && seg.length === 2)
		return sendJson(res, 200, await moveObject(st, req, who, await jsonBody(req)));
	if (a === 'copy' && method === 'POST' && seg.length === 2)
		return sendJson(res, 200, await copyObject(st, req, who, await jsonBody(req), upsertHeader));
	if (a === 'info' && method === 'GET') {
		const rest = seg[2] === 'authenticated' || seg[2] === 'public' ? seg.slice(3) : seg.slice(2);
		const bucketId = parseBucket(rest[0]);
		const name = parseKey(rest.slice(1));
		const row =
			seg[2] === 'public'
				? await publicObject(st, bucketId, name)
				: await readableObject(st, req, who, bucketId, name, 'storage.object.info');
		return sendJson(res, 200, objectInfo(row));
	}
	if (a === 'authenticated' && (method === 'GET' || method === 'HEAD')) {
		const bucketId = parseBucket(b);
		const name = parseKey(seg.slice(3));
		const row = await readableObject(st, req, who, bucketId, name, 'storage.object.get');
		return sendObject(st, req, res, row, req.query.get('download'));
	}

	// /object/{bucket} and /object/{bucket}/{path…}
	const bucketId = parseBucket(a);
	if (seg.length === 2 && method === 'DELETE')
		return sendJson(res, 200, await removeMany(st, req, who, bucketId, await jsonBody(req)));
	const name = parseKey(seg.slice(2));
	if (method === 'POST' || method === 'PUT') {
		const { id, key } = await uploadObject(st, req, {
			bucketId,
			name,
			upsert: method === 'PUT' || upsertHeader,
			caller: who,
			operation: method === 'PUT' ? 'storage.object.update' : 'storage.object.upload'
		});
		return sendJson(res, 200, { Id: id, Key: key });
	}
	if (method === 'GET' || method === 'HEAD') {
		const row = await readableObject(st, req, who, bucketId, name, 'storage.object.get');
		return sendObject(st, req, res, row, req.query.get('download'));
	}
	if (method === 'DELETE') {
		const rows = await removeObjects(st, req, who, bucketId, [name]);
		if (rows.length === 0) throw noSuchKey();
		return sendJson(res, 200, { message: 'Successfully deleted' });
	}
	throw notFound();
}
