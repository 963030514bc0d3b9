// Phoenix frames as realtime-js speaks them: vsn 1.0.0 JSON objects, vsn 2.0.0 JSON arrays plus
// the binary user-broadcast frames (kind 3 from the client, kind 4 to it).

import { parseClientJson } from '../http.ts';

export type Vsn = '1.0.0' | '2.0.0';

export interface Message {
	join_ref: string | null;
	ref: string | null;
	topic: string;
	event: string;
	payload: unknown;
}

/** A user broadcast as it travels inside the server, before it is framed for each receiver. */
export interface UserBroadcast {
	event: string;
	/** JSON value, or raw bytes for binary broadcasts. */
	payload: unknown;
	binary?: Buffer;
	meta?: Record<string, unknown>;
}

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;
const BINARY_ENCODING = 0;
const JSON_ENCODING = 1;

export class FrameError extends Error {}

const refOrNull = (v: unknown): string | null =>
	v === null || v === undefined ? null : typeof v === 'string' ? v : String(v);

/** Decodes one frame; throws FrameError on anything malformed. */
export function decodeFrame(data: Buffer, isBinary: boolean, vsn: Vsn): Message {
	if (isBinary) {
		if (vsn !== '2.0.0') throw new FrameError('binary frames need vsn 2.0.0');
		return decodeUserBroadcastPush(data);
	}
	let parsed: unknown;
	try {
		parsed = parseClientJson(data.toString('utf8'));
	} catch {
		throw new FrameError('frame is not JSON');
	}
	if (vsn === '2.0.0') {
		if (!Array.isArray(parsed) || parsed.length !== 5) throw new FrameError('expected a 5-array');
		const [joinRef, ref, topic, event, payload] = parsed as unknown[];
		if (typeof topic !== 'string' || typeof event !== 'string')
			throw new FrameError('topic and event must be strings');
		return { join_ref: refOrNull(joinRef), ref: refOrNull(ref), topic, event, payload };
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new FrameError('expected an object');
	const o = parsed as Record<string, unknown>;
	if (typeof o.topic !== 'string' || typeof o.event !== 'string')
		throw new FrameError('topic and event must be strings');
	return {
		join_ref: refOrNull(o.join_ref),
		ref: refOrNull(o.ref),
		topic: o.topic,
		event: o.event,
		payload: o.payload
	};
}

function decodeUserBroadcastPush(buf: Buffer): Message {
	if (buf.length < 7 || buf[0] !== USER_BROADCAST_PUSH)
		throw new FrameError('unsupported binary frame');
	const lens = [buf[1], buf[2], buf[3], buf[4], buf[5]];
	const encoding = buf[6];
	let offset = 7;
	const parts: string[] = [];
	for (const len of lens) {
		if (offset + len > buf.length) throw new FrameError('truncated binary frame');
		parts.push(buf.toString('utf8', offset, offset + len));
		offset += len;
	}
	const [joinRef, ref, topic, event, metaText] = parts;
	const body = buf.subarray(offset);
	let meta: Record<string, unknown> | undefined;
	let payload: unknown;
	try {
		if (metaText) meta = parseClientJson(metaText) as Record<string, unknown>;
		payload = encoding === JSON_ENCODING ? parseClientJson(body.toString('utf8')) : undefined;
	} catch {
		throw new FrameError('binary frame carries invalid JSON');
	}
	const inner: Record<string, unknown> = { type: 'broadcast', event };
	if (encoding === BINARY_ENCODING) inner.binary = Buffer.from(body);
	else inner.payload = payload;
	if (meta) inner.meta = meta;
	return { join_ref: joinRef || null, ref: ref || null, topic, event: 'broadcast', payload: inner };
}

/** Encodes a server message; vsn 1.0.0 omits join_ref, as Phoenix's V1 serializer does. */
export function encodeMessage(msg: Message, vsn: Vsn): string {
	if (vsn === '2.0.0')
		return JSON.stringify([msg.join_ref, msg.ref, msg.topic, msg.event, msg.payload]);
	return JSON.stringify({ topic: msg.topic, event: msg.event, payload: msg.payload, ref: msg.ref });
}

/** Like encodeMessage, with the payload already serialized (shared by many receivers). */
export function encodeWithPayloadJson(
	msg: Omit<Message, 'payload'>,
	payloadJson: string,
	vsn: Vsn
): string {
	const ref = msg.ref === null ? 'null' : JSON.stringify(msg.ref);
	const topic = JSON.stringify(msg.topic);
	const event = JSON.stringify(msg.event);
	if (vsn === '2.0.0') {
		const joinRef = msg.join_ref === null ? 'null' : JSON.stringify(msg.join_ref);
		return `[${joinRef},${ref},${topic},${event},${payloadJson}]`;
	}
	return `{"topic":${topic},"event":${event},"payload":${payloadJson},"ref":${ref}}`;
}

/** The kind 4 frame realtime-js decodes into a `broadcast` event. */
export function encodeUserBroadcast(topic: string, b: UserBroadcast): Buffer {
	const topicBytes = Buffer.from(topic, 'utf8');
	const eventBytes = Buffer.from(b.event, 'utf8');
	const metaBytes = Buffer.from(b.meta ? JSON.stringify(b.meta) : '', 'utf8');
	const body = b.binary ?? Buffer.from(JSON.stringify(b.payload ?? {}), 'utf8');
	const header = Buffer.from([
		USER_BROADCAST,
		topicBytes.length,
		eventBytes.length,
		metaBytes.length,
		b.binary ? BINARY_ENCODING : JSON_ENCODING
	]);
	return Buffer.concat([header, topicBytes, eventBytes, metaBytes, body]);
}

/** Whether a broadcast fits the kind 4 header (every length is one byte). */
export function fitsUserBroadcastFrame(topic: string, b: UserBroadcast): boolean {
	return (
		Buffer.byteLength(topic) <= 255 &&
		Buffer.byteLength(b.event) <= 255 &&
		(!b.meta || Buffer.byteLength(JSON.stringify(b.meta)) <= 255)
	);
}

/** The JSON `broadcast` payload for receivers that do not get kind 4 frames. */
export function broadcastPayload(b: UserBroadcast): Record<string, unknown> {
	const out: Record<string, unknown> = {
		type: 'broadcast',
		event: b.event,
		payload: b.binary ? b.binary.toString('base64') : b.payload
	};
	if (b.meta) out.meta = b.meta;
	return out;
}
