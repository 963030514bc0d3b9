// One WebSocket: decodes frames, answers heartbeats, and routes joins, leaves and channel events.
// Frames are handled one after another so a join's authorization finishes before the events the
// client sends on that channel afterwards.
import type { WebSocket } from 'ws';
import { Channel, type Conn, type RealtimeDeps } from './channel.ts';
import { REASONS } from './limits.ts';
import { decodeFrame, encodeMessage, FrameError, type Message, type Vsn } from './socket.ts';
import type { Claims } from './tokens.ts';

/** A socket whose send buffer grows past this is too slow to keep; it is dropped. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const TEXT = { binary: false } as const;

export class Connection implements Conn {
	readonly vsn: Vsn;
	readonly token: string;
	readonly claims: Claims;
	readonly headers: Record<string, string>;
	readonly channels = new Map<string, Channel>();
	alive = true;
	private queue: Promise<void> = Promise.resolve();
	private readonly ws: WebSocket;
	private readonly deps: RealtimeDeps;

	constructor(
		ws: WebSocket,
		deps: RealtimeDeps,
		opts: { vsn: Vsn; token: string; claims: Claims; headers: Record<string, string> }
	) {
		this.ws = ws;
		this.deps = deps;
		this.vsn = opts.vsn;
		this.token = opts.token;
		this.claims = opts.claims;
		this.headers = opts.headers;
		ws.on('message', (data, isBinary) => {
			const buf = Array.isArray(data)
				? Buffer.concat(data)
				: Buffer.isBuffer(data)
					? data
					: Buffer.from(data);
			this.queue = this.queue.then(() => this.onFrame(buf, isBinary));
		});
		ws.on('pong', () => {
			this.alive = true;
		});
		ws.on('close', () => this.closeChannels());
		ws.on('error', () => this.closeChannels());
	}

	sendFrame(frame: string | Buffer, text = false): void {
		if (this.ws.readyState !== this.ws.OPEN) return;
		if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
			this.ws.terminate();
			return;
		}
		if (text) this.ws.send(frame, TEXT);
		else this.ws.send(frame);
	}

	send(msg: Message): void {
		this.sendFrame(encodeMessage(msg, this.vsn));
	}

	dropChannel(ch: Channel): void {
		if (this.channels.get(ch.topic) === ch) this.channels.delete(ch.topic);
	}

	terminate(): void {
		this.ws.terminate();
	}

	ping(): void {
		if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
	}

	private reply(msg: Message, status: 'ok' | 'error', response: unknown = {}) {
		if (msg.ref === null) return;
		this.send({
			join_ref: msg.join_ref,
			ref: msg.ref,
			topic: msg.topic,
			event: 'phx_reply',
			payload: { status, response }
		});
	}

	private async onFrame(data: Buffer, isBinary: boolean): Promise<void> {
		let msg: Message;
		try {
			msg = decodeFrame(data, isBinary, this.vsn);
		} catch (e) {
			if (!(e instanceof FrameError)) throw e;
			// Phoenix drops frames it cannot decode; we say why, once, on the phoenix topic.
			this.send({
				join_ref: null,
				ref: null,
				topic: 'phoenix',
				event: 'phx_error',
				payload: { reason: `MalformedMessage: ${e.message}` }
			});
			return;
		}
		try {
			await this.route(msg);
		} catch (e) {
			this.deps.log('error', 'realtime message failed', {
				event: msg.event,
				error: e instanceof Error ? e.stack : String(e)
			});
			this.reply(msg, 'error', { reason: 'UnknownErrorOnChannel: An unknown error occurred' });
		}
	}

	private async route(msg: Message): Promise<void> {
		if (msg.topic === 'phoenix') {
			if (msg.event === 'heartbeat') this.reply(msg, 'ok');
			else this.reply(msg, 'error', { reason: `UnknownEvent: ${msg.event}` });
			return;
		}
		if (msg.event === 'phx_join') return this.join(msg);
		const ch = this.channels.get(msg.topic);
		if (msg.event === 'phx_leave') {
			if (ch) {
				ch.leave();
				this.channels.delete(msg.topic);
			}
			this.reply(msg, 'ok');
			if (ch)
				this.send({
					join_ref: ch.joinRef,
					ref: ch.joinRef,
					topic: msg.topic,
					event: 'phx_close',
					payload: {}
				});
			return;
		}
		if (!ch) {
			this.reply(msg, 'error', { reason: 'unmatched topic' });
			return;
		}
		await ch.handle(msg);
	}

	private async join(msg: Message) {
		const existing = this.channels.get(msg.topic);
		if (existing) {
			// A second join of the same topic replaces the first, as in Phoenix.
			existing.leave();
			this.channels.delete(msg.topic);
		}
		if (this.channels.size >= this.deps.limits.maxChannelsPerClient) {
			this.reply(msg, 'error', { reason: REASONS.tooManyChannels });
			return;
		}
		const result = await Channel.join(this, this.deps, msg);
		if (!result.ok) {
			this.reply(msg, 'error', { reason: result.reason });
			return;
		}
		const ch = result.channel;
		if (this.ws.readyState !== this.ws.OPEN) {
			ch.leave();
			return;
		}
		const cfg = (msg.payload as { config?: { postgres_changes?: unknown } } | null)?.config;
		const sub = await this.deps.changes.subscribe(ch, cfg?.postgres_changes);
		if (!sub.ok) {
			ch.leave();
			this.reply(msg, 'error', { reason: sub.reason });
			return;
		}
		this.channels.set(msg.topic, ch);
		this.reply(msg, 'ok', { postgres_changes: sub.bindings });
		ch.start(sub.bindings);
	}

	private closeChannels() {
		for (const ch of this.channels.values()) ch.leave();
		this.channels.clear();
	}
}
