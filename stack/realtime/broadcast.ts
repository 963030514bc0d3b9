// Fan-out: which joined channels listen on which topic, and delivering broadcasts and presence
// diffs to them. A topic lives in one of two namespaces, public or private (the join's `private`
// flag, or realtime.messages.private for database broadcasts), as on the real server.
import {
	broadcastPayload,
	encodeMessage,
	encodeWithPayloadJson,
	encodeUserBroadcast,
	fitsUserBroadcastFrame,
	type UserBroadcast,
	type Vsn
} from './socket.ts';
import { PresenceTopic } from './presence.ts';
import type { Extension } from './authorization.ts';
import { performance } from 'node:perf_hooks';

export interface Subscriber {
	/** Full Phoenix topic, `realtime:<name>`. */
	readonly topic: string;
	readonly vsn: Vsn;
	readonly selfBroadcast: boolean;
	readonly joinedAt: number;
	readonly joinRef: string | null;
	canReceive(extension: Extension): boolean;
	wantsPresence(): boolean;
	/** A string or a binary Buffer; `text` sends an already encoded Buffer as a text frame. */
	sendFrame(frame: string | Buffer, text?: boolean): void;
	push(event: string, payload: unknown): void;
}

export const namespaceOf = (name: string, isPrivate: boolean): string =>
	`${isPrivate ? 'private' : 'public'}:${name}`;

interface Topic {
	channels: Set<Subscriber>;
	presence: PresenceTopic<Subscriber>;
	/** Pending presence changes are flushed by this timer, one diff per window. */
	presenceTimer?: NodeJS.Timeout;
	/** The announced presence state as JSON, until the next flush changes it. */
	stateJson?: string;
	/** A flush is writing to members in chunks. */
	flushing?: boolean;
	/** How long the last flush kept the event loop busy. */
	lastFlushMs?: number;
}

/** Members written to per event-loop turn when a presence diff is flushed. */
const PRESENCE_CHUNK = 256;

interface Retained {
	namespace: string;
	broadcast: UserBroadcast;
	deliveredAt: number;
}

export class Hub {
	private readonly topics = new Map<string, Topic>();
	/**
	 * Database broadcasts committed while the service was down are delivered at start-up, before
	 * clients have had time to reconnect. They are kept for `replayWindowMs` and handed to channels
	 * that join that topic afterwards, so a restart loses none of them.
	 */
	private retained: Retained[] = [];
	private readonly startedAt = Date.now();
	private readonly replayWindowMs: number;
	private readonly presenceBatchMs: number;

	constructor(replayWindowMs: number, opts: { presenceBatchMs?: number } = {}) {
		this.replayWindowMs = replayWindowMs;
		this.presenceBatchMs = opts.presenceBatchMs ?? 20;
	}

	private topic(ns: string): Topic {
		let t = this.topics.get(ns);
		if (!t) this.topics.set(ns, (t = { channels: new Set(), presence: new PresenceTopic() }));
		return t;
	}

	subscribe(ns: string, s: Subscriber): void {
		this.topic(ns).channels.add(s);
		if (this.retained.length === 0) return;
		if (Date.now() - this.startedAt > this.replayWindowMs) {
			this.retained = [];
			return;
		}
		for (const r of this.retained)
			if (r.namespace === ns && r.deliveredAt < s.joinedAt && s.canReceive('broadcast'))
				this.sendBroadcast(s, r.broadcast);
	}

	/** Removes a channel and returns the presence diff its leaving caused, already delivered. */
	unsubscribe(ns: string, s: Subscriber): void {
		const t = this.topics.get(ns);
		if (!t) return;
		t.channels.delete(s);
		if (t.presence.has(s)) {
			t.presence.untrack(s);
			this.schedulePresence(ns, t);
		}
		if (t.channels.size === 0 && t.presence.size === 0) {
			clearTimeout(t.presenceTimer);
			this.topics.delete(ns);
		}
	}

	subscribers(ns: string): number {
		return this.topics.get(ns)?.channels.size ?? 0;
	}

	broadcast(ns: string, b: UserBroadcast, sender?: Subscriber, opts: { backlog?: boolean } = {}) {
		if (opts.backlog && Date.now() - this.startedAt < this.replayWindowMs)
			this.retained.push({ namespace: ns, broadcast: b, deliveredAt: Date.now() });
		const t = this.topics.get(ns);
		if (!t) return;
		let binary: Buffer | undefined;
		let v1: string | undefined;
		let v2: string | undefined;
		for (const s of t.channels) {
			if (s === sender && !s.selfBroadcast) continue;
			if (!s.canReceive('broadcast')) continue;
			if (s.vsn === '2.0.0' && fitsUserBroadcastFrame(s.topic, b)) {
				s.sendFrame((binary ??= encodeUserBroadcast(s.topic, b)));
			} else if (s.vsn === '2.0.0') {
				s.sendFrame((v2 ??= this.json(s, b)));
			} else {
				s.sendFrame((v1 ??= this.json(s, b)));
			}
		}
	}

	private json(s: Subscriber, b: UserBroadcast): string {
		return encodeMessage(
			{
				join_ref: null,
				ref: null,
				topic: s.topic,
				event: 'broadcast',
				payload: broadcastPayload(b)
			},
			s.vsn
		);
	}

	private sendBroadcast(s: Subscriber, b: UserBroadcast) {
		if (s.vsn === '2.0.0' && fitsUserBroadcastFrame(s.topic, b))
			s.sendFrame(encodeUserBroadcast(s.topic, b));
		else s.sendFrame(this.json(s, b));
	}

	/** Sends a newcomer the state the other members have been told about (see presence.ts). */
	sendPresenceState(ns: string, s: Subscriber): void {
		const t = this.topic(ns);
		t.stateJson ??= JSON.stringify(t.presence.announcedState());
		s.sendFrame(
			encodeWithPayloadJson(
				{ join_ref: s.joinRef, ref: null, topic: s.topic, event: 'presence_state' },
				t.stateJson,
				s.vsn
			)
		);
	}

	track(ns: string, s: Subscriber, key: string, fields: Record<string, unknown>): void {
		const t = this.topic(ns);
		t.presence.track(s, key, fields);
		this.schedulePresence(ns, t);
	}

	untrack(ns: string, s: Subscriber): void {
		const t = this.topics.get(ns);
		if (!t?.presence.has(s)) return;
		t.presence.untrack(s);
		this.schedulePresence(ns, t);
	}

	private schedulePresence(ns: string, t: Topic) {
		if (t.presenceTimer || t.flushing || !t.presence.dirty) return;
		// A flush to a large topic takes a while (one socket write per member); waiting a few
		// times that long before the next one keeps presence from taking over the event loop.
		const wait = Math.max(this.presenceBatchMs, 3 * (t.lastFlushMs ?? 0));
		t.presenceTimer = setTimeout(() => {
			t.presenceTimer = undefined;
			this.flushPresence(ns, t);
		}, wait);
	}

	/**
	 * Announces the pending presence changes of a topic as one diff, encoded once per protocol
	 * version and written to members in chunks, yielding to the event loop between them.
	 */
	flushPresence(ns: string, t = this.topics.get(ns)): void {
		if (!t || t.flushing) return;
		const diff = t.presence.takeDiff();
		if (!diff) return;
		t.stateJson = undefined;
		const payload = JSON.stringify(diff);
		// Sent like a Phoenix fastlane broadcast (no join_ref), so one encoding serves every
		// receiver of a protocol version. Channels joining meanwhile get the new announced state
		// instead, so the members are those of this moment.
		const members = [...t.channels];
		const frames = new Map<Vsn, Buffer>();
		const started = performance.now();
		let busyMs = 0;
		let i = 0;
		const step = () => {
			const chunkStart = performance.now();
			for (const end = Math.min(members.length, i + PRESENCE_CHUNK); i < end; i++) {
				const s = members[i];
				if (!s.wantsPresence() || !s.canReceive('presence')) continue;
				let frame = frames.get(s.vsn);
				if (!frame) {
					frame = Buffer.from(
						encodeWithPayloadJson(
							{ join_ref: null, ref: null, topic: s.topic, event: 'presence_diff' },
							payload,
							s.vsn
						)
					);
					frames.set(s.vsn, frame);
				}
				s.sendFrame(frame, true);
			}
			busyMs += performance.now() - chunkStart;
			if (i < members.length) {
				setImmediate(step);
				return;
			}
			t.flushing = false;
			t.lastFlushMs = Math.min(busyMs, performance.now() - started);
			this.schedulePresence(ns, t);
		};
		t.flushing = true;
		step();
	}
}
