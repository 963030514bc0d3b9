// One joined channel on one socket: its config, the token it acts with, what its policies allow,
// and the events a client pushes to it (broadcast, presence, access_token).
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { z } from 'zod';
import {
	readPolicies,
	writePolicy,
	AuthorizationError,
	type Extension,
	type ReadPolicies
} from './authorization.ts';
import { namespaceOf, type Hub, type Subscriber } from './broadcast.ts';
import { byteSize, REASONS, type JoinRateLimiter, type Limits } from './limits.ts';
import type { Message, UserBroadcast, Vsn } from './socket.ts';
import type { Claims, TokenVerifier } from './tokens.ts';
import type { PostgresChanges, ChangeBinding } from './postgres-changes.ts';

export interface RealtimeDeps {
	sql: postgres.Sql;
	hub: Hub;
	verifier: TokenVerifier;
	limits: Limits;
	joinLimiter: JoinRateLimiter;
	changes: PostgresChanges;
	log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** What a channel needs from its socket. */
export interface Conn {
	readonly vsn: Vsn;
	readonly token: string;
	readonly claims: Claims;
	readonly headers: Record<string, string>;
	sendFrame(frame: string | Buffer, text?: boolean): void;
	send(msg: Message): void;
	/** Forgets a channel that stopped on its own (expiry, revoked access). */
	dropChannel(ch: Channel): void;
}

const joinConfig = z
	.object({
		broadcast: z
			.object({ self: z.boolean().optional(), ack: z.boolean().optional() })
			.passthrough()
			.optional(),
		presence: z
			.object({ key: z.string().optional(), enabled: z.boolean().optional() })
			.passthrough()
			.optional(),
		postgres_changes: z
			.array(
				z
					.object({
						event: z.string().default('*'),
						schema: z.string().default('public'),
						table: z.string().optional(),
						filter: z.string().optional()
					})
					.passthrough()
			)
			.optional(),
		private: z.boolean().optional()
	})
	.passthrough();

const joinPayload = z
	.object({
		config: joinConfig.optional(),
		access_token: z.string().optional(),
		user_token: z.string().optional()
	})
	.passthrough();

export type JoinResult = { ok: true; channel: Channel } | { ok: false; reason: string };

const unauthorizedRead = (name: string) =>
	`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`;

export class Channel implements Subscriber {
	readonly topic: string;
	readonly name: string;
	readonly joinRef: string | null;
	readonly isPrivate: boolean;
	readonly ns: string;
	readonly selfBroadcast: boolean;
	readonly ack: boolean;
	readonly presenceKey: string;
	readonly joinedAt = Date.now();
	private presenceEnabled: boolean;
	private read: ReadPolicies;
	private writes = new Map<Extension, Promise<boolean>>();
	private claims: Claims;
	private expiry: NodeJS.Timeout | undefined;
	private readonly conn: Conn;
	private readonly deps: RealtimeDeps;
	closed = false;

	get vsn(): Vsn {
		return this.conn.vsn;
	}

	private constructor(
		conn: Conn,
		deps: RealtimeDeps,
		msg: Message,
		config: z.infer<typeof joinConfig>,
		claims: Claims,
		read: ReadPolicies
	) {
		this.conn = conn;
		this.deps = deps;
		this.topic = msg.topic;
		this.name = msg.topic.replace(/^realtime:/, '');
		this.joinRef = msg.join_ref ?? msg.ref;
		this.isPrivate = config.private === true;
		this.ns = namespaceOf(this.name, this.isPrivate);
		this.selfBroadcast = config.broadcast?.self === true;
		this.ack = config.broadcast?.ack === true;
		this.presenceKey = config.presence?.key || randomUUID();
		this.presenceEnabled = config.presence?.enabled === true;
		this.claims = claims;
		this.read = read;
	}

	/** Authorizes and builds a channel for a phx_join; the caller replies and subscribes it. */
	static async join(conn: Conn, deps: RealtimeDeps, msg: Message): Promise<JoinResult> {
		const parsed = joinPayload.safeParse(msg.payload ?? {});
		if (!parsed.success) return { ok: false, reason: 'InvalidJoinPayload: malformed join payload' };
		if (!deps.joinLimiter.allow()) return { ok: false, reason: REASONS.tooManyJoins };
		const config = parsed.data.config ?? {};
		const name = msg.topic.replace(/^realtime:/, '');
		if (!name) return { ok: false, reason: 'TopicNameRequired: You must provide a topic name' };
		const given = parsed.data.access_token ?? parsed.data.user_token;
		let claims = conn.claims;
		if (given && !given.startsWith('sb_') && given !== conn.token) {
			const v = await deps.verifier.verify(given);
			if (!v.ok) return { ok: false, reason: `InvalidJWTToken: ${v.reason}` };
			claims = v.claims;
		} else if (conn.claims.exp * 1000 <= Date.now()) {
			return { ok: false, reason: 'InvalidJWTToken: Token has expired' };
		}
		let read: ReadPolicies = { broadcast: true, presence: true };
		if (config.private) {
			try {
				read = await readPolicies(deps.sql, name, { claims, headers: conn.headers });
			} catch (e) {
				if (!(e instanceof AuthorizationError)) throw e;
				return { ok: false, reason: unauthorizedRead(name) };
			}
			if (!read.broadcast && !read.presence) return { ok: false, reason: unauthorizedRead(name) };
		}
		const channel = new Channel(conn, deps, msg, config, claims, read);
		channel.armExpiry();
		return { ok: true, channel };
	}

	/** After the ok reply: start receiving, send presence_state and postgres_changes status. */
	start(bindings: ChangeBinding[] | null): void {
		this.deps.hub.subscribe(this.ns, this);
		if (this.presenceEnabled && this.read.presence) this.deps.hub.sendPresenceState(this.ns, this);
		if (bindings && bindings.length)
			this.push('system', {
				extension: 'postgres_changes',
				status: 'ok',
				message: 'Subscribed to PostgreSQL',
				channel: this.name
			});
	}

	canReceive(extension: Extension): boolean {
		return !this.closed && this.read[extension];
	}

	wantsPresence(): boolean {
		return this.presenceEnabled;
	}

	get currentClaims(): Claims {
		return this.claims;
	}

	sendFrame(frame: string | Buffer, text?: boolean): void {
		this.conn.sendFrame(frame, text);
	}

	push(event: string, payload: unknown): void {
		this.conn.send({ join_ref: this.joinRef, ref: null, topic: this.topic, event, payload });
	}

	private reply(msg: Message, status: 'ok' | 'error', response: Record<string, unknown> = {}) {
		if (msg.ref === null) return;
		this.conn.send({
			join_ref: this.joinRef,
			ref: msg.ref,
			topic: this.topic,
			event: 'phx_reply',
			payload: { status, response }
		});
	}

	private mayWrite(extension: Extension): Promise<boolean> {
		if (!this.isPrivate) return Promise.resolve(true);
		let p = this.writes.get(extension);
		if (!p) {
			p = writePolicy(this.deps.sql, this.name, extension, {
				claims: this.claims,
				headers: this.conn.headers
			}).catch((e: unknown) => {
				this.deps.log('warn', 'realtime write authorization failed', { error: String(e) });
				this.writes.delete(extension);
				return false;
			});
			this.writes.set(extension, p);
		}
		return p;
	}

	async handle(msg: Message): Promise<void> {
		switch (msg.event) {
			case 'broadcast':
				return this.onBroadcast(msg);
			case 'presence':
				return this.onPresence(msg);
			case 'access_token':
				return this.onAccessToken(msg);
			default:
				this.reply(msg, 'error', { reason: `UnknownEvent: ${msg.event}` });
		}
	}

	private async onBroadcast(msg: Message) {
		const p = (msg.payload ?? {}) as Record<string, unknown>;
		if (typeof p.event !== 'string') {
			if (this.ack) this.reply(msg, 'error', { reason: 'InvalidBroadcast: event is required' });
			return;
		}
		const b: UserBroadcast = { event: p.event, payload: p.payload ?? {} };
		if (Buffer.isBuffer(p.binary)) b.binary = p.binary;
		if (byteSize(b.binary ?? b.payload) > this.deps.limits.maxPayloadBytes) {
			if (this.ack) this.reply(msg, 'error', { reason: REASONS.payloadTooLarge });
			return;
		}
		if (!(await this.mayWrite('broadcast'))) {
			if (this.ack)
				this.reply(msg, 'error', {
					reason: `Unauthorized: You do not have permissions to write to this Channel topic: ${this.name}`
				});
			return;
		}
		this.deps.hub.broadcast(this.ns, b, this);
		if (this.ack) this.reply(msg, 'ok');
	}

	private async onPresence(msg: Message) {
		const p = (msg.payload ?? {}) as Record<string, unknown>;
		if (p.event === 'untrack') {
			this.deps.hub.untrack(this.ns, this);
			this.reply(msg, 'ok');
			return;
		}
		if (p.event !== 'track') {
			this.reply(msg, 'error', { reason: 'InvalidPresence: event must be track or untrack' });
			return;
		}
		const fields =
			p.payload && typeof p.payload === 'object' && !Array.isArray(p.payload)
				? (p.payload as Record<string, unknown>)
				: {};
		if (byteSize(fields) > this.deps.limits.maxPayloadBytes) {
			this.reply(msg, 'error', { reason: REASONS.payloadTooLarge });
			return;
		}
		if (!(await this.mayWrite('presence'))) {
			this.reply(msg, 'error', {
				reason: `Unauthorized: You do not have permissions to track presence on this Channel topic: ${this.name}`
			});
			return;
		}
		// Tracking turns presence on for this channel, as the real server does; it then needs the
		// state it has not seen.
		if (!this.presenceEnabled && this.read.presence) {
			this.presenceEnabled = true;
			this.deps.hub.sendPresenceState(this.ns, this);
		}
		this.deps.hub.track(this.ns, this, this.presenceKey, fields);
		this.reply(msg, 'ok');
	}

	private async onAccessToken(msg: Message) {
		const token = (msg.payload as { access_token?: unknown } | null)?.access_token;
		if (typeof token !== 'string' || token.startsWith('sb_')) return;
		const v = await this.deps.verifier.verify(token);
		if (!v.ok) {
			this.stop(v.reason);
			return;
		}
		this.claims = v.claims;
		this.writes.clear();
		this.armExpiry();
		await this.recheck();
	}

	/** Re-evaluates read access (new token or periodic check) and stops the channel if revoked. */
	async recheck(): Promise<void> {
		if (this.closed || !this.isPrivate) return;
		try {
			const read = await readPolicies(this.deps.sql, this.name, {
				claims: this.claims,
				headers: this.conn.headers
			});
			if (!read.broadcast && !read.presence) {
				this.stop(`You do not have permissions to read from this Channel topic: ${this.name}`);
				return;
			}
			this.read = read;
			this.writes.clear();
		} catch (e) {
			if (e instanceof AuthorizationError) {
				this.stop(`You do not have permissions to read from this Channel topic: ${this.name}`);
				return;
			}
			this.deps.log('warn', 'realtime authorization recheck failed', { error: String(e) });
		}
	}

	private armExpiry() {
		clearTimeout(this.expiry);
		const ms = this.claims.exp * 1000 - Date.now();
		// Timers cap at ~24.8 days; tokens living longer are rechecked when the timer fires.
		this.expiry = setTimeout(
			() => {
				if (this.claims.exp * 1000 <= Date.now()) this.stop('Token has expired 0 seconds ago');
				else this.armExpiry();
			},
			Math.min(Math.max(ms, 0), 2 ** 31 - 1)
		);
		this.expiry.unref();
	}

	/** Closes the channel from the server side with a system error, as the real server does. */
	stop(message: string): void {
		if (this.closed) return;
		this.push('system', { extension: 'system', status: 'error', message, channel: this.name });
		this.conn.send({
			join_ref: this.joinRef,
			ref: this.joinRef,
			topic: this.topic,
			event: 'phx_close',
			payload: {}
		});
		this.leave();
		this.conn.dropChannel(this);
	}

	/** Forgets the channel everywhere (leave, socket closed, replaced by a new join). */
	leave(): void {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.expiry);
		this.deps.hub.unsubscribe(this.ns, this);
		this.deps.changes.unsubscribe(this);
	}
}
